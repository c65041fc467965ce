/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Filtered ELF output (makedumpfile -E -d LEVEL): the input's PT_LOADs with
 * their addresses kept, where runs of excluded pages become holes
 * (p_memsz > p_filesz, crash(8) and libkdumpfile read them as zeroes).  As in
 * makedumpfile's write_elf_pages_cyclic(), an excluded run shorter than
 * ELF_HOLE_MIN_PAGES stays inside p_filesz (bytes never written, so zeroes
 * on disk and no disk blocks) to bound the number of program headers; a
 * longer one ends the PT_LOAD and the next kept page starts a new one.
 * Program headers past 65535 use the PN_XNUM extension (e_phnum = 0xffff,
 * the real count in section header 0's sh_info, as fs/binfmt_elf.c's
 * fill_extnum_info()).
 *
 * Zero pages (dump level bit 1) are found first, for each cycle of the
 * bitmaps (page-cycle.h), looking only at kept pages (and mostly at their
 * first cache line); then the layout is computed from the bitmap, so the
 * program header table has its exact size and the notes and data follow it
 * with no gap, as in makedumpfile's output; then the headers, the notes and
 * the kept runs are written in file order (so a tap on the sink, flatten.h,
 * hashes the file as it is written), reading the runs through the source's
 * map where it has one (no copy).  A write that fails (a full disk) has the
 * headers written again, describing what was reached and marked
 * incomplete. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/dump-job.h"
#include "initramfs/collect/flatten.h"

#define ELF_HOLE_MIN_PAGES 256u

/* Pure segment builder, fed page by page in address order. */
struct elf_seg {
        uint64_t phys, virt, offset, filesz, memsz;
};

struct elf_seg_builder {
        struct elf_seg *segs;
        size_t n, cap;                  /* cap: the bound given to _init() */
        uint64_t pos;                   /* next file offset for data */
        struct elf_seg cur;
        bool open;
        uint64_t hole;                  /* excluded bytes pending after cur's data */
        uint64_t page_size;
        bool grow;                      /* segs grows as needed (no bound) */
};

int elf_seg_builder_init(struct elf_seg_builder *b, size_t max_segs, uint64_t data_offset, uint64_t page_size);
/* A builder with no bound, whose segs grows as PT_LOADs come (file offsets
 * from data_offset, as with _init()). */
void elf_seg_builder_init_grow(struct elf_seg_builder *b, uint64_t data_offset, uint64_t page_size);
void elf_seg_builder_done(struct elf_seg_builder *b);
/* Starts a PT_LOAD at phys/virt. */
int elf_seg_builder_begin(struct elf_seg_builder *b, uint64_t phys, uint64_t virt);
/* len bytes kept: returns their file offset in *ret_offset. */
int elf_seg_builder_data(struct elf_seg_builder *b, uint64_t len, uint64_t *ret_offset);
/* len bytes excluded. */
void elf_seg_builder_hole(struct elf_seg_builder *b, uint64_t len);
/* Ends the PT_LOAD; a trailing excluded run goes to p_memsz only. */
int elf_seg_builder_end(struct elf_seg_builder *b);

/* Bytes of the ELF header, the program header table for n_segs PT_LOADs and
 * the PT_NOTE, and (past 65534 PT_LOADs) section header 0 for PN_XNUM. */
uint64_t elf_dump_header_size(uint64_t n_segs);
/* Builds those bytes (pure): the PT_NOTE points at notes_offset (at least
 * elf_dump_header_size()) with src->notes_size bytes. */
int elf_dump_headers(const struct dump_source *src, const struct elf_seg *segs, size_t n_segs,
                     uint64_t notes_offset, bool incomplete, uint8_t **ret, size_t *ret_size);

struct page_cycles;

/* Writes the ELF dump of src to sink: pages (of page_size, the dumped
 * kernel's, which the bitmaps count in) whose pfn is below max_mapnr and
 * clear in pc's 2nd bitmap (page-cycle.h, prepared) are excluded; with
 * exclude_zero, all-zero pages too (cleared from each cycle's bitmap before
 * the layout is computed).  Two passes over the PT_LOADs: one that counts
 * the PT_LOADs of the output, one that writes.
 * Partial pages at unaligned PT_LOAD edges are always kept.  Fills
 * res->zero_pages, dumped_pages, elf_segments, incomplete; calls
 * opts->progress.  On a write error (ENOSPC) the headers still describe the
 * part written and e_flags is 1 (incomplete); the error is returned. */
int elf_dump_write(const struct dump_source *src, size_t page_size, struct page_cycles *pc,
                   bool exclude_zero, const struct dump_options *opts, struct dump_sink *sink,
                   struct dump_result *res);
