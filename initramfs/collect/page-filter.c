/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/page-filter.h"

/* Struct pages read at once: 64 KiB of mem_map for 64-byte struct pages;
 * the extra one is the first tail page of a head at the chunk's end.
 * Chunks stay aligned to CHUNK_PAGES from the section's start whatever the
 * cycle, so a cycle that is a multiple of it reads exactly what one pass
 * would. */
#define CHUNK_PAGES 1024u

/* Clears the set bits of pfns [from, to) (inside the cycle at start). */
static void exclude(uint8_t *bm, uint64_t start, uint64_t from, uint64_t to, uint64_t *counter) {
        for (uint64_t pfn = from; pfn < to; pfn++)
                if (bitmap_test(bm, pfn - start)) {
                        bitmap_clear(bm, pfn - start);
                        (*counter)++;
                }
}

struct cycle {
        const struct page_layout *l;
        unsigned level;
        struct kernel_mmu *mmu;
        uint8_t *bm;
        uint64_t start, end;
        uint8_t *buf;
        struct page_filter_carry *carry;
        struct page_filter_stats *stats;
};

/* Pages [lo, hi) of range rg (one chunk or the part of it in the cycle). */
static void filter_chunk(struct cycle *c, const struct memmap_range *rg, uint64_t lo, uint64_t hi) {
        uint64_t n = hi - lo, have_next = 0, ps = c->l->size, s = c->start;
        bool any = false;

        /* Skip chunks with no RAM page left to decide. */
        for (uint64_t p = MAX(lo, c->carry->until); p < hi; p++)
                if (bitmap_test(c->bm, p - s)) {
                        any = true;
                        break;
                }
        if (!any)
                return;

        if (kernel_mmu_read(c->mmu, rg->mem_map + (lo - rg->start_pfn) * ps, c->buf, n * ps) < 0) {
                /* Keep them: e.g. vmemmap of a hot-removed range. */
                for (uint64_t p = lo; p < hi; p++)
                        c->stats->memmap_unreadable += bitmap_test(c->bm, p - s);
                return;
        }
        c->stats->memmap_bytes += n * ps;
        /* The struct page after the chunk, for a head page at its end;
         * mem_map is contiguous within a section. */
        if (hi < rg->end_pfn &&
            kernel_mmu_read(c->mmu, rg->mem_map + (hi - rg->start_pfn) * ps, c->buf + n * ps, ps) >= 0)
                have_next = 1;

        for (uint64_t j = 0; j < n; j++) {
                uint64_t pfn = lo + j, nr;
                enum page_class cls;

                if (pfn < c->carry->until || !bitmap_test(c->bm, pfn - s))
                        continue;
                cls = page_classify(c->l, c->level, pfn, c->buf + j * ps,
                                    j + 1 < n || have_next ? c->buf + (j + 1) * ps : NULL, &nr);
                if (!page_class_excluded(cls, c->level))
                        continue;
                exclude(c->bm, s, pfn, MIN(pfn + nr, c->end), &c->stats->excluded[cls]);
                *c->carry = (struct page_filter_carry) { pfn + nr, cls };
        }
}

int page_filter_cycle(const struct page_layout *l, unsigned dump_level, const struct memmap *mm,
                      struct kernel_mmu *mmu, uint8_t *bitmap2, uint64_t start, uint64_t end,
                      struct page_filter_carry *carry, struct page_filter_stats *stats) {
        _cleanup_free_ uint8_t *buf = NULL;
        struct cycle c = {
                .l = l, .level = dump_level, .mmu = mmu, .bm = bitmap2, .start = start, .end = end,
                .carry = carry, .stats = stats,
        };

        /* A verdict from an earlier cycle that reaches into this one. */
        if (carry->until > start)
                exclude(bitmap2, start, start, MIN(carry->until, end), &stats->excluded[carry->cls]);

        c.buf = buf = malloc((size_t) (CHUNK_PAGES + 1) * l->size);
        if (!buf)
                return -ENOMEM;

        for (size_t i = 0; i < mm->n; i++) {
                const struct memmap_range *rg = &mm->ranges[i];
                uint64_t lo = MAX(rg->start_pfn, start), hi = MIN(rg->end_pfn, end);

                if (lo >= hi)
                        continue;
                for (uint64_t chunk = rg->start_pfn + ALIGN_DOWN(lo - rg->start_pfn, (uint64_t) CHUNK_PAGES);
                     chunk < hi; chunk += CHUNK_PAGES)
                        filter_chunk(&c, rg, MAX(chunk, lo), MIN(chunk + CHUNK_PAGES, hi));
        }
        return 0;
}

int page_filter_apply(const struct page_layout *l, unsigned dump_level, const struct memmap *mm,
                      struct kernel_mmu *mmu, uint8_t *bitmap2, uint64_t max_mapnr,
                      struct page_filter_stats *stats) {
        struct page_filter_carry carry = {};

        *stats = (struct page_filter_stats) {};
        return page_filter_cycle(l, dump_level, mm, mmu, bitmap2, 0, max_mapnr, &carry, stats);
}
