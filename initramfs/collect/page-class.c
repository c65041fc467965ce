/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/unaligned.h"
#include "initramfs/collect/page-class.h"

const char *page_class_name(enum page_class c) {
        static const char *const names[_PAGE_CLASS_MAX] = {
                [PAGE_KEEP] = "kept",
                [PAGE_FREE] = "free",
                [PAGE_CACHE] = "cache",
                [PAGE_CACHE_PRIVATE] = "cache-private",
                [PAGE_USER] = "user",
                [PAGE_HWPOISON] = "hwpoison",
                [PAGE_OFFLINE] = "offline",
        };
        return (unsigned) c < _PAGE_CLASS_MAX ? names[c] : "unknown";
}

static int get_off(const struct vmci *v, const char *name, uint32_t *ret) {
        uint64_t x;
        int r = vmci_offset(v, name, &x);
        if (r == -ENOENT) {
                *ret = PAGE_FIELD_MISSING;
                return 0;
        }
        if (r < 0)
                return r;
        if (x >= 4096)
                return -EINVAL;
        *ret = (uint32_t) x;
        return 0;
}

static int get_bit(const struct vmci *v, const char *name, int *ret) {
        int64_t x;
        int r = vmci_number(v, name, &x);
        if (r == -ENOENT) {
                *ret = -1;
                return 0;
        }
        if (r < 0)
                return r;
        if (x < 0 || x >= 64)
                return -EINVAL;
        *ret = (int) x;
        return 0;
}

/* Recognises the encoding of an exported page-type value.  Printed with %ld:
 * ~PG_x is negative, and so is PGTY_x << 24 (an int shifted into the sign
 * bit); either way the kernel compares the low 32 bits of the word. */
static int get_type(const struct vmci *v, const char *name, struct page_type_value *ret, bool *ret_unknown) {
        int64_t x;
        uint32_t u;
        int r = vmci_number(v, name, &x);

        *ret = (struct page_type_value) { PAGE_TYPE_NONE, 0 };
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (x < INT32_MIN || x > (int64_t) UINT32_MAX)
                return -EINVAL;
        u = (uint32_t) x;
        if (__builtin_popcount(~u) == 1 && (u & 0x80000000u))
                /* PageType() before 6.12: one bit cleared from -1. */
                *ret = (struct page_type_value) { PAGE_TYPE_INVERTED, u };
        else if ((u & 0xffffffu) == 0 && (u >> 24) >= 0x80 && (u >> 24) < 0xff)
                /* page_type >> 24 == PGTY_x since 6.12. */
                *ret = (struct page_type_value) { PAGE_TYPE_TOP_BYTE, u };
        else
                *ret_unknown = true;
        return 0;
}

#define FAIL(err, what) do { *ret_problem = (what); return (err); } while (0)
#define TRY(expr, what) do { int _r = (expr); if (_r < 0) FAIL(_r, what); } while (0)

static const char *const type_names[] = {
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)",
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)",
        "NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)",
};

/* SIZE(page) and the struct page fields read, each inside the struct. */
static int layout_parse_fields(const struct vmci *v, struct page_layout *l, const char **ret_problem) {
        uint64_t x;
        int r;

        r = vmci_size(v, "page", &x);
        if (r < 0)
                FAIL(r, "SIZE(page)");
        if (x < 32 || x > 512)
                FAIL(-EINVAL, "SIZE(page)");
        l->size = (uint32_t) x;

        TRY(get_off(v, "page.flags", &l->off_flags), "OFFSET(page.flags)");
        TRY(get_off(v, "page.mapping", &l->off_mapping), "OFFSET(page.mapping)");
        TRY(get_off(v, "page._mapcount", &l->off_mapcount), "OFFSET(page._mapcount)");
        TRY(get_off(v, "page.private", &l->off_private), "OFFSET(page.private)");
        TRY(get_off(v, "page.compound_head", &l->off_compound_head), "OFFSET(page.compound_head)");
        /* Linux 7.1 renamed the field (and its VMCOREINFO entry). */
        if (l->off_compound_head == PAGE_FIELD_MISSING)
                TRY(get_off(v, "page.compound_info", &l->off_compound_head), "OFFSET(page.compound_info)");
        if (l->off_flags == PAGE_FIELD_MISSING)
                FAIL(-ENOENT, "OFFSET(page.flags)");
        if (l->off_mapping == PAGE_FIELD_MISSING)
                FAIL(-ENOENT, "OFFSET(page.mapping)");
        if (l->off_flags + 8 > l->size)
                FAIL(-EINVAL, "OFFSET(page.flags)");
        if (l->off_mapping + 8 > l->size)
                FAIL(-EINVAL, "OFFSET(page.mapping)");
        if (l->off_mapcount != PAGE_FIELD_MISSING && l->off_mapcount + 4 > l->size)
                FAIL(-EINVAL, "OFFSET(page._mapcount)");
        if (l->off_private != PAGE_FIELD_MISSING && l->off_private + 8 > l->size)
                FAIL(-EINVAL, "OFFSET(page.private)");
        if (l->off_compound_head != PAGE_FIELD_MISSING && l->off_compound_head + 8 > l->size)
                FAIL(-EINVAL, "OFFSET(page.compound_head)");
        return 0;
}

/* The page flag bits, and PG_head_mask. */
static int layout_parse_flags(const struct vmci *v, struct page_layout *l, const char **ret_problem) {
        int64_t n;
        int r;

        TRY(get_bit(v, "PG_lru", &l->pg_lru), "NUMBER(PG_lru)");
        TRY(get_bit(v, "PG_private", &l->pg_private), "NUMBER(PG_private)");
        TRY(get_bit(v, "PG_swapcache", &l->pg_swapcache), "NUMBER(PG_swapcache)");
        TRY(get_bit(v, "PG_swapbacked", &l->pg_swapbacked), "NUMBER(PG_swapbacked)");
        TRY(get_bit(v, "PG_slab", &l->pg_slab), "NUMBER(PG_slab)");
        TRY(get_bit(v, "PG_hwpoison", &l->pg_hwpoison), "NUMBER(PG_hwpoison)");
        TRY(get_bit(v, "PG_hugetlb", &l->pg_hugetlb), "NUMBER(PG_hugetlb)");

        r = vmci_number(v, "PG_head_mask", &n);
        if (r < 0 && r != -ENOENT)
                FAIL(r, "NUMBER(PG_head_mask)");
        /* One flag bit (1 << PG_head), or nothing is a head. */
        if (r >= 0 && (n <= 0 || (n & (n - 1)) != 0))
                FAIL(-EINVAL, "NUMBER(PG_head_mask)");
        l->pg_head_mask = r < 0 ? 0 : (uint64_t) n;
        return 0;
}

/* The page types in _mapcount (or page_type); *ret_bad_type: why none is
 * used, NULL when they are. */
static int layout_parse_types(const struct vmci *v, struct page_layout *l, const char **ret_bad_type,
                              const char **ret_problem) {
        struct page_type_value *types[] = { &l->buddy, &l->slab, &l->offline, &l->hugetlb, &l->unaccepted };
        static const char *const type_keys[] = {
                "PAGE_BUDDY_MAPCOUNT_VALUE", "PAGE_SLAB_MAPCOUNT_VALUE", "PAGE_OFFLINE_MAPCOUNT_VALUE",
                "PAGE_HUGETLB_MAPCOUNT_VALUE", "PAGE_UNACCEPTED_MAPCOUNT_VALUE",
        };
        bool unknown[ELEMENTSOF(types)] = {}, inverted = false, top_byte = false;
        const char *bad_type = NULL;

        _Static_assert(ELEMENTSOF(type_keys) == ELEMENTSOF(types) && ELEMENTSOF(type_names) == ELEMENTSOF(types),
                       "one key and one name per page type");
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                TRY(get_type(v, type_keys[i], types[i], &unknown[i]), type_names[i]);
        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                inverted |= types[i]->enc == PAGE_TYPE_INVERTED;
                top_byte |= types[i]->enc == PAGE_TYPE_TOP_BYTE;
                if (unknown[i] && !bad_type)
                        bad_type = type_names[i];
        }
        /* A kernel uses one encoding for all its types; a mix, or a value of
         * neither shape, is a layout we do not know: use no page type. */
        if ((inverted && top_byte) || bad_type || l->off_mapcount == PAGE_FIELD_MISSING) {
                if (!bad_type)
                        bad_type = l->off_mapcount == PAGE_FIELD_MISSING ? "OFFSET(page._mapcount)" :
                                   "NUMBER(PAGE_*_MAPCOUNT_VALUE) (mixed encodings)";
                for (size_t i = 0; i < ELEMENTSOF(types); i++)
                        types[i]->enc = PAGE_TYPE_NONE;
        }
        *ret_bad_type = bad_type;
        return 0;
}

/* HUGETLB_PAGE_DTOR, and where the compound order lives (makedumpfile's
 * init_compound_offset(), same version split). */
static int layout_parse_compound(const struct vmci *v, struct page_layout *l, const char **ret_problem) {
        uint32_t o;
        int64_t n;
        int r;

        r = vmci_number(v, "HUGETLB_PAGE_DTOR", &n);
        if (r < 0 && r != -ENOENT)
                FAIL(r, "NUMBER(HUGETLB_PAGE_DTOR)");
        if (r >= 0 && (n < 0 || n > 255))
                FAIL(-EINVAL, "NUMBER(HUGETLB_PAGE_DTOR)");
        l->has_hugetlb_dtor = r >= 0;
        l->hugetlb_dtor = r >= 0 ? (uint64_t) n : 0;

        l->off_compound_order = l->off_compound_dtor = PAGE_FIELD_MISSING;
        if (l->hugetlb.enc != PAGE_TYPE_NONE || l->pg_hugetlb >= 0) {
                l->order_in_flags_1 = true;
                return 0;
        }
        TRY(get_off(v, "folio._folio_order", &o), "OFFSET(folio._folio_order)");
        if (o != PAGE_FIELD_MISSING && o >= l->size)
                l->off_compound_order = o - l->size;
        else
                TRY(get_off(v, "page.compound_order", &l->off_compound_order), "OFFSET(page.compound_order)");
        TRY(get_off(v, "folio._folio_dtor", &o), "OFFSET(folio._folio_dtor)");
        if (o != PAGE_FIELD_MISSING && o >= l->size)
                l->off_compound_dtor = o - l->size;
        else
                TRY(get_off(v, "page.compound_dtor", &l->off_compound_dtor), "OFFSET(page.compound_dtor)");
        if (l->off_compound_order != PAGE_FIELD_MISSING && l->off_compound_order >= l->size)
                FAIL(-EINVAL, "OFFSET(page.compound_order)");
        if (l->off_compound_dtor != PAGE_FIELD_MISSING && l->off_compound_dtor >= l->size)
                FAIL(-EINVAL, "OFFSET(page.compound_dtor)");
        return 0;
}

/* The buddy allocator's largest order. */
static int layout_parse_max_order(const struct vmci *v, struct page_layout *l, const char **ret_problem) {
        uint64_t x;
        int r;

        r = vmci_length(v, "zone.free_area", &x);
        if (r < 0 && r != -ENOENT)
                FAIL(r, "LENGTH(zone.free_area)");
        if (r >= 0 && (x == 0 || x > 64))
                FAIL(-EINVAL, "LENGTH(zone.free_area)");
        /* Without the length, the x86 default MAX_ORDER 10 bounds free
         * block orders (a larger "order" is then treated as corrupt). */
        l->max_order = r >= 0 ? (unsigned) x - 1 : 10;
        return 0;
}

/* What each level needs; the first missing entry is the reason. */
static void layout_set_missing(struct page_layout *l, const char *bad_type) {
        const char *cache;

        if (l->off_compound_head == PAGE_FIELD_MISSING) {
                /* Without it tail pages look like pages of their own, and
                 * a tail's words are the folio's (orders, mapcounts). */
                for (unsigned b = 1; b < 5; b++)
                        l->missing[b] = "OFFSET(page.compound_head)";
                return;
        }
        cache = l->pg_lru < 0 ? "NUMBER(PG_lru)" : l->pg_private < 0 ? "NUMBER(PG_private)" : NULL;
        l->missing[1] = l->missing[2] = cache;
        /* Telling user pages from slab needs a slab test. */
        if (l->pg_slab < 0 && l->slab.enc == PAGE_TYPE_NONE)
                l->missing[3] = bad_type ?: "NUMBER(PG_slab) or NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)";
        if (l->buddy.enc == PAGE_TYPE_NONE)
                l->missing[4] = bad_type ?: type_names[0];
        else if (l->off_private == PAGE_FIELD_MISSING)
                l->missing[4] = "OFFSET(page.private)";
}

#undef TRY
#undef FAIL

static int layout_parse(const struct vmci *v, struct page_layout *ret, const char **ret_problem) {
        struct page_layout l = { .sz = sizeof(l) };
        const char *bad_type = NULL;
        int r;

        r = layout_parse_fields(v, &l, ret_problem);
        if (r >= 0)
                r = layout_parse_flags(v, &l, ret_problem);
        if (r >= 0)
                r = layout_parse_types(v, &l, &bad_type, ret_problem);
        if (r >= 0)
                r = layout_parse_compound(v, &l, ret_problem);
        if (r >= 0)
                r = layout_parse_max_order(v, &l, ret_problem);
        if (r < 0)
                return r;
        layout_set_missing(&l, bad_type);
        *ret = l;
        *ret_problem = NULL;
        return 0;
}

int page_layout_from_vmcoreinfo(const struct vmci *v, struct page_layout *ret) {
        const char *problem;
        return layout_parse(v, ret, &problem);
}

const char *page_layout_problem(const struct vmci *v) {
        struct page_layout l;
        const char *problem = NULL;
        return layout_parse(v, &l, &problem) < 0 ? problem : NULL;
}

unsigned page_layout_supported_levels(const struct page_layout *l) {
        unsigned levels = DL_EXCLUDE_ZERO;

        for (unsigned b = 1; b < 5; b++)
                if (!l->missing[b])
                        levels |= 1u << b;
        return levels;
}

const char *page_layout_missing(const struct page_layout *l, unsigned dump_level) {
        for (unsigned b = 1; b < 5; b++)
                if ((dump_level & (1u << b)) && l->missing[b])
                        return l->missing[b];
        return NULL;
}

bool page_class_excluded(enum page_class c, unsigned dump_level) {
        switch (c) {
        case PAGE_KEEP:
                return false;
        case PAGE_FREE:
                return dump_level & DL_EXCLUDE_FREE;
        case PAGE_CACHE:
                return dump_level & (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI);
        case PAGE_CACHE_PRIVATE:
                return dump_level & DL_EXCLUDE_CACHE_PRI;
        case PAGE_USER:
                return dump_level & DL_EXCLUDE_USER_DATA;
        case PAGE_HWPOISON:
        case PAGE_OFFLINE:
                return true;
        default:
                return false;
        }
}

static bool test_bit(int bit, uint64_t flags) {
        return bit >= 0 && (flags & (UINT64_C(1) << bit));
}

static bool type_is(uint32_t mapcount, const struct page_type_value *t) {
        switch (t->enc) {
        case PAGE_TYPE_INVERTED:
                /* Exact: the kernel's PageType() masks, but an exact match is
                 * never looser than it (a page of two types, or an owner
                 * reusing low bits as zsmalloc does since 6.11, is kept). */
                return mapcount == t->value;
        case PAGE_TYPE_TOP_BYTE:
                /* page_type_has_type()/folio_test_##fname() since 6.12. */
                return (mapcount >> 24) == (t->value >> 24);
        default:
                return false;
        }
}

static bool is_slab(const struct page_layout *l, uint64_t flags, uint32_t mapcount) {
        /* PageSlab(): a page type since 6.10, PG_slab before. */
        return type_is(mapcount, &l->slab) || test_bit(l->pg_slab, flags);
}

static bool is_anon(const struct page_layout *l, uint64_t mapping, uint64_t flags, uint32_t mapcount) {
        /* PageAnon(): PAGE_MAPPING_ANON in mapping; slab pages reuse that
         * word (slab_cache), so they never count. */
        return (mapping & 1) && !is_slab(l, flags, mapcount);
}

static bool is_cache(const struct page_layout *l, uint64_t flags) {
        if (test_bit(l->pg_lru, flags))
                return true;
        /* PG_swapcache aliases PG_owner_priv_1 (PG_checked of filesystems,
         * PG_pinned of Xen page tables) and means swap cache only with
         * PG_swapbacked (folio_test_swapcache() since 4.10): without
         * PG_swapbacked in VMCOREINFO the bit says nothing. */
        return test_bit(l->pg_swapbacked, flags) && test_bit(l->pg_swapcache, flags);
}

enum page_class page_classify(const struct page_layout *l, unsigned dump_level, uint64_t pfn,
                              const uint8_t *sp, const uint8_t *next, uint64_t *ret_nr_pages) {
        uint64_t flags = unaligned_read_le64(sp + l->off_flags);
        uint64_t mapping = unaligned_read_le64(sp + l->off_mapping);
        uint32_t mapcount = l->off_mapcount != PAGE_FIELD_MISSING ? unaligned_read_le32(sp + l->off_mapcount) : 0;
        uint64_t priv = l->off_private != PAGE_FIELD_MISSING ? unaligned_read_le64(sp + l->off_private) : 0;
        uint64_t head = l->off_compound_head != PAGE_FIELD_MISSING ? unaligned_read_le64(sp + l->off_compound_head) : 0;
        unsigned order = 0;
        bool hugetlb = false;
        enum page_class c;

        *ret_nr_pages = 1;
        /* Levels this layout cannot honour are not applied here either, so
         * a caller that skipped page_layout_supported_levels() still gets
         * no guess. */
        dump_level &= page_layout_supported_levels(l);

        if (next && l->pg_head_mask && !(head & 1) && (flags & l->pg_head_mask)) {
                uint64_t flags_1 = unaligned_read_le64(next + l->off_flags);

                if (l->order_in_flags_1) {
                        /* 6.6+: folio->_flags_1 low byte is the order. */
                        order = flags_1 & 0xff;
                        if (l->hugetlb.enc != PAGE_TYPE_NONE)
                                hugetlb = type_is(mapcount, &l->hugetlb);      /* 6.9+ */
                        else
                                hugetlb = test_bit(l->pg_hugetlb, flags_1);     /* 6.6-6.8 */
                } else {
                        if (l->off_compound_order != PAGE_FIELD_MISSING)
                                order = next[l->off_compound_order];
                        if (l->off_compound_dtor != PAGE_FIELD_MISSING && l->has_hugetlb_dtor)
                                hugetlb = next[l->off_compound_dtor] == l->hugetlb_dtor;
                }
                /* A compound page is aligned to its size; anything else is
                 * a corrupt or racing struct page: decide for one page. */
                if (order >= 32 || (pfn & ((UINT64_C(1) << order) - 1)) != 0) {
                        order = 0;
                        hugetlb = false;
                }
        }

        /* Poisoned pages first and on tail pages too: PG_hwpoison is per
         * page (PF_ANY), and a hugetlb page is poisoned as a whole when its
         * head is (is_page_hwpoison()). */
        if (test_bit(l->pg_hwpoison, flags)) {
                if (hugetlb)
                        *ret_nr_pages = UINT64_C(1) << order;
                return PAGE_HWPOISON;
        }

        /* A tail page: its head decided for the whole compound page. */
        if (head & 1)
                return PAGE_KEEP;

        if ((dump_level & DL_EXCLUDE_FREE) && !is_slab(l, flags, mapcount) && type_is(mapcount, &l->buddy)) {
                /* A free buddy block of 2^private pages (PageBuddy(),
                 * buddy_order()); an order past MAX_ORDER, or a block not
                 * aligned to its size, is corrupt. */
                if (priv > l->max_order || (pfn & ((UINT64_C(1) << priv) - 1)) != 0)
                        return PAGE_KEEP;
                *ret_nr_pages = UINT64_C(1) << priv;
                return PAGE_FREE;
        }
        if ((dump_level & DL_EXCLUDE_FREE) && type_is(mapcount, &l->unaccepted)) {
                /* Unaccepted memory is queued in MAX_ORDER blocks only
                 * (__free_unaccepted()). */
                if ((pfn & ((UINT64_C(1) << l->max_order) - 1)) != 0)
                        return PAGE_KEEP;
                *ret_nr_pages = UINT64_C(1) << l->max_order;
                return PAGE_FREE;
        }
        /* PageOffline() is per page (virtio-mem, balloons, Hyper-V); only
         * trusted where tail pages can be told apart. */
        if (l->off_compound_head != PAGE_FIELD_MISSING && !is_slab(l, flags, mapcount) &&
            type_is(mapcount, &l->offline))
                return PAGE_OFFLINE;

        c = PAGE_KEEP;
        if ((dump_level & DL_EXCLUDE_CACHE) && is_cache(l, flags) && !test_bit(l->pg_private, flags) &&
            !is_anon(l, mapping, flags, mapcount))
                c = PAGE_CACHE;
        else if ((dump_level & DL_EXCLUDE_CACHE_PRI) && is_cache(l, flags) && !is_anon(l, mapping, flags, mapcount))
                c = test_bit(l->pg_private, flags) ? PAGE_CACHE_PRIVATE : PAGE_CACHE;
        else if ((dump_level & DL_EXCLUDE_USER_DATA) && (is_anon(l, mapping, flags, mapcount) || hugetlb))
                c = PAGE_USER;

        if (c != PAGE_KEEP)
                *ret_nr_pages = UINT64_C(1) << order;
        return c;
}
