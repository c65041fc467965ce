#!/bin/sh
# kdump-test-expect: dump
# raw target with encrypt_to, part 1 (after svc-raw-save): "raw /dev/vdc"
# sealed to the public key of tests/fixtures/age (the host holds the
# private one): the capture writes an envelope block and the age file over
# the device; a marker put into the kernel log before the crash must be
# nowhere on the device in clear.  final_action poweroff.  Run by
# tests/vm/service-e2e; svc-raw-sealed-save is part 2.
. /etc/kdump-test/functions
echo age1v9rpgrawem02c5sx5nkedvms7mknvuj60plq5ttwxygy5xdzeqlsn7em7l >/etc/kdump-test/recipients
set_kdump_conf <<CONF
raw /dev/vdc
path /var/crash
encrypt_to /etc/kdump-test/recipients
final_action poweroff
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
marker=kdump-raw-secret-$(cat /proc/sys/kernel/random/uuid)
echo "KDUMP-TEST: value marker=$marker"
echo "$marker" >/dev/kmsg
sync
crash_now
