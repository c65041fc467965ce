#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 4: the thin LV is activated and dump 3 copied to
# LABEL=KDUMP:/dump3.  Then a striped LV over two plain PVs (vdd, the
# second PV, and vdf, added to vg0 now: LVM without md) with xfs, as "xfs
# UUID=...": kdumpctl start, crash: the capture kernel recreates the stripes
# and writes dump 4.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /mnt/kdump /mnt/thin

stack_up raid1 dm_mod dm_thin_pool xfs
step "mount vg0/thin on /mnt/thin" mount -t ext4 /dev/vg0/thin /mnt/thin || exit 1
value thin_dumps sh -c 'ls -l /mnt/thin/crash'
step "mount LABEL=KDUMP on /mnt/kdump" mount -t ext4 LABEL=KDUMP /mnt/kdump
step "copy the third dump to LABEL=KDUMP:/dump3" \
        copy_dump "$(ls -d /mnt/thin/crash/*-*-*-*:*:* 2>/dev/null | sort | tail -n 1)" /mnt/kdump/dump3
step "umount /mnt/kdump" umount /mnt/kdump
step "umount /mnt/thin" umount /mnt/thin

step "pvcreate /dev/vdf; vgextend vg0 /dev/vdf" sh -c 'pvcreate -y /dev/vdf && vgextend vg0 /dev/vdf'
value pvs pvs --noheadings -o pv_name,pv_size,pv_free
step "lvcreate striped vg0/str over vdd and vdf" lvcreate -y -i 2 -I 64 -L 320M -n str vg0 /dev/vdd /dev/vdf
value lv_str lvs --noheadings -o lv_name,segtype,stripes,devices vg0/str
step "mkfs.xfs on vg0/str" mkfs.xfs -q -f /dev/vg0/str

# What each kind of target costs in the capture initramfs, side by side
# with one filesystem (ext4): a plain disk (LABEL=KDUMP), an LV on a plain
# PV (vg0/plain on vdf), an LV on md raid1 (vg0/crash); kdumpctl rebuild
# into a scratch state directory, the loaded image untouched.
lvcreate -y -L 32M -n plain vg0 /dev/vdf >/dev/null 2>&1 && mkfs.ext4 -q -F -E nodiscard /dev/vg0/plain
for t in "plain LABEL=KDUMP" "lvm /dev/vg0/plain" "lvm_md /dev/vg0/crash"; do
        printf 'ext4 %s\npath /crash\n' "${t#* }" >/tmp/size.conf
        kdumpctl -c /tmp/size.conf --state-dir "/tmp/size-${t%% *}" rebuild >/tmp/size.out 2>&1
        echo "KDUMP-TEST: value size_${t%% *}=$(sed -n 's/.*Capture initramfs built: .* (\([^)]*\))\.$/\1/p' /tmp/size.out) $(sed -n 's/^kdumpctl: *\([0-9]* files .*\)$/\1/p' /tmp/size.out)"
done
uuid=$(blkid -s UUID -o value /dev/vg0/str)
set_kdump_conf <<CONF
xfs UUID=$uuid
path /crash
CONF
load_and_crash
