#!/bin/sh
# kdump-test-expect: dump
# A hardware watchdog (QEMU's i6300esb) is running when the machine
# crashes, and the capture stalls: kdump_pre waits for input that never
# comes.  kdumpctl start puts the watchdog's driver into the capture
# initramfs; the capture /init feeds it while the capture makes progress,
# stops after capture_stall_timeout (20 s here) without, and the watchdog
# resets the machine (QEMU -no-reboot then exits).  Run by
# tests/vm/service-e2e.
. /etc/kdump-test/functions
step "modprobe i6300esb" modprobe i6300esb
# busybox's watchdog daemon: a 30 s timeout, fed every 5 s
step "watchdog daemon on /dev/watchdog" watchdog -T 30 -t 5 /dev/watchdog
value watchdog_state cat /sys/class/watchdog/watchdog0/state
mkdir -p /usr/local/sbin
cat >/usr/local/sbin/kdump-pre <<'PRE'
#!/bin/sh
echo "KDUMP-HOOK: kdump_pre waits for input that never comes"
read -r line </dev/console
PRE
chmod 755 /usr/local/sbin/kdump-pre
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /stall
kdump_pre /usr/local/sbin/kdump-pre
capture_stall_timeout 20
CONF
kdumpctl start --loader="$KDUMP_TEST_LOADER" >/tmp/start.out 2>&1
echo "KDUMP-TEST: kdumpctl start rc=$?"
value start_watchdog grep 'hardware watchdog' /tmp/start.out
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
