#!/bin/sh
# kdump-test-expect: dump
# The default scenario with core_collector kdump-collect -E -d 0 (unfiltered ELF, an exact copy of /proc/vmcore).
. /etc/kdump-test/functions
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /crash
core_collector kdump-collect -E -d 0
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
