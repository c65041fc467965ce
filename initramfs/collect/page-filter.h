/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Applies a dump level to the 2nd bitmap: reads every struct page of the
 * RAM pages through the mem_map, classifies it (page-class.h) and clears
 * the pages it excludes.  Struct pages that cannot be read keep their pages:
 * an unreadable mem_map never makes a page disappear from the dump.
 *
 * It works on one cycle of pfns at a time (page-cycle.h says why), so the
 * bitmap it is given covers only [start, end).  A verdict on several pages
 * (a free block, a compound page) may reach past the cycle: the carry
 * takes it into the next one, so a dump filtered in cycles clears exactly
 * the bits one pass over all pfns would. */

#include <stdint.h>

#include "initramfs/collect/memmap.h"
#include "initramfs/collect/page-class.h"
#include "initramfs/collect/kernel-mmu.h"

struct page_filter_stats {
        uint64_t excluded[_PAGE_CLASS_MAX];
        uint64_t memmap_unreadable;     /* pages kept because their struct page was unreadable */
        uint64_t memmap_bytes;          /* struct page bytes read */
};

/* The last multi-page verdict: pfns below until were decided by it. */
struct page_filter_carry {
        uint64_t until;
        enum page_class cls;
};

/* bitmap2 holds the RAM pages of [start, end) on entry, bit i for pfn
 * start + i; on return the excluded ones are cleared.  carry: the verdict
 * from the cycles before (zeroed for the first), updated for the next.
 * stats are added to. */
int page_filter_cycle(const struct page_layout *l, unsigned dump_level, const struct memmap *mm,
                      struct kernel_mmu *mmu, uint8_t *bitmap2, uint64_t start, uint64_t end,
                      struct page_filter_carry *carry, struct page_filter_stats *stats);

/* The whole range [0, max_mapnr) as one cycle; stats are reset. */
int page_filter_apply(const struct page_layout *l, unsigned dump_level, const struct memmap *mm,
                      struct kernel_mmu *mmu, uint8_t *bitmap2, uint64_t max_mapnr,
                      struct page_filter_stats *stats);
