/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Applies a dump level to the 2nd bitmap: reads every struct page of the
 * RAM pages through the mem_map, classifies it (page-class.h) and clears
 * the pages it excludes.  Struct pages that cannot be read keep their pages:
 * an unreadable mem_map never makes a page disappear from the dump. */

#include <stdint.h>

#include "initramfs/collect/memmap.h"
#include "initramfs/collect/page-class.h"
#include "initramfs/collect/kernel-mmu.h"

struct page_filter_stats {
        uint64_t excluded[_PAGE_CLASS_MAX];
        uint64_t memmap_unreadable;     /* pages kept because their struct page was unreadable */
        uint64_t memmap_bytes;          /* struct page bytes read */
};

/* bitmap2 holds the RAM pages on entry (max_mapnr bits); on return the
 * excluded ones are cleared. */
int page_filter_apply(const struct page_layout *l, unsigned dump_level, const struct memmap *mm,
                      struct kernel_mmu *mmu, uint8_t *bitmap2, uint64_t max_mapnr,
                      struct page_filter_stats *stats);
