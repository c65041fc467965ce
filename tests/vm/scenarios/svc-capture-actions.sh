#!/bin/sh
# kdump-test-expect: dump
# kdump_pre / kdump_post scripts, extra_bins, extra_modules, final_action
# poweroff, an ELF collector,
# kdumpctl status --json, and "kdumpctl test" (refused without a capture
# kernel and without a terminal, then --force crashes). Run by
# tests/vm/service-e2e, which checks the console and the dump.
. /etc/kdump-test/functions
mkdir -p /usr/local/sbin
cat >/usr/local/sbin/kdump-pre <<'PRE'
#!/bin/sh
echo "KDUMP-HOOK: kdump_pre ran"
# extra_modules: loaded by the capture /init; extra_bins: there to run.
while read -r name rest; do
        [ "$name" = dm_mod ] && echo "KDUMP-HOOK: extra module dm_mod loaded"
done </proc/modules
/usr/sbin/kdumpctl --version | while read -r l; do echo "KDUMP-HOOK: extra bin: $l"; done
exit 0
PRE
cat >/usr/local/sbin/kdump-post <<'POST'
#!/bin/sh
echo "KDUMP-HOOK: kdump_post ran with status $1"
POST
chmod 755 /usr/local/sbin/kdump-pre /usr/local/sbin/kdump-post
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /crash
core_collector kdump-collect -E -d 31
final_action poweroff
kdump_pre /usr/local/sbin/kdump-pre
kdump_post /usr/local/sbin/kdump-post
extra_bins /usr/sbin/kdumpctl
extra_modules dm_mod
CONF
# A hardware watchdog runs (QEMU's i6300esb, busybox's daemon): the capture
# feeds it and, before final_action poweroff, stops it.
step "modprobe i6300esb" modprobe i6300esb
step "watchdog daemon on /dev/watchdog" watchdog -T 30 -t 5 /dev/watchdog
value test_unloaded sh -c 'kdumpctl test --force; echo "exit=$?"'
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value status_json kdumpctl status --json
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
value test_no_tty sh -c 'kdumpctl test </dev/null; echo "exit=$?"'
echo "KDUMP-TEST: triggering a crash (kdumpctl test --force)"
kdumpctl test --force
echo "KDUMP-TEST: FATAL: still alive after kdumpctl test"
