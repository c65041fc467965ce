#!/bin/sh
# kdump-test-expect: dump
# raw target, part 1: a device holding a filesystem is refused (a dump would
# destroy it); then "raw /dev/vdc" (an empty disk): the capture writes the
# flattened stream over it; final_action poweroff.  Run by
# tests/vm/service-e2e; svc-raw-save is part 2.
. /etc/kdump-test/functions
set_kdump_conf <<CONF
raw /dev/vdb
CONF
kdumpctl start --loader="$KDUMP_TEST_LOADER" 2>&1 | sed 's/^/KDUMP-TEST: refused: /'
value raw_on_a_filesystem_loaded cat /sys/kernel/kexec_crash_loaded
set_kdump_conf <<CONF
raw /dev/vdc
path /var/crash
final_action poweroff
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
