#!/bin/sh
# kdump-test-expect: dump
# Load the capture kernel with kdumpctl, show it, crash; the capture
# kernel saves the dump to LABEL=KDUMP:/crash.
. /etc/kdump-test/functions
load_and_crash
