#!/bin/sh
# kdump-test-expect: dump
# bench/make-vmcore's guest: puts page cache, anonymous memory, tmpfs and
# slab objects in memory, then crashes with a capture kernel that saves a
# full, unfiltered ELF vmcore (the input of bench/run and tests/vm/collect-checks).
. /etc/kdump-test/functions

# The test's kdump.conf has no core_collector line (it captures with the
# default): drop one if there is, then add the full copy.
sed -i '/^core_collector/d' /etc/kdump.conf
echo 'core_collector kdump-collect -E -d 0' >>/etc/kdump.conf
step "kdumpctl start" kdumpctl start
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded

# tmpfs (shmem: swap-backed cache): a text-like part that compresses and a
# random part that does not.
mount -t tmpfs -o size=2G,mode=1777 tmpfs /dev/shm
mkdir -p /dev/shm/fill
find /usr /etc -type f 2>/dev/null | while read -r f; do cat "$f"; done 2>/dev/null | head -c 96M >/dev/shm/fill/mixed
step "tmpfs: 384 MiB random" dd if=/dev/urandom of=/dev/shm/fill/random bs=1M count=384
i=0
while [ $i -lt 6 ]; do cat /dev/shm/fill/mixed; i=$((i + 1)); done >/dev/shm/fill/mixed6

# Page cache: every module file, read once.
step "page cache: modules" sh -c 'find /usr/lib/modules -type f -exec cat {} + >/dev/null'

# Anonymous memory: dd's buffer, held while it blocks on a pipe nobody reads.
dd if=/dev/shm/fill/mixed6 bs=512M count=1 iflag=fullblock 2>/dev/null | sleep 100000 &
dd if=/dev/urandom bs=256M count=1 iflag=fullblock 2>/dev/null | sleep 100000 &

# Slab: dentries and shmem inodes for 40000 small files.
mkdir -p /dev/shm/many
step "slab: 40000 files" sh -c 'cd /dev/shm/many && seq 1 40000 | xargs touch'
sleep 5
value meminfo sh -c 'grep -E "^(MemFree|Cached|AnonPages|Shmem|Slab):" /proc/meminfo'
crash_now
