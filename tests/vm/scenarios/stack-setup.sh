#!/bin/sh
# kdump-test-expect: dump
# tests/vm/stack-e2e, boot 1 of 3: builds the storage stack on the extra
# disks (md0 raid1 over vdc and vdd; PVs md0 and vde in vg0; the LV crash
# over both PVs, ext4, mounted on /var/crash), checks that a LUKS
# (dm-crypt) target on vdf is refused before anything is loaded, then
# kdumpctl start with a kdump.conf holding only "path /var/crash" and
# crashes: the capture kernel recreates md0 and vg0/crash and writes the
# dump there.
. /etc/kdump-test/functions
mkdir -p /run/lock/lvm /var/crash /mnt/kdump

# e2fsprogs' mke2fs from the host, not busybox's applet.  busybox sh runs
# its own applet for a bare "mke2fs" even so (it prefers applets to PATH),
# hence mkfs.ext4 below, which is no applet.
value mke2fs sh -c 'echo "$(readlink -f /usr/sbin/mke2fs): $(/usr/sbin/mke2fs -V 2>&1 | head -n 1); a bare mke2fs in busybox sh is: $(command -v mke2fs)"'
step "modprobe raid1 dm_mod dm_crypt xts algif_skcipher" \
        sh -c 'for m in raid1 dm_mod dm_crypt xts algif_skcipher; do modprobe $m || exit 1; done'

# md0: raid1 over vdc and vdd; no resync (--assume-clean), no questions.
step "mdadm --create /dev/md0 raid1 over vdc vdd" \
        mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.2 --run --assume-clean /dev/vdc /dev/vdd
value mdstat sh -c 'cat /proc/mdstat'

# vg0 over md0 and vde; the LV is bigger than either PV, so it spans both.
step "pvcreate /dev/md0 /dev/vde" pvcreate -y /dev/md0 /dev/vde
step "vgcreate vg0 /dev/md0 /dev/vde" vgcreate vg0 /dev/md0 /dev/vde
# All of md0 first, then half a GiB of vde (lvcreate alone would take the
# larger PV first), so the second PV keeps room for the thin pool and the
# striped LV of boots 3 and 4.
step "lvcreate vg0/crash (1.5 GiB, over both PVs)" \
        sh -c 'lvcreate -y -n crash -l 100%PVS vg0 /dev/md0 && lvextend -y -L 1536M vg0/crash /dev/vde'
value lv_devices lvs --noheadings -o lv_name,devices vg0/crash
value dev_nodes sh -c 'ls -l /dev/vg0/ /dev/mapper/ | grep -v "^total"'
step "mkfs.ext4 on vg0/crash" mkfs.ext4 -q -F -E nodiscard -L crashlv /dev/vg0/crash
step "mount vg0/crash on /var/crash" mount -t ext4 /dev/vg0/crash /var/crash
value blkid blkid

# A dump target on dm-crypt is refused before anything is loaded.
head -c 32 /dev/urandom >/etc/luks.key
step "cryptsetup luksFormat /dev/vdf" \
        cryptsetup luksFormat --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --batch-mode \
        --key-file /etc/luks.key /dev/vdf
step "cryptsetup open /dev/vdf as secret" cryptsetup open --key-file /etc/luks.key /dev/vdf secret
step "mkfs.ext4 on /dev/mapper/secret" mkfs.ext4 -q -F -E nodiscard /dev/mapper/secret
cat >/etc/kdump-luks.conf <<CONF
ext4 /dev/mapper/secret
path /crash
CONF
echo "KDUMP-TEST: kdumpctl -c /etc/kdump-luks.conf start, to be refused:"
kdumpctl -c /etc/kdump-luks.conf start --loader="$KDUMP_TEST_LOADER" >/tmp/luks.out 2>&1
rc=$?
sed 's/^/KDUMP-TEST: luks: /' /tmp/luks.out
echo "KDUMP-TEST: value luks_start_rc=$rc"
value luks_loaded cat /sys/kernel/kexec_crash_loaded
step "cryptsetup close secret" cryptsetup close secret

# The default form: no target line, the dump goes where /var/crash is.
set_kdump_conf <<CONF
path /var/crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
step "kdumpctl estimate" kdumpctl estimate
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
# md marks the array clean 200 ms after the last write; a crash with it
# active would have the capture kernel resync 1 GiB under TCG.
crash_when_clean md0
