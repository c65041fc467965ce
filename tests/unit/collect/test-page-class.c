/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The page classifier against struct page contents as each kernel version
 * lays them out, with the VMCOREINFO that version exports.
 *
 * 6.1 and 6.12 are real: the VMCOREINFO notes of Debian's 6.1.0-56-amd64
 * and 6.12.95+deb12-amd64 (bookworm-backports) kernels, saved by
 * tests/vm/run-e2e and tests/vm/other-kernel (tests/fixtures/collect/).
 * The others are written from that version's kernel/crash_core.c (before
 * 6.9) or kernel/vmcore_info.c and include/linux/page-flags.h:
 *   5.10, 5.15  same entries and numbers as 6.1 (PG_slab 9, PG_head 16,
 *               compound_dtor/order bytes 16/17 of page[1], HUGETLB_PAGE_DTOR 2)
 *   6.6-6.8     PG_head 6, PG_lru 5, PG_slab 11, PG_private 15, PG_swapbacked 19,
 *               PG_hwpoison 23; PG_hugetlb = PG_active (8) in page[1]; order =
 *               low byte of page[1].flags; no compound_dtor/order offsets
 *   6.9         "mm: turn folio_test_hugetlb into a PageType":
 *               PAGE_HUGETLB_MAPCOUNT_VALUE = ~PG_hugetlb (~0x800), no PG_hugetlb
 *   6.10        "mm: free up PG_slab": PAGE_SLAB_MAPCOUNT_VALUE = ~0x1000, no
 *               PG_slab, flags above it move down one (PG_private 14, ...)
 *   6.11        "mm: allow reuse of the lower 16 bit of the page type":
 *               PAGE_TYPE_BASE 0x80000000, PG_buddy 0x40000000, PG_offline
 *               0x20000000, PG_hugetlb 0x04000000, PG_slab 0x02000000
 *   6.12+       "mm: support only one page_type per page": PGTY_x << 24, printed
 *               negative (buddy 0xf0, offline 0xf1, hugetlb 0xf4, slab 0xf5,
 *               unaccepted 0xf7; 6.15 adds large_kmalloc 0xf8)
 *   7.1         OFFSET(page.compound_info) replaces OFFSET(page.compound_head)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"

#include "initramfs/collect/page-class.h"
#include "tests.h"

#define PAGE_WORDS \
        "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\nOFFSET(page.mapping)=24\n" \
        "OFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n" \
        "LENGTH(zone.free_area)=11\n"
#define COMMON_PAGE PAGE_WORDS "OFFSET(page.compound_head)=8\n"

/* 5.10 / 5.15 (kernel/crash_core.c): as Debian's 6.1. */
static const char vmci_5_10[] = COMMON_PAGE
        "OFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\n"
        "NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=65536\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(HUGETLB_PAGE_DTOR)=2\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
/* 6.6-6.8 */
static const char vmci_6_6[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=15\nNUMBER(PG_swapcache)=12\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PG_slab)=11\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=64\nNUMBER(PG_hugetlb)=8\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
/* 6.9 */
static const char vmci_6_9[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=15\nNUMBER(PG_swapcache)=12\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PG_slab)=11\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-2049\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
/* 6.10 */
static const char vmci_6_10[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\nNUMBER(PG_swapcache)=11\nNUMBER(PG_swapbacked)=18\n"
        "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-4097\nNUMBER(PG_hwpoison)=22\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-2049\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
/* 6.11 */
static const char vmci_6_11[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\nNUMBER(PG_swapcache)=11\nNUMBER(PG_swapbacked)=18\n"
        "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-33554433\nNUMBER(PG_hwpoison)=22\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-1073741825\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-67108865\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-536870913\n";
/* 6.15-6.18: 6.12's entries plus unaccepted memory (CONFIG_UNACCEPTED_MEMORY). */
static const char vmci_6_18[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\nNUMBER(PG_swapcache)=10\nNUMBER(PG_swapbacked)=17\n"
        "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\nNUMBER(PG_hwpoison)=20\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\nNUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)=-150994944\n";
/* 7.1: compound_head renamed compound_info. */
static const char vmci_7_1[] = PAGE_WORDS "OFFSET(page.compound_info)=8\n"
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\nNUMBER(PG_swapcache)=10\nNUMBER(PG_swapbacked)=17\n"
        "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\nNUMBER(PG_hwpoison)=20\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\n";

/* Real notes, loaded from tests/fixtures/collect/ by load_fixtures(). */
static const char *vmci_6_1, *vmci_6_12;

struct sp {
        uint64_t flags, mapping, priv, head;
        uint32_t mapcount;
        /* first tail page (for heads) */
        uint64_t flags1;
        uint8_t dtor1, order1;
};

struct row {
        const char *version;
        const char *const *vmci;
        unsigned level;
        uint64_t pfn;
        struct sp sp;
        enum page_class want;
        uint64_t want_nr;
};

#define UNMAPPED 0xffffffffu                    /* _mapcount -1 */
#define FILE_MAPPING 0xffff888001234500ull      /* struct address_space * */
#define ANON_MAPPING 0xffff888001234501ull      /* anon_vma | PAGE_MAPPING_ANON */
#define SLAB_CACHE 0xffff888003000000ull        /* struct kmem_cache * */
#define TAIL 0xffffea0000001001ull              /* head | 1 */
#define B(n) (UINT64_C(1) << (n))

static const char *const p5_10 = vmci_5_10, *const p6_6 = vmci_6_6, *const p6_9 = vmci_6_9,
        *const p6_10 = vmci_6_10, *const p6_11 = vmci_6_11, *const p6_18 = vmci_6_18, *const p7_1 = vmci_7_1;

static const struct row rows[] = {
        /* 5.10 / 5.15 */
        { "5.10", &p5_10, 31, 8, { .mapcount = ~0x80u, .priv = 3 }, PAGE_FREE, 8 },
        { "5.10", &p5_10, 15, 8, { .mapcount = ~0x80u, .priv = 3 }, PAGE_KEEP, 1 },
        /* a "free block" not aligned to its order is corrupt: kept */
        { "5.10", &p5_10, 31, 9, { .mapcount = ~0x80u, .priv = 3 }, PAGE_KEEP, 1 },
        { "5.10", &p5_10, 31, 8, { .flags = B(9), .mapping = SLAB_CACHE, .mapcount = UNMAPPED }, PAGE_KEEP, 1 },
        { "5.10", &p5_10, 31, 1024, { .flags = B(16), .dtor1 = 2, .order1 = 9 }, PAGE_USER, 512 },
        { "5.10", &p5_10, 0, 10, { .flags = B(23) }, PAGE_HWPOISON, 1 },

        /* 6.1 (real VMCOREINFO) */
        { "6.1", &vmci_6_1, 31, 0, { .mapcount = ~0x80u, .priv = 10 }, PAGE_FREE, 1024 },
        { "6.1", &vmci_6_1, 31, 5, { .flags = B(4), .mapping = FILE_MAPPING, .mapcount = UNMAPPED }, PAGE_CACHE, 1 },
        { "6.1", &vmci_6_1, 2, 5, { .flags = B(4) | B(13), .mapping = FILE_MAPPING }, PAGE_KEEP, 1 },
        { "6.1", &vmci_6_1, 4, 5, { .flags = B(4) | B(13), .mapping = FILE_MAPPING }, PAGE_CACHE_PRIVATE, 1 },
        { "6.1", &vmci_6_1, 31, 6, { .flags = B(4), .mapping = ANON_MAPPING, .mapcount = 0 }, PAGE_USER, 1 },
        { "6.1", &vmci_6_1, 23, 6, { .flags = B(4), .mapping = ANON_MAPPING, .mapcount = 0 }, PAGE_KEEP, 1 },
        /* swap cache needs PG_swapbacked; PG_owner_priv_1 alone is PG_checked of a filesystem */
        { "6.1", &vmci_6_1, 31, 7, { .flags = B(10), .mapping = FILE_MAPPING }, PAGE_KEEP, 1 },
        { "6.1", &vmci_6_1, 31, 7, { .flags = B(10) | B(19), .mapping = FILE_MAPPING }, PAGE_CACHE, 1 },
        /* slab: PG_slab, kept even if the word at mapping had bit 0 set */
        { "6.1", &vmci_6_1, 31, 8, { .flags = B(9), .mapping = SLAB_CACHE | 1 }, PAGE_KEEP, 1 },
        /* 2 MiB hugetlb: compound_dtor 2 in page[1]; its tail pages follow the head */
        { "6.1", &vmci_6_1, 31, 512, { .flags = B(16), .dtor1 = 2, .order1 = 9 }, PAGE_USER, 512 },
        { "6.1", &vmci_6_1, 23, 512, { .flags = B(16), .dtor1 = 2, .order1 = 9 }, PAGE_KEEP, 1 },
        { "6.1", &vmci_6_1, 31, 513, { .head = TAIL }, PAGE_KEEP, 1 },
        /* anon THP head: 512 pages of user data */
        { "6.1", &vmci_6_1, 31, 1536, { .flags = B(16) | B(4), .mapping = ANON_MAPPING, .dtor1 = 3, .order1 = 9 }, PAGE_USER, 512 },
        /* misaligned "head": treated as one page */
        { "6.1", &vmci_6_1, 31, 513, { .flags = B(16), .mapping = ANON_MAPPING, .order1 = 9 }, PAGE_USER, 1 },
        /* tail page with a user-looking mapping word: the head decides */
        { "6.1", &vmci_6_1, 31, 9, { .head = TAIL, .mapping = ANON_MAPPING }, PAGE_KEEP, 1 },
        /* hwpoison on a tail page of a kept compound page is still excluded */
        { "6.1", &vmci_6_1, 0, 9, { .head = TAIL, .flags = B(23) }, PAGE_HWPOISON, 1 },
        /* a poisoned hugetlb head: the whole hugetlb page (is_page_hwpoison()) */
        { "6.1", &vmci_6_1, 0, 512, { .flags = B(16) | B(23), .dtor1 = 2, .order1 = 9 }, PAGE_HWPOISON, 512 },
        /* a poisoned THP head: only that page */
        { "6.1", &vmci_6_1, 0, 512, { .flags = B(16) | B(23), .dtor1 = 3, .order1 = 9 }, PAGE_HWPOISON, 1 },
        { "6.1", &vmci_6_1, 0, 10, { .flags = B(23) }, PAGE_HWPOISON, 1 },
        { "6.1", &vmci_6_1, 0, 10, { .mapcount = ~0x100u }, PAGE_OFFLINE, 1 },
        { "6.1", &vmci_6_1, 31, 10, { .mapcount = ~0x100u }, PAGE_OFFLINE, 1 },
        /* a page table (~PG_table) and a guard page are kept */
        { "6.1", &vmci_6_1, 31, 11, { .mapcount = ~0x200u }, PAGE_KEEP, 1 },
        { "6.1", &vmci_6_1, 31, 11, { .mapcount = ~0x400u }, PAGE_KEEP, 1 },

        /* 6.6-6.8: hugetlb via PG_hugetlb (= PG_active) in page[1], order in its low byte */
        { "6.6", &p6_6, 31, 1024, { .flags = B(6), .flags1 = B(8) | 9 }, PAGE_USER, 512 },
        { "6.6", &p6_6, 31, 1024, { .flags = B(6), .flags1 = 9 }, PAGE_KEEP, 1 },
        { "6.6", &p6_6, 31, 1024, { .flags = B(6) | B(5), .mapping = ANON_MAPPING, .flags1 = 9 }, PAGE_USER, 512 },
        { "6.6", &p6_6, 31, 3, { .flags = B(11), .mapping = SLAB_CACHE }, PAGE_KEEP, 1 },
        { "6.6", &p6_6, 31, 0, { .mapcount = ~0x80u, .priv = 1 }, PAGE_FREE, 2 },
        { "6.6", &p6_6, 31, 3, { .flags = B(5) | B(15), .mapping = FILE_MAPPING }, PAGE_CACHE_PRIVATE, 1 },

        /* 6.9: hugetlb is a page type of the head; page[1] PG_active means nothing */
        { "6.9", &p6_9, 31, 1024, { .flags = B(6), .flags1 = 9, .mapcount = ~0x800u }, PAGE_USER, 512 },
        { "6.9", &p6_9, 31, 1024, { .flags = B(6), .flags1 = B(8) | 9, .mapcount = UNMAPPED }, PAGE_KEEP, 1 },
        { "6.9", &p6_9, 23, 1024, { .flags = B(6), .flags1 = 9, .mapcount = ~0x800u }, PAGE_KEEP, 1 },

        /* 6.10: a slab page has no PG_slab; its page_type marks it */
        { "6.10", &p6_10, 31, 4, { .mapping = SLAB_CACHE | 1, .mapcount = ~0x1000u }, PAGE_KEEP, 1 },
        { "6.10", &p6_10, 31, 4, { .mapping = ANON_MAPPING, .mapcount = 0 }, PAGE_USER, 1 },
        { "6.10", &p6_10, 31, 0, { .mapcount = ~0x80u, .priv = 10 }, PAGE_FREE, 1024 },
        { "6.10", &p6_10, 0, 4, { .flags = B(22) }, PAGE_HWPOISON, 1 },
        /* bit 11 is PG_owner_priv_1 here (PG_slab in 6.6): with PG_swapbacked a swap cache page */
        { "6.10", &p6_10, 31, 4, { .flags = B(11) | B(18), .mapping = FILE_MAPPING }, PAGE_CACHE, 1 },

        /* 6.11: types are high bits cleared from -1 */
        { "6.11", &p6_11, 31, 0, { .mapcount = ~0x40000000u, .priv = 4 }, PAGE_FREE, 16 },
        { "6.11", &p6_11, 31, 4, { .mapping = SLAB_CACHE | 1, .mapcount = ~0x02000000u }, PAGE_KEEP, 1 },
        { "6.11", &p6_11, 31, 1024, { .flags = B(6), .flags1 = 9, .mapcount = ~0x04000000u }, PAGE_USER, 512 },
        { "6.11", &p6_11, 0, 4, { .mapcount = ~0x20000000u }, PAGE_OFFLINE, 1 },
        /* 6.10's ~PG_buddy means nothing in 6.11 */
        { "6.11", &p6_11, 31, 0, { .mapcount = ~0x80u, .priv = 4 }, PAGE_KEEP, 1 },

        /* 6.12 (real VMCOREINFO): top-byte types; the low 24 bits may carry data */
        { "6.12", &vmci_6_12, 31, 0, { .mapcount = 0xf0000000, .priv = 2 }, PAGE_FREE, 4 },
        { "6.12", &vmci_6_12, 31, 0, { .mapcount = ~0x80u, .priv = 2 }, PAGE_KEEP, 1 },
        { "6.12", &vmci_6_12, 31, 4, { .mapping = SLAB_CACHE | 1, .mapcount = 0xf5000000 }, PAGE_KEEP, 1 },
        { "6.12", &vmci_6_12, 31, 4, { .mapping = SLAB_CACHE | 1, .mapcount = 0xf5000123 }, PAGE_KEEP, 1 },
        { "6.12", &vmci_6_12, 31, 2048, { .flags = B(6), .flags1 = 9, .mapcount = 0xf4000000 }, PAGE_USER, 512 },
        { "6.12", &vmci_6_12, 23, 2048, { .flags = B(6), .flags1 = 9, .mapcount = 0xf4000000 }, PAGE_KEEP, 1 },
        { "6.12", &vmci_6_12, 31, 2049, { .head = TAIL, .mapcount = UNMAPPED }, PAGE_KEEP, 1 },
        { "6.12", &vmci_6_12, 0, 7, { .mapcount = 0xf1000000 }, PAGE_OFFLINE, 1 },
        { "6.12", &vmci_6_12, 0, 7, { .flags = B(20) }, PAGE_HWPOISON, 1 },
        /* bit 23 is PG_hwpoison before 6.10 but nothing special in 6.12 */
        { "6.12", &vmci_6_12, 0, 7, { .flags = B(23) }, PAGE_KEEP, 1 },
        { "6.12", &vmci_6_12, 31, 7, { .flags = B(5), .mapping = FILE_MAPPING, .mapcount = UNMAPPED }, PAGE_CACHE, 1 },
        { "6.12", &vmci_6_12, 31, 7, { .flags = B(5) | B(14), .mapping = FILE_MAPPING }, PAGE_CACHE_PRIVATE, 1 },
        { "6.12", &vmci_6_12, 31, 7, { .flags = B(5) | B(17), .mapping = ANON_MAPPING, .mapcount = 0 }, PAGE_USER, 1 },
        /* a large page-cache folio (order 4) */
        { "6.12", &vmci_6_12, 31, 32, { .flags = B(6) | B(5), .mapping = FILE_MAPPING, .flags1 = 4 }, PAGE_CACHE, 16 },
        /* page tables (PGTY_table) are kept */
        { "6.12", &vmci_6_12, 31, 7, { .mapcount = 0xf2000000 }, PAGE_KEEP, 1 },
        /* a buddy order beyond MAX_ORDER is corruption: kept */
        { "6.12", &vmci_6_12, 31, 0, { .mapcount = 0xf0000000, .priv = 40 }, PAGE_KEEP, 1 },

        /* 6.15-6.18 */
        { "6.18", &p6_18, 31, 0, { .mapcount = 0xf7000000 }, PAGE_FREE, 1024 },
        { "6.18", &p6_18, 15, 0, { .mapcount = 0xf7000000 }, PAGE_KEEP, 1 },
        /* a large kmalloc (PGTY_large_kmalloc, 6.15) is kernel data: kept */
        { "6.18", &p6_18, 31, 64, { .flags = B(6), .flags1 = 2, .mapcount = 0xf8000000 }, PAGE_KEEP, 1 },
        { "6.18", &p6_18, 31, 0, { .mapcount = 0xf0000000, .priv = 0 }, PAGE_FREE, 1 },

        /* 7.1: tails found through compound_info */
        { "7.1", &p7_1, 31, 9, { .head = TAIL, .mapping = ANON_MAPPING }, PAGE_KEEP, 1 },
        { "7.1", &p7_1, 31, 8, { .mapping = ANON_MAPPING, .mapcount = 0 }, PAGE_USER, 1 },
};

static void fill(const struct page_layout *l, const struct sp *s, uint8_t *page, uint8_t *next) {
        memset(page, 0, l->size);
        memset(next, 0, l->size);
        memcpy(page + l->off_flags, &s->flags, 8);
        memcpy(page + l->off_mapping, &s->mapping, 8);
        memcpy(page + l->off_private, &s->priv, 8);
        /* compound_head and lru share the word; write it last as the kernel
         * union does */
        memcpy(page + l->off_compound_head, &s->head, 8);
        memcpy(page + l->off_mapcount, &s->mapcount, 4);
        memcpy(next + l->off_flags, &s->flags1, 8);
        if (l->off_compound_dtor != PAGE_FIELD_MISSING)
                next[l->off_compound_dtor] = s->dtor1;
        if (l->off_compound_order != PAGE_FIELD_MISSING)
                next[l->off_compound_order] = s->order1;
}

static void load_fixtures(void) {
        char *t;
        size_t n;

        if (!vmci_6_1) {
                ASSERT_OK(read_full_file(test_fixture("collect/vmcoreinfo-6.1.0-56-amd64"), &t, &n));
                vmci_6_1 = t;
        }
        if (!vmci_6_12) {
                ASSERT_OK(read_full_file(test_fixture("collect/vmcoreinfo-6.12.95+deb12-amd64"), &t, &n));
                vmci_6_12 = t;
        }
}

static void layout_of(const char *text, struct page_layout *ret) {
        struct vmci v = { text, strlen(text) };
        ASSERT_OK(page_layout_from_vmcoreinfo(&v, ret));
}

TEST(classify_table) {
        unsigned failed = 0;

        load_fixtures();
        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                const struct row *r = &rows[i];
                struct page_layout l;
                uint8_t page[64], next[64];
                uint64_t nr;
                enum page_class c;

                layout_of(*r->vmci, &l);
                fill(&l, &r->sp, page, next);
                c = page_classify(&l, r->level, r->pfn, page, next, &nr);
                if (c != r->want || nr != r->want_nr) {
                        fprintf(stderr, "# row %zu (%s, level %u, pfn %llu): got %s x%llu, want %s x%llu\n",
                                i, r->version, r->level, (unsigned long long) r->pfn, page_class_name(c),
                                (unsigned long long) nr, page_class_name(r->want), (unsigned long long) r->want_nr);
                        failed++;
                }
        }
        ASSERT_EQ(failed, 0u);
}

TEST(layout_real_6_1) {
        struct page_layout l;

        load_fixtures();
        layout_of(vmci_6_1, &l);
        ASSERT_EQ(l.buddy.enc, PAGE_TYPE_INVERTED);
        ASSERT_EQ(l.buddy.value, 0xffffff7fu);
        ASSERT_EQ(l.slab.enc, PAGE_TYPE_NONE);
        ASSERT_EQ(l.pg_slab, 9);
        ASSERT_EQ(l.off_compound_order, 17u);
        ASSERT_EQ(l.off_compound_dtor, 16u);
        ASSERT_TRUE(!l.order_in_flags_1);
        ASSERT_EQ(l.max_order, 10u);
        ASSERT_EQ(page_layout_supported_levels(&l), 31u);
        ASSERT_TRUE(page_layout_missing(&l, 31) == NULL);
}

TEST(layout_real_6_12) {
        struct page_layout l;

        load_fixtures();
        layout_of(vmci_6_12, &l);
        /* printed negative: (PGTY_buddy << 24) is an int */
        ASSERT_CONTAINS(vmci_6_12, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n");
        ASSERT_EQ(l.buddy.enc, PAGE_TYPE_TOP_BYTE);
        ASSERT_EQ(l.buddy.value >> 24, 0xf0u);
        ASSERT_EQ(l.slab.value >> 24, 0xf5u);
        ASSERT_EQ(l.hugetlb.value >> 24, 0xf4u);
        ASSERT_EQ(l.offline.value >> 24, 0xf1u);
        ASSERT_EQ(l.unaccepted.enc, PAGE_TYPE_NONE);
        ASSERT_EQ(l.pg_slab, -1);
        ASSERT_EQ(l.pg_hugetlb, -1);
        ASSERT_TRUE(l.order_in_flags_1);
        ASSERT_EQ(l.off_compound_order, PAGE_FIELD_MISSING);
        ASSERT_EQ(page_layout_supported_levels(&l), 31u);
}

TEST(layout_6_11_inverted_high_bits) {
        struct page_layout l;

        layout_of(vmci_6_11, &l);
        ASSERT_EQ(l.buddy.enc, PAGE_TYPE_INVERTED);
        ASSERT_EQ(l.buddy.value, 0xbfffffffu);
        ASSERT_EQ(page_layout_supported_levels(&l), 31u);
}

TEST(layout_fallbacks) {
        /* No page type values: free pages cannot be found, level 16 dropped */
        static const char no_buddy[] = COMMON_PAGE "NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_slab)=9\n";
        /* No slab test at all: user data cannot be told from slab */
        static const char no_slab[] = COMMON_PAGE "NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\n"
                "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n";
        /* A page-type value of neither known shape */
        static const char odd_type[] = COMMON_PAGE "NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\n"
                "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=7\n";
        /* Encodings of two eras at once */
        static const char mixed[] = COMMON_PAGE "NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\n"
                "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-4097\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n";
        /* No way to find tail pages */
        static const char no_head[] = PAGE_WORDS "NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\n"
                "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
                "NUMBER(PG_hwpoison)=20\nNUMBER(PG_head_mask)=64\n";
        static const char absurd[] = "SIZE(page)=100000\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\n";
        static const char missing[] = "OFFSET(page.flags)=0\n";
        static const char no_mapping[] = "SIZE(page)=64\nOFFSET(page.flags)=0\n";
        struct page_layout l;
        struct vmci v;
        uint8_t page[64] = {}, next[64] = {};
        uint64_t nr, anon = ANON_MAPPING, poison = B(20);
        uint32_t buddy = 0xf0000000;

        layout_of(no_buddy, &l);
        ASSERT_EQ(page_layout_supported_levels(&l), 15u);
        ASSERT_STREQ(page_layout_missing(&l, 31), "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
        ASSERT_TRUE(page_layout_missing(&l, 15) == NULL);

        layout_of(no_slab, &l);
        ASSERT_EQ(page_layout_supported_levels(&l), 23u);
        ASSERT_STREQ(page_layout_missing(&l, 31), "NUMBER(PG_slab) or NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)");

        /* no page type is trusted then, so slab is unknown too */
        layout_of(odd_type, &l);
        ASSERT_EQ(page_layout_supported_levels(&l), 7u);
        ASSERT_STREQ(page_layout_missing(&l, 16), "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
        ASSERT_STREQ(page_layout_missing(&l, 8), "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
        /* the page it would have called free stays */
        memcpy(page + 48, &buddy, 4);
        ASSERT_EQ(page_classify(&l, 31, 0, page, next, &nr), PAGE_KEEP);

        layout_of(mixed, &l);
        ASSERT_STREQ(page_layout_missing(&l, 16), "NUMBER(PAGE_*_MAPCOUNT_VALUE) (mixed encodings)");
        ASSERT_EQ(l.buddy.enc, PAGE_TYPE_NONE);
        ASSERT_EQ(l.slab.enc, PAGE_TYPE_NONE);
        ASSERT_EQ(page_layout_supported_levels(&l), 7u);

        layout_of(no_head, &l);
        ASSERT_EQ(page_layout_supported_levels(&l), 1u);
        ASSERT_STREQ(page_layout_missing(&l, 2), "OFFSET(page.compound_head)");
        /* nothing but poison is excluded, even if the caller asks for 31 */
        memset(page, 0, sizeof(page));
        memcpy(page + 24, &anon, 8);
        ASSERT_EQ(page_classify(&l, 31, 0, page, next, &nr), PAGE_KEEP);
        memcpy(page + 48, &buddy, 4);
        ASSERT_EQ(page_classify(&l, 31, 0, page, next, &nr), PAGE_KEEP);
        memcpy(page, &poison, 8);
        ASSERT_EQ(page_classify(&l, 31, 0, page, next, &nr), PAGE_HWPOISON);

        v = (struct vmci) { absurd, strlen(absurd) };
        ASSERT_ERR(page_layout_from_vmcoreinfo(&v, &l), EINVAL);
        ASSERT_STREQ(page_layout_problem(&v), "SIZE(page)");
        v = (struct vmci) { missing, strlen(missing) };
        ASSERT_ERR(page_layout_from_vmcoreinfo(&v, &l), ENOENT);
        ASSERT_STREQ(page_layout_problem(&v), "SIZE(page)");
        v = (struct vmci) { no_mapping, strlen(no_mapping) };
        ASSERT_ERR(page_layout_from_vmcoreinfo(&v, &l), ENOENT);
        ASSERT_STREQ(page_layout_problem(&v), "OFFSET(page.mapping)");
        v = (struct vmci) { vmci_6_11, strlen(vmci_6_11) };
        ASSERT_TRUE(page_layout_problem(&v) == NULL);
}

TEST(excluded_by_level) {
        ASSERT_TRUE(!page_class_excluded(PAGE_CACHE_PRIVATE, 2));
        ASSERT_TRUE(page_class_excluded(PAGE_CACHE, 2));
        ASSERT_TRUE(page_class_excluded(PAGE_CACHE, 4));
        ASSERT_TRUE(page_class_excluded(PAGE_HWPOISON, 0));
        ASSERT_TRUE(page_class_excluded(PAGE_OFFLINE, 0));
        ASSERT_TRUE(!page_class_excluded(PAGE_USER, 23));
        ASSERT_TRUE(!page_class_excluded(PAGE_FREE, 15));
}

TEST_MAIN()
