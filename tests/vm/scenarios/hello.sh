#!/bin/sh
# kdump-test-expect: poweroff
# Placeholder: the boot chain only (first kernel, boot initramfs, root disk, /sbin/init).
echo hello
poweroff -f
