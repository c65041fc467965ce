/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The kdump-compressed ("diskdump") file's headers, as makedumpfile's
 * diskdump_mod.h lays them out for a 64-bit (LP64) little-endian dumped
 * machine, and as crash(8) and libkdumpfile read them: one definition for
 * the writer (initramfs/collect/diskdump.c) and the readers (notes/dump-
 * info.c, initramfs/collect/diskdump-read.c).
 *
 *   block 0           struct disk_dump_header (DISKDUMP_HDR_SIZE bytes)
 *   block 1..         struct kdump_sub_header (KDUMP_SUB_HDR_SIZE), then
 *                     the ELF notes (VMCOREINFO is one of them)
 *   then              the two bitmaps, the page descriptors, the pages. */

/* struct disk_dump_header */
#define DISKDUMP_SIGNATURE "KDUMP   "
#define DISKDUMP_HEADER_VERSION 6u      /* what kdump-collect writes */
#define DISKDUMP_HDR_SIZE 464u
#define DISKDUMP_OFF_VERSION 8u
#define DISKDUMP_OFF_UTSNAME 12u        /* 6 fields of 65 bytes */
#define DISKDUMP_UTSNAME_FIELD 65u
#define DISKDUMP_OFF_RELEASE (DISKDUMP_OFF_UTSNAME + 2u * DISKDUMP_UTSNAME_FIELD)
#define DISKDUMP_OFF_MACHINE (DISKDUMP_OFF_UTSNAME + 4u * DISKDUMP_UTSNAME_FIELD)
#define DISKDUMP_OFF_TIMESTAMP 408u     /* struct timeval (tv_sec, tv_usec), after 6 padding bytes */
#define DISKDUMP_OFF_STATUS 424u
#define DISKDUMP_OFF_BLOCK_SIZE 428u
#define DISKDUMP_OFF_SUB_HDR_SIZE 432u  /* blocks */
#define DISKDUMP_OFF_BITMAP_BLOCKS 436u /* both bitmaps */
#define DISKDUMP_OFF_MAX_MAPNR 440u     /* 32 bits; header_version 6 has the 64-bit one below */
#define DISKDUMP_OFF_NR_CPUS 460u       /* after total_ram_blocks, device_blocks, written_blocks, current_cpu */

/* disk_dump_header.status */
#define DISKDUMP_STATUS_ZLIB 0x1u
#define DISKDUMP_STATUS_LZO 0x2u
#define DISKDUMP_STATUS_SNAPPY 0x4u
#define DISKDUMP_STATUS_INCOMPLETE 0x8u
#define DISKDUMP_STATUS_EXCLUDED_VMEMMAP 0x10u
#define DISKDUMP_STATUS_ZSTD 0x20u

/* struct kdump_sub_header (at block_size) */
#define KDUMP_SUB_HDR_SIZE 104u
#define KDUMP_SUB_OFF_PHYS_BASE 0u
#define KDUMP_SUB_OFF_DUMP_LEVEL 8u     /* then split (12), start_pfn (16), end_pfn (24) */
#define KDUMP_SUB_OFF_VMCOREINFO 32u    /* offset, then size (header_version >= 3) */
#define KDUMP_SUB_OFF_NOTE 48u          /* offset, then size (header_version >= 4) */
#define KDUMP_SUB_OFF_MAX_MAPNR_64 96u  /* header_version >= 6; eraseinfo, start/end_pfn_64 before it */

/* struct page_desc: offset (8), size (4), flags (4), page_flags (8) */
#define DISKDUMP_PAGE_DESC_SIZE 24u
