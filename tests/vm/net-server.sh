# SPDX-License-Identifier: GPL-2.0-or-later
# The "server VM" of the network dump target tests (NFS, SSH): a Debian
# bookworm guest with nfs-kernel-server, openssh-server and (disabled)
# dnsmasq, booted in QEMU/TCG beside the test's client VM.  Sourced after
# lib.sh; uses vm_say/vm_die/vm_figure, $VM_WORK, $VM_CACHE, $KROOT, $KREL,
# $KMODS (vm_kernel_fetch) and $VM_TOP.
#
# The two guests talk only to each other, over QEMU's UDP socket netdev on
# 127.0.0.1 (each side can reboot on its own; nothing reaches any other
# address):
#   server  52:54:00:77:00:01  192.168.77.1/24  fd77::1/64  udp 127.0.0.1:$NET_SERVER_PORT
#           and on VLAN 78:    192.168.78.1/24
#   client  52:54:00:77:00:02  (the test's own addresses, e.g. .2, fd77::2)
#                                                udp 127.0.0.1:$NET_SERVER_CLIENT_PORT
# and two more links, the ports of an 802.3ad (LACP) bond on the server,
# for a client that bonds its two NICs on them (net_server_client_lacp_args):
#   server  bond0 (802.3ad, lacp_rate fast, MAC 52:54:00:77:00:10: the LACP
#           system a client's bond sees as its partner) of 52:54:00:77:00:11
#           and :12, 192.168.79.1/24    udp 127.0.0.1:$NET_SERVER_LACP_PORT1, :$NET_SERVER_LACP_PORT2
#   client  52:54:00:77:00:04 and :05              udp 127.0.0.1:$NET_SERVER_LACP_CLIENT_PORT1, :..2
# (both sides' NICs with speed=1000,duplex=full: the kernel's 802.3ad
# takes only ports with a known speed and full duplex).  Without a client
# on them the server's bond has no partner and carries nothing.
#
# Usage (see tests/vm/net-server-smoke):
#   . tests/vm/lib.sh; . tests/vm/net-server.sh
#   vm_kernel_fetch                   # KROOT, KREL, KMODS
#   net_server_image                  # once per kernel and recipe version, cached
#   net_server_authorize KEY.pub      # optional, any number, before the boot
#   net_server_seed_file SRC /PATH [MODE]; net_server_seed_units UNIT...
#   net_server_start                  # boots, waits for "KDUMP-SERVER: ready"
#     (or net_server_boot ... boot the client ... net_server_wait_ready)
#   net_server_client_args            # VM_QEMU_EXTRA=(-netdev ... -device ...)
#   vm_qemu                           # the client (lib.sh appends VM_QEMU_EXTRA)
#   net_server_stop                   # clean poweroff; net_server_kill: at once
#   net_server_monitor "stop"|"cont"|"set_link n0 off"   # a hung server, a cut link
#   net_server_ls /crash; net_server_mode /crash/X; net_server_cat /crash/F OUT
#   net_server_fetch /crash/DIR HOSTDIR   # -> HOSTDIR/DIR
# SSH: $NET_SERVER_CLIENT_KEY is root's key on the server, $NET_SERVER_KNOWN_HOSTS
# (or the line $NET_SERVER_HOSTKEY_LINE) the server's host key.  Ready means:
# /srv mounted, nfsd (v3, v4.0-4.2) and sshd listening, the exports in the
# kernel, 192.168.77.1, fd77::1, (VLAN 78) 192.168.78.1 and (the 802.3ad
# bond) 192.168.79.1 up, NFSv4's grace period over.
#
# Cache ($VM_CACHE):
#   net-server-bookworm-debootstrap-v$NET_SERVER_DEBOOTSTRAP_VERSION.tar
#       the debootstrap tree (the only part that downloads)
#   net-server-bookworm-$KREL-v$NET_SERVER_IMAGE_VERSION.img
#       the configured root, raw ext4 (mke2fs -d), never written by a run
#   net-server-ssh_host_ed25519_key{,.pub}   the server's fixed host key
#   net-server-known_hosts     its known_hosts lines (192.168.77.1, fd77::1)
#   net-server-client_ed25519{,.pub}   a test client key, always authorized
# Per run ($VM_WORK):
#   server-root.qcow2    overlay on the cached image (or QEMU's snapshot=on
#                        when qemu-img (qemu-utils) is missing)
#   export.img           LABEL=EXPORT, /srv in the server: /crash, /crash-ro
#   server-seed/, server-seed.img   LABEL=SRVSEED: files copied over the
#                        server's / early at boot (authorized_keys, ...)
#   server-console.log server-qemu.log server-qemu.cmd server-monitor.sock
#   server-qemu.pid

# Bump to rebuild the cached parts after a change of their recipe.
NET_SERVER_DEBOOTSTRAP_VERSION=1
NET_SERVER_IMAGE_VERSION=5

NET_SERVER_PORT=${NET_SERVER_PORT:-40771}
NET_SERVER_CLIENT_PORT=${NET_SERVER_CLIENT_PORT:-40772}
NET_SERVER_LACP_PORT1=${NET_SERVER_LACP_PORT1:-40773}
NET_SERVER_LACP_CLIENT_PORT1=${NET_SERVER_LACP_CLIENT_PORT1:-40774}
NET_SERVER_LACP_PORT2=${NET_SERVER_LACP_PORT2:-40775}
NET_SERVER_LACP_CLIENT_PORT2=${NET_SERVER_LACP_CLIENT_PORT2:-40776}
NET_SERVER_MAC=52:54:00:77:00:01
NET_SERVER_CLIENT_MAC=52:54:00:77:00:02
NET_SERVER_IP=192.168.77.1
NET_SERVER_IP6=fd77::1
# VLAN 78 on the same NIC, 192.168.78.0/24 (the exports name it too).
NET_SERVER_VLAN=78
NET_SERVER_VLAN_IP=192.168.78.1
# The 802.3ad bond: its own MAC (its LACP system id), its ports' MACs on
# both sides, its subnet.
NET_SERVER_LACP_SYSTEM_MAC=52:54:00:77:00:10
NET_SERVER_LACP_MACS="52:54:00:77:00:11 52:54:00:77:00:12"
NET_SERVER_LACP_CLIENT_MACS="52:54:00:77:00:04 52:54:00:77:00:05"
NET_SERVER_LACP_IP=192.168.79.1
NET_SERVER_MIRROR=${NET_SERVER_MIRROR:-${KDUMPD_TEST_MIRROR:-http://deb.debian.org/debian}}

net_server_packages=systemd,systemd-sysv,udev,dbus,kmod,iproute2,netbase,procps,e2fsprogs,nfs-kernel-server,openssh-server,dnsmasq

# ---------------------------------------------------------------------------
# 1. The cached root.

# The debootstrap tree as a tarball: downloads, so done once.
net_server_debootstrap() {
        NET_SERVER_TAR=$VM_CACHE/net-server-bookworm-debootstrap-v$NET_SERVER_DEBOOTSTRAP_VERSION.tar
        [ -s "$NET_SERVER_TAR" ] && return 0
        command -v debootstrap >/dev/null || vm_die "debootstrap is missing (apt-get install debootstrap)"
        local tmp=$VM_CACHE/net-server-debootstrap.tmp t0=$EPOCHREALTIME
        vm_say "debootstrap bookworm (minbase + nfs-kernel-server, openssh-server, dnsmasq) into the cache, once"
        rm -rf "$tmp"
        debootstrap --variant=minbase --include="$net_server_packages" \
                bookworm "$tmp" "$NET_SERVER_MIRROR" >"$VM_WORK/server-debootstrap.log" 2>&1 ||
                { tail -n 20 "$VM_WORK/server-debootstrap.log" >&2; rm -rf "$tmp"
                  vm_die "debootstrap failed (see $VM_WORK/server-debootstrap.log)"; }
        rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_Packages
        tar -C "$tmp" -cf "$NET_SERVER_TAR.tmp" . && mv "$NET_SERVER_TAR.tmp" "$NET_SERVER_TAR" ||
                vm_die "cannot write $NET_SERVER_TAR"
        rm -rf "$tmp"
        vm_figure "server debootstrap (once)" "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }')"
}

# The fixed keys, made once by ssh-keygen on the host and kept in the cache
# (not versioned with the image, so a rebuilt image keeps the same host key):
#   NET_SERVER_HOSTKEY      the server's ssh_host_ed25519_key (and .pub)
#   NET_SERVER_HOSTKEY_LINE "192.168.77.1 ssh-ed25519 AAAA..." (known_hosts)
#   NET_SERVER_KNOWN_HOSTS  a known_hosts file: 192.168.77.1, fd77::1, kdump-server
#   NET_SERVER_CLIENT_KEY   a client private key (and .pub) net_server_start
#                           always authorizes for root
net_server_keys() {
        local k
        command -v ssh-keygen >/dev/null || vm_die "ssh-keygen is missing (apt-get install openssh-client)"
        NET_SERVER_HOSTKEY=$VM_CACHE/net-server-ssh_host_ed25519_key
        NET_SERVER_CLIENT_KEY=$VM_CACHE/net-server-client_ed25519
        mkdir -p "$VM_CACHE" || vm_die "cannot create cache $VM_CACHE"
        for k in "$NET_SERVER_HOSTKEY:root@kdump-server" "$NET_SERVER_CLIENT_KEY:kdump-test-client"; do
                [ -s "${k%%:*}" ] && [ -s "${k%%:*}.pub" ] && continue
                rm -f "${k%%:*}" "${k%%:*}.pub" "${k%%:*}.tmp" "${k%%:*}.tmp.pub"
                ssh-keygen -q -t ed25519 -N '' -C "${k#*:}" -f "${k%%:*}.tmp" </dev/null &&
                mv "${k%%:*}.tmp.pub" "${k%%:*}.pub" && mv "${k%%:*}.tmp" "${k%%:*}" ||
                        vm_die "ssh-keygen -f ${k%%:*} failed"
        done
        k=$(cut -d' ' -f1,2 "$NET_SERVER_HOSTKEY.pub")
        NET_SERVER_HOSTKEY_LINE="$NET_SERVER_IP $k"
        NET_SERVER_KNOWN_HOSTS=$VM_CACHE/net-server-known_hosts
        printf '%s %s\n' "$NET_SERVER_IP" "$k" "$NET_SERVER_IP6" "$k" kdump-server "$k" >"$NET_SERVER_KNOWN_HOSTS.tmp" &&
                mv "$NET_SERVER_KNOWN_HOSTS.tmp" "$NET_SERVER_KNOWN_HOSTS" || vm_die "cannot write $NET_SERVER_KNOWN_HOSTS"
}

# The configured root image, built once per kernel and recipe version:
# NET_SERVER_IMG.  Needs $KMODS (vm_kernel_fetch).
net_server_image() { vm_cache_locked net-server net_server_image_locked; }

net_server_image_locked() {
        net_server_keys
        NET_SERVER_IMG=$VM_CACHE/net-server-bookworm-$KREL-v$NET_SERVER_IMAGE_VERSION.img
        [ -s "$NET_SERVER_IMG" ] && return 0
        net_server_debootstrap
        local root=$VM_WORK/server-root t0=$EPOCHREALTIME kib
        vm_say "building the server image $NET_SERVER_IMG, once"
        rm -rf "$root" && mkdir -p "$root"
        tar -C "$root" -xf "$NET_SERVER_TAR" || vm_die "cannot unpack $NET_SERVER_TAR"
        net_server_configure "$root"
        kib=$(du -sk "$root" | cut -f1)
        kib=$((kib * 5 / 4 + 256 * 1024))
        rm -f "$NET_SERVER_IMG.tmp" "$VM_CACHE/net-server-bookworm-$KREL"-v*.img
        mke2fs -q -F -t ext4 -L kdump-server -d "$root" "$NET_SERVER_IMG.tmp" "${kib}k" >/dev/null ||
                vm_die "mke2fs -d $root failed"
        mv "$NET_SERVER_IMG.tmp" "$NET_SERVER_IMG" || vm_die "cannot write $NET_SERVER_IMG"
        [ "${VM_KEEP:-0}" = 1 ] || rm -rf "$root"
        vm_figure "server image build (once)" "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }')"
}

# Everything the server needs, written as files into the unpacked root
# (nothing runs: unit links are made by hand, like systemctl enable would).
net_server_configure() {
        local r=$1 u w=/etc/systemd/system
        ln_unit() {     # ln_unit TARGET.wants UNIT [TARGET-PATH]
                mkdir -p "$r$w/$1" && ln -sfn "${3:-/usr/lib/systemd/system/$2}" "$r$w/$1/$2"
        }

        # The test kernel's modules (nfsd, virtio_net, button, ...): udev
        # and systemd load them from the root like on an installed system.
        mkdir -p "$r/usr/lib/modules"
        cp -a "$KMODS" "$r/usr/lib/modules/" || vm_die "cannot copy $KMODS into the server root"

        echo kdump-server >"$r/etc/hostname"
        printf '127.0.0.1\tlocalhost\n%s\tkdump-server\n%s\tkdump-server\n::1\tlocalhost ip6-localhost\n' \
                "$NET_SERVER_IP" "$NET_SERVER_IP6" >"$r/etc/hosts"
        # A fixed machine-id: no first-boot logic, the same machine each run.
        echo 6b64756d7073657276657200000000a1 >"$r/etc/machine-id"
        # The root (vda) is mounted by lib.sh's boot initramfs.  /srv is the
        # per-run export disk; the seed disk brings per-run files (see
        # kdump-server-seed below).  nofail: a missing disk makes the ready
        # unit say FAILED instead of an emergency shell.
        cat >"$r/etc/fstab" <<'EOF'
# kdump test server (tests/vm/net-server.sh)
/dev/vda        /                       ext4  rw,errors=remount-ro                       0 0
LABEL=EXPORT    /srv                    ext4  rw,nofail,x-systemd.device-timeout=60s     0 0
LABEL=SRVSEED   /run/kdump-server-seed  ext4  ro,nofail,x-systemd.device-timeout=60s     0 0
EOF
        mkdir -p "$r/etc/systemd/journald.conf.d"
        printf '[Journal]\nStorage=volatile\n' >"$r/etc/systemd/journald.conf.d/kdump-server.conf"

        # Boot time under TCG: no periodic jobs, no scrubbing; dnsmasq is
        # installed but not enabled (see /etc/kdump-server/dnsmasq-dhcp.conf).
        rm -f "$r$w/timers.target.wants/"{apt-daily.timer,apt-daily-upgrade.timer,e2scrub_all.timer,fstrim.timer,dpkg-db-backup.timer} \
              "$r$w/multi-user.target.wants/e2scrub_reap.service" \
              "$r$w/multi-user.target.wants/dnsmasq.service" \
              "$r/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/dnsmasq.service" \
              "$r$w/getty.target.wants/getty@tty1.service"
        # No console login (not needed; its prompt would cut the console's
        # KDUMP-SERVER lines), no units of no use here.
        for u in serial-getty@ttyS0.service getty@tty1.service systemd-binfmt.service \
                 proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount modprobe@drm.service \
                 dev-hugepages.mount sys-kernel-debug.mount sys-kernel-tracing.mount systemd-rfkill.socket \
                 systemd-rfkill.service nfs-blkmap.service e2scrub_reap.service systemd-pstore.service; do
                ln -sfn /dev/null "$r$w/$u"
        done
        # Nor drivers for QEMU's pc devices the server does not use: udev
        # would load them, slowly under TCG.  (evdev and button stay: the
        # ACPI power button of net_server_stop goes through logind.)
        mkdir -p "$r/etc/modprobe.d"
        printf '%s\n' '# kdump test server (tests/vm/net-server.sh): drivers it has no use for.' \
                blacklist\ {floppy,pcspkr,kvm,kvm_amd,kvm_intel,cfg80211,ata_piix,ata_generic,pata_acpi} \
                blacklist\ {i2c_piix4,psmouse,serio_raw,joydev,drm,bochs,powernow_k8,intel_rapl_msr,sg} \
                >"$r/etc/modprobe.d/kdump-server-blacklist.conf"

        # Network: systemd-networkd, the NIC matched by MAC, static
        # addresses without duplicate address detection (a tentative
        # fd77::1 would neither answer nor count as configured).
        mkdir -p "$r/etc/systemd/network"
        cat >"$r/etc/systemd/network/10-kdump-server.network" <<EOF
# kdump test server (tests/vm/net-server.sh): the NIC on the test network.
[Match]
MACAddress=$NET_SERVER_MAC

[Link]
RequiredForOnline=yes

[Network]
ConfigureWithoutCarrier=yes
LinkLocalAddressing=ipv6
IPv6AcceptRA=no
VLAN=vlan$NET_SERVER_VLAN

[Address]
Address=$NET_SERVER_IP/24

[Address]
Address=$NET_SERVER_IP6/64
DuplicateAddressDetection=none
EOF
        # An 802.1Q VLAN on the same NIC, its own subnet (the VLAN test).
        cat >"$r/etc/systemd/network/20-kdump-vlan.netdev" <<EOF
# kdump test server (tests/vm/net-server.sh): VLAN $NET_SERVER_VLAN on the test NIC.
[NetDev]
Name=vlan$NET_SERVER_VLAN
Kind=vlan

[VLAN]
Id=$NET_SERVER_VLAN
EOF
        # (Before 10-: the VLAN has the NIC's MAC, which 10- matches.)
        cat >"$r/etc/systemd/network/09-kdump-vlan.network" <<EOF
# kdump test server (tests/vm/net-server.sh): the VLAN's address.
[Match]
Name=vlan$NET_SERVER_VLAN

[Network]
ConfigureWithoutCarrier=yes
LinkLocalAddressing=no
IPv6AcceptRA=no

[Address]
Address=$NET_SERVER_VLAN_IP/24
EOF
        # The LACP partner of a client's 802.3ad bond: bond0 of the two
        # other NICs (matched by MAC), its own subnet.  lacp_rate fast: the
        # partner asks for an LACPDU a second, so a client's bond that
        # lost a port notices in 3 s, not 90.  A fixed MAC (networkd would
        # make one up from the machine-id): a client's bond names it as
        # its partner.
        cat >"$r/etc/systemd/network/30-kdump-lacp.netdev" <<EOF
# kdump test server (tests/vm/net-server.sh): the 802.3ad bond, a client bond's LACP partner.
[NetDev]
Name=bond0
Kind=bond
MACAddress=$NET_SERVER_LACP_SYSTEM_MAC

[Bond]
Mode=802.3ad
LACPTransmitRate=fast
MIIMonitorSec=100ms
EOF
        for u in $NET_SERVER_LACP_MACS; do
                cat >"$r/etc/systemd/network/07-kdump-lacp-port-${u##*:}.network" <<EOF
# kdump test server (tests/vm/net-server.sh): a port of the 802.3ad bond
# (by its permanent MAC: the bond and its other port take the first one's).
[Match]
PermanentMACAddress=$u

[Link]
RequiredForOnline=no

[Network]
Bond=bond0
EOF
        done
        # (Before 07-: the bond's MAC is its first port's.)
        cat >"$r/etc/systemd/network/06-kdump-lacp.network" <<EOF
# kdump test server (tests/vm/net-server.sh): the 802.3ad bond's address.
[Match]
Name=bond0

[Link]
RequiredForOnline=no

[Network]
ConfigureWithoutCarrier=yes
LinkLocalAddressing=no
IPv6AcceptRA=no

[Address]
Address=$NET_SERVER_LACP_IP/24
EOF
        mkdir -p "$r/etc/sysctl.d"
        printf '# kdump test server: no IPv6 DAD delay\nnet.ipv6.conf.all.accept_dad = 0\nnet.ipv6.conf.default.accept_dad = 0\n' \
                >"$r/etc/sysctl.d/60-kdump-server.conf"
        ln_unit multi-user.target.wants systemd-networkd.service
        ln_unit sockets.target.wants systemd-networkd.socket
        ln_unit network-online.target.wants systemd-networkd-wait-online.service
        ln -sfn /usr/lib/systemd/system/systemd-networkd.service "$r$w/dbus-org.freedesktop.network1.service"

        # NFS: v3 (rpcbind, mountd, statd: Debian's units) and v4.x.  A
        # short grace period; the ready unit also ends it (a fresh server has
        # no clients to reclaim state, and NFSv4 OPENs wait for its end).
        cat >"$r/etc/exports" <<'EOF'
# kdump test server (tests/vm/net-server.sh): the dump targets of the NFS tests.
/srv/crash     192.168.77.0/24(rw,sync,no_root_squash,no_subtree_check) fd77::/64(rw,sync,no_root_squash,no_subtree_check) 192.168.78.0/24(rw,sync,no_root_squash,no_subtree_check) 192.168.79.0/24(rw,sync,no_root_squash,no_subtree_check)
/srv/crash-ro  192.168.77.0/24(ro,sync,no_subtree_check) fd77::/64(ro,sync,no_subtree_check)
EOF
        mkdir -p "$r/etc/nfs.conf.d"
        printf '%s\n' '# kdump test server (tests/vm/net-server.sh)' '[nfsd]' 'vers3=y' 'vers4=y' 'vers4.0=y' \
                'vers4.1=y' 'vers4.2=y' 'tcp=y' 'udp=n' 'threads=4' 'grace-time=10' 'lease-time=15' \
                >"$r/etc/nfs.conf.d/kdump-server.conf"
        mkdir -p "$r$w/nfs-server.service.d"
        printf '[Unit]\n# The exports live on the export disk.\nRequiresMountsFor=/srv\n' \
                >"$r$w/nfs-server.service.d/kdump-server.conf"
        ln_unit multi-user.target.wants nfs-server.service
        ln_unit multi-user.target.wants rpcbind.service
        ln_unit sockets.target.wants rpcbind.socket

        # SSH: root with keys only, the fixed host key only.
        rm -f "$r"/etc/ssh/ssh_host_*
        install -m 600 "$NET_SERVER_HOSTKEY" "$r/etc/ssh/ssh_host_ed25519_key"
        install -m 644 "$NET_SERVER_HOSTKEY.pub" "$r/etc/ssh/ssh_host_ed25519_key.pub"
        mkdir -p "$r/etc/ssh/sshd_config.d"
        cat >"$r/etc/ssh/sshd_config.d/kdump-server.conf" <<'EOF'
# kdump test server (tests/vm/net-server.sh)
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
EOF
        install -d -m 700 "$r/root/.ssh"
        # The seed disk replaces this file each run (net_server_authorize).
        printf '# filled at boot from the seed disk (tests/vm/net-server.sh net_server_authorize)\n' \
                >"$r/root/.ssh/authorized_keys"
        chmod 600 "$r/root/.ssh/authorized_keys"
        ln_unit multi-user.target.wants ssh.service
        ln -sfn /usr/lib/systemd/system/ssh.service "$r$w/sshd.service"

        # dnsmasq: ready, not enabled.
        mkdir -p "$r/etc/kdump-server"
        cat >"$r/etc/kdump-server/dnsmasq-dhcp.conf" <<'EOF'
# DHCP (v4 and v6) for the kdump network tests on 192.168.77.0/24 and
# fd77::/64.  NOT ACTIVE: dnsmasq.service is installed but not enabled, and
# this file is outside /etc/dnsmasq.d.  A test turns it on before
# net_server_start with (tests/vm/net-server.sh):
#   net_server_seed_file "$VM_WORK/my-dhcp.conf" /etc/dnsmasq.d/kdump-test.conf
#   net_server_seed_units dnsmasq.service
# or copies this file into /etc/dnsmasq.d/ from the seed and starts
# dnsmasq.service.  The client (52:54:00:77:00:02) always gets .2 / fd77::2.
port=0
bind-dynamic
except-interface=lo
dhcp-authoritative
dhcp-range=192.168.77.100,192.168.77.199,255.255.255.0,1h
dhcp-host=52:54:00:77:00:02,192.168.77.2
dhcp-range=fd77::100,fd77::1ff,64,1h
dhcp-host=52:54:00:77:00:02,[fd77::2]
enable-ra
dhcp-leasefile=/run/dnsmasq-kdump-test.leases
log-dhcp
EOF

        # Per-run files: LABEL=SRVSEED (made by net_server_start) has
        # root/ (copied over /, existing directories keep their modes) and
        # units (names started once the copy is done).  Before sysinit.target,
        # so networkd, sshd, nfs-server and dnsmasq see the files.
        cat >"$r/usr/local/sbin/kdump-server-seed" <<'EOF'
#!/bin/sh
# kdump test server: per-run files from the seed disk (tests/vm/net-server.sh).
s=/run/kdump-server-seed
if [ -d $s/root ]; then
        tar -C $s/root -cf - . | tar -C / -xpf - --no-overwrite-dir ||
                echo "KDUMP-SERVER: FAILED: cannot copy the seed files" >/dev/console
fi
n=$(find $s/root -type f 2>/dev/null | wc -l)
echo "KDUMP-SERVER: seed: $n files" >/dev/console
if [ -s $s/units ]; then
        for u in $(cat $s/units); do
                echo "KDUMP-SERVER: seed: starting $u" >/dev/console
                systemctl --no-block start "$u"
        done
fi
exit 0
EOF
        cat >"$r$w/kdump-server-seed.service" <<'EOF'
[Unit]
Description=kdump test server: per-run files from LABEL=SRVSEED
DefaultDependencies=no
RequiresMountsFor=/run/kdump-server-seed
Before=sysinit.target systemd-networkd.service ssh.service nfs-server.service dnsmasq.service
ConditionPathIsMountPoint=/run/kdump-server-seed

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/kdump-server-seed

[Install]
WantedBy=sysinit.target
EOF
        ln_unit sysinit.target.wants kdump-server-seed.service /etc/systemd/system/kdump-server-seed.service

        # "KDUMP-SERVER: ready" once NFS (2049) and SSH (22) listen, the
        # exports are in the kernel and both addresses are usable.  Lines go
        # to /dev/console (bare, whole lines) and to the journal.
        cat >"$r/usr/local/sbin/kdump-server-ready" <<'EOF'
#!/bin/sh
# kdump test server readiness (tests/vm/net-server.sh).
say() { echo "KDUMP-SERVER: $*"; echo "KDUMP-SERVER: $*" >/dev/console; }
listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
i=0
while :; do
        missing=""
        mountpoint -q /srv || missing="$missing /srv-not-mounted"
        listening 2049 || missing="$missing nfs:2049"
        listening 22 || missing="$missing ssh:22"
        ip -o addr show | grep -q ' inet 192\.168\.77\.1/24 ' || missing="$missing 192.168.77.1"
        ip -o addr show | grep ' inet6 fd77::1/64 ' | grep -qv tentative || missing="$missing fd77::1"
        ip -o addr show | grep -q ' inet 192\.168\.78\.1/24 ' || missing="$missing 192.168.78.1(vlan78)"
        ip -o addr show | grep -q ' inet 192\.168\.79\.1/24 ' || missing="$missing 192.168.79.1(bond0)"
        exportfs | grep -q '^/srv/crash$\|^/srv/crash[[:space:]]' || missing="$missing export:/srv/crash"
        [ -z "$missing" ] && break
        i=$((i + 1))
        if [ $i -ge 120 ]; then
                say "FAILED: not ready after 120 s:$missing"
                say "failed units: $(systemctl --failed --no-legend --plain | awk '{ print $1 }' | tr '\n' ' ')"
                say "links: $(ip -o link show | awk '{ print $2, $3 }' | tr '\n' ' ')"
                say "addresses: $(ip -o addr show | awk '{ print $2, $4 }' | tr '\n' ' ')"
                exit 1
        fi
        sleep 1
done
# NFSv4's grace period (OPENs wait for its end): nfsd skips it when
# nfsdcld knows no clients to reclaim (a fresh server); else end it, unless
# the kernel command line says kdumpserver.grace=keep (a test of state
# reclaim after a server restart).
g=/proc/fs/nfsd/v4_end_grace
case " $(cat /proc/cmdline) " in
*" kdumpserver.grace=keep "*) ;;
*) [ "$(cat $g 2>/dev/null)" != N ] || echo Y >$g || say "cannot end the nfsd grace period" ;;
esac
say "nfsd grace period over: $(cat $g 2>/dev/null) (grace $(cat /proc/fs/nfsd/nfsv4gracetime 2>/dev/null) s, lease $(cat /proc/fs/nfsd/nfsv4leasetime 2>/dev/null) s)"
say "nfsd versions: $(cat /proc/fs/nfsd/versions 2>/dev/null)"
say "exports: $(exportfs | awk 'NF == 1 { d = $1; next } { print (d != "" ? d : $1) " " $NF; d = "" }' | tr '\n' ' ')"
say "addresses: $(ip -o addr show | awk '$2 != "lo" { print $4 }' | tr '\n' ' ')"
say "bond0: $(cat /sys/class/net/bond0/address) $(cat /sys/class/net/bond0/bonding/mode) of $(cat /sys/class/net/bond0/bonding/slaves)"
for u in $(cat /run/kdump-server-seed/units 2>/dev/null); do
        say "unit $u $(systemctl is-active "$u")"
done
say "uptime $(cut -d' ' -f1 /proc/uptime) s"
say ready
EOF
        chmod 755 "$r/usr/local/sbin/kdump-server-seed" "$r/usr/local/sbin/kdump-server-ready"
        cat >"$r$w/kdump-server-ready.service" <<'EOF'
[Unit]
Description=kdump test server: say when NFS and SSH listen
Wants=network-online.target
After=network-online.target nfs-server.service ssh.service rpcbind.service srv.mount kdump-server-seed.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/kdump-server-ready
StandardOutput=journal
TimeoutStartSec=300

[Install]
WantedBy=multi-user.target
EOF
        ln_unit multi-user.target.wants kdump-server-ready.service /etc/systemd/system/kdump-server-ready.service
        unset -f ln_unit
}

# ---------------------------------------------------------------------------
# 2. Per-run files: the seed disk (authorized keys, extra files, units).

net_server_seed_dir() {
        NET_SERVER_SEED=$VM_WORK/server-seed
        mkdir -p "$NET_SERVER_SEED/root" || vm_die "cannot create $NET_SERVER_SEED"
}

# net_server_authorize KEYFILE.pub: root on the server accepts that key
# (any number of calls, before net_server_start; the test client key
# $NET_SERVER_CLIENT_KEY is always accepted).
net_server_authorize() {
        local key=$1 ak
        [ -s "$key" ] && grep -qE '^(ssh-|ecdsa-|sk-)' "$key" ||
                vm_die "net_server_authorize: $key is not an OpenSSH public key"
        net_server_seed_dir
        ak=$NET_SERVER_SEED/root/root/.ssh/authorized_keys
        install -d -m 700 "$NET_SERVER_SEED/root/root" "$NET_SERVER_SEED/root/root/.ssh"
        grep -qxF -f "$key" "$ak" 2>/dev/null || cat "$key" >>"$ak"
        chmod 600 "$ak"
}

# net_server_seed_file HOSTFILE SERVERPATH [MODE]: a file in place on the
# server before its services start (e.g. /etc/dnsmasq.d/x.conf, an extra
# /etc/exports.d/x.exports).  Before net_server_start.
net_server_seed_file() {
        local src=$1 dst=$2 mode=${3:-644}
        [ -f "$src" ] || vm_die "net_server_seed_file: no $src"
        case $dst in /*) ;; *) vm_die "net_server_seed_file: $dst is not an absolute path" ;; esac
        net_server_seed_dir
        install -D -m "$mode" "$src" "$NET_SERVER_SEED/root$dst" || vm_die "cannot copy $src into the seed"
}

# net_server_seed_units UNIT...: started on the server at boot (e.g.
# dnsmasq.service), before net_server_start.
net_server_seed_units() {
        net_server_seed_dir
        printf '%s\n' "$@" >>"$NET_SERVER_SEED/units"
}

# ---------------------------------------------------------------------------
# 3. The server's QEMU.

# True while the server's QEMU runs (the timeout process around it is our
# child: a zombie once it ended, until net_server_reap).
net_server_running() {
        local p=${NET_SERVER_PID:-} s
        [ -n "$p" ] && [ -e "/proc/$p/status" ] || return 1
        s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$p/status" 2>/dev/null)
        [ -n "$s" ] && [ "$s" != Z ]
}

net_server_reap() {
        [ -n "${NET_SERVER_PID:-}" ] || return 0
        wait "$NET_SERVER_PID" 2>/dev/null
        NET_SERVER_RC=$?
        NET_SERVER_PID=""
}

# net_server_monitor COMMAND: one HMP command through the monitor socket;
# prints QEMU's answer.  (system_powerdown, quit, stop, cont,
# set_link n0 off|on, ...)
net_server_monitor() {
        "$VM_PY" - "$VM_WORK/server-monitor.sock" "$*" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
def until_prompt():
    buf = b""
    end = time.monotonic() + 10
    while not buf.endswith(b"(qemu) ") and time.monotonic() < end:
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    return buf
until_prompt()
s.sendall(sys.argv[2].encode() + b"\n")
out = until_prompt().decode(errors="replace").replace("\r", "")
lines = [l for l in out.split("\n") if l and not l.startswith("(qemu)") and l != sys.argv[2]]
# HMP echoes the command with terminal escapes: keep only QEMU's answer.
lines = [l for l in lines if "\x1b" not in l and l.strip()]
if lines:
    print("\n".join(lines))
EOF
}

# The server's console lines on ours: "KDUMP-SERVER:" lines and, with
# VM_VERBOSE=1, everything; prefixed "  S| ".  Ends with QEMU.
net_server_follow() {
        local line
        tail -n +1 -F --pid="$NET_SERVER_PID" "$NET_SERVER_CONSOLE" 2>/dev/null | while IFS= read -r line; do
                line=${line%$'\r'}
                line=${line//$'\e['*([?0-9;])[a-zA-Z]/}
                if [ "${VM_VERBOSE:-0}" = 1 ]; then
                        printf '  S| %s\n' "$line"
                else
                        case $line in
                        *KDUMP-SERVER:*|*"Kernel panic"*|*"reboot: "*|*BUG:*|*Oops*) printf '  S| %s\n' "$line" ;;
                        esac
                fi
        done
}

# net_server_start: net_server_boot, then net_server_wait_ready.
net_server_start() {
        net_server_boot
        net_server_wait_ready
}

# net_server_boot: the export disk, the seed disk, the overlay; starts the
# server's QEMU in the background and returns (a test may boot its client
# meanwhile; net_server_wait_ready before the client needs the server).
# Sets NET_SERVER_PID, NET_SERVER_EXPORT_IMG.  Variables read:
#   NET_SERVER_BOOT_TIMEOUT  wait for ready (default 300 s)
#   NET_SERVER_TIMEOUT       QEMU's whole life (default 3600 s)
#   NET_SERVER_MEM           default 768M
#   NET_SERVER_EXPORT_SIZE   default 2G (sparse)
#   NET_SERVER_REUSE_EXPORT  1: keep an existing export.img (a server
#                            restarted in the same test keeps its files)
#   NET_SERVER_APPEND        more kernel arguments (kdumpserver.grace=keep)
#   NET_SERVER_PORT, NET_SERVER_CLIENT_PORT   the UDP ports (40771, 40772)
#   NET_SERVER_LACP_PORT1, NET_SERVER_LACP_CLIENT_PORT1, NET_SERVER_LACP_PORT2,
#   NET_SERVER_LACP_CLIENT_PORT2   the 802.3ad bond's links (40773-40776)
#   VM_ACCEL, VM_CPU         as the client (tcg, qemu64)
# Sets an EXIT trap (net_server_cleanup) unless the caller has one; a
# caller with its own EXIT trap must call net_server_cleanup in it.
net_server_boot() {
        net_server_image
        net_server_running && vm_die "net_server_boot: the server is already running (QEMU pid $(cat "$VM_WORK/server-qemu.pid" 2>/dev/null))"
        net_server_reap
        local w=$VM_WORK d root_drive saved_cpio=${BOOT_CPIO:-}

        # The boot initramfs (lib.sh's), whatever the caller's BOOT_CPIO is.
        VM_BOOT_STACK=0 vm_boot_initramfs
        NET_SERVER_BOOT_CPIO=$BOOT_CPIO
        BOOT_CPIO=$saved_cpio

        # The export disk: /crash and /crash-ro (0755) at its root, /srv in
        # the server.
        NET_SERVER_EXPORT_IMG=$w/export.img
        if [ "${NET_SERVER_REUSE_EXPORT:-0}" = 1 ] && [ -s "$NET_SERVER_EXPORT_IMG" ]; then
                vm_say "server: reusing $NET_SERVER_EXPORT_IMG"
        else
                d=$w/export.d
                rm -rf "$d" "$NET_SERVER_EXPORT_IMG"
                install -d -m 755 "$d" "$d/crash" "$d/crash-ro"
                mke2fs -q -F -t ext4 -L EXPORT -d "$d" "$NET_SERVER_EXPORT_IMG" "${NET_SERVER_EXPORT_SIZE:-2G}" >/dev/null ||
                        vm_die "mke2fs of the export disk $NET_SERVER_EXPORT_IMG failed"
                rm -rf "$d"
        fi

        # The seed disk: authorized_keys (the test client key first) and
        # whatever net_server_seed_file/_units put there.
        net_server_seed_dir
        local ak=$NET_SERVER_SEED/root/root/.ssh/authorized_keys
        install -d -m 700 "$NET_SERVER_SEED/root/root" "$NET_SERVER_SEED/root/root/.ssh"
        grep -qxF -f "$NET_SERVER_CLIENT_KEY.pub" "$ak" 2>/dev/null || cat "$NET_SERVER_CLIENT_KEY.pub" >>"$ak"
        chmod 600 "$ak"
        rm -f "$w/server-seed.img"
        mke2fs -q -F -t ext4 -L SRVSEED -d "$NET_SERVER_SEED" "$w/server-seed.img" 16M >/dev/null ||
                vm_die "mke2fs of the seed disk failed"

        # The root: a qcow2 overlay on the cached image, which stays as it is.
        rm -f "$w/server-root.qcow2"
        if command -v qemu-img >/dev/null; then
                qemu-img create -q -f qcow2 -b "$NET_SERVER_IMG" -F raw "$w/server-root.qcow2" ||
                        vm_die "qemu-img create of the server's overlay failed"
                root_drive="file=$w/server-root.qcow2,if=virtio,format=qcow2"
        else
                # No qemu-utils: QEMU's own temporary overlay (in $TMPDIR).
                vm_say "server: no qemu-img (qemu-utils); the root overlay is QEMU's snapshot=on"
                root_drive="file=$NET_SERVER_IMG,if=virtio,format=raw,snapshot=on"
        fi

        NET_SERVER_CONSOLE=$w/server-console.log
        : >"$NET_SERVER_CONSOLE"
        rm -f "$w/server-monitor.sock" "$w/server-qemu.pid"
        NET_SERVER_QEMU=(qemu-system-x86_64 -name kdump-server
                -machine pc,accel="${VM_ACCEL:-tcg}" -cpu "${VM_CPU:-qemu64}" -m "${NET_SERVER_MEM:-768M}" -smp 1
                -nographic -nodefaults -no-reboot
                -serial "file:$NET_SERVER_CONSOLE"
                -monitor "unix:$w/server-monitor.sock,server=on,wait=off"
                -pidfile "$w/server-qemu.pid"
                -kernel "$KROOT/boot/vmlinuz-$KREL" -initrd "$NET_SERVER_BOOT_CPIO"
                -append "console=ttyS0 panic=5 ${NET_SERVER_APPEND:-}"
                -drive "$root_drive"
                -drive "file=$NET_SERVER_EXPORT_IMG,if=virtio,format=raw"
                -drive "file=$w/server-seed.img,if=virtio,format=raw"
                -netdev "socket,id=n0,udp=127.0.0.1:$NET_SERVER_CLIENT_PORT,localaddr=127.0.0.1:$NET_SERVER_PORT"
                -device "virtio-net-pci,netdev=n0,mac=$NET_SERVER_MAC"
                -netdev "socket,id=n1,udp=127.0.0.1:$NET_SERVER_LACP_CLIENT_PORT1,localaddr=127.0.0.1:$NET_SERVER_LACP_PORT1"
                -device "virtio-net-pci,netdev=n1,mac=${NET_SERVER_LACP_MACS% *},speed=1000,duplex=full"
                -netdev "socket,id=n2,udp=127.0.0.1:$NET_SERVER_LACP_CLIENT_PORT2,localaddr=127.0.0.1:$NET_SERVER_LACP_PORT2"
                -device "virtio-net-pci,netdev=n2,mac=${NET_SERVER_LACP_MACS#* },speed=1000,duplex=full")
        printf '%q ' "${NET_SERVER_QEMU[@]}" >"$w/server-qemu.cmd"; echo >>"$w/server-qemu.cmd"

        [ -n "$(trap -p EXIT)" ] || trap net_server_cleanup EXIT
        vm_say "server: booting (udp 127.0.0.1:$NET_SERVER_PORT <-> :$NET_SERVER_CLIENT_PORT); console: $NET_SERVER_CONSOLE"
        NET_SERVER_T0=$EPOCHREALTIME
        NET_SERVER_BOOT_SECONDS=""
        timeout -k 10 "${NET_SERVER_TIMEOUT:-3600}" "${NET_SERVER_QEMU[@]}" </dev/null >"$w/server-qemu.log" 2>&1 &
        NET_SERVER_PID=$!
        net_server_follow &
}

# net_server_wait_ready: until the server's console says "KDUMP-SERVER:
# ready" (NET_SERVER_BOOT_TIMEOUT, default 300 s, from its boot; progress
# every 30 s); dies when it says FAILED, its QEMU ends or time is up.
# Sets NET_SERVER_BOOT_SECONDS (host seconds from boot to ready) and the
# "server boot to ready" figure.
net_server_wait_ready() {
        local t0=${NET_SERVER_T0:-} el next=30 limit=${NET_SERVER_BOOT_TIMEOUT:-300} l w=$VM_WORK
        [ -n "$t0" ] || vm_die "net_server_wait_ready: no server booted (net_server_boot first)"
        [ -z "${NET_SERVER_BOOT_SECONDS:-}" ] || return 0
        while ! grep -aq 'KDUMP-SERVER: ready' "$NET_SERVER_CONSOLE"; do
                el=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
                if l=$(grep -a 'KDUMP-SERVER: FAILED' "$NET_SERVER_CONSOLE" | head -n 1 | tr -d '\r') && [ -n "$l" ]; then
                        net_server_kill
                        vm_die "server: ${l#*KDUMP-SERVER: } (console: $NET_SERVER_CONSOLE)"
                fi
                if ! net_server_running; then
                        net_server_reap
                        sed 's/^/  server qemu: /' "$w/server-qemu.log" >&2
                        # QEMU 7.2's TCG has crashed (a signal) now and then
                        # while a guest booted: not the test's failure, so
                        # one more boot, loudly (as lib.sh's vm_qemu does).
                        case $NET_SERVER_RC in
                        132|134|135|136|139)
                                if [ "${NET_SERVER_CRASH_RETRIED:-0}" = 0 ]; then
                                        NET_SERVER_CRASH_RETRIED=1
                                        vm_say "server: QEMU died of signal $((NET_SERVER_RC - 128)) after ${el}s, before ready:" \
                                               "a QEMU crash; booting once more (console kept as $NET_SERVER_CONSOLE.qemu-crash)"
                                        echo "server qemu-crash $(date +%H:%M:%S) signal $((NET_SERVER_RC - 128)) after ${el} s" >>"$w/qemu-crashes"
                                        cp "$NET_SERVER_CONSOLE" "$NET_SERVER_CONSOLE.qemu-crash"
                                        NET_SERVER_REUSE_EXPORT=1 net_server_boot
                                        t0=$NET_SERVER_T0 next=30
                                        continue
                                fi ;;
                        esac
                        vm_die "server: QEMU exited (status $NET_SERVER_RC) after ${el}s before it was ready; see $w/server-qemu.log and the console $NET_SERVER_CONSOLE"
                fi
                if [ "$el" -ge "$limit" ]; then
                        net_server_kill
                        vm_die "server: no 'KDUMP-SERVER: ready' after ${limit}s (NET_SERVER_BOOT_TIMEOUT); last console line: $(net_server_last_line); see $NET_SERVER_CONSOLE"
                fi
                if [ "$el" -ge "$next" ]; then
                        vm_say "server: still booting after ${el}s: $(net_server_last_line)"
                        next=$((next + 30))
                fi
                sleep 1
        done
        NET_SERVER_BOOT_SECONDS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
        l=$(grep -a 'KDUMP-SERVER: uptime' "$NET_SERVER_CONSOLE" | tail -n 1 | tr -d '\r')
        vm_say "server: ready after ${NET_SERVER_BOOT_SECONDS}s (guest ${l##*KDUMP-SERVER: })"
        vm_figure "server boot to ready" "$NET_SERVER_BOOT_SECONDS s (guest ${l##*KDUMP-SERVER: })"
}

net_server_last_line() {
        grep -a . "$NET_SERVER_CONSOLE" 2>/dev/null | tail -n 1 | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | cut -c1-160
}

# net_server_stop: a clean poweroff (ACPI power button, systemd shuts the
# server down and unmounts /srv), bounded by NET_SERVER_STOP_TIMEOUT
# (default 60 s); then QEMU is killed, saying so.  Returns 1 when it had
# to kill (the export disk then has a journal to replay, which
# net_server_ls/cat/fetch do).
net_server_stop() {
        local t0=$EPOCHREALTIME el limit=${NET_SERVER_STOP_TIMEOUT:-60}
        if ! net_server_running; then
                net_server_reap
                return 0
        fi
        vm_say "server: powering off (system_powerdown)"
        net_server_monitor system_powerdown >/dev/null 2>&1 || vm_say "server: the monitor did not take system_powerdown"
        while net_server_running; do
                el=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
                if [ "$el" -ge "$limit" ]; then
                        vm_say "server: still running ${limit}s after system_powerdown (last console line: $(net_server_last_line)); killing QEMU"
                        net_server_kill
                        return 1
                fi
                sleep 0.5
        done
        net_server_reap
        el=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
        vm_say "server: powered off after ${el}s (QEMU status $NET_SERVER_RC)"
        vm_figure "server poweroff" "$el s"
        return 0
}

# net_server_kill: power off at once (QEMU quits; a dead server for the
# client).  Nothing on the server is flushed.
net_server_kill() {
        local i qpid
        net_server_running || { net_server_reap; return 0; }
        qpid=$(cat "$VM_WORK/server-qemu.pid" 2>/dev/null)
        net_server_monitor quit >/dev/null 2>&1
        for i in $(seq 1 20); do net_server_running || break; sleep 0.25; done
        if net_server_running; then
                vm_say "server: QEMU did not quit through its monitor; SIGKILL"
                [ -n "$qpid" ] && kill -KILL "$qpid" 2>/dev/null
                kill -KILL "$NET_SERVER_PID" 2>/dev/null
        fi
        net_server_reap
        vm_say "server: powered off at once (killed)"
}

# For the EXIT trap: no server QEMU outlives the test.
net_server_cleanup() {
        if net_server_running; then
                vm_say "server: still running as the test ends; killing it"
                net_server_kill
        fi
}

# net_server_client_args: VM_QEMU_EXTRA (lib.sh's vm_qemu appends it) with
# the client's NIC on the server's network.
net_server_client_args() {
        VM_QEMU_EXTRA=(-netdev "socket,id=n0,udp=127.0.0.1:$NET_SERVER_PORT,localaddr=127.0.0.1:$NET_SERVER_CLIENT_PORT"
                       -device "virtio-net-pci,netdev=n0,mac=$NET_SERVER_CLIENT_MAC")
}

# net_server_client_lacp_args: appends to VM_QEMU_EXTRA the client's two
# NICs on the server's 802.3ad bond (its ports' links), with the speed and
# duplex 802.3ad needs.
net_server_client_lacp_args() {
        VM_QEMU_EXTRA+=(-netdev "socket,id=l1,udp=127.0.0.1:$NET_SERVER_LACP_PORT1,localaddr=127.0.0.1:$NET_SERVER_LACP_CLIENT_PORT1"
                        -device "virtio-net-pci,netdev=l1,mac=${NET_SERVER_LACP_CLIENT_MACS% *},speed=1000,duplex=full"
                        -netdev "socket,id=l2,udp=127.0.0.1:$NET_SERVER_LACP_PORT2,localaddr=127.0.0.1:$NET_SERVER_LACP_CLIENT_PORT2"
                        -device "virtio-net-pci,netdev=l2,mac=${NET_SERVER_LACP_CLIENT_MACS#* },speed=1000,duplex=full")
}

# ---------------------------------------------------------------------------
# 4. What the clients wrote: the export disk read with debugfs once the
# server is off.  Paths are on the export disk, whose root is the server's
# /srv: /crash/... (a leading /srv is dropped).

net_server_export_path() {
        local p=${1#/srv}
        case $p in /*) ;; *) p=/$p ;; esac
        printf '%s\n' "$p"
}

# The export disk, ready to read: the server off, a journal left by a
# killed server replayed (e2fsck -fy on the image file).
net_server_export_ready() {
        net_server_running && vm_die "the server still runs: net_server_stop (or net_server_kill) before reading $NET_SERVER_EXPORT_IMG"
        [ -s "${NET_SERVER_EXPORT_IMG:-}" ] || vm_die "no export disk (net_server_start makes $VM_WORK/export.img)"
        if dumpe2fs -h "$NET_SERVER_EXPORT_IMG" 2>/dev/null | grep -q '^Filesystem features:.*needs_recovery'; then
                vm_say "export disk: replaying the journal of the killed server (e2fsck -fy)"
                e2fsck -fy "$NET_SERVER_EXPORT_IMG" >"$VM_WORK/export-e2fsck.log" 2>&1
                [ $? -lt 4 ] || vm_die "e2fsck of $NET_SERVER_EXPORT_IMG failed (see $VM_WORK/export-e2fsck.log)"
        fi
}

net_server_dfs() { debugfs -R "$1" "$NET_SERVER_EXPORT_IMG" 2>/dev/null; }

# net_server_exists PATH
net_server_exists() {
        net_server_export_ready
        net_server_dfs "stat \"$(net_server_export_path "$1")\"" | grep -q '^Inode:'
}

# net_server_ls PATH: one line per entry (no . and ..):
#   TYPE MODE UID GID SIZE NAME     e.g. "d 0755 0 0 - crash" (no size for directories)
# TYPE d, f, l or ?.  Fails when PATH does not exist.
net_server_ls() {
        local p
        p=$(net_server_export_path "$1")
        net_server_exists "$p" || return 1
        # "ls -p" lines: /inode/mode/uid/gid/name/size/
        net_server_dfs "ls -p \"$p\"" | awk -F/ 'NF > 6 && $6 != "." && $6 != ".." {
                m = 0; s = $3
                for (i = 1; i <= length(s); i++) m = m * 8 + substr(s, i, 1)
                t = int(m / 4096); ty = (t == 4) ? "d" : (t == 8) ? "f" : (t == 10) ? "l" : "?"
                # debugfs gives directories no size: "-" keeps the columns
                printf "%s %04o %s %s %s %s\n", ty, m % 4096, $4, $5, ($7 == "" ? "-" : $7), $6 }'
}

# net_server_mode PATH: its permission bits, e.g. 0700.
net_server_mode() {
        local m
        net_server_exists "$1" || return 1
        m=$(net_server_dfs "stat \"$(net_server_export_path "$1")\"" | sed -n 's/.*Mode: *\([0-7]*\).*/\1/p' | head -n 1)
        [ -n "$m" ] && printf '%04o\n' "$((8#$m))"
}

# net_server_cat PATH OUT: one file to the host file OUT.
net_server_cat() {
        local p
        p=$(net_server_export_path "$1")
        net_server_exists "$p" || return 1
        rm -f "$2"
        net_server_dfs "dump \"$p\" \"$2\"" >/dev/null
        [ -e "$2" ]
}

# net_server_fetch PATH HOSTDIR: a directory tree (debugfs rdump) into
# HOSTDIR/<name of PATH>, with its modes.
net_server_fetch() {
        local p
        p=$(net_server_export_path "$1")
        net_server_exists "$p" || return 1
        mkdir -p "$2" || return 1
        net_server_dfs "rdump \"$p\" \"$2\"" >/dev/null
        [ -e "$2/$(basename "$p")" ]
}

# net_server_export_clean: e2fsck -fn of the export disk (a clean poweroff
# leaves it clean).
net_server_export_clean() {
        net_server_running && return 1
        e2fsck -fn "$NET_SERVER_EXPORT_IMG" >"$VM_WORK/export-e2fsck.log" 2>&1
}

# Host tools this library needs.
net_server_need_tools() {
        local t missing=()
        for t in qemu-system-x86_64 mke2fs debugfs e2fsck dumpe2fs ssh-keygen tar timeout cpio modprobe; do
                command -v "$t" >/dev/null 2>&1 || missing+=("$t")
        done
        [ -x "$VM_PY" ] || missing+=("$VM_PY")
        [ ${#missing[@]} -eq 0 ] || vm_die "missing: ${missing[*]} (tests/setup-deps; ssh-keygen: openssh-client)"
        command -v qemu-img >/dev/null || vm_say "no qemu-img (qemu-utils): the server's root overlay will be QEMU's snapshot=on"
}
