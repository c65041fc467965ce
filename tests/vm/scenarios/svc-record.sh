#!/bin/sh
# kdump-test-expect: poweroff
# After a capture (the dump disk of svc-capture-actions): the catalog in the
# guest, and kdumpd recording the dump it finds (no journald here, so on its
# stderr), writing the vmcore-dmesg.txt removed beforehand and checking the
# files against SHA256SUMS, which kdumpctl list then shows. Run by
# tests/vm/service-e2e.
. /etc/kdump-test/functions
mkdir -p /mnt/kdump
step "mount the dump target" mount -t ext4 LABEL=KDUMP /mnt/kdump
d=$(ls -d /mnt/kdump/crash/*-*-*-*:*:* | tail -n 1)
rm -f "$d/vmcore-dmesg.txt"
step "kdumpctl list" kdumpctl list
value list_json kdumpctl list --json
# FILES with the log gone, and after kdumpd wrote it and read the dump
# (kdumpctl list reads no dump data)
value files_before sh -c "kdumpctl list --json | grep -o '\"files\":\"[a-zA-Z-]*\"' | tail -n 1"
step "kdumpctl info last" kdumpctl info last
value dmesg_panic sh -c 'kdumpctl dmesg last | grep "Kernel panic"'
kdumpd >/tmp/kdumpd.out 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && ! [ -s /var/lib/kdumpd/seen ]; do sleep 1; i=$((i + 1)); done
sleep 1
kill -TERM $pid; wait $pid
echo "KDUMP-TEST: kdumpd stopped after ${i}s"
sed 's/^/KDUMP-TEST: kdumpd: /' /tmp/kdumpd.out
value seen cat /var/lib/kdumpd/seen
value files_after sh -c "kdumpctl list --json | grep -o '\"files\":\"[a-zA-Z-]*\"' | tail -n 1"
value dmesg_rewritten sh -c "grep -c 'Kernel panic - not syncing' '$d/vmcore-dmesg.txt'"
value loaded_after_stop cat /sys/kernel/kexec_crash_loaded
umount /mnt/kdump
