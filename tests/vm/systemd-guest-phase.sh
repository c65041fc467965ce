#!/bin/bash
# Test driver inside the Debian guest of tests/vm/systemd-e2e, run at every
# boot by kdump-test.service. The phase survives the crash in
# /var/lib/kdump-test/phase. Lines starting with "KDUMP-SD:" are read by
# systemd-e2e on the serial console.
MSGID_DUMP=e2c7a9f04b1d4c3a9f6e8d2b5a7c1e90
say() { echo "KDUMP-SD: $*"; }
phase=$(cat /var/lib/kdump-test/phase 2>/dev/null || echo 1)
# Loads kdumpd logged for a reason ("Loading the capture kernel (REASON).").
reloads() { journalctl -b -u kdumpd -o cat --no-pager | grep -c "Loading the capture kernel ($1)"; }
# Waits until N such loads have finished (each ends with "... loaded, ..."
# or a failure), then 8 s more (4 debounce periods) in which no further one
# may start.
wait_reloads() {
        local i
        for i in $(seq 120); do
                [ "$(reloads "$1")" -ge "$2" ] &&
                        journalctl -b -u kdumpd -o cat --no-pager | tail -n 1 | grep -qE 'capture kernel .* loaded|failed' && break
                sleep 0.5
        done
        sleep 8
}
say "phase $phase, kernel $(uname -r)"

if [ "$phase" = 1 ]; then
        echo 2 >/var/lib/kdump-test/phase
        sync
        systemctl enable --now kdumpd; say "enable rc=$?"
        say "is-active=$(systemctl is-active kdumpd)"
        say "StatusText=$(systemctl show -p StatusText --value kdumpd)"
        # kdumpd-generator: ordered after the dump target's mount (fstab's
        # LABEL=KDUMP on /kdump), wanted, not required.
        say "ordering after-kdump.mount=$(systemctl show -p After --value kdumpd | tr ' ' '\n' | grep -cx kdump.mount) wants=$(systemctl show -p Wants --value kdumpd | tr ' ' '\n' | grep -cx kdump.mount) requires=$(systemctl show -p Requires --value kdumpd | tr ' ' '\n' | grep -cx kdump.mount)"
        say "dropins=$(systemctl show -p DropInPaths --value kdumpd)"
        kdumpctl status; say "kdumpctl status rc=$?"
        kdumpctl reload; say "kdumpctl reload rc=$?"
        # No waiting: the reload job ends when kdumpd has loaded again
        # (ExecReload= is "kdumpd --reload", which waits for that load).
        say "after reload is-active=$(systemctl is-active kdumpd) loaded=$(cat /sys/kernel/kexec_crash_loaded)"
        journalctl --sync
        journalctl -b -u kdumpd --no-pager -o cat | sed 's/^/KDUMP-SD: journal: /'
        say "reload journal entries=$(journalctl -b -u kdumpd -o cat --no-pager | grep -c 'Loading the capture kernel (reload requested)') loaded after=$(journalctl -b -u kdumpd -o cat --no-pager | sed -n '/Loading the capture kernel (reload requested)/,$p' | grep -c 'capture kernel .* loaded, ')"
        systemctl reload kdumpd; say "systemctl reload rc=$? is-active=$(systemctl is-active kdumpd)"

        # Input changes: a file beside kdump.conf that is not an input causes
        # no reload; a change to kdump.conf exactly one.
        touch /etc/hostname
        echo "# edited by the test" >>/etc/kdump.conf
        wait_reloads "configuration changed" 1
        say "config reloads=$(reloads 'configuration changed') loaded=$(cat /sys/kernel/kexec_crash_loaded)"

        # /boot is empty: the image is /usr/lib/modules/<release>/vmlinuz,
        # which start, estimate and kdumpd's watch all use.
        say "boot dir=$(ls -A /boot | tr '\n' ' ')."
        say "estimate: $(kdumpctl estimate 2>&1 | head -n 1)"
        touch "/usr/lib/modules/$(uname -r)/vmlinuz"
        wait_reloads "kernel image changed" 1
        say "image reloads=$(reloads 'kernel image changed') loaded=$(cat /sys/kernel/kexec_crash_loaded)"

        # CPU hotplug: offlining a CPU makes kdumpd load again, once (the
        # kernel updates the header itself only where crash_hotplug reads 1).
        say "crash_hotplug=$(cat /sys/devices/system/cpu/crash_hotplug 2>/dev/null || echo absent)"
        echo 0 >/sys/devices/system/cpu/cpu1/online; say "offline cpu1 rc=$? online=$(cat /sys/devices/system/cpu/online)"
        wait_reloads "CPU hotplug" 1
        say "hotplug reloads=$(reloads 'CPU hotplug') loaded=$(cat /sys/kernel/kexec_crash_loaded)"
        # A burst (online, offline, online, offline, online) is one more
        # reload.  (One that ends as it began needs none: the loaded header
        # still describes the machine.)
        for v in 1 0 1 0 1; do echo $v >/sys/devices/system/cpu/cpu1/online; done
        wait_reloads "CPU hotplug" 2
        say "burst reloads=$(reloads 'CPU hotplug') online=$(cat /sys/devices/system/cpu/online) loaded=$(cat /sys/kernel/kexec_crash_loaded)"

        # The dump target on an LV (vgsd/crash on vdc): kdumpd reloads when
        # the LV's table changes (lvextend), once, and the capture initramfs
        # is rebuilt with the new table; then back to LABEL=KDUMP.
        mkdir -p /run/lock/lvm
        { pvcreate -y /dev/vdc && vgcreate vgsd /dev/vdc && lvcreate -y -L 64M -n crash vgsd &&
          mkfs.ext4 -q -F /dev/vgsd/crash; } >/tmp/lvm.log 2>&1
        say "lvm setup rc=$?"
        cp /etc/kdump.conf /etc/kdump.conf.orig
        printf 'ext4 /dev/vgsd/crash\npath /crash\n' >/etc/kdump.conf
        wait_reloads "configuration changed" 2
        say "lv target loaded=$(cat /sys/kernel/kexec_crash_loaded) target=$(kdumpctl status | sed -n 's/^Dump target: *//p')"
        lvextend -y -L +32M vgsd/crash >>/tmp/lvm.log 2>&1; say "lvextend rc=$?"
        wait_reloads "storage stack changed" 1
        say "stack reloads=$(reloads 'storage stack changed') loaded=$(cat /sys/kernel/kexec_crash_loaded) record=$(sed -n 's/^table .* linear .*/&/p' /var/lib/kdumpd/initramfs-$(uname -r).inputs | tr '\n' ';')"
        journalctl -b -u kdumpd -o cat --no-pager | grep -a 'a device under the dump target' | sed 's/^/KDUMP-SD: stack event: /'
        # A snapshot of the target LV turns it into a snapshot origin, which
        # the capture kernel must not write: the reload is refused and the
        # old capture kernel (stale tables) unloaded; removing the snapshot
        # loads again.
        lvcreate -y -s -L 16M -n snap vgsd/crash >>/tmp/lvm.log 2>&1; say "snapshot rc=$?"
        wait_reloads "storage stack changed" 2
        say "with snapshot reloads=$(reloads 'storage stack changed') loaded=$(cat /sys/kernel/kexec_crash_loaded)"
        journalctl -b -u kdumpd -o cat --no-pager | grep -a 'snapshot\|NOT protected\|stale tables' | sed 's/^/KDUMP-SD: snapshot journal: /'
        lvremove -y vgsd/snap >>/tmp/lvm.log 2>&1; say "lvremove rc=$?"
        wait_reloads "storage stack changed" 3
        say "snapshot removed reloads=$(reloads 'storage stack changed') loaded=$(cat /sys/kernel/kexec_crash_loaded)"
        sed 's/^/KDUMP-SD: lvm: /' /tmp/lvm.log
        cp /etc/kdump.conf.orig /etc/kdump.conf
        wait_reloads "configuration changed" 3

        # Shrink the reservation in place: 256M -> 160M, given back to the
        # system; the capture kernel is loaded again through systemd.
        mem0=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
        kdumpctl shrink-crashkernel 160M; say "shrink rc=$?"
        mem1=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
        say "after shrink kexec_crash_size=$(cat /sys/kernel/kexec_crash_size) iomem=$(grep 'Crash kernel' /proc/iomem | tr -d ' ') memtotal_gain_kib=$((mem1 - mem0)) is-active=$(systemctl is-active kdumpd) loaded=$(cat /sys/kernel/kexec_crash_loaded)"
        kdumpctl shrink-crashkernel 512M; say "grow rc=$?"
        journalctl -b -u kdumpd --no-pager -o cat | sed 's/^/KDUMP-SD: journal: /'
        say "crashing"
        sync
        kdumpctl test --force
        say "FATAL: still alive"
        exit 1
fi

# Phase 3: after the capture with the image dracut built.
if [ "$phase" = 3 ]; then
        for i in $(seq 180); do
                [ "$(kdumpctl list --json 2>/dev/null | grep -o '"complete":true' | wc -l)" -ge 2 ] && break
                sleep 1
        done
        kdumpctl list
        say "phase 3 dumps complete=$(kdumpctl list --json | grep -o '"complete":true' | wc -l) builder=$(grep -c '^initramfs_builder dracut' /etc/kdump.conf)"
        say "done"
        systemctl poweroff
        exit 0
fi

# Phase 2: the first kernel again, after the capture.
for i in $(seq 180); do
        [ -s /var/lib/kdumpd/seen ] && break
        sleep 1
done
say "is-active=$(systemctl is-active kdumpd) loaded=$(cat /sys/kernel/kexec_crash_loaded)"
# udev's coldplug replays "add" for every CPU and memory block while kdumpd
# starts: a replay is no hotplug, so this boot loads once.
udevadm settle --timeout=60
sleep 8
say "boot loads=$(journalctl -b -u kdumpd -o cat --no-pager | grep -c 'Loading the capture kernel') stale=$(journalctl -b -u kdumpd -o cat --no-pager | grep -c 'crash header is stale')"
kdumpctl list; say "kdumpctl list rc=$?"
say "list_json=$(kdumpctl list --json)"
# No ID: the newest dump.
kdumpctl info | sed 's/^/KDUMP-SD: info: /'
kdumpctl dmesg >/tmp/dmesg.out; say "dmesg without an ID: rc=$? $(grep -c 'sysrq: Trigger a crash' /tmp/dmesg.out) trigger line(s)"
journalctl MESSAGE_ID=$MSGID_DUMP -o verbose --no-pager | sed 's/^/KDUMP-SD: journal: /'
say "journal_fields=$(journalctl MESSAGE_ID=$MSGID_DUMP -o export --no-pager | grep -a '^KDUMPD_' | tr '\n' ';')"
kdumpctl restart; say "kdumpctl restart rc=$? is-active=$(systemctl is-active kdumpd) loaded=$(cat /sys/kernel/kexec_crash_loaded)"
kdumpctl stop; say "kdumpctl stop rc=$?"
say "after stop is-active=$(systemctl is-active kdumpd) loaded=$(cat /sys/kernel/kexec_crash_loaded)"

# initramfs_builder dracut (dracut-core is installed here): the same target,
# the image built by dracut with kdumpd's module.  Both builders' image
# size and build time, then a capture with dracut's image.
img=/var/lib/kdumpd/initramfs-$(uname -r).img
t0=$EPOCHREALTIME; kdumpctl --force-rebuild rebuild >/tmp/own.log 2>&1; rc_own=$?; t1=$EPOCHREALTIME
own_size=$(stat -c %s "$img")
echo 'initramfs_builder dracut' >>/etc/kdump.conf
t2=$EPOCHREALTIME; kdumpctl rebuild >/tmp/dracut.log 2>&1; rc_dracut=$?; t3=$EPOCHREALTIME
tail -n 15 /tmp/dracut.log | sed 's/^/KDUMP-SD: dracut rebuild: /'
say "builders: own rc=$rc_own size=$own_size secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') dracut rc=$rc_dracut size=$(stat -c %s "$img") secs=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.1f", b - a }') mode=$(stat -c %a "$img")"
systemctl start kdumpd
say "dracut image loaded: is-active=$(systemctl is-active kdumpd) loaded=$(cat /sys/kernel/kexec_crash_loaded) at start: $(journalctl -b -u kdumpd -o cat --no-pager | grep 'Capture initramfs' | tail -n 1)"
echo 3 >/var/lib/kdump-test/phase
sync
kdumpctl test --force
say "FATAL: still alive"
exit 1
