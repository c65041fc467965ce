#!/bin/sh
# /sbin/init of the kdumpd VM test guest (busybox sh).  Sets up what
# kdumpctl needs, runs /etc/kdump-test/scenario and says on the console
# what happened, in lines starting with "KDUMP-TEST:" that run-e2e reads.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
umask 022
# The boot initramfs moved /dev here; proc and sys are mounted afresh.
[ -e /proc/self ] || mount -t proc proc /proc
[ -d /sys/kernel ] || mount -t sysfs sysfs /sys
[ -c /dev/null ] || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /var/lib/kdumpd /var/tmp
hostname -F /etc/hostname 2>/dev/null
echo "KDUMP-TEST: init started: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, uptime $(cut -d' ' -f1 /proc/uptime) s"
echo "KDUMP-TEST: cmdline: $(cat /proc/cmdline)"
/bin/sh /etc/kdump-test/scenario
rc=$?
echo "KDUMP-TEST: scenario exited rc=$rc"
sync
echo "KDUMP-TEST: powering off"
poweroff -f
