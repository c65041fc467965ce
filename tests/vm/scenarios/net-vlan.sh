#!/bin/sh
# kdump-test-expect: dump
# tests/vm/net-e2e, boot 5: the way to the server is an 802.1Q VLAN.  eth0
# carries VLAN 78 (eth0.78, 192.168.78.2/24, the server 192.168.78.1 on its
# own VLAN 78) and no address of its own; "nfs 192.168.78.1:/srv/crash":
# kdumpctl start records eth0 (by MAC) and the VLAN on it; crash; the
# capture kernel finds eth0, makes VLAN 78 on it (kdump-net, the 8021q
# module) and mounts the export through it.
. /etc/kdump-test/functions

step "modprobe virtio_net 8021q nfsv4 nfsv3" sh -c 'modprobe virtio_net && modprobe 8021q && modprobe nfsv4 && modprobe nfsv3'
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
step "ip: eth0 up, VLAN 78 on it (eth0.78) with 192.168.78.2/24" \
        sh -c 'ip link set lo up && ip link set eth0 up && ip link add link eth0 name eth0.78 type vlan id 78 &&
               ip link set eth0.78 up && ip addr add 192.168.78.2/24 dev eth0.78'
value eth0_ipv4 sh -c 'ip -4 addr show dev eth0 | grep -c inet'
i=0
until ping -c 1 -W 1 192.168.78.1 >/dev/null 2>&1 || [ $i -ge 30 ]; do i=$((i + 1)); done
step "ping the server on VLAN 78" ping -c 1 -W 2 192.168.78.1

set_kdump_conf <<CONF
nfs 192.168.78.1:/srv/crash
path /var/crash
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
sync
crash_now
