#!/bin/sh
# kdump-test-expect: dump
# The dump target cannot take the dump (its path /rootfs-test is a file
# there): the capture /init falls back to failure_action dump_to_rootfs and
# saves to /rootfs-test on the root filesystem, then final_action poweroff.
# Run by tests/vm/service-e2e.
. /etc/kdump-test/functions
mkdir -p /mnt/kdump
step "mount the dump disk" mount -t ext4 "$(findfs LABEL=KDUMP)" /mnt/kdump
step "a file where the dump directory should be" sh -c 'echo "not a directory" >/mnt/kdump/rootfs-test'
step "umount the dump disk" umount /mnt/kdump
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /rootfs-test
failure_action dump_to_rootfs
final_action poweroff
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
sync
crash_now
