#!/bin/sh
# kdump-test-expect: nodump
# A core collector that fails and failure_action shell: the capture /init
# starts a shell on the console; tests/vm/shell-e2e types into it and checks
# the machine reboots when it exits.
. /etc/kdump-test/functions
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /shell
core_collector false
failure_action shell
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
