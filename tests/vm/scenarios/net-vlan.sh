#!/bin/sh
# kdump-test-expect: dump
# tests/vm/net-e2e, boot 5: the way to the server is an 802.1Q VLAN on an
# active-backup bond.  bond0 bonds eth0 (active, to the server) and eth1
# (a backup on a network of its own) and carries VLAN 78 (bond0.78,
# 192.168.78.2/24; the server 192.168.78.1 on its own VLAN 78); "nfs
# 192.168.78.1:/srv/crash": kdumpctl start records the bond, its ports by
# MAC (the active one first) and the VLAN on it; crash; the capture kernel
# makes bond0 again of eth0 and eth1 (kdump-net, the bonding module),
# VLAN 78 on it, and mounts the export through it.
. /etc/kdump-test/functions

step "modprobe virtio_net bonding 8021q nfsv4 nfsv3" \
        sh -c 'modprobe virtio_net && modprobe bonding && modprobe 8021q && modprobe nfsv4 && modprobe nfsv3'
i=0
while { [ ! -e /sys/class/net/eth1 ] || [ ! -e /sys/class/net/bond0 ]; } && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# the bonding module made bond0: active-backup, eth0 enslaved first (the
# active port), then eth1; VLAN 78 on the bond
step "bond0: active-backup of eth0 and eth1, miimon 100" \
        sh -c 'b=/sys/class/net/bond0/bonding && echo active-backup >$b/mode && echo 100 >$b/miimon &&
               ip link set eth0 down && ip link set eth1 down && echo +eth0 >$b/slaves && echo +eth1 >$b/slaves &&
               ip link set lo up && ip link set bond0 up'
step "ip: VLAN 78 on bond0 (bond0.78) with 192.168.78.2/24" \
        sh -c 'ip link add link bond0 name bond0.78 type vlan id 78 && ip link set bond0.78 up &&
               ip addr add 192.168.78.2/24 dev bond0.78'
value bond_active cat /sys/class/net/bond0/bonding/active_slave
i=0
until ping -c 1 -W 1 192.168.78.1 >/dev/null 2>&1 || [ $i -ge 30 ]; do i=$((i + 1)); done
step "ping the server on VLAN 78 through the bond" ping -c 1 -W 2 192.168.78.1

set_kdump_conf <<CONF
nfs 192.168.78.1:/srv/crash
path /var/crash
CONF
load_and_crash
