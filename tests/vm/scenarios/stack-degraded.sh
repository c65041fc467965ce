#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 2 of 3: vdd, one half of md0, is gone (the disks
# after it moved up a name: the second PV is vdd now).  md0 runs degraded
# from the remaining member, vg0/crash goes back on /var/crash; kdumpctl list
# shows the first dump, which is copied to LABEL=KDUMP:/dump1 for the host;
# then kdumpctl start (the root disk is boot 1's: kdump.conf is "path
# /var/crash", the capture initramfs of boot 1 is in /var/lib/kdumpd) and a
# crash: the capture kernel assembles md0 degraded and writes the second
# dump.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /var/crash /mnt/kdump

stack_up raid1 dm_mod
value md0_degraded cat /sys/block/md0/md/degraded
if ! step "mount vg0/crash on /var/crash" mount -t ext4 /dev/vg0/crash /var/crash; then
        echo "KDUMP-TEST: vg0/crash is not mounted: no kdumpctl start, no crash"
        exit 1
fi
step "kdumpctl list" kdumpctl list
value list_json kdumpctl list --json

step "mount LABEL=KDUMP on /mnt/kdump" mount -t ext4 LABEL=KDUMP /mnt/kdump
step "copy the first dump to LABEL=KDUMP:/dump1" \
        copy_dump "$(ls -d /var/crash/*-*-*-*:*:* 2>/dev/null | sort | head -n 1)" /mnt/kdump/dump1
# Unmounted before the crash: the host reads this disk with debugfs.
step "umount /mnt/kdump" umount /mnt/kdump

value kdump_conf cat /etc/kdump.conf
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_when_clean md0
