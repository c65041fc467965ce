#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 3: still without vdd: md0 degraded again, vg0/crash
# on /var/crash; kdumpctl list shows both dumps; the second is copied to
# LABEL=KDUMP:/dump2 for the host.  Then a thin LV as the explicit target
# ("ext4 /dev/vg0/thin"): thin pool vg0/pool (its metadata read by the
# kernel), kdumpctl start, crash: the capture kernel recreates tmeta, tdata,
# the pool and the thin LV and writes dump 3 there.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /var/crash /mnt/kdump /mnt/thin

stack_up raid1 dm_mod dm_thin_pool
step "mount vg0/crash on /var/crash" mount -t ext4 /dev/vg0/crash /var/crash || exit 1
step "kdumpctl list" kdumpctl list
value list_json kdumpctl list --json

step "mount LABEL=KDUMP on /mnt/kdump" mount -t ext4 LABEL=KDUMP /mnt/kdump
step "copy the second dump to LABEL=KDUMP:/dump2" \
        copy_dump "$(ls -d /var/crash/*-*-*-*:*:* 2>/dev/null | sort | sed -n 2p)" /mnt/kdump/dump2
step "umount /mnt/kdump" umount /mnt/kdump
step "umount /var/crash" umount /var/crash

# A thin pool and a thin LV bigger than the pool (thin provisioning).
step "lvcreate thin pool vg0/pool and thin LV vg0/thin" lvcreate -y -L 256M -T vg0/pool -V 1G -n thin
value lvs lvs -a --noheadings -o lv_name,segtype,devices vg0
step "mkfs.ext4 on vg0/thin" mkfs.ext4 -q -F -E nodiscard -L thinlv /dev/vg0/thin
set_kdump_conf <<CONF
ext4 /dev/vg0/thin
path /crash
CONF
load_and_crash
