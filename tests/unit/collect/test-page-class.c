/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The page classifier against struct page contents as each kernel version
 * lays them out, with the VMCOREINFO that version exports.  6.1 values are
 * the Debian 6.1 kernel's (read from its vmlinux debug info); the others
 * follow the kernel's page-flags.h/vmcore_info.c of that version. */
#include <errno.h>
#include <string.h>

#include "basic/macro.h"

#include "initramfs/collect/page-class.h"
#include "tests.h"

#define COMMON_PAGE \
        "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\nOFFSET(page.mapping)=24\n" \
        "OFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n" \
        "OFFSET(page.compound_head)=8\nLENGTH(zone.free_area)=11\n"

/* 5.10 and 6.1: PG_slab flag, ~PG_x page types, compound_dtor/order in page[1]. */
static const char vmci_5_10[] = COMMON_PAGE
        "OFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\n"
        "NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=65536\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(HUGETLB_PAGE_DTOR)=2\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
#define vmci_6_1 vmci_5_10
/* 6.6-6.8: PG_hugetlb in page[1].flags, order in page[1].flags low byte;
 * flags renumbered (PG_head 6, PG_lru 5, PG_slab 11, PG_private 15). */
static const char vmci_6_6[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=15\nNUMBER(PG_swapcache)=12\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PG_slab)=11\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=64\nNUMBER(PG_hugetlb)=8\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
/* 6.9: hugetlb becomes a page type (~PG_hugetlb = ~0x800). */
static const char vmci_6_9[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=15\nNUMBER(PG_swapcache)=12\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PG_slab)=11\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-2049\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
/* 6.10/6.11: slab is a page type too (~PG_slab = ~0x1000), no PG_slab. */
static const char vmci_6_10[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=15\nNUMBER(PG_swapcache)=12\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-4097\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-2049\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n";
/* 6.12: PGTY_x << 24 (buddy 0xf0, offline 0xf1, hugetlb 0xf4, slab 0xf5,
 * unaccepted 0xf7), printed with %ld so positive. */
static const char vmci_6_12[] = COMMON_PAGE
        "NUMBER(PG_lru)=5\nNUMBER(PG_private)=15\nNUMBER(PG_swapcache)=12\nNUMBER(PG_swapbacked)=19\n"
        "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=4110417920\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=64\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=4026531840\nNUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=4093640704\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=4043309056\nNUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)=4143972352\n";

struct sp {
        uint64_t flags, mapping, priv, head;
        uint32_t mapcount;
        /* first tail page (for heads) */
        uint64_t flags1;
        uint8_t dtor1, order1;
};

struct row {
        const char *version;
        const char *vmci;
        unsigned level;
        uint64_t pfn;
        struct sp sp;
        enum page_class want;
        uint64_t want_nr;
};

#define UNMAPPED 0xffffffffu            /* _mapcount -1 */

static const struct row rows[] = {
        /* 5.10 / 6.1 */
        { "5.10", vmci_5_10, 31, 0, { .mapcount = 0xffffff7f, .priv = 3 }, PAGE_FREE, 8 },
        { "5.10", vmci_5_10, 15, 0, { .mapcount = 0xffffff7f, .priv = 3 }, PAGE_KEEP, 1 },
        { "6.1", vmci_6_1, 31, 5, { .flags = 1u << 4, .mapping = 0xffff888001234500, .mapcount = UNMAPPED }, PAGE_CACHE, 1 },
        { "6.1", vmci_6_1, 2, 5, { .flags = (1u << 4) | (1u << 13), .mapping = 0xffff888001234500 }, PAGE_KEEP, 1 },
        { "6.1", vmci_6_1, 4, 5, { .flags = (1u << 4) | (1u << 13), .mapping = 0xffff888001234500 }, PAGE_CACHE_PRIVATE, 1 },
        { "6.1", vmci_6_1, 31, 6, { .flags = 1u << 4, .mapping = 0xffff888001234501, .mapcount = 0 }, PAGE_USER, 1 },
        /* swap cache needs PG_swapbacked; PG_owner_priv_1 alone is PG_checked of a filesystem */
        { "6.1", vmci_6_1, 31, 7, { .flags = 1u << 10, .mapping = 0xffff888001234500 }, PAGE_KEEP, 1 },
        { "6.1", vmci_6_1, 31, 7, { .flags = (1u << 10) | (1u << 19), .mapping = 0xffff888001234500 }, PAGE_CACHE, 1 },
        /* slab: PG_slab, mapping holds slab_cache (may look "anon"), kept */
        { "6.1", vmci_6_1, 31, 8, { .flags = 1u << 9, .mapping = 0xffff888003000001, .mapcount = 0xffffff7f }, PAGE_KEEP, 1 },
        /* 2 MiB hugetlb: compound_dtor 2 in page[1] */
        { "6.1", vmci_6_1, 31, 512, { .flags = 1u << 16, .dtor1 = 2, .order1 = 9 }, PAGE_USER, 512 },
        { "6.1", vmci_6_1, 23, 512, { .flags = 1u << 16, .dtor1 = 2, .order1 = 9 }, PAGE_KEEP, 1 },
        /* misaligned "head": treated as one page */
        { "6.1", vmci_6_1, 31, 513, { .flags = (1u << 16), .mapping = 0xffff888001234501, .order1 = 9 }, PAGE_USER, 1 },
        /* tail page: the head decides */
        { "6.1", vmci_6_1, 31, 9, { .head = 0xffffea0000001001, .mapping = 0xffff888001234501 }, PAGE_KEEP, 1 },
        { "6.1", vmci_6_1, 0, 10, { .flags = 1u << 23 }, PAGE_HWPOISON, 1 },
        { "6.1", vmci_6_1, 0, 10, { .mapcount = 0xfffffeff }, PAGE_OFFLINE, 1 },
        /* 6.6: hugetlb via PG_hugetlb in page[1], order in its low byte */
        { "6.6", vmci_6_6, 31, 1024, { .flags = 1u << 6, .flags1 = (1u << 8) | 9 }, PAGE_USER, 512 },
        { "6.6", vmci_6_6, 31, 1024, { .flags = 1u << 6, .flags1 = 9 }, PAGE_KEEP, 1 },
        { "6.6", vmci_6_6, 31, 3, { .flags = 1u << 11, .mapcount = 0xffffff7f }, PAGE_KEEP, 1 },
        /* 6.9: hugetlb is a page type of the head */
        { "6.9", vmci_6_9, 31, 1024, { .flags = 1u << 6, .flags1 = 9, .mapcount = 0xfffff7ff }, PAGE_USER, 512 },
        { "6.9", vmci_6_9, 31, 1024, { .flags = 1u << 6, .flags1 = 9, .mapcount = UNMAPPED }, PAGE_KEEP, 1 },
        /* 6.10: a slab page has no PG_slab; its page_type marks it and a
         * set "anon" bit in the slab_cache word must not make it user data */
        { "6.10", vmci_6_10, 31, 4, { .mapping = 0xffff888003000001, .mapcount = 0xffffefff }, PAGE_KEEP, 1 },
        { "6.10", vmci_6_10, 31, 4, { .mapping = 0xffff888003000001, .mapcount = 0 }, PAGE_USER, 1 },
        { "6.10", vmci_6_10, 31, 0, { .mapcount = 0xffffff7f, .priv = 10 }, PAGE_FREE, 1024 },
        /* 6.12: top-byte types; low bits may be non-zero */
        { "6.12", vmci_6_12, 31, 0, { .mapcount = 0xf0000000, .priv = 2 }, PAGE_FREE, 4 },
        { "6.12", vmci_6_12, 31, 0, { .mapcount = 0xffffff7f, .priv = 2 }, PAGE_KEEP, 1 },
        { "6.12", vmci_6_12, 31, 4, { .mapping = 0xffff888003000001, .mapcount = 0xf5000000 }, PAGE_KEEP, 1 },
        { "6.12", vmci_6_12, 31, 4, { .mapping = 0xffff888003000001, .mapcount = 0xf5000123 }, PAGE_KEEP, 1 },
        { "6.12", vmci_6_12, 31, 2048, { .flags = 1u << 6, .flags1 = 9, .mapcount = 0xf4000000 }, PAGE_USER, 512 },
        { "6.12", vmci_6_12, 0, 7, { .mapcount = 0xf1000000 }, PAGE_OFFLINE, 1 },
        { "6.12", vmci_6_12, 31, 0, { .mapcount = 0xf7000000 }, PAGE_FREE, 1024 },
        /* a buddy order beyond MAX_ORDER is corruption: keep */
        { "6.12", vmci_6_12, 31, 0, { .mapcount = 0xf0000000, .priv = 40 }, PAGE_KEEP, 1 },
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

TEST(classify_table) {
        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                const struct row *r = &rows[i];
                struct vmci v = { r->vmci, strlen(r->vmci) };
                struct page_layout l;
                uint8_t page[64], next[64];
                uint64_t nr;
                enum page_class c;

                ASSERT_OK(page_layout_from_vmcoreinfo(&v, &l));
                fill(&l, &r->sp, page, next);
                c = page_classify(&l, r->level, r->pfn, page, next, &nr);
                if (c != r->want || nr != r->want_nr)
                        TEST_FAIL("row %zu (%s, level %u): got %s x%llu, want %s x%llu", i, r->version, r->level,
                                  page_class_name(c), (unsigned long long) nr,
                                  page_class_name(r->want), (unsigned long long) r->want_nr);
        }
}

TEST(layout_versions) {
        struct page_layout l;
        struct vmci v = { vmci_6_12, strlen(vmci_6_12) };

        ASSERT_OK(page_layout_from_vmcoreinfo(&v, &l));
        ASSERT_TRUE(l.type_top_byte);
        ASSERT_EQ(page_layout_supported_levels(&l), 31);

        v = (struct vmci) { vmci_6_1, strlen(vmci_6_1) };
        ASSERT_OK(page_layout_from_vmcoreinfo(&v, &l));
        ASSERT_TRUE(!l.type_top_byte);
        ASSERT_EQ(l.off_compound_order, 17);
        ASSERT_EQ(l.off_compound_dtor, 16);
        ASSERT_EQ(l.max_order, 10);
}

TEST(layout_fallbacks) {
        /* No page type values: free pages cannot be found, level 16 dropped */
        static const char no_buddy[] = COMMON_PAGE "NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_slab)=9\n";
        /* No slab test at all: user/cache cannot be told from slab */
        static const char no_slab[] = COMMON_PAGE "NUMBER(PG_lru)=4\nNUMBER(PG_private)=13\n"
                "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n";
        static const char absurd[] = "SIZE(page)=100000\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\n";
        static const char missing[] = "OFFSET(page.flags)=0\n";
        struct page_layout l;
        struct vmci v;

        v = (struct vmci) { no_buddy, strlen(no_buddy) };
        ASSERT_OK(page_layout_from_vmcoreinfo(&v, &l));
        ASSERT_EQ(page_layout_supported_levels(&l), 15);
        v = (struct vmci) { no_slab, strlen(no_slab) };
        ASSERT_OK(page_layout_from_vmcoreinfo(&v, &l));
        ASSERT_EQ(page_layout_supported_levels(&l), 17);
        v = (struct vmci) { absurd, strlen(absurd) };
        ASSERT_ERR(page_layout_from_vmcoreinfo(&v, &l), EINVAL);
        v = (struct vmci) { missing, strlen(missing) };
        ASSERT_ERR(page_layout_from_vmcoreinfo(&v, &l), ENOENT);
}

TEST(excluded_by_level) {
        ASSERT_TRUE(!page_class_excluded(PAGE_CACHE_PRIVATE, 2));
        ASSERT_TRUE(page_class_excluded(PAGE_CACHE, 2));
        ASSERT_TRUE(page_class_excluded(PAGE_CACHE, 4));
        ASSERT_TRUE(page_class_excluded(PAGE_HWPOISON, 0));
        ASSERT_TRUE(!page_class_excluded(PAGE_USER, 23));
}

TEST_MAIN()
