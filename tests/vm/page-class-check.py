#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An oracle for the collector's page classes, independent of VMCOREINFO:
walks the mem_map of a dump with drgn, classifies each RAM page from the
vmlinux debug info (enum pageflags, enum pagetype, struct page offsets), and
checks which of those pages the dump holds.  Prints "key=value" lines:

    linux_banner=<the kernel's banner, read from the dump>
    ram_pages=<pages in memblock.memory>
    <class>_pages=<pages of that class>   for free, slab, user, cache
    <class>_in_dump=<how many of them the dump can read>

Classes follow the kernel predicates as of 6.12 (page_type >> 24 ==
PGTY_x); kernels without enum pagetype in their debug info print
oracle=unsupported.  Pages of a compound page take the head's class.

usage: page-class-check.py VMCORE VMLINUX
"""
import struct
import sys

import drgn
from drgn.helpers.linux.mm import pfn_to_page


def main():
    vmcore, vmlinux = sys.argv[1], sys.argv[2]
    prog = drgn.Program()
    prog.set_core_dump(vmcore)
    prog.load_debug_info([vmlinux])

    banner = prog['linux_banner'].string_().decode(errors='replace').strip()
    print('linux_banner=%s' % banner)
    try:
        pgty = {n: prog.constant('PGTY_' + n).value_() for n in ('buddy', 'slab', 'hugetlb', 'offline')}
    except (LookupError, KeyError):
        print('oracle=unsupported')
        return

    page_t = prog.type('struct page')
    size = page_t.size
    off = {f: drgn.offsetof(page_t, f) for f in ('flags', 'mapping', 'page_type', 'private', 'compound_head')}
    pg = {n: prog.constant('PG_' + n).value_() for n in ('lru', 'head', 'hwpoison')}
    vmemmap = pfn_to_page(prog, 0).value_()

    mb = prog['memblock'].memory
    ranges = []
    for i in range(mb.cnt.value_()):
        r = mb.regions[i]
        base, n = r.base.value_(), r.size.value_()
        ranges.append(((base + 4095) >> 12, (base + n) >> 12))

    counts = {c: 0 for c in ('free', 'slab', 'user', 'cache')}
    present = dict(counts)
    ram = 0

    def in_dump(pfn):
        try:
            prog.read(pfn << 12, 8, True)
            return True
        except drgn.FaultError:
            return False

    # The mem_map is read first and the pages probed afterwards: libkdumpfile
    # 0.5.x (python3-drgn 0.0.22) has crashed on a large read following
    # many faulting ones.
    found = []

    def account(cls, pfn, n, end):
        found.append((cls, pfn, min(pfn + n, end)))

    chunk = 4096
    for start, end in ranges:
        ram += end - start
        pfn = start
        skip = start
        while pfn < end:
            n = min(chunk, end - pfn)
            try:
                # one more struct page: page[1] of a head at the chunk's end
                buf = prog.read(vmemmap + pfn * size, (n + 1) * size)
            except drgn.FaultError:
                pfn += n
                continue
            for j in range(n):
                p = pfn + j
                if p < skip:
                    continue
                o = j * size
                flags, = struct.unpack_from('<Q', buf, o + off['flags'])
                mapping, = struct.unpack_from('<Q', buf, o + off['mapping'])
                ptype, = struct.unpack_from('<I', buf, o + off['page_type'])
                private, = struct.unpack_from('<Q', buf, o + off['private'])
                head, = struct.unpack_from('<Q', buf, o + off['compound_head'])
                if head & 1:
                    continue                    # tail of a head not classified here
                order = 0
                if flags & (1 << pg['head']):
                    flags1, = struct.unpack_from('<Q', buf, o + size + off['flags'])
                    order = flags1 & 0xff       # folio_order(): folio->_flags_1 & 0xff
                    if order >= 32 or p & ((1 << order) - 1):
                        order = 0
                t = ptype >> 24
                if t == pgty['buddy']:
                    cls, nr = 'free', 1 << private
                elif t == pgty['slab']:
                    cls, nr = 'slab', 1 << order
                elif t == pgty['hugetlb'] or (mapping & 1):
                    cls, nr = 'user', 1 << order
                elif flags & (1 << pg['lru']):
                    cls, nr = 'cache', 1 << order
                else:
                    continue
                account(cls, p, nr, end)
                skip = p + nr
            pfn += n

    for cls, first, last in found:
        for p in range(first, last):
            counts[cls] += 1
            present[cls] += in_dump(p)

    print('ram_pages=%d' % ram)
    for c in counts:
        print('%s_pages=%d' % (c, counts[c]))
        print('%s_in_dump=%d' % (c, present[c]))


if __name__ == '__main__':
    main()
