# SPDX-License-Identifier: GPL-2.0-or-later
# The arm64 parts of the QEMU end-to-end test (sourced by tests/vm/arm64-e2e
# after lib.sh, whose generic functions it uses: vm_say, vm_check,
# vm_figure, copy_host_path, vm_dump_disk, vm_extract_dump, dfs, dfs_mode).
#
# Cache ($VM_CACHE, as the x86_64 flow):
#   linux-image-<rel>_<ver>_arm64.deb, linux-image-<rel>-dbg_<ver>_arm64.deb,
#   busybox-static_<ver>_arm64.deb
#   kernel-<rel>_<ver>/root/  vmlinux-<rel>  boot.cpio  busybox
# Nothing here runs an arm64 program on the host but busybox --list-full
# (qemu-aarch64, user mode); everything that kexecs or crashes runs in
# qemu-system-aarch64.

ARM64_LIBDIRS="/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu"

arm64_deb_name() {      # package version -> file name apt-get download uses
        printf '%s_%s_arm64.deb' "$1" "${2//:/%3a}"
}

# Seconds between two $EPOCHREALTIME values, one decimal.
arm64_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

arm64_need_tools() {
        local t missing=()
        for t in apt-get apt-cache dpkg-deb tar depmod modprobe mke2fs debugfs e2fsck cpio \
                 qemu-system-aarch64 qemu-aarch64 aarch64-linux-gnu-gcc timeout readelf meson ninja; do
                command -v "$t" >/dev/null 2>&1 || missing+=("$t")
        done
        [ -x "$VM_PY" ] || missing+=("$VM_PY")
        "$VM_PY" -c 'import drgn' 2>/dev/null || missing+=("python3-drgn")
        [ -e /lib/ld-linux-aarch64.so.1 ] || missing+=("libc6:arm64")
        [ ${#missing[@]} -eq 0 ] || vm_die "missing: ${missing[*]} (run tests/setup-deps as root)"
}

# A private apt configuration for Debian trixie and trixie-backports
# (arm64 only) in the cache, as other-kernel's for bookworm-backports: the
# host's apt sources and lists are not touched.  Sets ARM64_APT (options).
arm64_apt_trixie() {
        local list=$VM_CACHE/trixie-arm64.list
        ARM64_APT=(-o "Dir::Etc::sourcelist=$list" -o Dir::Etc::sourceparts=-
                   -o "Dir::State::Lists=$VM_CACHE/trixie-arm64-lists" -o "Dir::Cache=$VM_CACHE/trixie-arm64-cache" -q)
        [ "${1:-}" = update ] || return 0
        mkdir -p "$VM_CACHE/trixie-arm64-lists/partial" "$VM_CACHE/trixie-arm64-cache/archives/partial" ||
                vm_die "cannot create $VM_CACHE/trixie-arm64-*"
        local k=/usr/share/keyrings/debian-archive-keyring.gpg
        printf 'deb [arch=arm64 signed-by=%s] http://deb.debian.org/debian %s main\n' \
                "$k" trixie "$k" trixie-backports >"$list"
        printf 'deb [arch=arm64 signed-by=%s] http://deb.debian.org/debian-security trixie-security main\n' "$k" >>"$list"
        apt-get "${ARM64_APT[@]}" update >"$VM_WORK/apt-update-trixie.log" 2>&1 ||
                vm_die "apt-get update of trixie (arm64) failed (see $VM_WORK/apt-update-trixie.log)"
}

# Debian's arm64 kernel, its -dbg vmlinux and busybox-static:arm64,
# downloaded once with apt-get download (arm64 is a foreign dpkg
# architecture here).  ARM64_KERNEL (--kernel) picks it:
#   6.1     the package bookworm's linux-image-arm64:arm64 depends on (48-bit
#           VA, 4 levels; KDUMPD_ARM64_KERNEL_PKG names another), else the
#           newest 6.1 in the cache;
#   trixie  the newest linux-image-*+deb13-arm64 with a -dbg package, from
#           trixie-backports or trixie (the cached one when there is one):
#           52-bit VA with LPA2, 5 levels; its image package is a metapackage
#           of linux-binary-<rel> (the Image, only as
#           /usr/lib/modules/<rel>/vmlinuz), linux-modules-<rel> (.ko.xz)
#           and linux-base-<rel>, all unpacked into one root;
#   linux-image-<rel>  that package, from bookworm's lists or else trixie's.
# Sets KREL KVER KDIR KROOT KMODS KIMAGE VMLINUX ARM64_BUSYBOX.
arm64_kernel_fetch() { vm_cache_locked arm64-kernel arm64_kernel_fetch_locked; }

arm64_kernel_fetch_locked() {
        local spec=${ARM64_KERNEL:-6.1} pkg="" ver="" deb dbg bb t src=host c f
        mkdir -p "$VM_CACHE" || vm_die "cannot create cache $VM_CACHE"
        case $spec in
        6.1) pkg=${KDUMPD_ARM64_KERNEL_PKG:-} ;;
        trixie) src=trixie ;;
        linux-image-*) pkg=$spec ;;
        *) vm_die "--kernel: 6.1, trixie or linux-image-<release>, not '$spec'" ;;
        esac
        if [ "$src" = trixie ]; then
                # The cached one first (no network), else the newest in the lists.
                deb=$(ls -1 "$VM_CACHE"/linux-image-[0-9]*+deb13-arm64-dbg_*_arm64.deb 2>/dev/null | sort -V | tail -n 1)
                if [ -n "$deb" ]; then
                        pkg=${deb##*/}; pkg=${pkg%%_*}; pkg=${pkg%-dbg}
                        ver=$(dpkg-deb -f "$deb" Version)
                else
                        arm64_apt_trixie update
                        pkg=$(apt-cache "${ARM64_APT[@]}" pkgnames linux-image- 2>/dev/null |
                              grep -E '^linux-image-[0-9.]+\+deb13-arm64-dbg$' | sort -V | tail -n 1)
                        pkg=${pkg%-dbg}
                        [ -n "$pkg" ] || vm_die "trixie(-backports) has no linux-image-*+deb13-arm64-dbg"
                        ver=$(apt-cache "${ARM64_APT[@]}" policy "$pkg:arm64" | sed -n 's/^ *Candidate: //p')
                fi
        elif [ -z "$pkg" ]; then
                # bookworm's lists are the host's (~2 s): the metapackage
                # depends on "linux-image-<rel>-arm64 (= <version>)".
                local dep
                dep=$(apt-cache show --no-all-versions linux-image-arm64:arm64 2>/dev/null |
                        sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,:]*-arm64\) (= \([^)]*\)).*/\1 \2/p' | head -n 1)
                pkg=${dep% *}
                ver=${dep#* }
        else
                ver=$(apt-cache policy "$pkg:arm64" 2>/dev/null | sed -n 's/^ *Candidate: //p')
                if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
                        deb=$(ls -1 "$VM_CACHE/$pkg-dbg"_*_arm64.deb 2>/dev/null | sort -V | tail -n 1)
                        if [ -n "$deb" ]; then
                                ver=$(dpkg-deb -f "$deb" Version)
                        else
                                arm64_apt_trixie update
                                ver=$(apt-cache "${ARM64_APT[@]}" policy "$pkg:arm64" 2>/dev/null | sed -n 's/^ *Candidate: //p')
                        fi
                        src=trixie
                fi
        fi
        if [ -z "$pkg" ] || [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
                deb=$(ls -1 "$VM_CACHE"/${pkg:-linux-image-6.1*-arm64}_*_arm64.deb 2>/dev/null | grep -v -- -dbg_ | sort -V | tail -n 1)
                [ -n "$deb" ] || vm_die "cannot resolve the arm64 kernel ${pkg:-linux-image-arm64:arm64} (apt-get update?) and $VM_CACHE has none"
                pkg=$(dpkg-deb -f "$deb" Package)
                ver=$(dpkg-deb -f "$deb" Version)
                vm_say "apt cannot resolve the arm64 kernel; using cached $pkg $ver"
        fi
        [ "$src" = trixie ] && arm64_apt_trixie
        KREL=${pkg#linux-image-}
        KVER=$ver
        deb=$VM_CACHE/$(arm64_deb_name "$pkg" "$ver")
        dbg=$VM_CACHE/$(arm64_deb_name "$pkg-dbg" "$ver")
        arm64_download() {      # PKG:arm64=VER... into the cache
                vm_say "downloading $* into $VM_CACHE (a -dbg package is ~1 GB, once)"
                t=$EPOCHREALTIME
                if [ "$src" = trixie ]; then
                        (cd "$VM_CACHE" && apt-get "${ARM64_APT[@]}" download "$@") ||
                                { arm64_apt_trixie update; (cd "$VM_CACHE" && apt-get "${ARM64_APT[@]}" download "$@"); }
                else
                        (cd "$VM_CACHE" && apt-get download -q "$@")
                fi || vm_die "apt-get download $* failed"
                vm_figure "download $*" "$(arm64_secs "$t" "$EPOCHREALTIME") s"
        }
        local want=()
        [ -s "$deb" ] || want+=("$pkg:arm64=$ver")
        [ -s "$dbg" ] || want+=("$pkg-dbg:arm64=$ver")
        bb=$(ls -1 "$VM_CACHE"/busybox-static_*_arm64.deb 2>/dev/null | sort -V | tail -n 1)
        [ -n "$bb" ] || want+=("busybox-static:arm64")
        if [ ${#want[@]} -gt 0 ]; then
                local s0=$src
                # busybox-static comes from bookworm (the host's lists)
                if [ -z "$bb" ] && [ "$src" = trixie ]; then
                        src=host; arm64_download busybox-static:arm64; src=$s0
                        want=("${want[@]:0:${#want[@]}-1}")
                fi
                [ ${#want[@]} -eq 0 ] || arm64_download "${want[@]}"
                bb=$(ls -1 "$VM_CACHE"/busybox-static_*_arm64.deb 2>/dev/null | sort -V | tail -n 1)
        fi
        [ -s "$deb" ] && [ -s "$dbg" ] && [ -n "$bb" ] || vm_die "expected $deb, $dbg and busybox-static_*_arm64.deb after download"
        # The parts a metapackage image depends on (trixie-backports' 7.x).
        local parts=() need=()
        for c in $(dpkg-deb -f "$deb" Depends | grep -o "linux-\(binary\|modules\|base\)-$KREL" | sort -u); do
                parts+=("$VM_CACHE/$(arm64_deb_name "$c" "$ver")")
                [ -s "${parts[-1]}" ] || need+=("$c:arm64=$ver")
        done
        [ ${#need[@]} -eq 0 ] || arm64_download "${need[@]}"

        KDIR=$VM_CACHE/kernel-${KREL}_${ver//:/%3a}
        KROOT=$KDIR/root
        VMLINUX=$KDIR/vmlinux-$KREL
        ARM64_BUSYBOX=$KDIR/busybox
        mkdir -p "$KDIR"
        if [ ! -e "$KDIR/root.done" ]; then
                vm_say "unpacking $pkg $ver ${parts[*]##*/}"
                rm -rf "$KROOT" && mkdir -p "$KROOT"
                for c in "$deb" "${parts[@]}"; do
                        dpkg-deb -x "$c" "$KROOT" || vm_die "dpkg-deb -x $c failed"
                done
                # merged-/usr packages (7.x): bookworm's depmod and modprobe -d
                # look in <base>/lib/modules
                [ -e "$KROOT/lib" ] || ln -s usr/lib "$KROOT/lib"
                depmod -b "$KROOT" "$KREL" || vm_die "depmod -b $KROOT $KREL failed"
                touch "$KDIR/root.done"
        fi
        if [ ! -e "$KDIR/vmlinux.done" ]; then
                vm_say "extracting vmlinux-$KREL from the -dbg package (~60 s, once)"
                t=$EPOCHREALTIME
                rm -rf "$KDIR/dbg.tmp" && mkdir -p "$KDIR/dbg.tmp"
                # 6.1: boot/vmlinux-<rel>; 7.x: a symlink to lib/modules/<rel>/vmlinux
                # (tar complains about the one missing; the file is what counts).
                dpkg-deb --fsys-tarfile "$dbg" | tar -x -C "$KDIR/dbg.tmp" "./usr/lib/debug/boot/vmlinux-$KREL" \
                        "./usr/lib/debug/lib/modules/$KREL/vmlinux" 2>"$KDIR/dbg.tmp.log"
                f=$KDIR/dbg.tmp/usr/lib/debug/boot/vmlinux-$KREL
                [ -L "$f" ] || [ -f "$f" ] || f=$KDIR/dbg.tmp/usr/lib/debug/lib/modules/$KREL/vmlinux
                f=$(realpath -e "$f" 2>/dev/null) && [ -f "$f" ] && mv "$f" "$VMLINUX" ||
                        vm_die "cannot extract vmlinux-$KREL from $dbg ($(tail -n 1 "$KDIR/dbg.tmp.log"))"
                rm -f "$KDIR/dbg.tmp.log"
                rm -rf "$KDIR/dbg.tmp"
                touch "$KDIR/vmlinux.done"
                vm_figure "vmlinux extraction" "$(arm64_secs "$t" "$EPOCHREALTIME") s"
        fi
        if [ ! -s "$ARM64_BUSYBOX" ] || [ "$bb" -nt "$ARM64_BUSYBOX" ]; then
                rm -rf "$KDIR/bb.tmp.$$" && mkdir -p "$KDIR/bb.tmp.$$"
                dpkg-deb -x "$bb" "$KDIR/bb.tmp.$$" && mv "$KDIR/bb.tmp.$$/bin/busybox" "$ARM64_BUSYBOX" ||
                        vm_die "cannot extract busybox from $bb"
                rm -rf "$KDIR/bb.tmp.$$"
        fi
        KMODS=$KROOT/lib/modules/$KREL
        [ -d "$KMODS" ] || KMODS=$KROOT/usr/lib/modules/$KREL
        KIMAGE=$KROOT/boot/vmlinuz-$KREL
        [ -s "$KIMAGE" ] || KIMAGE=$KMODS/vmlinuz
        [ -d "$KMODS" ] && [ -s "$KIMAGE" ] || vm_die "$pkg has no /boot/vmlinuz-$KREL, $KMODS/vmlinuz or modules"
        vm_say "arm64 kernel $KREL ($KVER), image ${KIMAGE#$KROOT}, vmlinux $VMLINUX"
}

# The cross build of this tree (meson/cross/arm64-debian.ini) in ARM64_BUILD,
# configured when missing; only what meson install installs is compiled (not
# the unit tests, which cannot run here).
arm64_cross_build() {
        local b=$ARM64_BUILD targets
        if [ ! -f "$b/build.ninja" ]; then
                vm_say "configuring the arm64 cross build in $b"
                meson setup "$b" "$VM_TOP" --cross-file "$VM_TOP/meson/cross/arm64-debian.ini" \
                        --prefix=/usr --sysconfdir=/etc --localstatedir=/var >"$VM_WORK/meson-setup.log" 2>&1 ||
                        { tail -n 20 "$VM_WORK/meson-setup.log" >&2; vm_die "meson setup $b failed"; }
        fi
        grep -q '^#define KDUMP_HOST_ARCH "arm64"' "$b/build-config.h" ||
                vm_die "$b is not an arm64 cross build (meson/cross/arm64-debian.ini)"
        if ! grep -q '^#define KDUMP_SBINDIR "/usr/sbin"' "$b/build-config.h" ||
           ! grep -q '^#define KDUMP_CONF_PATH "/etc/kdump.conf"' "$b/build-config.h"; then
                # e.g. tests/cross/build-arm64 --keep's (meson's default
                # /usr/local): the paths the guest needs; ninja then rebuilds
                # the few objects that include build-config.h.
                vm_say "reconfiguring $b with --prefix=/usr --sysconfdir=/etc --localstatedir=/var"
                meson configure "$b" --prefix=/usr --sysconfdir=/etc --localstatedir=/var >"$VM_WORK/meson-configure.log" 2>&1 ||
                        { tail -n 20 "$VM_WORK/meson-configure.log" >&2; vm_die "meson configure $b failed"; }
        fi
        # meson regenerates itself first when a meson.build changed (new sources).
        targets=$(meson introspect "$b" --targets | "$VM_PY" -c '
import json, os, sys
b = os.path.realpath(sys.argv[1])
for t in json.load(sys.stdin):
    if t.get("installed"):
        for f in t["filename"]:
            print(os.path.relpath(f, b))' "$b") || vm_die "meson introspect $b failed"
        ninja -C "$b" build.ninja $targets >"$VM_WORK/ninja-arm64.log" 2>&1 ||
                { tail -n 30 "$VM_WORK/ninja-arm64.log" >&2; vm_die "arm64 build failed (see $VM_WORK/ninja-arm64.log)"; }
}

# NEEDED of an arm64 ELF file, resolved in the multiarch dirs, recursively;
# prints host paths.
arm64_needed_closure() {
        local -A seen=()
        local queue=("$@") f n d found
        while [ ${#queue[@]} -gt 0 ]; do
                f=${queue[0]}; queue=("${queue[@]:1}")
                for n in $(LC_ALL=C readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
                        [ -n "${seen[$n]:-}" ] && continue
                        seen[$n]=1
                        found=""
                        for d in $ARM64_LIBDIRS; do
                                if [ -e "$d/$n" ]; then found=$d/$n; break; fi
                        done
                        [ -n "$found" ] || { echo "MISSING:$n"; continue; }
                        echo "$found"
                        queue+=("$(realpath "$found")")
                done
        done
}

# Boot initramfs of the first kernel: arm64 busybox, virtio_pci,
# virtio_blk and ext4 (modules in Debian's arm64 kernel too), mount
# /dev/vda, switch to it.
arm64_boot_initramfs() {
        local out=$KDIR/boot.cpio dir=$KDIR/boot.d.$$ list verb path m seen=" "
        BOOT_CPIO=$out
        [ -s "$out" ] && [ "$out" -nt "$VM_TOP/tests/vm/arm64-lib.sh" ] && return 0
        rm -rf "$dir" && mkdir -p "$dir"/{bin,dev,proc,sys,newroot,modules}
        cp "$ARM64_BUSYBOX" "$dir/bin/busybox" && ln -s busybox "$dir/bin/sh"
        list=$(modprobe -d "$KROOT" -S "$KREL" --show-depends -a virtio_pci virtio_blk ext4) ||
                vm_die "modprobe --show-depends failed for $KREL"
        : >"$dir/modules/order"
        while read -r verb path _; do
                [ "$verb" = insmod ] || continue
                m=$(basename "$path")
                case $seen in *" $m "*) continue ;; esac
                seen="$seen$m "
                case $m in
                *.ko) cp "$path" "$dir/modules/$m" ;;
                *.ko.xz) xz -dc "$path" >"$dir/modules/${m%.xz}"; m=${m%.xz} ;;
                *.ko.zst) zstd -qdc "$path" >"$dir/modules/${m%.zst}"; m=${m%.zst} ;;
                esac
                echo "$m" >>"$dir/modules/order"
        done <<<"$list"
        cat >"$dir/init" <<'EOF'
#!/bin/sh
# Boot initramfs of the kdumpd arm64 VM test: disk drivers, /dev/vda, switch_root.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "KDUMP-TEST: boot initramfs: loading $(wc -l </modules/order) modules"
while read -r m; do
        insmod /modules/$m 2>/dev/null || echo "KDUMP-TEST: boot initramfs: insmod $m failed (ignored)"
done </modules/order
i=0
while [ ! -b /dev/vda ]; do
        i=$((i + 1))
        [ $i -gt 300 ] && { echo "KDUMP-TEST: FATAL: /dev/vda did not appear"; poweroff -f; }
        sleep 0.1
done
mount -t ext4 -o rw /dev/vda /newroot || { echo "KDUMP-TEST: FATAL: cannot mount /dev/vda"; poweroff -f; }
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /sbin/init
EOF
        chmod 755 "$dir/init"
        (cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 >"$out.tmp.$$") || vm_die "cpio failed"
        mv "$out.tmp.$$" "$out" && rm -rf "$dir"
}

# The guest root disk: the cross build installed (--strip), the arm64
# libraries it needs, busybox, the kernel and its modules where kdumpctl
# looks for them, the test's init and scenario.
arm64_guest_root() {
        local root=$VM_WORK/rootfs d a f libs kib
        rm -rf "$root" && mkdir -p "$root"
        mkdir -p "$root"/usr/{bin,sbin,lib,libexec} "$root"/{boot,dev,proc,sys,tmp,run,mnt,root} \
                 "$root"/etc/kdump-test "$root"/var/lib/kdumpd "$root"/var/tmp
        for d in bin sbin lib; do ln -s "usr/$d" "$root/$d"; done
        chmod 1777 "$root/tmp" "$root/var/tmp"

        meson install -C "$ARM64_BUILD" --no-rebuild --quiet --strip --destdir "$root" >"$VM_WORK/meson-install.log" 2>&1 ||
                { cat "$VM_WORK/meson-install.log" >&2; vm_die "meson install --destdir (arm64) failed"; }
        # Every dynamic ELF file installed: its libraries and the loader.
        libs=$(find "$root" -type f -perm -u+x -exec sh -c 'head -c 4 "$1" | grep -q ELF && echo "$1"' sh {} \; |
                while read -r f; do arm64_needed_closure "$f"; done | sort -u)
        case $libs in *MISSING:*) vm_die "arm64 libraries missing on this host: $(echo "$libs" | sed -n 's/^MISSING://p' | tr '\n' ' ')(tests/setup-deps)" ;; esac
        for f in $libs /lib/ld-linux-aarch64.so.1; do
                copy_host_path "$root" "$f" || vm_die "cannot copy $f into the guest root"
        done

        cp "$ARM64_BUSYBOX" "$root/usr/bin/busybox"
        while IFS= read -r a; do
                [ -e "$root/$a" ] || [ -L "$root/$a" ] || ln -s /usr/bin/busybox "$root/$a"
        done < <(qemu-aarch64 "$ARM64_BUSYBOX" --list-full)
        [ -e "$root/usr/sbin/switch_root" ] || [ -e "$root/sbin/switch_root" ] ||
                vm_die "qemu-aarch64 busybox --list-full gave no applets"

        # The package's own layout: /boot/vmlinuz-<rel> (6.1) or only
        # /usr/lib/modules/<rel>/vmlinuz (trixie-backports' 7.x).
        [ -d "$KROOT/boot" ] && cp -a "$KROOT/boot/." "$root/boot/"
        mkdir -p "$root/usr/lib/modules"
        cp -al "$KMODS" "$root/usr/lib/modules/" 2>/dev/null || cp -a "$KMODS" "$root/usr/lib/modules/"
        rm -rf "$root/usr/lib/modules/$KREL/dtb"        # linux-base's, not needed under QEMU

        printf '# replaced by the scenario\next4 LABEL=KDUMP\npath /crash\n' >"$root/etc/kdump.conf"
        echo kdumpd-test >"$root/etc/hostname"
        printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
        printf 'root:x:0:\n' >"$root/etc/group"
        cp "$VM_TOP/tests/vm/guest-functions.sh" "$root/etc/kdump-test/functions"
        cp "$VM_SCENARIO_FILE" "$root/etc/kdump-test/scenario"
        {
                printf 'KDUMP_TEST_LOADER=%s\n' "$VM_LOADER"
                printf 'KDUMP_TEST_COLLECTOR=%q\n' "${VM_COLLECTOR:-kdump-collect -E -d 31}"
                printf 'KDUMP_TEST_MEMFILL=%q\n' "${VM_MEMFILL:-}"
        } >"$root/etc/kdump-test/env"
        [ -z "${ARM64_MEMFILL:-}" ] || cp "$ARM64_MEMFILL" "$root/usr/bin/memfill"
        chmod 755 "$root/etc/kdump-test/scenario"
        cp "$VM_TOP/tests/vm/guest-init.sh" "$root/usr/sbin/init.kdump-test"
        chmod 755 "$root/usr/sbin/init.kdump-test"
        rm -f "$root/usr/sbin/init"
        ln -s init.kdump-test "$root/usr/sbin/init"

        kib=$(du -sk "$root" | cut -f1)
        kib=$((kib * 5 / 4 + 256 * 1024))
        rm -f "$VM_WORK/root.img"
        mke2fs -q -F -t ext4 -L kdumpd-root -d "$root" "$VM_WORK/root.img" "${kib}k" >/dev/null ||
                vm_die "mke2fs -d $root failed"
        ROOT_IMG=$VM_WORK/root.img
        [ "$VM_KEEP" = 1 ] || rm -rf "$root"
}

# The serial console: console.log, the interesting lines shown, host-clock
# stamps of the phases in $VM_WORK/stamps.
arm64_follow_console() {
        local log=$1 pid=$2 line
        tail -n +1 -F --pid="$pid" "$log" 2>/dev/null | while IFS= read -r line; do
                line=${line%$'\r'}
                line=${line//$'\e['*([?0-9;])[a-zA-Z]/}
                case $line in
                *"KDUMP-TEST: init started"*)       echo "init $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"KDUMP-TEST: begin kdumpctl start"*) echo "start $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"KDUMP-TEST: kdumpctl start rc="*) echo "started $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"sysrq: Trigger a crash"*)        echo "panic $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"Capture kernel started"*)        echo "capture $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                *"dump written:"*)                 echo "written $EPOCHREALTIME" >>"$VM_WORK/stamps" ;;
                esac
                if [ "$VM_VERBOSE" = 1 ]; then
                        printf '  | %s\n' "$line"
                else
                        case $line in
                        *KDUMP-TEST:*|kdump:*|kdumpctl:*|*"Kernel panic"*|*"sysrq:"*|*"Linux version"*|*"Run /init"*|\
                        *"Kernel Offset"*|*"reboot: "*|*"command line: "*elfcorehdr=*|*purgatory*|\
                        "Capture kernel:"*|"Initramfs:"*|"Reservation:"*|"Dump target:"*|*BUG:*|*Oops*|*"Starting crashdump kernel"*|*"Bye!"*)
                                printf '  | %s\n' "$line" ;;
                        esac
                fi
        done
}

arm64_qemu() {
        local log=$VM_WORK/console.log qpid t0
        : >"$log"
        : >"$VM_WORK/stamps"
        QEMU_CMD=(qemu-system-aarch64 -machine virt,accel=tcg -cpu "$VM_CPU" -m "$VM_MEM" -smp "$VM_SMP"
                -nographic -monitor none -serial "file:$log" -no-reboot -nodefaults
                -kernel "$KIMAGE" -initrd "$BOOT_CPIO"
                -append "console=ttyAMA0 crashkernel=$VM_CRASHKERNEL panic=5 $VM_APPEND"
                -drive "file=$ROOT_IMG,if=virtio,format=raw"
                -drive "file=$DUMP_IMG,if=virtio,format=raw")
        printf '%q ' "${QEMU_CMD[@]}" >"$VM_WORK/qemu.cmd"; echo >>"$VM_WORK/qemu.cmd"
        vm_say "booting: qemu-system-aarch64 (virt, $VM_CPU, TCG, ${VM_MEM}, ${VM_SMP} CPUs), timeout ${VM_TIMEOUT}s; console: $log"
        t0=$EPOCHREALTIME
        echo "qemu $t0" >>"$VM_WORK/stamps"
        timeout -k 10 "$VM_TIMEOUT" "${QEMU_CMD[@]}" </dev/null >"$VM_WORK/qemu.log" 2>&1 &
        qpid=$!
        arm64_follow_console "$log" "$qpid"
        wait "$qpid"
        QEMU_RC=$?
        echo "end $EPOCHREALTIME" >>"$VM_WORK/stamps"
        QEMU_SECONDS=$(arm64_secs "$t0" "$EPOCHREALTIME")
        vm_say "QEMU exited with status $QEMU_RC after ${QEMU_SECONDS}s"
        [ -s "$VM_WORK/qemu.log" ] && sed 's/^/  qemu: /' "$VM_WORK/qemu.log" >&2
        return 0
}
