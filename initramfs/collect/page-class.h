/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Which pages a dump level excludes, decided from the struct page of each
 * page frame, with only VMCOREINFO to interpret it (no vmlinux).  The rules
 * follow the kernel's own predicates (PageBuddy(), PageSlab(), PageAnon(),
 * PageHuge(), folio_test_lru(), ...) as they changed across versions:
 *
 *   - page types in _mapcount: before 6.12 a type is a cleared bit under
 *     PAGE_TYPE_BASE and VMCOREINFO gives the whole value (~PG_buddy: 0x80
 *     up to 6.10, 0x40000000 in 6.11); since 6.12 the type is the top byte
 *     (PGTY_buddy << 24, printed negative) and the low 24 bits may carry
 *     data, so only the top byte is compared.  Each value's encoding is
 *     recognised on its own; a value of neither shape is not used;
 *   - slab: PG_slab in flags before 6.10, a page type since 6.10;
 *   - hugetlb: compound destructor (HUGETLB_PAGE_DTOR) in the first tail
 *     page before 6.6, PG_hugetlb in the first tail page's flags 6.6-6.8, a
 *     page type (PAGE_HUGETLB_MAPCOUNT_VALUE) since 6.9;
 *   - compound order: page.compound_order before 6.3, folio._folio_order
 *     6.3-6.5, the low byte of the first tail page's flags since 6.6;
 *   - tail pages: bit 0 of page.compound_head, renamed compound_info in 7.1.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/vmci.h"

/* makedumpfile's dump level bits */
enum {
        DL_EXCLUDE_ZERO = 1,
        DL_EXCLUDE_CACHE = 2,
        DL_EXCLUDE_CACHE_PRI = 4,
        DL_EXCLUDE_USER_DATA = 8,
        DL_EXCLUDE_FREE = 16,
        DL_MAX = 31,
};

enum page_class {
        PAGE_KEEP,              /* dumped */
        PAGE_FREE,              /* buddy or unaccepted (16) */
        PAGE_CACHE,             /* page cache without private data (2, 4) */
        PAGE_CACHE_PRIVATE,     /* page cache with private data (4) */
        PAGE_USER,              /* anonymous or hugetlb (8) */
        PAGE_HWPOISON,          /* always excluded */
        PAGE_OFFLINE,           /* always excluded */
        _PAGE_CLASS_MAX,
};

const char *page_class_name(enum page_class c);

#define PAGE_FIELD_MISSING UINT32_MAX

/* How a page-type value is compared with the _mapcount/page_type word. */
enum page_type_enc {
        PAGE_TYPE_NONE,         /* not exported, or not understood */
        PAGE_TYPE_INVERTED,     /* <= 6.11: ~PG_x, one cleared bit; compared whole */
        PAGE_TYPE_TOP_BYTE,     /* >= 6.12: PGTY_x << 24; only the top byte counts */
};

struct page_type_value {
        enum page_type_enc enc;
        uint32_t value;
};

struct page_layout {
        size_t sz;
        uint32_t size;                  /* SIZE(page) */
        uint32_t off_flags, off_mapping, off_mapcount, off_private, off_compound_head;
        /* In the first tail page (relative to its struct page); MISSING where
         * the kernel keeps it elsewhere. */
        uint32_t off_compound_order, off_compound_dtor;
        bool order_in_flags_1;          /* 6.6+: order = low byte of page[1].flags */

        int pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab, pg_hwpoison, pg_hugetlb; /* -1: none */
        uint64_t pg_head_mask;

        struct page_type_value buddy, slab, offline, hugetlb, unaccepted;
        bool has_hugetlb_dtor;
        uint64_t hugetlb_dtor;
        unsigned max_order;             /* LENGTH(zone.free_area) - 1 */

        /* Per dump level bit (index: bit number 1..4 for 2, 4, 8, 16): the
         * VMCOREINFO entry whose absence (or unknown encoding) means that
         * level cannot be honoured; NULL when it can. */
        const char *missing[5];
};

/* Fills the layout from VMCOREINFO.  -ENOENT: an essential entry
 * (SIZE(page), OFFSET(page.flags), OFFSET(page.mapping)) is missing;
 * -EINVAL: an entry is absurd.  Either way no page-type filtering is
 * possible, page_layout_problem() names the entry, and the caller falls
 * back to dump level 1. */
int page_layout_from_vmcoreinfo(const struct vmci *v, struct page_layout *ret);

/* Why page_layout_from_vmcoreinfo() fails on this VMCOREINFO, as the name of
 * the entry ("SIZE(page)", ...); NULL if it does not. */
const char *page_layout_problem(const struct vmci *v);

/* The levels this layout can honour (missing PAGE_BUDDY_MAPCOUNT_VALUE
 * drops 16, and so on). */
unsigned page_layout_supported_levels(const struct page_layout *l);

/* The VMCOREINFO entry that keeps the first unsupported bit of dump_level
 * from being honoured, e.g. "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"; NULL when
 * every bit of dump_level is supported. */
const char *page_layout_missing(const struct page_layout *l, unsigned dump_level);

/* Classifies the page at pfn from its struct page (sp) and, for compound
 * heads, the next struct page (next, may be NULL).  ret_nr_pages is how many
 * page frames from pfn the verdict covers (a free buddy block, an excluded
 * compound page or a poisoned hugetlb page), 1 otherwise.  Tail pages of
 * compound pages are kept here unless poisoned: the head's verdict covers
 * them.  PAGE_HWPOISON and PAGE_OFFLINE are returned at every dump level
 * (reading a poisoned page can machine-check the capture kernel; an offline
 * page may not be backed by the hypervisor). */
enum page_class page_classify(const struct page_layout *l, unsigned dump_level, uint64_t pfn,
                              const uint8_t *sp, const uint8_t *next, uint64_t *ret_nr_pages);

/* Whether a class is excluded at a dump level. */
bool page_class_excluded(enum page_class c, unsigned dump_level);
