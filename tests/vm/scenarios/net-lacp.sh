#!/bin/sh
# kdump-test-expect: dump
# tests/vm/net-e2e, boot 6: the way to the server is an 802.3ad (LACP)
# bond (LACP rate fast, xmit_hash_policy layer3+4, ad_select bandwidth) whose partner is the server's own 802.3ad bond.  This boot has two
# more NICs (52:54:00:77:00:04 and :05), each on a link of its own to one
# of the server's bond's ports; bond0 bonds them in mode 802.3ad
# (192.168.79.2/24; the server's bond 192.168.79.1), and the guest waits
# until LACP has aggregated both ports with the server.  "nfs
# 192.168.79.1:/srv/crash": kdumpctl start records the bond and its ports
# by MAC; crash; the capture kernel makes the 802.3ad bond again, waits for
# its aggregator to come up with the partner and mounts the export
# through it.
. /etc/kdump-test/functions

step "modprobe virtio_net bonding nfsv4 nfsv3" \
        sh -c 'modprobe virtio_net && modprobe bonding && modprobe nfsv4 && modprobe nfsv3'
# The bond's two NICs by MAC (their names are the kernel's order).
by_mac() {
        for d in /sys/class/net/*; do
                [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && [ ! -e "$d/master" ] && { echo "${d##*/}"; return 0; }
        done
        return 1
}
i=0
until { p1=$(by_mac 52:54:00:77:00:04) && p2=$(by_mac 52:54:00:77:00:05) && [ -e /sys/class/net/bond0 ]; } || [ $i -ge 50 ]; do
        sleep 0.1; i=$((i + 1))
done
echo "KDUMP-TEST: the bond's NICs: ${p1:-none} ${p2:-none}"
export p1 p2
step "the NICs report 1000 Mb/s full duplex (802.3ad takes no other)" \
        sh -c 'for p in $p1 $p2; do ip link set $p up; done; sleep 1;
               for p in $p1 $p2; do echo "$p $(cat /sys/class/net/$p/speed) $(cat /sys/class/net/$p/duplex)";
               [ "$(cat /sys/class/net/$p/speed)" = 1000 ] && [ "$(cat /sys/class/net/$p/duplex)" = full ] || exit 1; done'
# the bonding module made bond0: mode 802.3ad, LACP rate fast, transmit
# hash layer3+4 and aggregator selection by bandwidth (set while it is
# down and has no ports; none of the three is the kernel's default)
step "bond0: 802.3ad of $p1 and $p2, LACP rate fast, xmit_hash_policy layer3+4, ad_select bandwidth, miimon 100, 192.168.79.2/24" \
        sh -c 'b=/sys/class/net/bond0/bonding && echo 802.3ad >$b/mode && echo fast >$b/lacp_rate && echo 100 >$b/miimon &&
               echo layer3+4 >$b/xmit_hash_policy && echo bandwidth >$b/ad_select &&
               ip link set $p1 down && ip link set $p2 down && echo +$p1 >$b/slaves && echo +$p2 >$b/slaves &&
               ip link set lo up && ip link set bond0 up && ip addr add 192.168.79.2/24 dev bond0'
# LACP: both ports in one aggregator with the server's bond as the
# partner (its MAC, not zeros), each port in sync, collecting and
# distributing (its actor state has 0x08, 0x10 and 0x20), within 30 s.
lacp_up() {
        f=/proc/net/bonding/bond0
        n=$(awk '/^Active Aggregator Info:/ { a = 1 } a && /Number of ports:/ { print $4; exit }' $f)
        m=$(awk '/^Active Aggregator Info:/ { a = 1 } a && /Partner Mac Address:/ { print $4; exit }' $f)
        c=$(awk '/^details actor lacp pdu:/ { a = 1 } /^details partner/ { a = 0 }
                 a && /port state:/ && int($3 / 8) % 8 == 7 { c++ } END { print c + 0 }' $f)
        [ "$n" = 2 ] && [ -n "$m" ] && [ "$m" != 00:00:00:00:00:00 ] && [ "$c" = 2 ]
}
i=0
until lacp_up || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
echo "KDUMP-TEST: LACP wait ${i}00 ms"
value lacp_mode sh -c 'grep "^Bonding Mode:" /proc/net/bonding/bond0'
value lacp_policies sh -c 'grep -E "^(Transmit Hash Policy|Aggregator selection policy)" /proc/net/bonding/bond0 | tr "\n" ";"'
value lacp_active_agg sh -c 'awk "/^Active Aggregator Info:/ { a = 1 } a && /Aggregator ID:/ { print \$3; exit }" /proc/net/bonding/bond0'
value lacp_ports sh -c 'awk "/^Active Aggregator Info:/ { a = 1 } a && /Number of ports:/ { print \$4; exit }" /proc/net/bonding/bond0'
value lacp_partner sh -c 'awk "/^Active Aggregator Info:/ { a = 1 } a && /Partner Mac Address:/ { print \$4; exit }" /proc/net/bonding/bond0'
# each port: "NAME PERMANENT-MAC AGGREGATOR-ID ACTOR-PORT-STATE"
value lacp_port_aggs sh -c 'awk "/^Slave Interface:/ { n = \$3 } /^Permanent HW addr:/ { m = \$4 } /^Aggregator ID:/ { g = \$3 }
                              /^details actor lacp pdu:/ { a = 1 } /^details partner/ { a = 0 }
                              a && /port state:/ && n { print n, m, g, \$3; n = \"\" }" /proc/net/bonding/bond0'
cat /proc/net/bonding/bond0
i=0
until ping -c 1 -W 1 192.168.79.1 >/dev/null 2>&1 || [ $i -ge 30 ]; do i=$((i + 1)); done
step "ping the server's bond through the bond" ping -c 1 -W 2 192.168.79.1

set_kdump_conf <<CONF
nfs 192.168.79.1:/srv/crash
path /var/crash
CONF
load_and_crash
