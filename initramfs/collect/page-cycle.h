/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The bitmaps in cycles (makedumpfile's cyclic mode): the 1st bitmap (page
 * is RAM) and the 2nd (page is dumped) are never held for the whole
 * machine, only for one cycle of at most `cycle` pfns, so that the
 * collector's memory does not grow with the size of the crashed machine
 * (2 bits per page frame would be 64 MiB for 1 TiB of RAM, 1 GiB for
 * 16 TiB, in a reservation of a few hundred MiB).
 *
 * A first pass (page_cycles_prepare()) filters every cycle in order,
 * counts the RAM and dumped pages (the kdump-compressed descriptor table's
 * size needs the count before the first page is written) and records what
 * each cycle inherits from the one before (a free block or compound page
 * that crosses its start: page-filter.h); later passes recompute any cycle
 * alone, in any order, with the same result.  A dump that fits one cycle is
 * filtered once and kept, so it costs what the bitmaps for the whole
 * machine did.  refine, when set, clears more bits after the filter (the
 * ELF writer's zero pages); what it clears is counted once per cycle. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/dump-job.h"
#include "initramfs/collect/page-filter.h"

typedef int (*page_cycle_refine_fn)(void *userdata, uint64_t start, uint64_t end, uint8_t *bm2, uint64_t *ret_cleared);

struct page_cycle_state {
        struct page_filter_carry carry_in;
        uint64_t refined;               /* bits refine cleared; UINT64_MAX: not yet run */
};

struct page_cycles {
        /* Set by the caller before page_cycles_prepare(). */
        const struct dump_segment *segments;
        size_t n_segments;
        uint64_t page_size, max_mapnr, cycle;   /* cycle: pfns, a multiple of 64 */
        const struct page_layout *layout;       /* NULL: no filter (only RAM) */
        unsigned level;
        const struct memmap *mm;
        struct kernel_mmu *mmu;
        page_cycle_refine_fn refine;
        void *refine_userdata;

        /* Internal. */
        struct page_cycle_state *state;         /* one per cycle */
        uint64_t n_cycles;
        uint8_t *bm1, *bm2;                     /* cycle / 8 + 8 bytes each */
        size_t bm_bytes;
        uint64_t cur;                           /* cycle in bm2; UINT64_MAX: none */
        bool cur_refined;
};

/* The cycle length in pfns for a bitmap budget (bytes for both bitmaps),
 * or forced (tests) when nonzero; never more than max_mapnr rounded up. */
uint64_t page_cycle_pages(size_t bitmap_budget, uint64_t forced, uint64_t max_mapnr);

/* Allocates the cycle's bitmaps; pc's inputs must be set. */
int page_cycles_init(struct page_cycles *pc);
void page_cycles_done(struct page_cycles *pc);

/* The first pass: ram and dumped pages after the filter (before refine)
 * and the filter's statistics (pass NULL for those not wanted). */
int page_cycles_prepare(struct page_cycles *pc, uint64_t *ret_ram, uint64_t *ret_dumped, struct page_filter_stats *ret_stats);

static inline uint64_t page_cycle_start(const struct page_cycles *pc, uint64_t k) {
        return k * pc->cycle;
}
static inline uint64_t page_cycle_end(const struct page_cycles *pc, uint64_t k) {
        return k + 1 < pc->n_cycles ? (k + 1) * pc->cycle : pc->max_mapnr;
}

/* The 1st bitmap of cycle k (bit i: pfn start + i), from the segments. */
int page_cycles_ram(struct page_cycles *pc, uint64_t k, const uint8_t **ret);
/* The 2nd bitmap of cycle k, valid until the next call for another cycle. */
int page_cycles_get(struct page_cycles *pc, uint64_t k, const uint8_t **ret);

/* What refine cleared, summed over the cycles it ran on. */
uint64_t page_cycles_refined(const struct page_cycles *pc);

/* Bytes held: the two bitmaps and the per-cycle states. */
size_t page_cycles_bytes(const struct page_cycles *pc);
