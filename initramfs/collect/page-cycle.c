/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "basic/macro.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/page-cycle.h"

uint64_t page_cycle_pages(size_t bitmap_budget, uint64_t forced, uint64_t max_mapnr) {
        uint64_t n;

        if (forced > 0)
                n = ALIGN_UP(forced, 64);
        else
                /* Two bitmaps of n bits in the budget, in whole 1024-pfn
                 * chunks of the filter (page-filter.c). */
                n = MAX(ALIGN_DOWN((uint64_t) bitmap_budget * 4, 1024), (uint64_t) 1024);
        return MIN(n, ALIGN_UP(MAX(max_mapnr, (uint64_t) 1), 64));
}

/* Mapped apart from the heap, so that they go back at once when freed. */
static uint8_t *bm_alloc(size_t n) {
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return p == MAP_FAILED ? NULL : p;
}

void page_cycles_done(struct page_cycles *pc) {
        if (pc->bm1)
                (void) munmap(pc->bm1, pc->bm_bytes);
        if (pc->bm2)
                (void) munmap(pc->bm2, pc->bm_bytes);
        free(pc->state);
        pc->bm1 = pc->bm2 = NULL;
        pc->state = NULL;
}

int page_cycles_init(struct page_cycles *pc) {
        if (pc->page_size == 0 || pc->max_mapnr == 0 || pc->cycle == 0 || pc->cycle % 64 != 0)
                return -EINVAL;
        pc->n_cycles = DIV_ROUND_UP(pc->max_mapnr, pc->cycle);
        pc->bm_bytes = (size_t) (pc->cycle / 8 + 8);    /* +8: word-wise scans may read past */
        pc->state = calloc(pc->n_cycles, sizeof(*pc->state));
        pc->bm1 = bm_alloc(pc->bm_bytes);
        pc->bm2 = bm_alloc(pc->bm_bytes);
        pc->cur = UINT64_MAX;
        if (!pc->state || !pc->bm1 || !pc->bm2) {
                page_cycles_done(pc);
                return -ENOMEM;
        }
        for (uint64_t k = 0; k < pc->n_cycles; k++)
                pc->state[k].refined = UINT64_MAX;
        return 0;
}

/* Sets bits [from, to) of bm. */
static void bits_set(uint8_t *bm, uint64_t from, uint64_t to) {
        for (; from < to && (from & 7); from++)
                bitmap_set(bm, from);
        if (to - from >= 8) {
                memset(bm + from / 8, 0xff, (size_t) ((to - from) / 8));
                from += ALIGN_DOWN(to - from, 8);
        }
        for (; from < to; from++)
                bitmap_set(bm, from);
}

static void build_ram(const struct page_cycles *pc, uint64_t k, uint8_t *bm) {
        uint64_t start = page_cycle_start(pc, k), end = page_cycle_end(pc, k);

        memset(bm, 0, pc->bm_bytes);
        for (size_t i = 0; i < pc->n_segments; i++) {
                uint64_t s = DIV_ROUND_UP(pc->segments[i].phys_start, pc->page_size);
                uint64_t e = (pc->segments[i].phys_start + pc->segments[i].size) / pc->page_size;

                s = MAX(s, start);
                e = MIN(e, end);
                if (s < e)
                        bits_set(bm, s - start, e - start);
        }
}

int page_cycles_ram(struct page_cycles *pc, uint64_t k, const uint8_t **ret) {
        if (k >= pc->n_cycles)
                return -EINVAL;
        build_ram(pc, k, pc->bm1);
        *ret = pc->bm1;
        return 0;
}

/* RAM, then the filter, into bm2 (no refine). */
static int compute(struct page_cycles *pc, uint64_t k, struct page_filter_carry *carry, struct page_filter_stats *st) {
        int r;

        pc->cur = UINT64_MAX;
        build_ram(pc, k, pc->bm2);
        if (pc->layout) {
                r = page_filter_cycle(pc->layout, pc->level, pc->mm, pc->mmu, pc->bm2,
                                      page_cycle_start(pc, k), page_cycle_end(pc, k), carry, st);
                if (r < 0)
                        return r;
        }
        pc->cur = k;
        pc->cur_refined = false;
        return 0;
}

int page_cycles_prepare(struct page_cycles *pc, uint64_t *ret_ram, uint64_t *ret_dumped, struct page_filter_stats *ret_stats) {
        struct page_filter_carry carry = {};
        struct page_filter_stats st = {};
        uint64_t ram = 0, dumped = 0;
        int r;

        for (uint64_t k = 0; k < pc->n_cycles; k++) {
                uint64_t n = page_cycle_end(pc, k) - page_cycle_start(pc, k);

                pc->state[k].carry_in = carry;
                r = compute(pc, k, &carry, &st);
                if (r < 0)
                        return r;
                dumped += bitmap_count(pc->bm2, n);
                build_ram(pc, k, pc->bm1);
                ram += bitmap_count(pc->bm1, n);
        }
        if (ret_ram)
                *ret_ram = ram;
        if (ret_dumped)
                *ret_dumped = dumped;
        if (ret_stats)
                *ret_stats = st;
        return 0;
}

int page_cycles_get(struct page_cycles *pc, uint64_t k, const uint8_t **ret) {
        uint64_t cleared = 0;
        int r;

        if (k >= pc->n_cycles)
                return -EINVAL;
        if (pc->cur != k) {
                struct page_filter_carry carry = pc->state[k].carry_in;
                struct page_filter_stats st = {};

                r = compute(pc, k, &carry, &st);
                if (r < 0)
                        return r;
        }
        if (pc->refine && !pc->cur_refined) {
                r = pc->refine(pc->refine_userdata, page_cycle_start(pc, k), page_cycle_end(pc, k), pc->bm2, &cleared);
                if (r < 0) {
                        pc->cur = UINT64_MAX;
                        return r;
                }
                pc->cur_refined = true;
                if (pc->state[k].refined == UINT64_MAX)
                        pc->state[k].refined = cleared;
        }
        *ret = pc->bm2;
        return 0;
}

uint64_t page_cycles_refined(const struct page_cycles *pc) {
        uint64_t n = 0;

        for (uint64_t k = 0; k < pc->n_cycles; k++)
                if (pc->state[k].refined != UINT64_MAX)
                        n += pc->state[k].refined;
        return n;
}

size_t page_cycles_bytes(const struct page_cycles *pc) {
        return 2 * pc->bm_bytes + (size_t) pc->n_cycles * sizeof(struct page_cycle_state);
}
