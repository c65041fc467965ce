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
    slab_zero_excluded=<slab pages VMCORE lacks that CONTENT reads as all
                        zeros: excluded as zero pages (-d 1)>   (with CONTENT)

Classes follow the kernel predicates as of 6.12 (page_type >> 24 ==
PGTY_x), or, for kernels without enum pagetype that still have
struct page's compound_dtor (up to 6.5, e.g. Debian's 6.1), those of 6.1:
PageBuddy is (page_type & (PAGE_TYPE_BASE | PG_buddy)) == PAGE_TYPE_BASE
(0xf0000000, 0x80), slab is the PG_slab flag, hugetlb a head whose
page[1].compound_dtor is HUGETLB_PAGE_DTOR, the order page[1].compound_order.
Other kernels print oracle=unsupported.  Pages of a compound page take the
head's class.  A header line "layout=pagetype|compound_dtor" says which.

usage: page-class-check.py VMCORE VMLINUX [CONTENT]

CONTENT: a dump of the same crash that holds more pages (the ELF capture a
re-filtered VMCORE was made from).
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
    content = None
    if len(sys.argv) > 3:
        content = drgn.Program()
        content.set_core_dump(sys.argv[3])
        content.load_debug_info([vmlinux])

    banner = prog['linux_banner'].string_().decode(errors='replace').strip()
    print('linux_banner=%s' % banner)
    page_t = prog.type('struct page')
    legacy = None
    try:
        pgty = {n: prog.constant('PGTY_' + n).value_() for n in ('buddy', 'slab', 'hugetlb', 'offline')}
    except (LookupError, KeyError):
        # 6.1's page types (include/linux/page-flags.h: #defines, not in the
        # debug info, unchanged from 4.18 to 6.8) and hugetlb's destructor.
        try:
            legacy = {'slab': prog.constant('PG_slab').value_(),
                      'hugetlb_dtor': prog.constant('HUGETLB_PAGE_DTOR').value_(),
                      'dtor': drgn.offsetof(page_t, 'compound_dtor'),
                      'order': drgn.offsetof(page_t, 'compound_order'),
                      'type_base': 0xf0000000, 'buddy': 0x80}
        except (LookupError, KeyError, ValueError):
            print('oracle=unsupported')
            return
    print('layout=%s' % ('compound_dtor' if legacy else 'pagetype'))

    size = page_t.size
    off = {f: drgn.offsetof(page_t, f) for f in ('flags', 'mapping', 'page_type', 'private')}
    try:
        off['compound_head'] = drgn.offsetof(page_t, 'compound_head')
    except (LookupError, ValueError):
        # 7.x: compound_info, bit 0 still marks a tail page
        off['compound_head'] = drgn.offsetof(page_t, 'compound_info')
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
                # at the end of the mem_map (the last RAM page's) there may be none
                try:
                    buf = prog.read(vmemmap + pfn * size, n * size) + bytes(size)
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
                huge = False
                if flags & (1 << pg['head']):
                    if legacy:
                        order = buf[o + size + legacy['order']]
                        huge = buf[o + size + legacy['dtor']] == legacy['hugetlb_dtor']
                    else:
                        flags1, = struct.unpack_from('<Q', buf, o + size + off['flags'])
                        order = flags1 & 0xff   # folio_order(): folio->_flags_1 & 0xff
                    if order >= 32 or p & ((1 << order) - 1):
                        order = 0
                if legacy:
                    buddy = ptype & (legacy['type_base'] | legacy['buddy']) == legacy['type_base']
                    slab = bool(flags & (1 << legacy['slab']))
                else:
                    t = ptype >> 24
                    buddy, slab, huge = t == pgty['buddy'], t == pgty['slab'], t == pgty['hugetlb']
                if buddy:
                    cls, nr = 'free', 1 << private
                elif slab:
                    cls, nr = 'slab', 1 << order
                elif huge or (mapping & 1):
                    cls, nr = 'user', 1 << order
                elif flags & (1 << pg['lru']):
                    cls, nr = 'cache', 1 << order
                else:
                    continue
                account(cls, p, nr, end)
                skip = p + nr
            pfn += n

    slab_zero = 0
    for cls, first, last in found:
        for p in range(first, last):
            counts[cls] += 1
            if in_dump(p):
                present[cls] += 1
            elif cls == 'slab' and content is not None:
                try:
                    slab_zero += content.read(p << 12, 4096, True).count(0) == 4096
                except drgn.FaultError:
                    pass

    print('ram_pages=%d' % ram)
    for c in counts:
        print('%s_pages=%d' % (c, counts[c]))
        print('%s_in_dump=%d' % (c, present[c]))
    if content is not None:
        print('slab_zero_excluded=%d' % slab_zero)


if __name__ == '__main__':
    main()
