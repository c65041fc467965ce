#!/bin/sh
# kdump-test-expect: dump
# kdump_pre exits 1: the capture saves no dump and goes straight to
# final_action (poweroff here). Run by tests/vm/service-e2e.
. /etc/kdump-test/functions
mkdir -p /usr/local/sbin
printf '#!/bin/sh\necho "KDUMP-HOOK: kdump_pre refusing"\nexit 1\n' >/usr/local/sbin/kdump-pre
chmod 755 /usr/local/sbin/kdump-pre
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /prefails
final_action poweroff
kdump_pre /usr/local/sbin/kdump-pre
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
