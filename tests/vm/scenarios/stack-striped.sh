#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 4: the thin LV is activated and dump 3 copied to
# LABEL=KDUMP:/dump3.  Then a striped LV over two PVs (md0, degraded, and
# vdf, added to vg0 now; the second PV is full) with xfs, as "xfs
# UUID=...": kdumpctl start, crash: the capture kernel recreates the stripes
# and writes dump 4.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /mnt/kdump /mnt/thin

copy_dump() {   # copy_dump DIR DEST: DIR (modes kept) into DEST/
        [ -n "$1" ] && [ -d "$1" ] || { echo "no dump directory in $1"; return 1; }
        mkdir -p "$2" && cp -a "$1" "$2/" && ls -lR "$2"
}

step "modprobe raid1 dm_mod dm_thin_pool xfs" sh -c 'for m in raid1 dm_mod dm_thin_pool xfs; do modprobe $m || exit 1; done'
step "mdadm --assemble --run /dev/md0 from vdc alone" mdadm --assemble --run /dev/md0 /dev/vdc
step "vgchange -ay vg0" vgchange -ay vg0
step "mount vg0/thin on /mnt/thin" mount -t ext4 /dev/vg0/thin /mnt/thin || exit 1
value thin_dumps sh -c 'ls -l /mnt/thin/crash'
step "mount LABEL=KDUMP on /mnt/kdump" mount -t ext4 LABEL=KDUMP /mnt/kdump
step "copy the third dump to LABEL=KDUMP:/dump3" \
        copy_dump "$(ls -d /mnt/thin/crash/*-*-*-*:*:* 2>/dev/null | sort | tail -n 1)" /mnt/kdump/dump3
step "umount /mnt/kdump" umount /mnt/kdump
step "umount /mnt/thin" umount /mnt/thin

step "pvcreate /dev/vdf; vgextend vg0 /dev/vdf" sh -c 'pvcreate -y /dev/vdf && vgextend vg0 /dev/vdf'
value pvs pvs --noheadings -o pv_name,pv_size,pv_free
step "lvcreate striped vg0/str over md0 and vdf" lvcreate -y -i 2 -I 64 -L 320M -n str vg0 /dev/md0 /dev/vdf
value lv_str lvs --noheadings -o lv_name,segtype,stripes,devices vg0/str
step "mkfs.xfs on vg0/str" mkfs.xfs -q -f /dev/vg0/str
uuid=$(blkid -s UUID -o value /dev/vg0/str)
set_kdump_conf <<CONF
xfs UUID=$uuid
path /crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
sync
crash_now
