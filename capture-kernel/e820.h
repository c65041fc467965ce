/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The memory map the capture kernel boots with, passed in boot_params'
 * e820_table.  It mirrors what the kernel's own file loader writes
 * (arch/x86/kernel/crash.c crash_setup_memmap_entries()): the System RAM of
 * the low 1 MiB, the ACPI tables, ACPI NVS and reserved ranges as they are,
 * the low crash range (crashkernel=...,low) as RAM, and the crash range the
 * segments live in as RAM minus the ELF core header, which the capture
 * kernel must leave alone because it reads /proc/vmcore's layout from it.
 * Nothing else: the rest of memory is the dump. */

#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/crash-ranges.h"   /* crash_ranges_from_iomem(), for the x86_64 loader */
#include "crashkernel-reserve/iomem.h"

#define E820_TYPE_RAM 1u
#define E820_TYPE_RESERVED 2u
#define E820_TYPE_ACPI 3u
#define E820_TYPE_NVS 4u

/* E820_MAX_ENTRIES_ZEROPAGE (arch/x86/include/uapi/asm/bootparam.h): what
 * fits in boot_params.e820_table; the rest goes in a SETUP_E820_EXT
 * setup_data record (boot-params.c). */
#define E820_ZEROPAGE_MAX 128u
/* The capture kernel's own table, E820_MAX_ENTRIES (arch/x86/include/asm/
 * e820/types.h: 128 + 3 * MAX_NUMNODES, 3200 with Debian's NODES_SHIFT=10);
 * append_e820_table() would drop entries beyond it. */
#define E820_MAP_MAX 3200u

struct e820_ent {
        uint64_t addr;
        uint64_t size;
        uint32_t type;
};

struct e820_map {
        struct e820_ent e[E820_MAP_MAX];
        size_t n;
};

struct capture_e820_input {
        size_t sz;
        const iomem *iomem;
        uint64_t crash_start, crash_end;        /* crashk_res, inclusive */
        uint64_t low_start, low_end;            /* crashk_low_res; low_end == 0: none */
        uint64_t hdr_start, hdr_size;           /* ELF core header segment, excluded */
};

/* -E2BIG when the map needs more than E820_MAP_MAX entries; -EINVAL when
 * the header lies outside the crash range. */
int capture_e820_build(const struct capture_e820_input *in, struct e820_map *ret);
