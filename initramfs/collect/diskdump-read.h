/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Reading a kdump-compressed dump back (the layout diskdump.h describes, as
 * kdump-collect and makedumpfile write it): for the kernel log of a dump
 * whose capture could not write vmcore-dmesg.txt (kdump-collect
 * --dump-dmesg, kdumpd, kdumpctl dmesg), as makedumpfile --dump-dmesg reads
 * both formats.
 *
 * A page is found the way crash(8)'s diskdump.c finds it: its bit in the 2nd
 * bitmap says whether it was dumped, and the number of set bits before it is
 * the index of its descriptor.  A descriptor left zero (a capture cut short,
 * DISKDUMP_STATUS_INCOMPLETE) means the page never reached the disk.
 *
 * The header parser is pure; the reader does the I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/macro.h"

/* Bounds against corrupt headers (not format limits): 2^40 pages is 4 PiB of
 * 4 KiB pages; the kernel's VMCOREINFO is one page. */
#define DISKDUMP_READ_MAPNR_MAX (UINT64_C(1) << 40)
#define DISKDUMP_READ_VMCOREINFO_MAX (1u << 20)

struct diskdump_geometry {
        uint32_t header_version;
        uint32_t block_size;            /* the dumped machine's page size */
        uint32_t status;                /* DUMP_DH_* bits */
        uint64_t max_mapnr;             /* bits used in each bitmap */
        uint64_t bitmap_bytes;          /* one bitmap, as stored */
        uint64_t bitmap2_offset;        /* the "dumped" bitmap */
        uint64_t desc_offset;           /* first page descriptor */
        uint64_t vmcoreinfo_offset;
        uint64_t vmcoreinfo_size;       /* 0: none (header_version < 3, or not written) */
        uint64_t note_offset;           /* the ELF notes (header_version >= 4) */
        uint64_t note_size;
};

/* Checks and decodes block 0 (disk_dump_header) and the start of block 1
 * (kdump_sub_header) of a file of file_size bytes.
 *   -ENOEXEC          no "KDUMP   " signature
 *   -EPROTONOSUPPORT  a block size that is not a power of two in
 *                     4096..65536
 *   -EBADMSG          impossible sizes: no sub-header or bitmap blocks, an
 *                     odd number of bitmap blocks, bitmaps too short for
 *                     max_mapnr, VMCOREINFO past the end of the file
 *   -EFBIG            max_mapnr or VMCOREINFO past the bounds above */
int diskdump_geometry_parse(const uint8_t *hdr, size_t hdr_size, const uint8_t *sub, size_t sub_size,
                            uint64_t file_size, struct diskdump_geometry *ret);

typedef struct diskdump_reader diskdump_reader;

/* Errors of diskdump_geometry_parse() and kdump_vmcoreinfo_load(), -EIO
 * when the file ends inside the headers or bitmaps, -ENOMEM, or the errno of
 * open()/fstat()/pread(). */
int diskdump_reader_open(const char *path, diskdump_reader **ret);
/* fd is duplicated; the caller keeps its own. */
int diskdump_reader_open_fd(int fd, diskdump_reader **ret);
diskdump_reader *diskdump_reader_free(diskdump_reader *r);

const struct diskdump_geometry *diskdump_reader_geometry(const diskdump_reader *r);
/* The VMCOREINFO text (not NUL-terminated): at its own offset, or the
 * VMCOREINFO note among the ELF notes where the dump records only those
 * (kdump_vmcoreinfo_load()); NULL when the dump has neither. */
const char *diskdump_reader_vmcoreinfo(const diskdump_reader *r, size_t *ret_size);
/* Whether page pfn is in the dump (its bit in the 2nd bitmap). */
bool diskdump_reader_has_page(const diskdump_reader *r, uint64_t pfn);

/* Reads one page (block_size bytes) into out.
 *   -ENXIO       pfn >= max_mapnr
 *   -ENODATA     the page was filtered out, or never written (incomplete dump)
 *   -EBADMSG     a descriptor that cannot be right, or data that does not
 *                decompress to one page
 *   -EOPNOTSUPP  compressed with something this build cannot decompress
 *   -EIO         the file ends before the page's data */
int diskdump_reader_read_page(diskdump_reader *r, uint64_t pfn, void *out);

/* Reads n bytes of physical memory, across pages; errors as above. */
int diskdump_reader_read_phys(diskdump_reader *r, uint64_t paddr, void *buf, size_t n);

DEFINE_TRIVIAL_CLEANUP_FUNC(diskdump_reader *, diskdump_reader_free);
#define _cleanup_diskdump_reader_ _cleanup_(diskdump_reader_freep)
