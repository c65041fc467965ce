#!/bin/sh
# kdump-test-expect: poweroff
# tests/vm/stack-e2e, boot 8: the test's own root again; md1 and vgroot are
# assembled and the root LV mounted on /mnt/rootlv; kdumpctl list there shows
# dumps 6 and 7, which are copied to LABEL=KDUMP:/dump6 and /dump7.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /mnt/kdump /mnt/rootlv
step "modprobe raid1 dm_mod" sh -c 'for m in raid1 dm_mod; do modprobe $m || exit 1; done'
step "mdadm --assemble /dev/md1 from vdh and vdi" mdadm --assemble --run /dev/md1 /dev/vdh /dev/vdi
step "vgchange -ay vgroot" vgchange -ay vgroot
step "mount vgroot/root on /mnt/rootlv" mount -t ext4 /dev/vgroot/root /mnt/rootlv || exit 1
step "kdumpctl list of the root LV's /var/crash" kdumpctl --dump-dir /mnt/rootlv/var/crash list
value list_json kdumpctl --dump-dir /mnt/rootlv/var/crash list --json
step "mount LABEL=KDUMP on /mnt/kdump" mount -t ext4 LABEL=KDUMP /mnt/kdump
step "copy the sixth dump to LABEL=KDUMP:/dump6" \
        copy_dump "$(ls -d /mnt/rootlv/var/crash/*-*-*-*:*:* 2>/dev/null | sort | sed -n 1p)" /mnt/kdump/dump6
step "copy the seventh dump to LABEL=KDUMP:/dump7" \
        copy_dump "$(ls -d /mnt/rootlv/var/crash/*-*-*-*:*:* 2>/dev/null | sort | sed -n 2p)" /mnt/kdump/dump7
step "umount /mnt/kdump" umount /mnt/kdump
step "umount /mnt/rootlv" umount /mnt/rootlv

# What lvm and mdadm take to bring up vg0 (md0 degraded, a linear LV over
# two PVs, a thin pool and thin LV, a striped LV) in this kernel, beside
# kdump-stack's time for such a stack in the capture kernel (README).
t0=$(cut -d' ' -f1 /proc/uptime)
mdadm --assemble --run /dev/md0 /dev/vdc >/dev/null 2>&1
t1=$(cut -d' ' -f1 /proc/uptime)
vgchange -ay vg0 >/dev/null 2>&1
t2=$(cut -d' ' -f1 /proc/uptime)
echo "KDUMP-TEST: value activation_seconds=mdadm $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') vgchange $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }') lvs $(lvs --noheadings -o lv_name vg0 | tr -d ' ' | tr '\n' ',')"
