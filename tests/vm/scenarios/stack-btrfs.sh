#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 5: the striped xfs LV is mounted and dump 4
# copied to LABEL=KDUMP:/dump4.  Then /var/crash in a btrfs subvolume (@crash
# on vdg, mounted with subvol=@crash) with the default kdump.conf ("path
# /var/crash", no target line): the capture kernel mounts the same
# subvolume and writes dump 5 there; the host reads it with btrfs restore.
# Before that, boot 6's root on LVM on md is made.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /mnt/kdump /mnt/str /mnt/top /var/crash

stack_up raid1 dm_mod dm_thin_pool xfs btrfs
# Without dump 4 the btrfs capture still runs: its checks are its own.
if step "mount vg0/str on /mnt/str" mount -t xfs /dev/vg0/str /mnt/str; then
        step "mount LABEL=KDUMP on /mnt/kdump" mount -t ext4 LABEL=KDUMP /mnt/kdump
        step "copy the fourth dump to LABEL=KDUMP:/dump4" \
                copy_dump "$(ls -d /mnt/str/crash/*-*-*-*:*:* 2>/dev/null | sort | tail -n 1)" /mnt/kdump/dump4
        step "umount /mnt/kdump" umount /mnt/kdump
        step "umount /mnt/str" umount /mnt/str
fi
step "vgchange -an vg0" vgchange -an vg0
step "mdadm --stop /dev/md0" mdadm --stop /dev/md0

# For boot 6: the root filesystem itself on LVM on md raid1.  md1 over vdh
# and vdi, vgroot/root, a copy of this root (e2image, with / read-only
# meanwhile) and boot 6's and 7's scenarios in it (the host put them in
# /etc/kdump-test/next-scenario and next-scenario-2).
step "mdadm --create /dev/md1 raid1 over vdh vdi" \
        mdadm --create /dev/md1 --level=1 --raid-devices=2 --metadata=1.2 --run --assume-clean /dev/vdh /dev/vdi
step "pvcreate /dev/md1; vgcreate vgroot" sh -c 'pvcreate -y /dev/md1 && vgcreate vgroot /dev/md1'
step "lvcreate vgroot/root" lvcreate -y -l 100%FREE -n root vgroot
step "copy the root filesystem onto vgroot/root (e2image)" \
        sh -c 'sync && mount -o remount,ro / && e2image -ra /dev/vda /dev/vgroot/root; rc=$?; mount -o remount,rw /; exit $rc'
mkdir -p /mnt/rootlv
step "boots 6 and 7's scenarios on vgroot/root" \
        sh -c 'mount -t ext4 /dev/vgroot/root /mnt/rootlv || exit 1
               cat /etc/kdump-test/next-scenario >/mnt/rootlv/etc/kdump-test/scenario &&
               cat /etc/kdump-test/next-scenario-2 >/mnt/rootlv/etc/kdump-test/next-scenario; rc=$?
               umount /mnt/rootlv; exit $rc'
step "vgchange -an vgroot; mdadm --stop /dev/md1" sh -c 'vgchange -an vgroot && mdadm --stop /dev/md1'

step "mkfs.btrfs /dev/vdg" mkfs.btrfs -q -f -L crashfs /dev/vdg
step "btrfs subvolume create @crash" sh -c 'mount -t btrfs /dev/vdg /mnt/top && btrfs subvolume create /mnt/top/@crash && umount /mnt/top'
step "mount subvol=@crash on /var/crash" mount -t btrfs -o subvol=@crash /dev/vdg /var/crash
value mountinfo_crash sh -c 'grep " /var/crash " /proc/self/mountinfo'
set_kdump_conf <<CONF
path /var/crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value capture_conf sh -c 'cat /var/lib/kdumpd/loaded'
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
sync
crash_now
