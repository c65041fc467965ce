#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 6: the root filesystem itself on LVM on md raid1
# (vgroot/root on md1 over vdh and vdi, a copy of the test's root made in
# boot 5; the boot initramfs assembled md1 and activated vgroot).  The
# default kdump.conf ("path /var/crash", a directory on /): kdumpctl start
# resolves the whole stack under /, the capture kernel recreates it and
# writes dump 6 into the root LV.  (This file was put on the LV by boot 5,
# with boot 7's, which it puts in place.)
. /etc/kdump-test/functions
value root_mount sh -c 'grep " / / " /proc/self/mountinfo'
mkdir -p /var/crash
set_kdump_conf <<CONF
path /var/crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
# By rename: this shell is still reading the old file.
step "boot 7's scenario in place" \
        sh -c 'cat /etc/kdump-test/next-scenario >/etc/kdump-test/scenario.new && mv /etc/kdump-test/scenario.new /etc/kdump-test/scenario'
crash_when_clean md1
