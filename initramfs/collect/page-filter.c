/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/page-filter.h"

/* Struct pages read at once: 64 KiB of mem_map for 64-byte struct pages;
 * the extra one is the first tail page of a head at the chunk's end. */
#define CHUNK_PAGES 1024u

static void exclude(uint8_t *bitmap2, uint64_t max_mapnr, uint64_t pfn, uint64_t n, uint64_t *counter) {
        uint64_t end = MIN(pfn + n, max_mapnr);
        for (; pfn < end; pfn++)
                if (bitmap_test(bitmap2, pfn)) {
                        bitmap_clear(bitmap2, pfn);
                        (*counter)++;
                }
}

int page_filter_apply(const struct page_layout *l, unsigned dump_level, const struct memmap *mm,
                      struct kernel_mmu *mmu, uint8_t *bitmap2, uint64_t max_mapnr,
                      struct page_filter_stats *stats) {
        _cleanup_free_ uint8_t *buf = NULL;
        uint64_t skip_until = 0;        /* pfns below this were decided by a multi-page verdict */
        uint32_t ps = l->size;

        *stats = (struct page_filter_stats) {};

        buf = malloc((size_t) (CHUNK_PAGES + 1) * ps);
        if (!buf)
                return -ENOMEM;

        for (size_t i = 0; i < mm->n; i++) {
                const struct memmap_range *rg = &mm->ranges[i];
                uint64_t end = MIN(rg->end_pfn, max_mapnr);

                for (uint64_t chunk = rg->start_pfn; chunk < end; chunk += CHUNK_PAGES) {
                        uint64_t n = MIN((uint64_t) CHUNK_PAGES, end - chunk), have_next = 0;
                        bool any = false;
                        int r;

                        /* Skip chunks with no RAM page left to decide. */
                        for (uint64_t p = MAX(chunk, skip_until); p < chunk + n; p++)
                                if (bitmap_test(bitmap2, p)) {
                                        any = true;
                                        break;
                                }
                        if (!any)
                                continue;

                        r = kernel_mmu_read(mmu, rg->mem_map + (chunk - rg->start_pfn) * ps, buf, n * ps);
                        if (r < 0) {
                                /* Keep them: e.g. vmemmap of a hot-removed range. */
                                for (uint64_t p = chunk; p < chunk + n; p++)
                                        stats->memmap_unreadable += bitmap_test(bitmap2, p);
                                continue;
                        }
                        stats->memmap_bytes += n * ps;
                        /* The struct page after the chunk, for a head page at
                         * its end; mem_map is contiguous within a section. */
                        if (chunk + n < rg->end_pfn &&
                            kernel_mmu_read(mmu, rg->mem_map + (chunk + n - rg->start_pfn) * ps, buf + n * ps, ps) >= 0)
                                have_next = 1;

                        for (uint64_t j = 0; j < n; j++) {
                                uint64_t pfn = chunk + j, nr;
                                enum page_class c;

                                if (pfn < skip_until || !bitmap_test(bitmap2, pfn))
                                        continue;
                                c = page_classify(l, dump_level, pfn, buf + j * ps,
                                                  j + 1 < n || have_next ? buf + (j + 1) * ps : NULL, &nr);
                                if (!page_class_excluded(c, dump_level))
                                        continue;
                                exclude(bitmap2, max_mapnr, pfn, nr, &stats->excluded[c]);
                                skip_until = pfn + nr;
                        }
                }
        }
        return 0;
}
