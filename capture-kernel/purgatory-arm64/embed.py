#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks the linked arm64 purgatory and turns it into C for the loader.

  embed.py --name NAME -o OUT.c PURGATORY.elf OBJECT.o...

One script reads the ELF itself rather than nm + objcopy: the same steps work
in the native build (aarch64-linux-gnu-*) and the arm64 cross build (whose
cross file names no objcopy or nm), and the checks that make the image safe
to load anywhere sit next to the extraction:

  - the link: an AArch64 ET_EXEC with no relocation, dynamic or GOT/PLT
    section, only .text/.rodata/.data (and an empty .bss) allocated, from
    address 0 on (so an address is an offset into the image);
  - the objects: every relocation is PC-relative or a low-12-bit page
    offset (adrp pairs, branches, literal loads), never an absolute address
    (R_AARCH64_ABS64 in data, MOVW_UABS...), which the link at 0 would have
    resolved silently into a wrong pointer.
"""
import argparse
import struct
import sys

EM_AARCH64 = 183
ET_EXEC = 2
SHT_SYMTAB, SHT_RELA, SHT_NOBITS, SHT_REL, SHT_DYNAMIC, SHT_DYNSYM = 2, 4, 8, 9, 6, 11
SHF_ALLOC = 0x2
PT_DYNAMIC, PT_INTERP = 2, 3

# AArch64 ELF ABI relocation types that do not depend on where the image is
# loaded, given a 4 KiB-aligned load address.
PC_RELATIVE = {
    0: 'NONE',
    260: 'PREL64', 261: 'PREL32', 262: 'PREL16',
    273: 'LD_PREL_LO19', 274: 'ADR_PREL_LO21', 275: 'ADR_PREL_PG_HI21', 276: 'ADR_PREL_PG_HI21_NC',
    277: 'ADD_ABS_LO12_NC', 278: 'LDST8_ABS_LO12_NC', 279: 'TSTBR14', 280: 'CONDBR19',
    282: 'JUMP26', 283: 'CALL26', 284: 'LDST16_ABS_LO12_NC', 285: 'LDST32_ABS_LO12_NC',
    286: 'LDST64_ABS_LO12_NC', 299: 'LDST128_ABS_LO12_NC',
}
SECTIONS = ('.text', '.rodata', '.data', '.bss')
SYMBOLS = ('start', 'sha256_digest', 'sha_regions', 'kernel_entry', 'dtb', 'uart')


def fail(msg):
    sys.exit('embed.py: ' + msg)


class Elf:
    def __init__(self, path):
        self.path = path
        self.data = open(path, 'rb').read()
        d = self.data
        if d[:4] != b'\x7fELF' or d[4] != 2 or d[5] != 1:
            fail('%s: not a little-endian ELF64 file' % path)
        (self.type, self.machine, _, self.entry, self.phoff, self.shoff, _, _, _, self.phnum, _,
         self.shnum, shstrndx) = struct.unpack_from('<HHIQQQIHHHHHH', d, 16)
        if self.machine != EM_AARCH64:
            fail('%s: not AArch64 (e_machine %d)' % (path, self.machine))
        self.sections = [self.section(i) for i in range(self.shnum)]
        names = self.sections[shstrndx]
        for s in self.sections:
            s['name'] = self.string(names, s['name_off'])

    def section(self, i):
        f = struct.unpack_from('<IIQQQQIIQQ', self.data, self.shoff + 64 * i)
        keys = ('name_off', 'type', 'flags', 'addr', 'offset', 'size', 'link', 'info', 'align', 'entsize')
        return dict(zip(keys, f))

    def string(self, strtab, off):
        start = strtab['offset'] + off
        return self.data[start:self.data.index(b'\0', start)].decode()

    def bytes(self, s):
        return self.data[s['offset']:s['offset'] + s['size']]

    def symbols(self, symtab):
        strtab = self.sections[symtab['link']]
        for off in range(0, symtab['size'], 24):
            name, _, _, shndx, value, size = struct.unpack_from('<IBBHQQ', self.data, symtab['offset'] + off)
            yield self.string(strtab, name), shndx, value, size

    def segment_types(self):
        return [struct.unpack_from('<I', self.data, self.phoff + 56 * i)[0] for i in range(self.phnum)]


def check_object(obj):
    """Every relocation of an allocated section is position independent."""
    for s in obj.sections:
        if s['type'] == SHT_REL:
            fail('%s: %s: REL relocations (expected RELA only)' % (obj.path, s['name']))
        if s['type'] != SHT_RELA or not obj.sections[s['info']]['flags'] & SHF_ALLOC:
            continue
        names = {i: n for i, (n, _, _, _) in enumerate(obj.symbols(obj.sections[s['link']]))}
        for off in range(0, s['size'], 24):
            r_off, r_info, _ = struct.unpack_from('<QQq', obj.data, s['offset'] + off)
            rtype = r_info & 0xffffffff
            if rtype not in PC_RELATIVE:
                fail('%s: %s+0x%x: relocation type %d against %r is not PC-relative: the image '
                     'must run wherever it is loaded (no absolute pointers, -mcmodel=small, no PIC/GOT)'
                     % (obj.path, s['name'], r_off, rtype, names.get(r_info >> 32) or '(a section)'))


def check_link(elf):
    """Returns the flat image: the allocated sections laid out from 0."""
    if elf.type != ET_EXEC:
        fail('%s: not a fully linked executable (e_type %d)' % (elf.path, elf.type))
    if any(t in (PT_DYNAMIC, PT_INTERP) for t in elf.segment_types()):
        fail('%s: has a dynamic or interpreter segment' % elf.path)
    image = bytearray()
    for s in sorted((s for s in elf.sections if s['flags'] & SHF_ALLOC), key=lambda s: s['addr']):
        if s['type'] in (SHT_RELA, SHT_REL, SHT_DYNAMIC, SHT_DYNSYM) or s['name'] not in SECTIONS:
            fail('%s: unexpected allocated section %s (only %s)' % (elf.path, s['name'], ', '.join(SECTIONS)))
        if s['type'] == SHT_NOBITS:
            if s['size']:
                fail('%s: .bss is %d bytes: every variable must be in the image '
                     '(-fno-zero-initialized-in-bss, .data)' % (elf.path, s['size']))
            continue
        if s['addr'] < len(image):
            fail('%s: %s overlaps the previous section' % (elf.path, s['name']))
        image += bytes(s['addr'] - len(image)) + elf.bytes(s)
    for s in elf.sections:
        if s['type'] in (SHT_RELA, SHT_REL, SHT_DYNAMIC, SHT_DYNSYM):
            fail('%s: relocations or dynamic symbols left in the link (%s)' % (elf.path, s['name']))
    if not image:
        fail('%s: empty image' % elf.path)
    return bytes(image + bytes(-len(image) % 16))


def layout(elf, size):
    symtab = next((s for s in elf.sections if s['type'] == SHT_SYMTAB), None)
    if symtab is None:
        fail('%s: no symbol table' % elf.path)
    found = {name: (value, sz) for name, shndx, value, sz in elf.symbols(symtab) if shndx}
    offsets = {}
    for field in SYMBOLS:
        name = 'purgatory_' + field
        if name not in found:
            fail('%s: no symbol %s' % (elf.path, name))
        value, sz = found[name]
        if value + max(sz, 1) > size:
            fail('%s: %s (0x%x + %d) is outside the %d-byte image' % (elf.path, name, value, sz, size))
        offsets[field] = value
    if elf.entry != offsets['start']:
        fail('%s: ELF entry 0x%x is not purgatory_start 0x%x' % (elf.path, elf.entry, offsets['start']))
    return offsets


def write_c(path, name, image, offsets, src):
    with open(path, 'w') as f:
        f.write('/* generated from %s by capture-kernel/purgatory-arm64/embed.py */\n' % src)
        f.write('#include "capture-kernel/purgatory-arm64/purgatory-arm64-blob.h"\n\n')
        f.write('const uint8_t %s[] __attribute__((aligned(16))) = {\n' % name)
        for i in range(0, len(image), 16):
            f.write('        ' + ', '.join('0x%02x' % b for b in image[i:i + 16]) + ',\n')
        f.write('};\nconst size_t %s_size = %d;\n' % (name, len(image)))
        f.write('const struct purgatory_arm64_layout %s_layout = {\n' % name)
        for field in SYMBOLS:
            f.write('        .%s = 0x%x,\n' % (field, offsets[field]))
        f.write('};\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--name', required=True)
    ap.add_argument('-o', dest='out', required=True)
    ap.add_argument('elf')
    ap.add_argument('objects', nargs='*')
    a = ap.parse_args()
    for o in a.objects:
        check_object(Elf(o))
    elf = Elf(a.elf)
    image = check_link(elf)
    write_c(a.out, a.name, image, layout(elf, len(image)), a.elf.split('/')[-1])


if __name__ == '__main__':
    main()
