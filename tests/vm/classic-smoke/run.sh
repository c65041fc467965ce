#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Classic-loader smoke test in QEMU: boots the host's Debian kernel with
# crashkernel=256M and a tiny initramfs whose /init (init.c) loads the same
# kernel with kdumpd's kexec_load path and crashes it; the capture kernel's
# /init reads /proc/vmcore and powers off.
#   tests/vm/classic-smoke/run.sh BUILD_DIR [--corrupt]
# --corrupt stores a wrong digest: the purgatory must refuse to boot the
# capture kernel (the serial log then ends after the crash).
set -euo pipefail
build=$(realpath "${1:?usage: run.sh BUILD_DIR [--corrupt]}")
corrupt=${2:-}
here=$(dirname "$(realpath "$0")")
src=$(realpath "$here/../../..")
# The newest x86_64 Debian kernel the VM harness cached and finished
# unpacking (tests/vm/run-e2e fetches it; the cache holds arm64 kernels too,
# and another test may be unpacking one while this runs).
cache=${KDUMPD_TEST_CACHE:-/var/cache/kdumpd-test}
kernel=${KERNEL:-$(for d in "$cache"/kernel-*-amd64_*/; do
                           [ -e "$d/root.done" ] && ls -1 "$d"root/boot/vmlinuz-*-amd64
                   done 2>/dev/null | sort -V | tail -n 1)}
[ -n "$kernel" ] && [ -f "$kernel" ] || { echo "classic-smoke: no kernel in $cache (run tests/vm/run-e2e first, or set KERNEL=)" >&2; exit 2; }
work=$(mktemp -d /tmp/classic-smoke.XXXXXX)
log=$work/serial.log

cc -static -O2 -I"$src" -I"$build" -o "$work/init" "$here/init.c" \
   "$build/capture-kernel/libcapture-kernel.a" "$build/notes/libelfcorehdr.a" \
   "$build/crashkernel-reserve/libcrashkernel-reserve.a" "$build/basic/libbasic.a"

mkdir -p "$work/cap" "$work/root"
cp "$work/init" "$work/cap/init"
(cd "$work/cap" && find . | cpio -o -H newc --quiet) > "$work/capture.img"
cp "$work/init" "$work/root/init"
cp "$kernel" "$work/root/vmlinuz"
cp "$work/capture.img" "$work/root/capture.img"
[ "$corrupt" = --corrupt ] && touch "$work/root/corrupt"
(cd "$work/root" && find . | cpio -o -H newc --quiet) > "$work/initrd.img"

# TCG by default: nested KVM on the build hosts stalls in the decompressor.
accel=${ACCEL:-tcg}
# -cpu max turns on 5-level paging: the loader and purgatory are checked in
# that mode too.  The purgatory halts forever on a bad digest, so QEMU is
# stopped as soon as the console shows how the run ended (at most 300 s).
: >"$log"
qemu-system-x86_64 -machine pc,accel=$accel -cpu max -m 1G -smp 2 -nographic -no-reboot \
        -kernel "$kernel" -initrd "$work/initrd.img" \
        -append "console=ttyS0 crashkernel=256M panic=-1 nokaslr" \
        -serial file:"$log" -monitor none -display none >/dev/null 2>&1 &
qemu=$!
for _ in $(seq 600); do
        kill -0 "$qemu" 2>/dev/null || break
        grep -aq "SHA-256 mismatch\|SMOKE: CAPTURE OK\|SMOKE: FAIL" "$log" && { sleep 2; break; }
        sleep 0.5
done
kill "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
echo "serial log: $log"
grep -a "SMOKE:\|purgatory" "$log" || true
if [ "$corrupt" = --corrupt ]; then
        grep -aq "SMOKE: LOADED" "$log" && ! grep -aq "CAPTURE OK" "$log" && grep -aq "SHA-256 mismatch" "$log"
else
        grep -aq "SMOKE: CAPTURE OK" "$log"
fi
