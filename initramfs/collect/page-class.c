/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

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

static int get_type(const struct vmci *v, const char *name, bool *ret_has, uint32_t *ret) {
        int64_t x;
        int r = vmci_number(v, name, &x);
        if (r == -ENOENT) {
                *ret_has = false;
                return 0;
        }
        if (r < 0)
                return r;
        /* Printed with %ld: ~PG_x is negative, PGTY_x << 24 positive; either
         * way the kernel compares the low 32 bits of _mapcount/page_type. */
        if (x < INT32_MIN || x > (int64_t) UINT32_MAX)
                return -EINVAL;
        *ret_has = true;
        *ret = (uint32_t) x;
        return 0;
}

int page_layout_from_vmcoreinfo(const struct vmci *v, struct page_layout *ret) {
        struct page_layout l = { .sz = sizeof(l) };
        uint64_t x;
        int64_t n;
        int r;

        r = vmci_size(v, "page", &x);
        if (r < 0)
                return r;
        if (x < 32 || x > 512)
                return -EINVAL;
        l.size = (uint32_t) x;

        if ((r = get_off(v, "page.flags", &l.off_flags)) < 0 ||
            (r = get_off(v, "page.mapping", &l.off_mapping)) < 0 ||
            (r = get_off(v, "page._mapcount", &l.off_mapcount)) < 0 ||
            (r = get_off(v, "page.private", &l.off_private)) < 0 ||
            (r = get_off(v, "page.compound_head", &l.off_compound_head)) < 0)
                return r;
        if (l.off_compound_head == PAGE_FIELD_MISSING &&
            (r = get_off(v, "page.compound_info", &l.off_compound_head)) < 0)
                return r;
        if (l.off_flags == PAGE_FIELD_MISSING || l.off_mapping == PAGE_FIELD_MISSING)
                return -ENOENT;
        if (l.off_flags + 8 > l.size || l.off_mapping + 8 > l.size ||
            (l.off_mapcount != PAGE_FIELD_MISSING && l.off_mapcount + 4 > l.size) ||
            (l.off_private != PAGE_FIELD_MISSING && l.off_private + 8 > l.size) ||
            (l.off_compound_head != PAGE_FIELD_MISSING && l.off_compound_head + 8 > l.size))
                return -EINVAL;

        if ((r = get_bit(v, "PG_lru", &l.pg_lru)) < 0 ||
            (r = get_bit(v, "PG_private", &l.pg_private)) < 0 ||
            (r = get_bit(v, "PG_swapcache", &l.pg_swapcache)) < 0 ||
            (r = get_bit(v, "PG_swapbacked", &l.pg_swapbacked)) < 0 ||
            (r = get_bit(v, "PG_slab", &l.pg_slab)) < 0 ||
            (r = get_bit(v, "PG_hwpoison", &l.pg_hwpoison)) < 0 ||
            (r = get_bit(v, "PG_hugetlb", &l.pg_hugetlb)) < 0)
                return r;

        r = vmci_number(v, "PG_head_mask", &n);
        if (r < 0 && r != -ENOENT)
                return r;
        l.pg_head_mask = r < 0 ? 0 : (uint64_t) n;

        if ((r = get_type(v, "PAGE_BUDDY_MAPCOUNT_VALUE", &l.has_buddy, &l.buddy_value)) < 0 ||
            (r = get_type(v, "PAGE_SLAB_MAPCOUNT_VALUE", &l.has_slab_type, &l.slab_value)) < 0 ||
            (r = get_type(v, "PAGE_OFFLINE_MAPCOUNT_VALUE", &l.has_offline, &l.offline_value)) < 0 ||
            (r = get_type(v, "PAGE_HUGETLB_MAPCOUNT_VALUE", &l.has_hugetlb_type, &l.hugetlb_value)) < 0 ||
            (r = get_type(v, "PAGE_UNACCEPTED_MAPCOUNT_VALUE", &l.has_unaccepted, &l.unaccepted_value)) < 0)
                return r;
        if (l.off_mapcount == PAGE_FIELD_MISSING)
                l.has_buddy = l.has_slab_type = l.has_offline = l.has_hugetlb_type = l.has_unaccepted = false;

        /* 6.12 moved the type to the top byte (PGTY_buddy << 24, low bits
         * zero); older values are ~PG_x with the low bits set. */
        l.type_top_byte = l.has_buddy && (l.buddy_value & 0xffffffu) == 0;

        r = vmci_number(v, "HUGETLB_PAGE_DTOR", &n);
        if (r < 0 && r != -ENOENT)
                return r;
        l.has_hugetlb_dtor = r >= 0;
        l.hugetlb_dtor = r >= 0 ? (uint64_t) n : 0;

        /* Where the compound order lives (makedumpfile's
         * init_compound_offset(), same version split). */
        l.off_compound_order = l.off_compound_dtor = PAGE_FIELD_MISSING;
        if (l.has_hugetlb_type || l.pg_hugetlb >= 0)
                l.order_in_flags_1 = true;
        else {
                uint32_t o;
                if ((r = get_off(v, "folio._folio_order", &o)) < 0)
                        return r;
                if (o != PAGE_FIELD_MISSING && o >= l.size)
                        l.off_compound_order = o - l.size;
                else if ((r = get_off(v, "page.compound_order", &l.off_compound_order)) < 0)
                        return r;
                if ((r = get_off(v, "folio._folio_dtor", &o)) < 0)
                        return r;
                if (o != PAGE_FIELD_MISSING && o >= l.size)
                        l.off_compound_dtor = o - l.size;
                else if ((r = get_off(v, "page.compound_dtor", &l.off_compound_dtor)) < 0)
                        return r;
                if (l.off_compound_order != PAGE_FIELD_MISSING && l.off_compound_order >= l.size)
                        return -EINVAL;
                if (l.off_compound_dtor != PAGE_FIELD_MISSING && l.off_compound_dtor >= l.size)
                        return -EINVAL;
        }

        r = vmci_length(v, "zone.free_area", &x);
        if (r < 0 && r != -ENOENT)
                return r;
        if (r >= 0 && (x == 0 || x > 64))
                return -EINVAL;
        /* Without the length, the x86 default MAX_ORDER 10 bounds free
         * block orders (a larger "order" is then treated as corrupt). */
        l.max_order = r >= 0 ? (unsigned) x - 1 : 10;

        *ret = l;
        return 0;
}

unsigned page_layout_supported_levels(const struct page_layout *l) {
        unsigned levels = DL_EXCLUDE_ZERO;

        if (l->pg_lru >= 0 && l->pg_private >= 0)
                levels |= DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI;
        /* Telling user pages from slab needs a slab test. */
        if (l->pg_slab >= 0 || l->has_slab_type)
                levels |= DL_EXCLUDE_USER_DATA;
        else
                levels &= ~(unsigned) (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI);
        if (l->has_buddy && l->off_private != PAGE_FIELD_MISSING)
                levels |= DL_EXCLUDE_FREE;
        return levels;
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

static uint64_t ld64(const uint8_t *p) {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
}

static uint32_t ld32(const uint8_t *p) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
}

static bool test_bit(int bit, uint64_t flags) {
        return bit >= 0 && (flags & (UINT64_C(1) << bit));
}

static bool type_is(const struct page_layout *l, uint32_t mapcount, bool has, uint32_t value) {
        if (!has)
                return false;
        if (l->type_top_byte)
                return (mapcount >> 24) == (value >> 24);
        return mapcount == value;
}

static bool is_slab(const struct page_layout *l, uint64_t flags, uint32_t mapcount) {
        /* PageSlab(): a page type since 6.10, PG_slab before. */
        if (type_is(l, mapcount, l->has_slab_type, l->slab_value))
                return true;
        return test_bit(l->pg_slab, flags);
}

static bool is_anon(const struct page_layout *l, uint64_t mapping, uint64_t flags, uint32_t mapcount) {
        /* PageAnon(): PAGE_MAPPING_ANON in mapping; slab pages reuse that
         * word (slab_cache/freelist), so they never count. */
        return (mapping & 1) && !is_slab(l, flags, mapcount);
}

static bool is_cache(const struct page_layout *l, uint64_t flags) {
        if (test_bit(l->pg_lru, flags))
                return true;
        /* PG_swapcache aliases PG_owner_priv_1 and means swap cache only
         * with PG_swapbacked (folio_test_swapcache() since 4.10). */
        if ((l->pg_swapbacked < 0 || test_bit(l->pg_swapbacked, flags)) && test_bit(l->pg_swapcache, flags))
                return true;
        return false;
}

enum page_class page_classify(const struct page_layout *l, unsigned dump_level, uint64_t pfn,
                              const uint8_t *sp, const uint8_t *next, uint64_t *ret_nr_pages) {
        uint64_t flags = ld64(sp + l->off_flags);
        uint64_t mapping = ld64(sp + l->off_mapping);
        uint32_t mapcount = l->off_mapcount != PAGE_FIELD_MISSING ? ld32(sp + l->off_mapcount) : 0;
        uint64_t priv = l->off_private != PAGE_FIELD_MISSING ? ld64(sp + l->off_private) : 0;
        uint64_t head = l->off_compound_head != PAGE_FIELD_MISSING ? ld64(sp + l->off_compound_head) : 0;
        unsigned order = 0;
        bool hugetlb = false;
        enum page_class c;

        *ret_nr_pages = 1;

        /* A tail page: its head decided for the whole compound page. */
        if (head & 1)
                return PAGE_KEEP;

        if (next && l->pg_head_mask && (flags & l->pg_head_mask)) {
                uint64_t flags_1 = ld64(next + l->off_flags);

                if (l->order_in_flags_1) {
                        /* 6.6+: folio->_flags_1 low byte is the order. */
                        order = flags_1 & 0xff;
                        if (l->has_hugetlb_type)
                                hugetlb = type_is(l, mapcount, true, l->hugetlb_value);
                        else
                                hugetlb = test_bit(l->pg_hugetlb, flags_1);
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

        if ((dump_level & DL_EXCLUDE_FREE) && !is_slab(l, flags, mapcount) &&
            type_is(l, mapcount, l->has_buddy, l->buddy_value) && l->off_private != PAGE_FIELD_MISSING) {
                /* A free buddy block of 2^private pages (PageBuddy(),
                 * buddy_order()); an order past MAX_ORDER is corrupt. */
                if (priv > l->max_order)
                        return PAGE_KEEP;
                *ret_nr_pages = UINT64_C(1) << priv;
                return PAGE_FREE;
        }
        if ((dump_level & DL_EXCLUDE_FREE) && type_is(l, mapcount, l->has_unaccepted, l->unaccepted_value)) {
                /* Unaccepted memory is queued in MAX_ORDER blocks only. */
                *ret_nr_pages = UINT64_C(1) << l->max_order;
                return PAGE_FREE;
        }

        c = PAGE_KEEP;
        if ((dump_level & DL_EXCLUDE_CACHE) && is_cache(l, flags) && !test_bit(l->pg_private, flags) &&
            !is_anon(l, mapping, flags, mapcount))
                c = PAGE_CACHE;
        else if ((dump_level & DL_EXCLUDE_CACHE_PRI) && is_cache(l, flags) && !is_anon(l, mapping, flags, mapcount))
                c = test_bit(l->pg_private, flags) ? PAGE_CACHE_PRIVATE : PAGE_CACHE;
        else if ((dump_level & DL_EXCLUDE_USER_DATA) && (is_anon(l, mapping, flags, mapcount) || hugetlb))
                c = PAGE_USER;
        else if (test_bit(l->pg_hwpoison, flags))
                c = PAGE_HWPOISON;
        else if (!is_slab(l, flags, mapcount) && type_is(l, mapcount, l->has_offline, l->offline_value))
                c = PAGE_OFFLINE;

        if (c != PAGE_KEEP)
                *ret_nr_pages = UINT64_C(1) << order;
        return c;
}
