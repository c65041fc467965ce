#!/bin/sh
# kdump-test-expect: dump
# The arm64 end-to-end scenario (tests/vm/arm64-e2e): kdumpctl start with
# kdump.conf's loader (none: auto, which falls back to kexec_load since
# Debian's arm64 kernels have no kexec_file_load; arm64-e2e --loader sets
# one), a filtered ELF capture (kdump-collect -E -d 31, so the host can
# re-filter it), sysrq crash.  Nothing loaded: no crash, power off.
. /etc/kdump-test/functions
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /crash
core_collector kdump-collect -E -d 31
$( [ "$KDUMP_TEST_LOADER" = auto ] || echo "loader $KDUMP_TEST_LOADER" )
CONF
if ! step "kdumpctl start" kdumpctl start; then
        echo "KDUMP-TEST: nothing loaded, not crashing"
        exit 1
fi
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
crash_now
