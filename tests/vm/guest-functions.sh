# Helpers for scenario scripts (". /etc/kdump-test/functions").

# Settings from run-e2e (KDUMP_TEST_LOADER: file, classic or auto).
KDUMP_TEST_LOADER=file
[ -r /etc/kdump-test/env ] && . /etc/kdump-test/env

# step NAME COMMAND...: runs COMMAND, shows its output, then
# "KDUMP-TEST: NAME rc=N" (run-e2e turns each into a pass/fail line).
step() {
        name=$1; shift
        echo "KDUMP-TEST: begin $name"
        "$@" 2>&1
        rc=$?
        echo "KDUMP-TEST: $name rc=$rc"
        return $rc
}

# value NAME COMMAND...: "KDUMP-TEST: value NAME=<output>".
value() {
        name=$1; shift
        echo "KDUMP-TEST: value $name=$("$@" 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
}

crash_now() {
        echo "KDUMP-TEST: triggering a crash (sysrq c)"
        sync
        echo c >/proc/sysrq-trigger
        echo "KDUMP-TEST: FATAL: still alive after sysrq c"
}

# load_and_crash: kdumpctl start with the test's loader, its status and
# /sys/kernel/kexec_crash_loaded on the console (the host checks them),
# then the crash.
load_and_crash() {
        step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
        step "kdumpctl status" kdumpctl status
        value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
        crash_now
}

# set_kdump_conf <<EOF ... EOF: replaces the test's /etc/kdump.conf
# (ext4 LABEL=KDUMP, path /crash, the default core_collector).
set_kdump_conf() {
        cat >/etc/kdump.conf
        echo "KDUMP-TEST: kdump.conf: $(grep -v '^#' /etc/kdump.conf | tr '\n' ';')"
}

# copy_dump DIR DEST: a dump directory (modes kept) into DEST/, for the
# host to read off LABEL=KDUMP (tests/vm/stack-e2e).
copy_dump() {
        [ -n "$1" ] && [ -d "$1" ] || { echo "no dump directory: '$1'"; return 1; }
        mkdir -p "$2" && cp -a "$1" "$2/" && ls -lR "$2"
}

# stack_up MODULE...: stack-e2e's boots 2-5: the modules, md0 assembled
# (degraded) from vdc, vg0 active.
stack_up() {
        mkdir -p /run/lock/lvm
        step "modprobe $*" sh -c 'for m; do modprobe $m || exit 1; done' sh "$@"
        step "mdadm --assemble --run /dev/md0 from vdc alone" mdadm --assemble --run /dev/md0 /dev/vdc
        value mdstat sh -c 'cat /proc/mdstat'
        step "vgchange -ay vg0" vgchange -ay vg0
}

# crash_when_clean MD: waits (up to 5 s) for md to mark MD clean, so the
# capture kernel does not resync it under TCG, then crashes.
crash_when_clean() {
        sync
        i=0
        while [ $i -lt 50 ] && [ "$(cat /sys/block/$1/md/array_state 2>/dev/null)" != clean ]; do
                sleep 0.1; i=$((i + 1))
        done
        value "$1_array_state" cat /sys/block/$1/md/array_state
        crash_now
}

# net_client_up ADDRESS/PREFIX: net-e2e's client: the NIC's driver and the
# NFS clients loaded, eth0 up with that address (IPv6 without duplicate
# address detection), then the server pinged (up to 30 s) and the result
# a step.
net_client_up() {
        step "modprobe virtio_net nfsv4 nfsv3" sh -c 'modprobe virtio_net && modprobe nfsv4 && modprobe nfsv3'
        i=0
        while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        case $1 in
        *:*) server=fd77::1 ping=ping6; echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad ;;
        *) server=192.168.77.1 ping=ping ;;
        esac
        step "ip: eth0 $1 up" sh -c "ip link set lo up && ip link set eth0 up && ip addr add $1 dev eth0"
        i=0
        until $ping -c 1 -W 1 $server >/dev/null 2>&1 || [ $i -ge 30 ]; do i=$((i + 1)); done
        step "ping the server $server" $ping -c 1 -W 2 $server
}
