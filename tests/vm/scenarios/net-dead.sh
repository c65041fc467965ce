#!/bin/sh
# kdump-test-expect: dump
# tests/vm/net-e2e, boot 7: the server dies after kdumpctl start.  The host
# powers the server VM off when this guest says so; the guest waits until
# the server is gone, then crashes.  The capture kernel must not hang on
# the dead server: no DHCP lease within its bound (the recorded address is
# used), the mount fails within its bounds, and failure_action
# dump_to_rootfs saves the dump to /var/crash on the root filesystem.
. /etc/kdump-test/functions

# An address with a lifetime, as from DHCP: in the capture kernel no DHCP
# server answers either, and the capture goes on with this address.
net_client_up "192.168.77.2/24 valid_lft 3600 preferred_lft 3600"

set_kdump_conf <<CONF
nfs 192.168.77.1:/srv/crash
path /var/crash
failure_action dump_to_rootfs
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
echo "KDUMP-TEST: the server may go now"
i=0
while ping -c 1 -W 1 192.168.77.1 >/dev/null 2>&1 && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
step "the server is gone (no answer to ping)" sh -c '! ping -c 1 -W 2 192.168.77.1'
sync
crash_now
