#!/bin/sh
# kdump-test-expect: poweroff
# raw target, part 2 (after svc-raw-capture): kdumpctl start finds the dump
# on /dev/vdc, saves it under /var/crash with the kernel log read from the
# saved kdump-compressed dump, clears the device, and loads; kdumpctl dmesg
# reads the log from the dump itself; a second start saves nothing more.  Run by tests/vm/service-e2e.
. /etc/kdump-test/functions
set_kdump_conf <<CONF
raw /dev/vdc
path /var/crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value saved_dumps sh -c 'ls -d /var/crash/*/vmcore | wc -l'
value saved_modes sh -c 'stat -c "%a %n" /var/crash/* /var/crash/*/vmcore'
value saved_dmesg_panic sh -c 'grep -c "Kernel panic - not syncing: sysrq triggered crash" /var/crash/*/vmcore-dmesg.txt'
value saved_dmesg_mode sh -c 'stat -c %a /var/crash/*/vmcore-dmesg.txt'
value saved_sums sh -c 'cd /var/crash/*/ && sha256sum -c SHA256SUMS 2>&1 | tr "\n" " "'
value saved_verify_rc sh -c 'kdumpctl verify last >/dev/null 2>&1; echo $?'
step "kdumpctl list" kdumpctl list
value list_panic sh -c 'kdumpctl list | grep -c "sysrq triggered crash"'
rm -f /var/crash/*/vmcore-dmesg.txt
value dmesg_from_vmcore sh -c 'kdumpctl dmesg last | grep -c "Kernel panic - not syncing: sysrq triggered crash"'
step "kdumpctl start again" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value saved_dumps_after_second_start sh -c 'ls -d /var/crash/*/vmcore | wc -l'
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
sync
