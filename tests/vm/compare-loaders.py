#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The classic loader's oracle: the memory the capture kernel exposed as
/proc/vmcore when kdumpd built the ELF core header itself (kexec_load) must
be the memory the running kernel described (kexec_file_load).

Reads two kdump-compressed dumps of the same guest, one per loader, and
compares what the header fixed: the 1st bitmap (every page inside a PT_LOAD
of /proc/vmcore), the number of CPU notes, and the kernel release.  The two
dumps come from two boots, and with KASLR the kernel may put the crash
reservation elsewhere in each ("Reserving 256MB of memory at 752MB for
crashkernel" on the console): given the consoles, each dump must leave out
exactly its own boot's reservation, and the RAM plus the reservation must
be the same in both.  Prints PASS/FAIL lines and "N passed, M failed".

    compare-loaders.py FILE_VMCORE CLASSIC_VMCORE [FILE_CONSOLE CLASSIC_CONSOLE]
"""
import re
import struct
import sys

HDR = struct.Struct("<8si390s6x16xIiiIIIIIIi")


def read_dump(path):
    with open(path, "rb") as f:
        raw = f.read(4096)
        (sig, version, uts, status, block_size, sub_hdr_size, bitmap_blocks,
         max_mapnr, _total, _dev, _written, _cur, nr_cpus) = HDR.unpack_from(raw)
        if sig != b"KDUMP   ":
            raise SystemExit(f"{path}: not a kdump-compressed dump")
        release = uts[65 * 2:65 * 3].split(b"\0")[0].decode()
        f.seek(block_size)
        sub = f.read(104)
        max_mapnr_64 = struct.unpack_from("<Q", sub, 96)[0] if version >= 6 else max_mapnr
        f.seek((1 + sub_hdr_size) * block_size)
        bitmaps = f.read(bitmap_blocks * block_size)
    first = bitmaps[:len(bitmaps) // 2]
    return release, nr_cpus, max_mapnr_64, first


def ranges(bitmap, npages):
    out, start = [], None
    for pfn in range(npages):
        bit = (bitmap[pfn >> 3] >> (pfn & 7)) & 1
        if bit and start is None:
            start = pfn
        elif not bit and start is not None:
            out.append((start, pfn))
            start = None
    if start is not None:
        out.append((start, npages))
    return out


def fmt(rs):
    return ", ".join(f"{s << 12:#x}-{(e << 12) - 1:#x}" for s, e in rs)


def reservation(console):
    """The crash reservation as a page range, from the boot's console."""
    with open(console, "rb") as f:
        text = f.read().decode(errors="replace")
    m = re.search(r"Reserving (\d+)MB of memory at (\d+)MB for crashkernel", text)
    if not m:
        raise SystemExit(f"{console}: no 'Reserving ...MB of memory at ...MB for crashkernel' line")
    size, at = int(m.group(1)) << 8, int(m.group(2)) << 8     # MiB -> 4 KiB pages
    return at, at + size


def merge(rs):
    out = []
    for s, e in sorted(rs):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def overlaps(rs, r):
    return any(s < r[1] and r[0] < e for s, e in rs)


def main():
    a, b = read_dump(sys.argv[1]), read_dump(sys.argv[2])
    res = (reservation(sys.argv[3]), reservation(sys.argv[4])) if len(sys.argv) > 4 else None
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"PASS: {name}")
        else:
            failed += 1
            print(f"FAIL: {name} -- {detail}")

    check("same kernel release in both dumps", a[0] == b[0], f"{a[0]} vs {b[0]}")
    check(f"same number of CPU notes ({a[1]})", a[1] == b[1], f"file {a[1]}, classic {b[1]}")
    n = max(a[2], b[2])
    ra, rb = ranges(a[3], min(n, len(a[3]) * 8)), ranges(b[3], min(n, len(b[3]) * 8))
    print(f"file loader RAM:    {fmt(ra)}")
    print(f"classic loader RAM: {fmt(rb)}")
    if res is None:
        check("the classic loader's PT_LOADs cover the same RAM as kexec_file_load's", ra == rb,
              "ranges differ (see above)")
    else:
        print(f"reservations:       file {fmt([res[0]])}, classic {fmt([res[1]])}")
        check("the file loader's dump leaves out its boot's reservation", not overlaps(ra, res[0]),
              "PT_LOADs overlap the reservation")
        check("the classic loader's dump leaves out its boot's reservation", not overlaps(rb, res[1]),
              "PT_LOADs overlap the reservation")
        check("the classic loader's PT_LOADs plus its reservation cover the same RAM as kexec_file_load's",
              merge(ra + [res[0]]) == merge(rb + [res[1]]), "ranges differ (see above)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
