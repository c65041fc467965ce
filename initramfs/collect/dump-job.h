/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* One filtered, compressed dump from a source of physical memory (an ELF
 * vmcore, through whatever reads it) to a kdump-compressed file or
 * flattened stream: bitmaps from the RAM segments, the page filter from
 * VMCOREINFO (on the dumped machine's page size and page tables, x86_64 or
 * arm64: kernel-mmu.h), page compression on worker threads, writing in PFN order so
 * that the output does not depend on the number of threads.  The bitmaps are
 * done in cycles (page-cycle.h) so that no buffer grows with the machine's
 * memory; the output does not depend on the cycle length either. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/byte-sink.h"
#include "initramfs/collect/flatten.h"
#include "initramfs/collect/page-class.h"
#include "initramfs/collect/page-compress.h"
#include "initramfs/collect/phys-read.h"

struct dump_segment {
        uint64_t phys_start;
        uint64_t size;          /* bytes present in the source (p_filesz) */
};

/* A PT_LOAD of the input as it is (the kernel-text alias included), for ELF
 * output, which keeps the input's program headers' addresses. */
struct dump_elf_load {
        uint64_t phys, virt;
        uint64_t file_size, mem_size;
        bool alias;                     /* its pages are another load's too (the kernel-text
                                         * mapping): written again, not counted again */
};

/* Optional zero-copy access to the source: points *ret at the bytes at
 * paddr, at most len of them (fewer where a PT_LOAD or the reader's window
 * ends: *ret_len says how many), valid until the next call.  -ENODATA where
 * the source has no bytes to point at (a hole): use read instead. */
typedef int (*phys_map_fn)(void *userdata, uint64_t paddr, size_t len, const void **ret, size_t *ret_len);

struct dump_source {
        size_t sz;
        phys_read_fn read;      /* must be safe to call from one thread at a time */
        void *userdata;
        const struct dump_segment *segments;
        size_t n_segments;
        const void *notes;      /* PT_NOTE contents */
        size_t notes_size;
        uint64_t vmcoreinfo_offset, vmcoreinfo_size; /* of the text, inside notes */
        int nr_cpus;
        /* The input's PT_LOADs (for ELF output, opts->elf) and e_machine:
         * the machine whose page tables, page size and name the dump has
         * (0: unknown, VMCOREINFO decides; kernel-mmu.h). */
        const struct dump_elf_load *elf_loads;
        size_t n_elf_loads;
        uint16_t machine;
        phys_map_fn map;        /* NULL: everything goes through read */
};

struct dump_progress {
        uint64_t pages_done, pages_total;
        uint64_t bytes_written;
        double seconds;
        const uint64_t *excluded;       /* [_PAGE_CLASS_MAX], by the filter */
        uint64_t zero_pages;            /* so far */
        uint32_t page_size;             /* the dumped kernel's; 0 (unset): 4096 */
};

typedef void (*dump_progress_fn)(const struct dump_progress *p, void *userdata);

/* Page buffers that keep the compression threads and the writes busy: on a
 * 3 GiB vmcore read with pread(), 8 MiB were no faster than these 256 KiB
 * (two slots of 27 pages and the writer's 64 KiB). */
#define DUMP_BUDGET_DEFAULT ((size_t) 256 * 1024)

/* The two bitmaps of one cycle (page-cycle.h): 64 KiB cover 256 Ki pfns
 * (1 GiB of 4 KiB pages) per cycle, and any machine in 64 KiB.  A dump of
 * more than one cycle reads the mem_map twice (the counting pass, then the
 * writing pass), however many cycles it has.  Bitmaps of 1 MiB (16 GiB in
 * one cycle) had made the collector's peak RSS 0.7 MiB larger than
 * makedumpfile's own memory on a 16 GiB guest's dump (README "Bounded on
 * any machine"). */
#define DUMP_BITMAP_BUDGET_DEFAULT ((size_t) 64 * 1024)

struct dump_options {
        size_t sz;
        unsigned dump_level;
        enum page_compression compression;
        bool flat;
        bool elf;                       /* ELF output; compression must be NONE */
        unsigned threads;               /* 0 or 1: compress on the main thread */
        size_t memory_budget;           /* bytes for page buffers; 0 = DUMP_BUDGET_DEFAULT */
        dump_progress_fn progress;      /* called at most once a second */
        void *progress_userdata;
        byte_sink *stream;              /* flat: the stream goes here instead of out_fd (which
                                         * is then unused); not finished here (byte-sink.h) */
        size_t bitmap_budget;           /* bytes for a cycle's two bitmaps; 0 = DUMP_BITMAP_BUDGET_DEFAULT */
        uint64_t cycle_pages;           /* tests: cycles of this many pfns (rounded up to 64); 0 = from the budget */
        bool defer_fsync;               /* a file: leave its fsync to the caller (who
                                         * reads it back first) */
        dump_sink_tap_fn tap;           /* a file: its bytes in file order as they are
                                         * written (flatten.h); NULL: none */
        void *tap_userdata;
};

struct dump_result {
        unsigned effective_level;       /* after falling back for what VMCOREINFO allows */
        const char *fallback_reason;    /* NULL, or why the level was lowered */
        const char *fallback_entry;     /* NULL, or the VMCOREINFO entry missing (page-class.h) */
        uint64_t max_mapnr;
        uint64_t ram_pages;
        uint64_t dumped_pages;          /* RAM pages written (descriptors; whole pages in ELF) */
        uint64_t zero_pages;
        uint64_t excluded[_PAGE_CLASS_MAX];
        uint64_t memmap_unreadable;
        uint64_t bytes_written;
        uint64_t elf_segments;          /* ELF output: PT_LOADs written */
        uint64_t buffer_bytes;          /* the job's own page and bitmap buffers */
        uint64_t cycles, cycle_pages;   /* the bitmaps were done in cycles of so many pfns */
        bool incomplete;
        bool tap_complete;              /* opts->tap saw every byte of the file, in order
                                         * (filtered ELF does; kdump-compressed does not) */
        double seconds_filter, seconds_total;
};

/* Returns 0, or -errno; on a write failure (ENOSPC) the dump is marked
 * incomplete, ret->incomplete is set and the error returned. */
int dump_job_run(const struct dump_source *src, const struct dump_options *opts, int out_fd, struct dump_result *ret);
