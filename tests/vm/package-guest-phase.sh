#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Test driver inside the Debian guest of tests/vm/package-e2e, run at every
# boot by kdump-test.service.  The phase survives reboots and the crash in
# /var/lib/kdump-test/phase.  Lines starting with "KDUMP-PKG:" are read by
# package-e2e on the serial console.  The guest has no network: apt finds
# its lists and every .deb it needs already in the root (package-e2e put
# them there with apt-get --download-only).
#   phase 1 (booted without crashkernel=): apt install ./kdumpd_*.deb; what
#           postinst did and said; poweroff
#   phase 2 (booted with crashkernel=): kdumpd.service started by itself;
#           kdumpctl test --force
#   phase 3 (after the capture): kdumpctl list; a second kernel package
#           installed and removed (the kernel hooks); apt remove, apt purge
#           kdumpd and what is left; poweroff
say() { echo "KDUMP-PKG: $*"; }
loaded() { cat /sys/kernel/kexec_crash_loaded; }
export DEBIAN_FRONTEND=noninteractive
phase=$(cat /var/lib/kdump-test/phase 2>/dev/null || echo 1)
KREL=$(uname -r)
say "phase $phase, kernel $KREL, cmdline $(cat /proc/cmdline)"

case $phase in
1)
        echo 2 >/var/lib/kdump-test/phase
        sync
        deb=$(ls /root/kdumpd_*.deb)
        apt-get install -y --no-install-recommends "$deb" >/tmp/apt.log 2>&1
        say "apt install rc=$?"
        sed 's/^/KDUMP-PKG: apt: /' /tmp/apt.log
        say "status=$(dpkg-query -W -f='${db:Status-Status}' kdumpd)"
        say "dropin=$(cat /etc/default/grub.d/kdumpd.cfg 2>/dev/null | tail -n 1)"
        say "image=$(ls /var/lib/kdumpd/initramfs-"$KREL".img 2>/dev/null)"
        say "enabled=$(systemctl is-enabled kdumpd) active=$(systemctl is-active kdumpd) loaded=$(loaded)"
        say "conffiles=$(dpkg-query -W -f='${Conffiles}' kdumpd | awk '{ print $1 }' | tr '\n' ' ')"
        say "done"
        sync
        systemctl poweroff
        ;;
2)
        echo 3 >/var/lib/kdump-test/phase
        sync
        for i in $(seq 120); do
                [ "$(loaded)" = 1 ] && break
                sleep 1
        done
        say "enabled=$(systemctl is-enabled kdumpd) active=$(systemctl is-active kdumpd) loaded=$(loaded)"
        say "StatusText=$(systemctl show -p StatusText --value kdumpd)"
        say "crashing"
        sync
        kdumpctl test --force
        say "FATAL: still alive"
        ;;
3)
        echo 4 >/var/lib/kdump-test/phase
        sync
        for i in $(seq 180); do
                [ -s /var/lib/kdumpd/seen ] && break
                sleep 1
        done
        say "active=$(systemctl is-active kdumpd) loaded=$(loaded)"
        kdumpctl list 2>&1 | sed 's/^/KDUMP-PKG: list: /'
        say "list_json=$(kdumpctl list --json)"
        dumps=$(ls -d /var/crash/2* 2>/dev/null | tr '\n' ' ')
        say "dumps=$dumps"

        # A second kernel package: its postinst runs /etc/kernel/postinst.d,
        # kdumpd's hook among them; its removal /etc/kernel/postrm.d.
        # INITRD=No: initramfs-tools' hook skips the kernel's own boot
        # initramfs (not under test, and minutes under TCG); kdumpd's hook
        # does not read it: a kernel without a boot initramfs still needs
        # its capture initramfs.
        kdeb=$(ls /root/linux-image-*.deb 2>/dev/null | head -n 1)
        if [ -n "$kdeb" ]; then
                krel=$(dpkg-deb -f "$kdeb" Package); krel=${krel#linux-image-}
                t0=$(date +%s)
                INITRD=No apt-get install -y --no-install-recommends "$kdeb" >/tmp/apt-kernel.log 2>&1
                say "kernel install rc=$? release=$krel seconds=$(($(date +%s) - t0))"
                grep -a 'kdumpd' /tmp/apt-kernel.log | sed 's/^/KDUMP-PKG: kernel apt: /'
                say "kernel image=$(ls /var/lib/kdumpd/initramfs-"$krel".img 2>/dev/null) bytes=$(stat -c %s /var/lib/kdumpd/initramfs-"$krel".img 2>/dev/null)"
                apt-get purge -y "linux-image-$krel" >/tmp/apt-kernel-rm.log 2>&1
                say "kernel purge rc=$?"
                grep -a 'kdumpd' /tmp/apt-kernel-rm.log | sed 's/^/KDUMP-PKG: kernel apt: /'
                say "after kernel purge: $(ls /var/lib/kdumpd | grep -c -- "$krel") cache file(s) of $krel, running kernel's image=$(ls /var/lib/kdumpd/initramfs-"$KREL".img 2>/dev/null)"
        else
                say "no second kernel package in /root"
        fi

        apt-get remove -y kdumpd >/tmp/apt-remove.log 2>&1
        say "remove rc=$?"
        sed 's/^/KDUMP-PKG: remove: /' /tmp/apt-remove.log
        say "after remove status=$(dpkg-query -W -f='${db:Status-Status}' kdumpd) active=$(systemctl is-active kdumpd) loaded=$(loaded) kdumpctl=$(command -v kdumpctl) conf=$(ls /etc/kdump.conf 2>/dev/null) dropin=$(ls /etc/default/grub.d/kdumpd.cfg 2>/dev/null)"
        apt-get purge -y kdumpd >/tmp/apt-purge.log 2>&1
        say "purge rc=$?"
        sed 's/^/KDUMP-PKG: purge: /' /tmp/apt-purge.log
        say "after purge status=$(dpkg-query -W -f='${db:Status-Status}' kdumpd 2>&1 | tr '\n' ' ')"
        for p in /etc/kdump.conf /etc/kernel/postinst.d/kdumpd /etc/kernel/postrm.d/kdumpd \
                 /etc/default/grub.d/kdumpd.cfg /var/lib/kdumpd /etc/systemd/system/multi-user.target.wants/kdumpd.service; do
                [ -e "$p" ] && say "left: $p"
        done
        say "dumps after purge=$(ls -d /var/crash/2* 2>/dev/null | tr '\n' ' ') vmcores=$(ls /var/crash/2*/vmcore 2>/dev/null | wc -l)"
        say "done"
        sync
        systemctl poweroff
        ;;
*)
        say "phase $phase: nothing to do"
        systemctl poweroff
        ;;
esac
