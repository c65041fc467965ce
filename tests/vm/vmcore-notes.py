#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent oracle for a dump's notes: reads an ELF core (/proc/vmcore
copy) or a kdump-compressed ("diskdump", makedumpfile -c/-l/-p) file and
prints, one per line:

    format=elf|kdump
    nr_prstatus=<NT_PRSTATUS notes>
    nr_cpus=<header nr_cpus>            (kdump format only)
    vmcoreinfo=yes|no
    osrelease=<VMCOREINFO OSRELEASE>
    crash_time=<VMCOREINFO CRASHTIME>
    utsname_release=<header release>    (kdump format only)

Written from the ELF and makedumpfile file format descriptions, not from
kdumpd's own code, so the test does not check the product against itself.
"""
import struct
import sys

NT_PRSTATUS = 1


def parse_notes(buf):
    """Yields (name, type, desc) of an ELF note area."""
    off = 0
    while off + 12 <= len(buf):
        namesz, descsz, ntype = struct.unpack_from("<III", buf, off)
        off += 12
        name = buf[off:off + namesz].rstrip(b"\0").decode("ascii", "replace")
        off += (namesz + 3) & ~3
        desc = buf[off:off + descsz]
        off += (descsz + 3) & ~3
        if namesz == 0 and descsz == 0 and ntype == 0:
            break
        yield name, ntype, desc


def elf_notes(f):
    ident = f.read(64)
    if ident[4] != 2 or ident[5] != 1:
        raise SystemExit("not a 64-bit little-endian ELF file")
    e_type, = struct.unpack_from("<H", ident, 16)
    if e_type != 4:
        raise SystemExit("ELF e_type %d is not ET_CORE" % e_type)
    e_phoff, = struct.unpack_from("<Q", ident, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", ident, 54)
    out = b""
    for i in range(e_phnum):
        f.seek(e_phoff + i * e_phentsize)
        p_type, _flags, p_offset, _va, _pa, p_filesz = struct.unpack("<IIQQQQ", f.read(40))
        if p_type == 4:  # PT_NOTE
            f.seek(p_offset)
            out += f.read(p_filesz)
    return out, {}


def kdump_notes(f):
    # struct disk_dump_header: signature[8], header_version (int),
    # struct new_utsname (6 x 65), struct timeval (8-aligned: at 408),
    # status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr,
    # total_ram_blocks, device_blocks, written_blocks, current_cpu, nr_cpus.
    f.seek(0)
    h = f.read(464)
    version, = struct.unpack_from("<i", h, 8)
    uts = [h[12 + 65 * i:12 + 65 * (i + 1)].split(b"\0")[0].decode() for i in range(6)]
    block_size, = struct.unpack_from("<i", h, 428)
    nr_cpus, = struct.unpack_from("<i", h, 460)
    # struct kdump_sub_header at block 1: phys_base, dump_level, split,
    # start_pfn, end_pfn, offset_vmcoreinfo, size_vmcoreinfo, offset_note,
    # size_note (header version >= 4 for the notes).
    f.seek(block_size)
    s = f.read(104)
    off_vmci, size_vmci, off_note, size_note = struct.unpack_from("<QQQQ", s, 32)
    extra = {"nr_cpus": nr_cpus, "utsname_release": uts[2], "header_version": version}
    if version < 4 or size_note == 0:
        return b"", extra
    f.seek(off_note)
    return f.read(size_note), extra


def main():
    path = sys.argv[1]
    with open(path, "rb") as f:
        magic = f.read(8)
        f.seek(0)
        if magic[:4] == b"\x7fELF":
            fmt = "elf"
            notes, extra = elf_notes(f)
        elif magic == b"KDUMP   ":
            fmt = "kdump"
            notes, extra = kdump_notes(f)
        else:
            raise SystemExit("%s: unknown dump format (magic %r)" % (path, magic))
    prstatus = 0
    vmcoreinfo = None
    for name, ntype, desc in parse_notes(notes):
        if name == "CORE" and ntype == NT_PRSTATUS:
            prstatus += 1
        elif name == "VMCOREINFO":
            vmcoreinfo = desc.rstrip(b"\0").decode("ascii", "replace")
    info = {}
    for line in (vmcoreinfo or "").splitlines():
        k, _, v = line.partition("=")
        info[k] = v
    print("format=%s" % fmt)
    print("nr_prstatus=%d" % prstatus)
    for k, v in extra.items():
        print("%s=%s" % (k, v))
    print("vmcoreinfo=%s" % ("yes" if vmcoreinfo is not None else "no"))
    print("osrelease=%s" % info.get("OSRELEASE", ""))
    print("crash_time=%s" % info.get("CRASHTIME", ""))


if __name__ == "__main__":
    main()
