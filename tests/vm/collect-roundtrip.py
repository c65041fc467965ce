#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Round trip of a filtered dump against its source, with readers that share
no code with kdump-collect: the source ELF vmcore is parsed here (program
headers, mmap), the filtered dump is read with libkdumpfile (Debian's
python3-libkdumpfile), which knows the kdump-compressed and ELF formats.

For every page frame of the source's RAM PT_LOADs: when the dump has the
page, its bytes must equal the source's; when the dump says it is excluded,
it is counted.  With a second dump (makedumpfile's), also counts the pages
that dump keeps and ours excludes.  Prints "key=value" lines:

    pages=<RAM pages in the source>
    kept=<pages the dump returns>   excluded=<pages it reports excluded>
    mismatched=<kept pages whose bytes differ>   errors=<other read errors>
    first_mismatch=<physical address or none>
    [ref_kept=  only_in_ref=<kept by the reference, excluded by the dump>]

With --mask MASK-DUMP (a kdump-compressed dump at the same level), pages
MASK-DUMP excludes are not compared: a filtered ELF has no bitmap, and its
short excluded runs read as zeroes; they must be all zero or the source's
bytes (masked_other counts the rest: data that should not be there).

usage: collect-roundtrip.py [--mask MASK-DUMP] SOURCE-ELF DUMP [REFERENCE-DUMP]
"""
import mmap
import struct
import sys

import kdumpfile
from kdumpfile import exceptions as kexc

PAGE = 4096
KERNEL_MAP = 0xffffffff80000000


def elf_loads(mm):
    if mm[:4] != b"\x7fELF" or mm[4] != 2:
        raise SystemExit("source is not an ELF64 file")
    phoff, = struct.unpack_from("<Q", mm, 32)
    phentsize, phnum = struct.unpack_from("<HH", mm, 54)
    if phnum == 0xffff:
        shoff, = struct.unpack_from("<Q", mm, 40)
        phnum, = struct.unpack_from("<I", mm, shoff + 44)
    loads = []
    for i in range(phnum):
        p_type, _flags, off, vaddr, paddr, filesz, memsz, _align = struct.unpack_from("<IIQQQQQQ", mm, phoff + i * phentsize)
        if p_type == 1 and vaddr < KERNEL_MAP:
            loads.append((paddr, off, filesz, memsz))
    return loads


def open_dump(path):
    k = kdumpfile.kdumpfile(path)
    k.attr["addrxlat.ostype"] = "linux"
    return k


def kept(k, paddr):
    try:
        return k.read(kdumpfile.KDUMP_MACHPHYSADDR, paddr, PAGE)
    except kexc.NoDataException:
        return None


def main():
    args = sys.argv[1:]
    mask = None
    if args[:1] == ["--mask"]:
        mask = open_dump(args[1])
        args = args[2:]
    src, dump = args[0], args[1]
    ref = args[2] if len(args) > 2 else None
    zero = bytes(PAGE)
    masked = masked_other = 0
    f = open(src, "rb")
    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    k = open_dump(dump)
    r = open_dump(ref) if ref else None
    pages = nkept = excluded = mismatched = errors = ref_kept = only_in_ref = 0
    first = "none"
    for paddr, off, filesz, _memsz in elf_loads(mm):
        start = (paddr + PAGE - 1) // PAGE * PAGE
        end = (paddr + filesz) // PAGE * PAGE
        for a in range(start, end, PAGE):
            pages += 1
            try:
                data = kept(k, a)
            except kexc.KDumpBaseException:
                errors += 1
                continue
            if data is None:
                excluded += 1
            elif mask is not None and kept(mask, a) is None:
                masked += 1
                o = off + (a - paddr)
                if data != zero and data != mm[o:o + PAGE]:
                    masked_other += 1
            else:
                nkept += 1
                o = off + (a - paddr)
                if data != mm[o:o + PAGE]:
                    mismatched += 1
                    if first == "none":
                        first = hex(a)
            if r is not None:
                try:
                    rd = kept(r, a)
                except kexc.KDumpBaseException:
                    rd = None
                if rd is not None:
                    ref_kept += 1
                    if data is None:
                        only_in_ref += 1
    print(f"pages={pages}")
    print(f"kept={nkept}")
    print(f"excluded={excluded}")
    print(f"mismatched={mismatched}")
    print(f"errors={errors}")
    print(f"first_mismatch={first}")
    if mask is not None:
        print(f"masked={masked}")
        print(f"masked_other={masked_other}")
    if r is not None:
        print(f"ref_kept={ref_kept}")
        print(f"only_in_ref={only_in_ref}")


if __name__ == "__main__":
    main()
