/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The kdump-compressed ("diskdump") file as crash(8), libkdumpfile/drgn and
 * makedumpfile read it, header version 6, for a 64-bit little-endian
 * (LP64) dumped machine:
 *
 *   block 0           struct disk_dump_header (464 bytes)
 *   block 1..         struct kdump_sub_header (104 bytes), the ELF notes
 *                     right after it (VMCOREINFO is one of them)
 *   (1+sub_hdr_size)  1st bitmap (page is RAM), 2nd bitmap (page is
 *                     dumped), each rounded up to whole blocks
 *   then              one 24-byte page descriptor per set bit of the 2nd
 *                     bitmap, in PFN order
 *   then              page data: the shared zero page first, then each
 *                     page compressed on its own (or raw).
 *
 * The writer is I/O-free apart from its dump_sink: callers hand it pages in
 * PFN order, already compressed. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/flatten.h"
#include "notes/kdump-layout.h"

struct diskdump_info {
        size_t sz;                      /* sizeof(struct diskdump_info) */
        uint32_t page_size;             /* block size */
        uint64_t max_mapnr;             /* bits in each bitmap */
        char utsname[6][65];            /* sysname, nodename, release, version, machine, domainname */
        int64_t tv_sec, tv_usec;
        int32_t nr_cpus;                /* NT_PRSTATUS notes */
        uint64_t phys_base;
        int32_t dump_level;
        unsigned compression;           /* a PAGE_COMPRESS_* value, recorded in status */
        const void *notes;              /* the PT_NOTE contents, copied in */
        size_t notes_size;
        uint64_t vmcoreinfo_offset;     /* of the VMCOREINFO text inside notes */
        uint64_t vmcoreinfo_size;       /* 0: no VMCOREINFO */
};

struct diskdump_layout {
        uint32_t sub_hdr_blocks;
        uint64_t bitmap_bytes;          /* one bitmap */
        uint64_t bitmap_offset;         /* 1st bitmap; 2nd follows */
        uint64_t desc_offset;
        uint64_t data_offset;
        uint64_t nr_dumpable;
};

/* The layout for this info and number of dumped pages; -EINVAL/-E2BIG on
 * values the format cannot hold. */
int diskdump_layout_compute(const struct diskdump_info *info, uint64_t nr_dumpable, struct diskdump_layout *ret);

/* Serialises the two headers (block 0 and the start of block 1) for tests
 * and the writer. */
void diskdump_header_build(const struct diskdump_info *info, const struct diskdump_layout *l,
                           unsigned status, uint8_t out[DISKDUMP_HDR_SIZE]);
void kdump_sub_header_build(const struct diskdump_info *info, uint8_t out[KDUMP_SUB_HDR_SIZE]);

static inline bool bitmap_test(const uint8_t *bm, uint64_t pfn) {
        return bm[pfn >> 3] & (1u << (pfn & 7));
}
static inline void bitmap_set(uint8_t *bm, uint64_t pfn) {
        bm[pfn >> 3] |= (uint8_t) (1u << (pfn & 7));
}
static inline void bitmap_clear(uint8_t *bm, uint64_t pfn) {
        bm[pfn >> 3] &= (uint8_t) ~(1u << (pfn & 7));
}
uint64_t bitmap_count(const uint8_t *bm, uint64_t nbits);

struct diskdump_writer;

/* Writes the headers and notes and reserves the descriptor area for
 * nr_dumpable pages (the set bits of the whole 2nd bitmap).  buffer_size
 * bounds the writer's own memory for page data and descriptors.  The
 * bitmaps come in pieces (page-cycle.h), so the writer never holds them. */
int diskdump_writer_start(struct dump_sink *sink, const struct diskdump_info *info, uint64_t nr_dumpable,
                          size_t buffer_size, struct diskdump_writer **ret);
/* Writes bits [start, start + n) of bitmap which (0: the 1st, 1: the 2nd)
 * from bm (bit i: pfn start + i; start a multiple of 8); the piece that
 * reaches max_mapnr also pads the bitmap to whole blocks. */
int diskdump_writer_bitmap(struct diskdump_writer *w, unsigned which, uint64_t start, uint64_t n, const uint8_t *bm);
/* The pages added next are the set bits of bitmap2 for pfns [start, end)
 * (bit i: pfn start + i; start a multiple of 64); bitmap2 must stay valid
 * until diskdump_writer_window_end(), which is -EINVAL if a page of the
 * window was not added.  Windows come in PFN order, without overlap. */
int diskdump_writer_window(struct diskdump_writer *w, const uint8_t *bitmap2, uint64_t start, uint64_t end);
int diskdump_writer_window_end(struct diskdump_writer *w);

/* All of it at once, for whole bitmaps of max_mapnr bits: start, both
 * bitmaps, one window. */
int diskdump_writer_new(struct dump_sink *sink, const struct diskdump_info *info,
                        const uint8_t *bitmap1, const uint8_t *bitmap2, size_t buffer_size,
                        struct diskdump_writer **ret);
struct diskdump_writer *diskdump_writer_free(struct diskdump_writer *w);

const struct diskdump_layout *diskdump_writer_layout(const struct diskdump_writer *w);

/* Adds the next dumped page: pfn must be the next set bit of the window's
 * 2nd bitmap (-EINVAL otherwise).  flags 0 = raw page (size = page size). */
int diskdump_writer_add_page(struct diskdump_writer *w, uint64_t pfn, const void *data, size_t size, unsigned flags);
/* Adds the next dumped page as a reference to the shared zero page. */
int diskdump_writer_add_zero(struct diskdump_writer *w, uint64_t pfn);

/* Flushes everything; with incomplete (or after a write failed) the header
 * gets DISKDUMP_STATUS_INCOMPLETE and the descriptors of pages never
 * written stay zero, which crash reports as "page incomplete".  Returns the
 * first write error (e.g. -ENOSPC) if there was one. */
int diskdump_writer_finish(struct diskdump_writer *w, bool incomplete);

uint64_t diskdump_writer_pages(const struct diskdump_writer *w);
