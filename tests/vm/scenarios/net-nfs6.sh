#!/bin/sh
# kdump-test-expect: dump
# tests/vm/net-e2e, boot 2: first, with boot 1's kdump.conf and its first
# address (192.168.77.2: the dump went out as 192.168.77.3, the DHCP address
# kdumpd reloaded for), kdumpd starts and records in its log the dump this
# machine sent to the server under the address it remembers (no journald
# here); it is stopped.  Then an
# IPv6-only link.  eth0 has only fd77::2/64
# (no IPv4 address); a server name that resolves to IPv6 only loads; then
# "nfs [fd77::1]:/srv/crash": kdumpctl start records the
# IPv6 way and checks the export over it; crash; the capture kernel sets
# fd77::2 up (no duplicate address detection to wait for) and mounts the
# export over IPv6.  The dump is sealed (encrypt_to, the public key the
# host made with age-keygen): a marker written to the kernel log before the
# crash must not be anywhere on the export in clear.
. /etc/kdump-test/functions

net_client_up 192.168.77.2/24
value kdump_conf_before sh -c 'grep -v "^#" /etc/kdump.conf | tr "\n" ";"'
kdumpd >/tmp/kdumpd.out 2>&1 &
pid=$!
i=0
while ! grep -q 'Recorded\|Cannot look for the dumps' /tmp/kdumpd.out && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
kill $pid; wait $pid
value kdumpd_new_dump grep 'New dump:' /tmp/kdumpd.out
value kdumpd_recorded grep 'Recorded\|Cannot look for the dumps' /tmp/kdumpd.out
step "ip: eth0 without IPv4" ip addr flush dev eth0
echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
step "ip: eth0 fd77::2/64" ip -6 addr add fd77::2/64 dev eth0
i=0
until ping6 -c 1 -W 1 fd77::1 >/dev/null 2>&1 || [ $i -ge 30 ]; do i=$((i + 1)); done
step "ping6 the server" ping6 -c 1 -W 2 fd77::1
value ipv4_addresses sh -c 'ip -4 addr show dev eth0 | grep -c inet'

# A server name that resolves to IPv6 only (kdump-server6, fd77::1 in
# /etc/hosts): kdumpctl start resolves it and records the IPv6 way.
echo "fd77::1 kdump-server6" >>/etc/hosts
set_kdump_conf <<CONF
nfs kdump-server6:/srv/crash
path /var/crash
CONF
kdumpctl start --loader="$KDUMP_TEST_LOADER" >/tmp/name6.out 2>&1
echo "KDUMP-TEST: value name6_rc=$?"
value name6_target sh -c 'kdumpctl status 2>&1 | grep "^Dump target:"'

set_kdump_conf <<CONF
nfs [fd77::1]:/srv/crash
path /var/crash
encrypt_to /etc/kdump-test/recipients
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
# the marker: in kernel memory (the printk ring), so in the dump and its log
marker=kdump-secret-$(cat /proc/sys/kernel/random/uuid)
echo "KDUMP-TEST: value marker=$marker"
echo "$marker" >/dev/kmsg
sync
crash_now
