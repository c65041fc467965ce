/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where the struct pages of each memory section are (SPARSEMEM, with or
 * without SPARSEMEM_EXTREME; vmemmap is the common case and needs nothing
 * special: section_mem_map then encodes a vmemmap address, which the
 * kernel_mmu translates by walking the page tables).  Any PAGESIZE the
 * kernel has: a section holds 2^(SECTION_SIZE_BITS - page shift) pages.  Follows the
 * kernel's __nr_to_section() and sparse_decode_mem_map(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/vmci.h"
#include "initramfs/collect/kernel-mmu.h"

struct memmap_range {
        uint64_t start_pfn, end_pfn;
        uint64_t mem_map;       /* virtual address of start_pfn's struct page */
};

struct memmap {
        struct memmap_range *ranges;    /* one per present section, ascending */
        size_t n;
        uint64_t pages_per_section;
        uint32_t page_struct_size;
        bool extreme;
};

/* max_pfn bounds the sections looked at.  -ENOENT when VMCOREINFO lacks the
 * SPARSEMEM entries (FLATMEM and DISCONTIGMEM kernels are not handled). */
int memmap_discover(const struct vmci *v, struct kernel_mmu *mmu, uint64_t max_pfn, struct memmap *ret);
void memmap_done(struct memmap *m);

/* Pure decoding, for tests: section_mem_map & ~0x1f is the section's
 * mem_map minus its start pfn (in struct pages); 0 when not present. */
uint64_t memmap_decode(uint64_t section_mem_map, uint64_t section_nr, uint64_t pages_per_section, uint32_t page_struct_size);
