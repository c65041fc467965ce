#!/bin/sh
# kdump-test-expect: poweroff
# tests/vm/stack-e2e, boot 3 of 3: still without vdd: md0 degraded again,
# vg0/crash on /var/crash; kdumpctl list shows both dumps; the second is
# copied to LABEL=KDUMP:/dump2 for the host; everything is taken down.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /var/crash /mnt/kdump

copy_dump() {   # copy_dump DIR DEST: DIR (modes kept) into DEST/
        [ -n "$1" ] && [ -d "$1" ] || { echo "no dump directory under /var/crash"; return 1; }
        mkdir -p "$2" && cp -a "$1" "$2/" && ls -lR "$2"
}

step "modprobe raid1 dm_mod" sh -c 'for m in raid1 dm_mod; do modprobe $m || exit 1; done'
step "mdadm --assemble --run /dev/md0 from vdc alone" mdadm --assemble --run /dev/md0 /dev/vdc
value mdstat sh -c 'cat /proc/mdstat'
step "vgchange -ay vg0" vgchange -ay vg0
step "mount vg0/crash on /var/crash" mount -t ext4 /dev/vg0/crash /var/crash || exit 1
step "kdumpctl list" kdumpctl list
value list_json kdumpctl list --json

step "mount LABEL=KDUMP on /mnt/kdump" mount -t ext4 LABEL=KDUMP /mnt/kdump
step "copy the second dump to LABEL=KDUMP:/dump2" \
        copy_dump "$(ls -d /var/crash/*-*-*-*:*:* 2>/dev/null | sort | sed -n 2p)" /mnt/kdump/dump2
step "umount /mnt/kdump" umount /mnt/kdump
step "umount /var/crash" umount /var/crash
step "vgchange -an vg0" vgchange -an vg0
step "mdadm --stop /dev/md0" mdadm --stop /dev/md0
