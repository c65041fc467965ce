#!/bin/sh
# kdump-test-expect: dump
# A core collector that fails: the capture /init ends with failure_action
# poweroff, kdump_post gets the collector's exit status. Run by
# tests/vm/service-e2e.
. /etc/kdump-test/functions
mkdir -p /usr/local/sbin
printf '#!/bin/sh\necho "KDUMP-HOOK: kdump_post ran with status $1"\n' >/usr/local/sbin/kdump-post
chmod 755 /usr/local/sbin/kdump-post
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /crash
core_collector false
failure_action poweroff
kdump_post /usr/local/sbin/kdump-post
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
