#!/bin/sh
# kdump-test-expect: poweroff
# raw target, part 2 (after svc-raw-capture): kdumpctl start finds the dump
# on /dev/vdc, saves it under /var/crash, clears the device, and loads; a
# second start saves nothing more.  Run by tests/vm/service-e2e.
. /etc/kdump-test/functions
set_kdump_conf <<CONF
raw /dev/vdc
path /var/crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value saved_dumps sh -c 'ls -d /var/crash/*/vmcore | wc -l'
value saved_modes sh -c 'stat -c "%a %n" /var/crash/* /var/crash/*/vmcore'
step "kdumpctl list" kdumpctl list
step "kdumpctl start again" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value saved_dumps_after_second_start sh -c 'ls -d /var/crash/*/vmcore | wc -l'
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
sync
