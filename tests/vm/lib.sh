# SPDX-License-Identifier: GPL-2.0-or-later
# Shared functions of the kdumpd QEMU end-to-end tests (sourced by run-e2e).
#
# Everything that crashes or kexecs runs inside QEMU; on the host this only
# downloads Debian packages, builds disk images as files (mke2fs -d, no
# mounts, no loop devices) and reads them back with debugfs.
#
# Layout:
#   $VM_CACHE (KDUMPD_TEST_CACHE, default /var/cache/kdumpd-test)
#       linux-image-<rel>_<ver>_amd64.deb, linux-image-<rel>-dbg_<ver>_amd64.deb
#       kernel-<rel>_<ver>/root/      the unpacked image package + depmod output
#       kernel-<rel>_<ver>/vmlinux-<rel>   from the -dbg package
#       kernel-<rel>_<ver>/boot.cpio  the boot initramfs of the first kernel
#   $VM_WORK (KDUMPD_VM_WORKDIR, default /var/tmp/kdumpd-vm/<timestamp>)
#       rootfs/ root.img dump.img console.log qemu.log dump/ checks.log ...

shopt -s extglob
VM_PY=/usr/bin/python3          # Debian's python (python3-drgn lives there)
VM_CHECKS_PASSED=0
VM_CHECKS_FAILED=0

vm_say() { printf '[vm] %s\n' "$*" >&2; }
# A setup failure is one failed check: the summary line still ends the output.
vm_die() {
        printf '[vm] error: %s\n' "$*" >&2
        [ -n "${VM_WORK:-}" ] && [ -d "$VM_WORK" ] && echo "work dir kept: $VM_WORK"
        echo "$VM_CHECKS_PASSED passed, $((VM_CHECKS_FAILED + 1)) failed"
        exit 2
}

# Named pass/fail lines; also kept in $VM_WORK/checks.log.
vm_pass() {
        VM_CHECKS_PASSED=$((VM_CHECKS_PASSED + 1))
        printf 'PASS: %s\n' "$*" | tee -a "$VM_WORK/checks.log"
}
vm_fail() {
        local name=$1; shift
        VM_CHECKS_FAILED=$((VM_CHECKS_FAILED + 1))
        printf 'FAIL: %s%s\n' "$name" "${*:+ -- $*}" | tee -a "$VM_WORK/checks.log"
}
vm_check() {        # vm_check NAME DETAIL-IF-FAILED COMMAND...
        local name=$1 detail=$2; shift 2
        if "$@"; then vm_pass "$name"; else vm_fail "$name" "$detail"; fi
}

# Figures, printed at the end and kept in $VM_WORK/figures.
vm_figure() {
        printf '%-34s %s\n' "$1:" "$2" >>"$VM_WORK/figures"
}

vm_need_tools() {
        local t missing=()
        for t in apt-get apt-cache dpkg-deb tar depmod modprobe mke2fs debugfs e2fsck cpio \
                 qemu-system-x86_64 timeout readelf crash busybox meson ninja ldd; do
                command -v "$t" >/dev/null 2>&1 || missing+=("$t")
        done
        [ -x "$VM_PY" ] || missing+=("$VM_PY")
        "$VM_PY" -c 'import drgn' 2>/dev/null || missing+=("python3-drgn")
        [ -x /bin/busybox ] && file_is_static /bin/busybox || missing+=("busybox-static")
        [ ${#missing[@]} -eq 0 ] || vm_die "missing: ${missing[*]} (run tests/vm/setup-deps as root)"
}

file_is_static() {
        # busybox-static's binary has no PT_INTERP; the dynamic busybox does.
        ! readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'
}

# ---------------------------------------------------------------------------
# 1. Kernel: Debian's current linux-image-amd64, its -dbg vmlinux, cached;
# VM_KERNEL_PKG (e.g. linux-image-6.12.95+deb12-amd64) picks another
# kernel package already downloaded into $VM_CACHE instead.
# Sets KREL (uname -r), KVER (Debian version), KDIR (cache dir of this
# kernel), KROOT (unpacked package), VMLINUX.

# vm_cache_locked NAME COMMAND...: runs COMMAND (a function of these scripts,
# in this shell) holding the cache's lock NAME, so that suites running at
# once (tests/run-all's two lanes) never fill one cache entry together: the
# second waits, then finds it filled.
vm_cache_locked() {
        local name=$1 fd r
        shift
        mkdir -p "$VM_CACHE" || vm_die "cannot create cache $VM_CACHE"
        exec {fd}>>"$VM_CACHE/.lock-$name" || vm_die "cannot open $VM_CACHE/.lock-$name"
        if ! flock -n "$fd"; then
                vm_say "waiting for another test filling the cache's $name ($VM_CACHE)"
                flock "$fd" || vm_die "flock $VM_CACHE/.lock-$name failed"
        fi
        "$@"
        r=$?
        exec {fd}>&-
        return "$r"
}

deb_file_name() {       # package version -> file name apt-get download uses
        printf '%s_%s_amd64.deb' "$1" "${2//:/%3a}"
}

vm_kernel_fetch() { vm_cache_locked kernel vm_kernel_fetch_locked; }

vm_kernel_fetch_locked() {
        local pkg="" ver="" deb dbg

        mkdir -p "$VM_CACHE" || vm_die "cannot create cache $VM_CACHE"
        if [ -n "${VM_KERNEL_PKG:-}" ]; then
                # Another kernel (tests/vm/other-kernel): the image package
                # and its -dbg must already be in the cache (fetched with a
                # private apt configuration); the newest cached version wins.
                pkg=$VM_KERNEL_PKG
                deb=$(ls -1 "$VM_CACHE/${pkg}"_*_amd64.deb 2>/dev/null | sort -V | tail -n 1)
                [ -n "$deb" ] || vm_die "VM_KERNEL_PKG=$pkg: no ${pkg}_*_amd64.deb in $VM_CACHE"
                ver=$(dpkg-deb -f "$deb" Version)
        else
                pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
                      sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
                [ -n "$pkg" ] && ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
        fi
        if [ -z "$pkg" ] || [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
                # No apt lists (offline CI cache): use the newest kernel already in the cache.
                deb=$(ls -1 "$VM_CACHE"/linux-image-[0-9]*-amd64_*_amd64.deb 2>/dev/null | sort -V | tail -n 1)
                [ -n "$deb" ] || vm_die "cannot resolve linux-image-amd64 (apt-get update?) and $VM_CACHE has no kernel package"
                pkg=$(dpkg-deb -f "$deb" Package)
                ver=$(dpkg-deb -f "$deb" Version)
                vm_say "apt cannot resolve linux-image-amd64; using cached $pkg $ver"
        fi
        KREL=${pkg#linux-image-}
        KVER=$ver
        deb=$VM_CACHE/$(deb_file_name "$pkg" "$ver")
        dbg=$VM_CACHE/$(deb_file_name "$pkg-dbg" "$ver")
        local want=()
        [ -s "$deb" ] || want+=("$pkg=$ver")
        [ -s "$dbg" ] || want+=("$pkg-dbg=$ver")
        if [ ${#want[@]} -gt 0 ]; then
                vm_say "downloading ${want[*]} into $VM_CACHE (the -dbg package is ~850 MB, once)"
                (cd "$VM_CACHE" && apt-get download -q "${want[@]}") || vm_die "apt-get download ${want[*]} failed"
        fi
        [ -s "$deb" ] && [ -s "$dbg" ] || vm_die "expected $deb and $dbg after download"

        KDIR=$VM_CACHE/kernel-${KREL}_${ver//:/%3a}
        KROOT=$KDIR/root
        VMLINUX=$KDIR/vmlinux-$KREL
        mkdir -p "$KDIR"
        if [ ! -e "$KDIR/root.done" ]; then
                vm_say "unpacking $pkg $ver"
                rm -rf "$KROOT" && mkdir -p "$KROOT"
                dpkg-deb -x "$deb" "$KROOT" || vm_die "dpkg-deb -x $deb failed"
                # Bookworm ships modules under /lib; later releases under /usr/lib.
                [ -d "$KROOT/lib/modules/$KREL" ] || [ -d "$KROOT/usr/lib/modules/$KREL" ] ||
                        vm_die "$deb has no modules for $KREL"
                depmod -b "$KROOT" "$KREL" || vm_die "depmod -b $KROOT $KREL failed"
                touch "$KDIR/root.done"
        fi
        if [ ! -e "$KDIR/vmlinux.done" ]; then
                vm_say "extracting vmlinux-$KREL from the -dbg package (~45 s, once)"
                local tmp=$KDIR/dbg.tmp
                rm -rf "$tmp" && mkdir -p "$tmp"
                dpkg-deb --fsys-tarfile "$dbg" | tar -x -C "$tmp" --wildcards "./usr/lib/debug/boot/vmlinux-$KREL" ||
                        vm_die "cannot extract vmlinux-$KREL from $dbg"
                mv "$tmp/usr/lib/debug/boot/vmlinux-$KREL" "$VMLINUX" && rm -rf "$tmp"
                touch "$KDIR/vmlinux.done"
        fi
        KMODS=$KROOT/lib/modules/$KREL
        [ -d "$KMODS" ] || KMODS=$KROOT/usr/lib/modules/$KREL
        vm_say "kernel $KREL ($KVER), vmlinux $VMLINUX"
}

# ---------------------------------------------------------------------------
# 3a. Boot initramfs of the first kernel: Debian builds virtio_pci,
# virtio_blk and ext4 as modules, so load them (in modprobe's order, softdeps
# included) and switch to the root disk.

#
# With VM_BOOT_STACK=1 (BOOT_CPIO is then boot-stack.cpio) it also has md
# and device-mapper, mdadm and lvm: a root given as kdumptest.root=/dev/VG/LV
# on the command line is reached by assembling the array kdumptest.md=
# names (md1:vdh,vdi) and activating the VG (stack-e2e's root on LVM on md).
vm_boot_initramfs() {
        local out=$KDIR/boot.cpio mods="virtio_pci virtio_blk ext4"
        [ "${VM_BOOT_STACK:-0}" = 1 ] && out=$KDIR/boot-stack.cpio mods="$mods md_mod raid1 dm_mod"
        [ -s "$out" ] && [ "$out" -nt "$VM_TOP/tests/vm/lib.sh" ] && { BOOT_CPIO=$out; return 0; }

        local dir=$KDIR/boot.d m list
        rm -rf "$dir" && mkdir -p "$dir"/{bin,dev,proc,sys,newroot,modules}
        cp /bin/busybox "$dir/bin/busybox"
        ln -s busybox "$dir/bin/sh"
        if [ "${VM_BOOT_STACK:-0}" = 1 ]; then
                copy_host_path "$dir" /usr/sbin/mdadm && copy_host_path "$dir" /usr/sbin/lvm ||
                        vm_die "cannot copy mdadm and lvm into the boot initramfs (tests/setup-deps)"
                copy_host_libs_for "$dir" /usr/sbin/mdadm /usr/sbin/lvm
                vm_guest_lvm_conf "$dir"
        fi
        # modprobe prints, in load order, "insmod <path> " for every module
        # (softdeps included) and "builtin <name>" for built-in ones.
        list=$(modprobe -d "$KROOT" -S "$KREL" --show-depends -a $mods) ||
                vm_die "modprobe --show-depends failed for $KREL"
        : >"$dir/modules/order"
        local seen=" "
        while read -r verb path _; do
                [ "$verb" = insmod ] || continue
                m=$(basename "$path")
                case $seen in *" $m "*) continue ;; esac
                seen="$seen$m "
                case $m in
                *.ko) cp "$path" "$dir/modules/$m" ;;
                *.ko.xz) xz -dc "$path" >"$dir/modules/${m%.xz}"; m=${m%.xz} ;;
                *.ko.zst) zstd -qdc "$path" >"$dir/modules/${m%.zst}"; m=${m%.zst} ;;
                *.ko.gz) gzip -dc "$path" >"$dir/modules/${m%.gz}"; m=${m%.gz} ;;
                esac
                echo "$m" >>"$dir/modules/order"
        done <<<"$list"
        cat >"$dir/init" <<'EOF'
#!/bin/sh
# Boot initramfs of the kdumpd VM test: load the disk drivers, mount
# /dev/vda, switch to it.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "KDUMP-TEST: boot initramfs: loading $(wc -l </modules/order) modules"
while read -r m; do
        # crc32c-intel needs SSE4.2, which TCG's CPU may lack: crc32c_generic follows.
        insmod /modules/$m 2>/dev/null || echo "KDUMP-TEST: boot initramfs: insmod $m failed (ignored)"
done </modules/order
i=0
while [ ! -b /dev/vda ]; do
        i=$((i + 1))
        if [ $i -gt 300 ]; then
                echo "KDUMP-TEST: FATAL: /dev/vda did not appear"; poweroff -f
        fi
        sleep 0.1
done
root=/dev/vda md=""
for w in $(cat /proc/cmdline); do
        case $w in
        kdumptest.root=*) root=${w#kdumptest.root=} ;;
        kdumptest.md=*) md=${w#kdumptest.md=} ;;        # md1:vdh,vdi
        esac
done
if [ "$root" != /dev/vda ]; then
        # The root on LVM on md: the array from its members, then the VG.
        mkdir -p /run/lock/lvm
        members=""
        for d in $(echo "${md#*:}" | tr , ' '); do
                i=0
                while [ ! -b /dev/$d ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
                members="$members /dev/$d"
        done
        [ -z "$md" ] || /usr/sbin/mdadm --assemble --run "/dev/${md%%:*}" $members ||
                echo "KDUMP-TEST: boot initramfs: mdadm --assemble /dev/${md%%:*}$members failed"
        vg=${root#/dev/}; vg=${vg%%/*}
        /usr/sbin/lvm vgchange -ay "$vg" || echo "KDUMP-TEST: boot initramfs: vgchange -ay $vg failed"
        echo "KDUMP-TEST: boot initramfs: root $root on $(cat /proc/mdstat | grep ^md | tr '\n' ' ')"
fi
if ! mount -t ext4 -o rw "$root" /newroot; then
        echo "KDUMP-TEST: FATAL: cannot mount $root"; poweroff -f
fi
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /sbin/init
EOF
        chmod 755 "$dir/init"
        (cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 >"$out.tmp") ||
                vm_die "cpio failed"
        mv "$out.tmp" "$out"
        rm -rf "$dir"
        BOOT_CPIO=$out
}

# ---------------------------------------------------------------------------
# 2. Guest root disk.

# Copies a host file into the root at the same path, with every symlink on
# the way (libc.so.6 -> libc-2.36.so style chains).
copy_host_path() {
        local root=$1 p=$2 n=0 t
        while [ $n -lt 20 ]; do
                n=$((n + 1))
                [ -e "$root$p" ] || [ -L "$root$p" ] || {
                        mkdir -p "$root$(dirname "$p")"
                        cp -P "$p" "$root$p" || return 1
                }
                [ -L "$p" ] || return 0
                t=$(readlink "$p")
                case $t in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac
        done
        return 1
}

# Libraries (and the ELF interpreter) of every dynamic ELF program under
# the root's /usr/sbin, /usr/bin and /usr/libexec, resolved by the host's ldd.
copy_host_libs() {
        local root=$1 f l libs=""
        while IFS= read -r f; do
                [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
                file_is_static "$f" && continue
                libs+=$(ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
                libs+=$'\n'
        done < <(find "$root/usr/sbin" "$root/usr/bin" "$root/usr/libexec" -type f 2>/dev/null)
        for l in $(printf '%s\n' "$libs" | sort -u); do
                copy_host_path "$root" "$l" || vm_die "cannot copy $l into the guest root"
        done
}

vm_build_dir_check() {
        local b=$1
        if [ ! -f "$b/build.ninja" ]; then
                vm_say "configuring $b"
                meson setup "$b" "$VM_TOP" --prefix=/usr --sysconfdir=/etc --localstatedir=/var >/dev/null ||
                        vm_die "meson setup $b failed"
        fi
        grep -q '^#define KDUMP_SBINDIR "/usr/sbin"' "$b/build-config.h" &&
        grep -q '^#define KDUMP_CONF_PATH "/etc/kdump.conf"' "$b/build-config.h" ||
                vm_die "$b is not configured with --prefix=/usr --sysconfdir=/etc --localstatedir=/var"
        # One ninja at a time in a build directory other tests may share.
        flock "$b/.vm-test-ninja.lock" ninja -C "$b" >"$VM_WORK/ninja.log" 2>&1 ||
                { tail -n 30 "$VM_WORK/ninja.log" >&2; vm_die "build failed (see $VM_WORK/ninja.log)"; }
}

# Extra host programs in the guest root (stack-e2e: lvm, mdadm, ...), for a
# runner that sets VM_GUEST_TOOLS to program names: each is copied from the
# host's /usr/sbin or /usr/bin with the symlinks on the way (pvcreate -> lvm,
# thin_check -> pdata_tools), before copy_host_libs adds their libraries, so
# busybox links no applet of that name (mke2fs is then e2fsprogs').
# VM_GUEST_FILES: more host files (e.g. /etc/mke2fs.conf) at the same path.
# With lvm among the tools, an lvm.conf for a guest without udev.
vm_guest_tools() {
        local root=$1 t p d
        for t in ${VM_GUEST_TOOLS:-}; do
                p=""
                for d in /usr/sbin /usr/bin; do
                        if [ -e "$d/$t" ]; then p=$d/$t; break; fi
                done
                [ -n "$p" ] || vm_die "VM_GUEST_TOOLS: no $t in /usr/sbin or /usr/bin on this host (tests/setup-deps)"
                copy_host_path "$root" "$p" || vm_die "cannot copy $p into the guest root"
        done
        for p in ${VM_GUEST_FILES:-}; do
                [ -e "$p" ] || vm_die "VM_GUEST_FILES: no $p on this host"
                copy_host_path "$root" "$p" || vm_die "cannot copy $p into the guest root"
        done
        case " ${VM_GUEST_TOOLS:-} " in *" lvm "*) vm_guest_lvm_conf "$root" ;; esac
        return 0
}

# copy_host_libs_for ROOT PROGRAM...: the libraries of those programs (as in
# the guest root), by the host's ldd, where ROOT lacks them.
copy_host_libs_for() {
        local root=$1 f l
        shift
        for f in "$@"; do
                for l in $(ldd "$root$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
                        copy_host_path "$root" "$l" || vm_die "cannot copy $l into the guest root"
                done
        done
}

# lvm.conf(5) of Debian 12's lvm2 (2.03.16) for a guest without udev: the
# device list from a /dev scan and no udev database, no waiting for udev,
# lvm (libdevmapper) makes the /dev/mapper and /dev/VG nodes itself, no
# dmeventd, lvmpolld or devices file.
vm_guest_lvm_conf() {
        local root=$1
        mkdir -p "$root/etc/lvm"
        cat >"$root/etc/lvm/lvm.conf" <<'EOF'
# lvm.conf of the kdumpd VM test guest (tests/vm/lib.sh): no udev.
devices {
        obtain_device_list_from_udev = 0
        external_device_info_source = "none"
        use_devicesfile = 0
}
global {
        use_lvmpolld = 0
        use_lvmlockd = 0
        event_activation = 0
        locking_dir = "/run/lock/lvm"
}
activation {
        udev_sync = 0
        udev_rules = 0
        verify_udev_operations = 0
        monitoring = 0
}
EOF
}

vm_guest_root() {
        local root=$VM_WORK/rootfs d a
        rm -rf "$root" && mkdir -p "$root"
        # Merged /usr like Debian 12, so ldd's /lib/... paths land in /usr/lib.
        mkdir -p "$root"/usr/{bin,sbin,lib,lib64,libexec} "$root"/{boot,dev,proc,sys,tmp,run,mnt,root} \
                 "$root"/etc/kdump-test "$root"/var/lib/kdumpd "$root"/var/tmp
        for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
        chmod 1777 "$root/tmp" "$root/var/tmp"

        meson install -C "$VM_BUILD" --no-rebuild --quiet --strip --destdir "$root" >"$VM_WORK/meson-install.log" 2>&1 ||
                { cat "$VM_WORK/meson-install.log" >&2; vm_die "meson install --destdir failed"; }
        [ -n "${VM_GUEST_TOOLS:-}${VM_GUEST_FILES:-}" ] && vm_guest_tools "$root"
        copy_host_libs "$root"

        cp /bin/busybox "$root/usr/bin/busybox"
        # Applet links only where the project installed nothing of that name.
        while IFS= read -r a; do
                [ -e "$root/$a" ] || [ -L "$root/$a" ] || ln -s /usr/bin/busybox "$root/$a"
        done < <(busybox --list-full)

        # The kernel as kdumpctl expects to find it on an installed system.
        cp "$KROOT/boot/vmlinuz-$KREL" "$KROOT/boot/config-$KREL" "$KROOT/boot/System.map-$KREL" "$root/boot/"
        mkdir -p "$root/usr/lib/modules"
        cp -al "$KMODS" "$root/usr/lib/modules/" 2>/dev/null || cp -a "$KMODS" "$root/usr/lib/modules/"

        cat >"$root/etc/kdump.conf" <<'EOF'
# kdump.conf of the kdumpd VM test (a scenario may rewrite it).  No
# core_collector line: the test captures with the product's default.
ext4 LABEL=KDUMP
path /crash
EOF
        echo kdumpd-test >"$root/etc/hostname"
        printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
        printf 'root:x:0:\n' >"$root/etc/group"
        cp "$VM_TOP/tests/vm/guest-functions.sh" "$root/etc/kdump-test/functions"
        cp "$VM_SCENARIO_FILE" "$root/etc/kdump-test/scenario"
        printf 'KDUMP_TEST_LOADER=%s\n' "$VM_LOADER" >"$root/etc/kdump-test/env"
        chmod 755 "$root/etc/kdump-test/scenario"
        cp "$VM_TOP/tests/vm/guest-init.sh" "$root/usr/sbin/init.kdump-test"
        chmod 755 "$root/usr/sbin/init.kdump-test"
        rm -f "$root/usr/sbin/init"
        ln -s init.kdump-test "$root/usr/sbin/init"

        # Size: contents + room for the capture initramfs kdumpctl writes.
        local kib
        kib=$(du -sk "$root" | cut -f1)
        kib=$((kib * 5 / 4 + 256 * 1024))
        rm -f "$VM_WORK/root.img"
        mke2fs -q -F -t ext4 -L kdumpd-root -d "$root" "$VM_WORK/root.img" "${kib}k" >/dev/null ||
                vm_die "mke2fs -d $root failed"
        ROOT_IMG=$VM_WORK/root.img
        # The tree is only the source of the image.
        [ "$VM_KEEP" = 1 ] || rm -rf "$root"
}

vm_dump_disk() {
        rm -f "$VM_WORK/dump.img"
        truncate -s "${VM_DUMP_DISK_SIZE:-2G}" "$VM_WORK/dump.img"
        mke2fs -q -F -t ext4 -L KDUMP "$VM_WORK/dump.img" >/dev/null || vm_die "mke2fs of the dump disk failed"
        DUMP_IMG=$VM_WORK/dump.img
}

# ---------------------------------------------------------------------------
# 3b. QEMU.  The serial console goes to console.log; a follower prints the
# interesting lines (and everything with --verbose) and stamps the moments
# the figures need.

vm_follow_console() {     # vm_follow_console LOG PID: until PID ends
        local log=$1 pid=$2 line
        # tail --pid ends (after a last read) when QEMU's timeout process
        # ends, so the follower needs no killing and leaves nothing behind.
        tail -n +1 -F --pid="$pid" "$log" 2>/dev/null | while IFS= read -r line; do
                line=${line%$'\r'}
                line=${line//$'\e['*([?0-9;])[a-zA-Z]/}
                case $line in
                *"sysrq: Trigger a crash"*)        echo "panic $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"Capture kernel started"*)        echo "capture $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"dump written:"*)                 echo "written $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"no longer feeding the watchdog"*) echo "stall $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                esac
                if [ "$VM_VERBOSE" = 1 ]; then
                        printf '  | %s\n' "$line"
                else
                        case $line in
                        *KDUMP-TEST:*|kdump:*|kdumpctl:*|*"Kernel panic"*|*"sysrq:"*|*"Linux version"*|*"Run /init"*|\
                        *"Kernel Offset"*|*"reboot: "*|*"Command line: elfcorehdr="*|\
                        "Capture kernel:"*|"Initramfs:"*|"Reservation:"*|"Dump target:"*|*BUG:*|*Oops*)
                                printf '  | %s\n' "$line" ;;
                        esac
                fi
        done
}

vm_qemu() {
        local log=$VM_WORK/console.log qpid rc t0 t1
        : >"$log"
        : >"$VM_WORK/stamps"
        QEMU_CMD=(qemu-system-x86_64 -machine pc,accel="$VM_ACCEL" -cpu "$VM_CPU" -m "$VM_MEM" -smp "$VM_SMP"
                -nographic -monitor none -serial "file:$log" -no-reboot -nodefaults
                -kernel "$KROOT/boot/vmlinuz-$KREL" -initrd "$BOOT_CPIO"
                -append "console=ttyS0 crashkernel=$VM_CRASHKERNEL panic=5 $VM_APPEND"
                -drive "file=$ROOT_IMG,if=virtio,format=raw"
                -drive "file=$DUMP_IMG,if=virtio,format=raw")
        # More disks (vdc, ...): VM_EXTRA_DRIVES, space-separated image paths.
        local extra
        for extra in ${VM_EXTRA_DRIVES:-}; do
                QEMU_CMD+=(-drive "file=$extra,if=virtio,format=raw")
        done
        # More QEMU arguments (net-server.sh's client NIC, ...): the bash
        # array VM_QEMU_EXTRA, when set.
        QEMU_CMD+=(${VM_QEMU_EXTRA[@]+"${VM_QEMU_EXTRA[@]}"})
        printf '%q ' "${QEMU_CMD[@]}" >"$VM_WORK/qemu.cmd"; echo >>"$VM_WORK/qemu.cmd"
        local attempt
        for attempt in 1 2; do
                vm_say "booting: QEMU ($VM_ACCEL, ${VM_MEM}, ${VM_SMP} CPUs), timeout ${VM_TIMEOUT}s; console: $log"
                t0=$EPOCHREALTIME
                timeout -k 10 "$VM_TIMEOUT" "${QEMU_CMD[@]}" </dev/null >"$VM_WORK/qemu.log" 2>&1 &
                qpid=$!
                vm_follow_console "$log" "$qpid"
                wait "$qpid"
                rc=$?
                t1=$EPOCHREALTIME
                QEMU_RC=$rc
                QEMU_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
                vm_say "QEMU exited with status $rc after ${QEMU_SECONDS}s"
                [ -s "$VM_WORK/qemu.log" ] && sed 's/^/  qemu: /' "$VM_WORK/qemu.log" >&2
                # QEMU 7.2's TCG has crashed (SIGSEGV) once in CI while the
                # guest kernel was still booting.  That is QEMU's failure,
                # not the product's: when QEMU died of a signal (not the
                # timeout's 124/137) before the guest's init said anything,
                # nothing of the test has run and the boot is tried once
                # more, loudly.  Any later crash stays a failure.
                case $rc in 132|134|135|136|139) ;; *) break ;; esac
                grep -aq 'KDUMP-TEST:' "$log" && break
                [ "$attempt" = 2 ] && break
                vm_say "QEMU died of signal $((rc - 128)) before the guest's init started: a QEMU crash, not a test" \
                       "result; booting once more (console of the crashed try: $log.qemu-crash)"
                echo "qemu-crash $(date +%H:%M:%S) signal $((rc - 128)) after ${QEMU_SECONDS} s" >>"$VM_WORK/qemu-crashes"
                mv "$log" "$log.qemu-crash"
                : >"$log"
                : >"$VM_WORK/stamps"
        done
        return 0
}

# ---------------------------------------------------------------------------
# 4. The dump, read off the dump disk image with debugfs (no mount).

dfs() { debugfs -R "$1" "$DUMP_IMG" 2>/dev/null; }

# Prints the octal permission bits of a path in the dump image.
dfs_mode() {
        local m
        m=$(dfs "stat \"$1\"" | sed -n 's/.*Mode: *\([0-7]*\).*/\1/p' | head -n 1)
        [ -n "$m" ] && printf '%04o\n' "$((8#$m))"
}

# The newest dated dump directory under VM_DUMP_PATH (default /crash) on the
# dump image: DUMP_DIR, its files in VM_DUMP_LOCAL (default $VM_WORK/dump).
vm_extract_dump() {
        local path=${VM_DUMP_PATH:-/crash} out=${VM_DUMP_LOCAL:-$VM_WORK/dump} d
        DUMP_DIR=""
        mkdir -p "$out"
        # "ls -p" lines: /inode/mode/uid/gid/name/size/
        # the newest dated directory; VM_DUMP_PICK=first: the oldest
        d=$(dfs "ls -p $path" | awk -F/ '$6 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-/ { print $6 }' | LC_ALL=C sort |
                if [ "${VM_DUMP_PICK:-last}" = first ]; then head -n 1; else tail -n 1; fi)
        [ -n "$d" ] || return 1
        DUMP_DIR=$path/$d
        dfs "ls -p \"$DUMP_DIR\"" | awk -F/ 'NF > 6 && $6 != "." && $6 != ".." { print $6 " " $7 }' >"$out/listing"
        dfs "dump \"$DUMP_DIR/vmcore\" \"$out/vmcore\"" >/dev/null
        dfs "dump \"$DUMP_DIR/vmcore-dmesg.txt\" \"$out/vmcore-dmesg.txt\"" >/dev/null
        rm -f "$out/SHA256SUMS"
        grep -q "^SHA256SUMS " "$out/listing" && dfs "dump \"$DUMP_DIR/SHA256SUMS\" \"$out/SHA256SUMS\"" >/dev/null
        return 0
}

# vm_dump_checks DIR [PREFIX]: the checks of one dump of a "sysrq c" crash
# that vm_extract_dump read off the dump image (DUMP_DIR there, its files in
# DIR): modes 0700/0600, no vmcore-incomplete, SHA256SUMS (sha256sum -c),
# the notes (vmcore-notes.py),
# the panic in vmcore-dmesg.txt, crash(8) sys/bt/ps, drgn (drgn-check.py),
# e2fsck of the image; the "dump size" figure.  PREFIX starts every check
# and figure name (run-e2e: none).  Uses VM_SMP, KREL, VMLINUX, VM_MIN_TASKS.
#
# With VM_DUMP_FS=other the dump was copied out some other way (btrfs
# restore -m): the modes are those of DIR and its files, and the image is
# not an ext4 one to e2fsck.
vm_dump_checks() {
        local D=$1 pfx=${2:-} mode f dump_bytes
        if [ "${VM_DUMP_FS:-ext4}" = other ]; then
                mode=$(stat -c %04a "$D" 2>/dev/null)
        else
                mode=$(dfs_mode "$DUMP_DIR")
        fi
        vm_check "${pfx}dump directory mode 0700" "mode $mode" test "$mode" = 0700
        for f in vmcore vmcore-dmesg.txt; do
                if [ "${VM_DUMP_FS:-ext4}" = other ]; then
                        mode=$(stat -c %04a "$D/$f" 2>/dev/null)
                else
                        mode=$(dfs_mode "$DUMP_DIR/$f")
                fi
                vm_check "${pfx}$f mode 0600" "mode ${mode:-<missing>}" test "$mode" = 0600
        done
        vm_check "${pfx}no vmcore-incomplete left" "$(tr '\n' ' ' <"$D/listing")" \
                eval '! grep -q "^vmcore-incomplete " "$D/listing"'
        vm_check "${pfx}vmcore is not empty" "missing or empty" test -s "$D/vmcore"
        # the capture's manifest names the dump as written (vmcore, or
        # vmcore.age / vmcore.flat) and its log; sha256sum -c agrees
        vm_check "${pfx}SHA256SUMS names the dump and its log, and sha256sum -c passes" \
                "$(cat "$D/SHA256SUMS" 2>&1 | tr '\n' ' '); $(cd "$D" && sha256sum -c SHA256SUMS 2>&1 | tr '\n' ' ')" \
                eval 'grep -qE "^[0-9a-f]{64}  vmcore(\.age|\.flat)?\$" "$D/SHA256SUMS" &&
                      grep -qE "^[0-9a-f]{64}  vmcore-dmesg\.txt(\.age)?\$" "$D/SHA256SUMS" &&
                      (cd "$D" && sha256sum --quiet -c SHA256SUMS)'

        "$VM_PY" "$VM_TOP/tests/vm/vmcore-notes.py" "$D/vmcore" >"$D/notes.txt" 2>&1
        note() { sed -n "s/^$1=//p" "$D/notes.txt"; }
        vm_check "${pfx}notes: one NT_PRSTATUS per CPU ($VM_SMP)" "$(note nr_prstatus) notes; $(tail -n 1 "$D/notes.txt")" \
                test "$(note nr_prstatus)" = "$VM_SMP"
        vm_check "${pfx}notes: VMCOREINFO OSRELEASE is $KREL" "'$(note osrelease)'; $(tail -n 1 "$D/notes.txt")" \
                test "$(note osrelease)" = "$KREL"

        vm_check "${pfx}vmcore-dmesg.txt has the panic" "$(tail -n 2 "$D/vmcore-dmesg.txt" 2>/dev/null | tr '\n' ' ')" \
                grep -qE 'Kernel panic - not syncing: sysrq triggered crash|sysrq: Trigger a crash' "$D/vmcore-dmesg.txt"

        printf 'sys\nbt\nlog\nps\nquit\n' >"$D/crash.in"
        timeout 300 crash -s "$VMLINUX" "$D/vmcore" <"$D/crash.in" >"$D/crash.out" 2>&1
        vm_check "${pfx}crash: sys names the panic 'sysrq triggered crash'" "see $D/crash.out" \
                grep -qE 'PANIC: "(Kernel panic - not syncing: )?sysrq triggered crash' "$D/crash.out"
        vm_check "${pfx}crash: bt shows sysrq_handle_crash" "see $D/crash.out" \
                grep -qE '^ *#[0-9]+ \[[0-9a-f]+\] sysrq_handle_crash at ' "$D/crash.out"
        # crash 8.0.2 cannot walk the PID table of Debian's 6.1.19x
        # kernels (its "ps" shows only the tasks on CPUs, on QEMU's own
        # dump-guest-memory dumps too), so drgn checks the task list;
        # crash must still show the task that panicked.
        vm_check "${pfx}crash: ps shows the panicking task" "see $D/crash.out" \
                grep -qE '^> +[1-9][0-9]* +-?[0-9]+ +[0-9]+ +[0-9a-f]+ +[A-Z]+ ' "$D/crash.out"

        timeout 300 "$VM_PY" "$VM_TOP/tests/vm/drgn-check.py" "$D/vmcore" "$VMLINUX" >"$D/drgn.out" 2>&1
        dv() { sed -n "s/^$1=//p" "$D/drgn.out"; }
        vm_check "${pfx}drgn: crashed thread's stack has sysrq_handle_crash" "$(dv crashed_stack || true) $(tail -n 1 "$D/drgn.out")" \
                eval 'dv crashed_stack | grep -qw sysrq_handle_crash'
        vm_check "${pfx}drgn: task list has init (pid 1) and >= $VM_MIN_TASKS tasks" \
                "init: $(dv has_init), tasks: $(dv nr_tasks); $(tail -n 1 "$D/drgn.out")" \
                eval '[ "$(dv has_init)" = yes ] && [ "$(dv nr_tasks)" -ge "$VM_MIN_TASKS" ]'

        [ "${VM_DUMP_FS:-ext4}" = other ] ||
                vm_check "${pfx}dump filesystem is clean (e2fsck -fn)" "see $D/e2fsck.out" \
                        eval 'e2fsck -fn "$DUMP_IMG" >"$D/e2fsck.out" 2>&1'

        dump_bytes=$(stat -c %s "$D/vmcore" 2>/dev/null || echo 0)
        vm_figure "${pfx}dump size" "$dump_bytes bytes ($((dump_bytes / 1048576)) MiB), format $(note format)"
}

# The Debian 12 root of the systemd guests (systemd-e2e, package-e2e):
# debootstrap --variant=minbase with systemd, the libraries kdumpd links,
# dracut-core and zstd (initramfs_builder dracut), once, cached as a tarball.
# Sets DEBIAN_ROOT_TAR.  Uses VM_CACHE, VM_WORK, MIRROR.
vm_debian_root() { vm_cache_locked debian-root vm_debian_root_locked; }

vm_debian_root_locked() {
        local tmp
        DEBIAN_ROOT_TAR=$VM_CACHE/debian-bookworm-systemd-dracut-root.tar
        [ -s "$DEBIAN_ROOT_TAR" ] && return 0
        command -v debootstrap >/dev/null || vm_die "debootstrap is missing (apt-get install debootstrap)"
        vm_say "debootstrap bookworm (minbase + systemd + dracut-core) into the cache, once"
        tmp=$VM_CACHE/debootstrap.tmp
        rm -rf "$tmp"
        debootstrap --variant=minbase \
                --include=systemd,systemd-sysv,udev,dbus,kmod,e2fsprogs,libelf1,libkmod2,libblkid1,liblzo2-2,libzstd1,liblzma5,zlib1g,libsystemd0,dracut-core,zstd \
                bookworm "$tmp" "${MIRROR:-http://deb.debian.org/debian}" >"$VM_WORK/debootstrap.log" 2>&1 ||
                { tail -n 20 "$VM_WORK/debootstrap.log" >&2; vm_die "debootstrap failed (see $VM_WORK/debootstrap.log)"; }
        rm -rf "$tmp"/var/cache/apt/archives/*.deb
        tar -C "$tmp" -cf "$DEBIAN_ROOT_TAR.tmp" . && mv "$DEBIAN_ROOT_TAR.tmp" "$DEBIAN_ROOT_TAR" ||
                vm_die "cannot write $DEBIAN_ROOT_TAR"
        rm -rf "$tmp"
}
