#!/bin/sh
# kdump-test-expect: panic
# Crash with no capture kernel loaded: the kernel must panic and, with
# panic=5 and QEMU's -no-reboot, the VM must end by itself.
. /etc/kdump-test/functions
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
