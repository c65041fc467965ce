#!/bin/sh
# kdump-test-expect: dump
# tests/vm/net-e2e: the dump goes to an NFS export on the server VM
# (192.168.77.1, Debian's nfs-kernel-server).  The guest's interface gets a
# static address; the server is named in /etc/hosts, so kdumpctl start
# resolves it and the capture kernel uses the address.  Before the real
# target, the start-time checks must refuse a read-only export and a
# server that does not answer, each with the reason and nothing loaded.
# Then kdumpd watches: the address changes (to one from DHCP), kdumpd
# loads again, and the capture gets its lease from the server's DHCP
# server and sends from it.
. /etc/kdump-test/functions

echo "192.168.77.1 kdump-server" >>/etc/hosts
echo "hosts: files dns" >/etc/nsswitch.conf
net_client_up 192.168.77.2/24
value mac cat /sys/class/net/eth0/address

# A read-only export: refused at start, nothing loaded.
set_kdump_conf <<CONF
nfs kdump-server:/srv/crash-ro
path /var/crash
CONF
kdumpctl start --loader="$KDUMP_TEST_LOADER" >/tmp/ro.out 2>&1
echo "KDUMP-TEST: value ro_rc=$?"
echo "KDUMP-TEST: value ro_out=$(tr '\n' ' ' </tmp/ro.out)"
value ro_loaded cat /sys/kernel/kexec_crash_loaded

# A server that does not answer (no machine has .9): refused within the
# connect timeout.
set_kdump_conf <<CONF
nfs 192.168.77.9:/srv/crash
CONF
t0=$(cut -d' ' -f1 /proc/uptime)
kdumpctl start --loader="$KDUMP_TEST_LOADER" >/tmp/dead.out 2>&1
echo "KDUMP-TEST: value dead_rc=$?"
t1=$(cut -d' ' -f1 /proc/uptime)
echo "KDUMP-TEST: value dead_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
echo "KDUMP-TEST: value dead_out=$(tr '\n' ' ' </tmp/dead.out)"

# The real target.
set_kdump_conf <<CONF
nfs kdump-server:/srv/crash
path /var/crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
value estimate kdumpctl estimate

# kdumpd keeps it current: the machine's address changes (.2 -> .3) and
# kdumpd, told by rtnetlink, records the new way and loads again, so the
# capture kernel sends from .3 (the dump directory is named after it).
kdumpd >/tmp/kdumpd.out 2>&1 &
waitlog() {     # waitlog PATTERN SECONDS
        i=0
        while ! grep -q "$1" /tmp/kdumpd.out && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
        grep -q "$1" /tmp/kdumpd.out
}
step "kdumpd loaded at its start" waitlog 'Capture kernel .* loaded into' 120
# and looked on the export for dumps this machine sent (none yet)
step "kdumpd looked for this machine's dumps on the export" \
        waitlog 'No new dumps from this machine (192.168.77.2) on kdump-server:/srv/crash/var/crash' 150
# .3 comes with a lifetime, as a DHCP client (systemd-networkd, dhcpcd)
# sets a leased address: the capture kernel asks the server's dnsmasq for
# its lease again (it holds .3 for this MAC) instead of trusting it.
step "ip: eth0 192.168.77.2 -> 192.168.77.3 (a lease of 3600 s)" \
        sh -c 'ip addr flush dev eth0 && ip addr add 192.168.77.3/24 dev eth0 valid_lft 3600 preferred_lft 3600'
step "kdumpd reloaded for the new address" waitlog 'Loading the capture kernel (the way to the dump server changed)' 60
n=0
while [ "$(grep -c 'Capture kernel .* loaded into' /tmp/kdumpd.out)" -lt 2 ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
value kdumpd_loads grep -c 'Capture kernel .* loaded into' /tmp/kdumpd.out
value kdumpd_net grep 'way to the dump server\|Watching links' /tmp/kdumpd.out
value kdumpd_tail tail -n 3 /tmp/kdumpd.out
value dhcp_image grep 'Capture initramfs built' /tmp/kdumpd.out
value dhcp_estimate sh -c 'kdumpctl estimate | grep "of which the network"'
value kexec_crash_loaded_after cat /sys/kernel/kexec_crash_loaded
sync
crash_now
