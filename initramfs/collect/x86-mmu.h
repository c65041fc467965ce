/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* x86_64 kernel virtual-to-physical translation by walking the dumped
 * kernel's own page tables (4 or 5 levels, 1 GiB and 2 MiB leaves), rooted
 * at init_top_pgt, as the MMU would.  Needs only VMCOREINFO: SYMBOL(
 * init_top_pgt) (already KASLR-relocated), NUMBER(phys_base),
 * NUMBER(pgtable_l5_enabled), NUMBER(sme_mask).  The x86_64 backend of
 * kernel-mmu.h. */

#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/phys-read.h"
#include "initramfs/collect/vmci.h"

#define X86_START_KERNEL_MAP UINT64_C(0xffffffff80000000)
#define X86_MMU_CACHE 8

struct x86_mmu {
        phys_read_fn read;
        void *userdata;
        uint64_t root;          /* physical address of the top-level table */
        unsigned levels;        /* 4 or 5 */
        uint64_t entry_mask;    /* physical address bits of an entry */
        uint64_t phys_base;
        struct {
                uint64_t vbase, pbase, size;   /* size 0: empty slot */
        } cache[X86_MMU_CACHE];
        unsigned cache_next;
        uint64_t walks;         /* statistics: page-table walks done */
};

int x86_mmu_init(struct x86_mmu *m, const struct vmci *v, phys_read_fn read, void *userdata);

/* Translates vaddr; ret_span is how many bytes from vaddr on stay
 * physically contiguous (to the end of the leaf page).  -EFAULT for an
 * address that is not mapped. */
int x86_mmu_translate(struct x86_mmu *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span);

/* Reads len bytes of kernel virtual memory. */
int x86_mmu_read(struct x86_mmu *m, uint64_t vaddr, void *buf, size_t len);
