#!/bin/sh
# kdump-test-expect: dump
# kdump_pre / kdump_post scripts, final_action poweroff, an ELF collector,
# kdumpctl status --json, and "kdumpctl test" (refused without a capture
# kernel and without a terminal, then --force crashes). Run by
# tests/vm/service-e2e, which checks the console and the dump.
. /etc/kdump-test/functions
mkdir -p /usr/local/sbin
cat >/usr/local/sbin/kdump-pre <<'PRE'
#!/bin/sh
echo "KDUMP-HOOK: kdump_pre ran"
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
CONF
value test_unloaded sh -c 'kdumpctl test --force; echo "exit=$?"'
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value status_json kdumpctl status --json
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
value test_no_tty sh -c 'kdumpctl test </dev/null; echo "exit=$?"'
echo "KDUMP-TEST: triggering a crash (kdumpctl test --force)"
kdumpctl test --force
echo "KDUMP-TEST: FATAL: still alive after kdumpctl test"
