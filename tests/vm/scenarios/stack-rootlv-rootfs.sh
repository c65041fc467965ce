#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 7: the root on vgroot/root again (this file was
# put in place by boot 6).  kdumpctl list shows dump 6 on /var/crash.  Then a
# target the capture cannot mount ("xfs LABEL=KDUMP": that disk is ext4)
# with failure_action dump_to_rootfs: the capture falls back to the root
# filesystem, recreates its stack (md1, vgroot/root) and writes dump 7 there.
. /etc/kdump-test/functions
value root_mount sh -c 'grep " / / " /proc/self/mountinfo'
step "kdumpctl list" kdumpctl list
value list_json kdumpctl list --json
set_kdump_conf <<CONF
xfs LABEL=KDUMP
path /var/crash
failure_action dump_to_rootfs
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_when_clean md1
