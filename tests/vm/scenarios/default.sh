#!/bin/sh
# kdump-test-expect: dump
# Load the capture kernel with kdumpctl, show it, crash; the capture
# kernel saves the dump to LABEL=KDUMP:/crash.
. /etc/kdump-test/functions
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
