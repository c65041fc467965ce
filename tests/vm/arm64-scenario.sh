#!/bin/sh
# kdump-test-expect: dump
# The arm64 end-to-end scenario (tests/vm/arm64-e2e): kdumpctl start with
# kdump.conf's loader (none: auto, which falls back to kexec_load since
# Debian's arm64 kernels have no kexec_file_load; arm64-e2e --loader sets
# one) and its collector (KDUMP_TEST_COLLECTOR: an ELF capture the host
# re-filters), then memory the page classes tell apart (memfill, when the
# test put it in: anonymous, zero-filled and page-cache pages; the rest
# stays free), sysrq crash.  Nothing loaded: no crash, power off.
. /etc/kdump-test/functions
set_kdump_conf <<CONF
ext4 LABEL=KDUMP
path /crash
core_collector ${KDUMP_TEST_COLLECTOR:-kdump-collect -E -d 31}
$( [ "$KDUMP_TEST_LOADER" = auto ] || echo "loader $KDUMP_TEST_LOADER" )
CONF
if ! step "kdumpctl start" kdumpctl start; then
        echo "KDUMP-TEST: nothing loaded, not crashing"
        exit 1
fi
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
if [ -x /usr/bin/memfill ]; then
        mkdir -p /var/tmp/fill
        /usr/bin/memfill $KDUMP_TEST_MEMFILL >/tmp/memfill.out 2>&1 &
        i=0
        while ! grep -q ready /tmp/memfill.out && kill -0 $! 2>/dev/null && [ $i -lt 600 ]; do
                sleep 0.1; i=$((i + 1))
        done
        step "memfill $KDUMP_TEST_MEMFILL" grep ready /tmp/memfill.out
        value meminfo sh -c "grep -E '^(MemFree|Cached|AnonPages|Slab):' /proc/meminfo | tr -s ' '"
fi
crash_now
