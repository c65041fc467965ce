/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* arm64 kernel virtual-to-physical translation from VMCOREINFO alone, so an
 * arm64 dump can be filtered and its log read on any host.  The arm64
 * backend of kernel-mmu.h.
 *
 * Three kinds of kernel address (arch/arm64/include/asm/memory.h):
 *  - the linear map: pa = (va & ~PAGE_OFFSET) + PHYS_OFFSET.  Since 5.4 it
 *    is the lower half of the kernel's space, PAGE_OFFSET = -(1 << VA_BITS),
 *    up to PAGE_END = -(1 << (VA_BITS_MIN - 1)); before, it was the upper
 *    half, PAGE_OFFSET = -(1 << (VA_BITS - 1)), up to the top.
 *  - the kernel image: pa = va - kimage_voffset (used for swapper_pg_dir,
 *    where the walk starts; the image is also mapped in it).
 *  - everything else (vmemmap, vmalloc, modules, the image): a walk of
 *    swapper_pg_dir as the MMU does it with TCR_EL1.T1SZ, 4K, 16K or 64K
 *    granules, 2 to 5 levels, block entries where the granule allows them,
 *    FEAT_LPA (64K: PA[51:48] in descriptor bits [15:12]) and FEAT_LPA2
 *    (4K/16K with 52-bit VAs: PA[51:50] in bits [9:8]) descriptors.
 *
 * Needs PAGESIZE, NUMBER(VA_BITS), NUMBER(kimage_voffset),
 * NUMBER(PHYS_OFFSET), SYMBOL(swapper_pg_dir), OSRELEASE (the layout: 5.4
 * flipped it; checked against where swapper_pg_dir is), and for 52-bit VA
 * kernels NUMBER(TCR_EL1_T1SZ) (5.9+; what the MMU really used: a 52-bit
 * kernel runs with 48 bits on CPUs without LVA/LPA2).  NUMBER(
 * MAX_PHYSMEM_BITS) = 52 on 64K kernels means FEAT_LPA descriptors. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/phys-read.h"
#include "initramfs/collect/vmci.h"

#define ARM64_MMU_CACHE 8

struct arm64_mmu {
        phys_read_fn read;
        void *userdata;
        unsigned page_shift;            /* 12, 14 or 16 */
        unsigned va_bits;               /* NUMBER(VA_BITS): the kernel's configuration */
        unsigned va_bits_actual;        /* 64 - TCR_EL1.T1SZ: what the MMU walked */
        bool flipped;                   /* 5.4+: the linear map is the lower half */
        bool lpa2;                      /* FEAT_LPA2 descriptors */
        bool pa52_64k;                  /* 64K granule with FEAT_LPA descriptors */
        uint64_t page_offset;           /* start of the linear map */
        uint64_t linear_size;           /* its size */
        uint64_t phys_offset;           /* NUMBER(PHYS_OFFSET) */
        uint64_t kimage_voffset;        /* NUMBER(kimage_voffset) */
        uint64_t root;                  /* physical address of the walk's first table */
        int top_level;                  /* its level, -1..2 (3: the page level) */
        struct {
                uint64_t vbase, pbase, size;   /* size 0: empty slot */
        } cache[ARM64_MMU_CACHE];
        unsigned cache_next;
        uint64_t walks;                 /* statistics: page-table walks done */
};

/* -ENOENT when an entry listed above is missing (also NUMBER(TCR_EL1_T1SZ)
 * of a 52-bit VA kernel), -EINVAL when they do not fit together: a page size
 * or VA_BITS arm64 does not have, a T1SZ outside what VA_BITS allows,
 * swapper_pg_dir not page-aligned or not where the release's layout puts
 * the kernel image. */
int arm64_mmu_init(struct arm64_mmu *m, const struct vmci *v, phys_read_fn read, void *userdata);

/* Translates vaddr; ret_span is how many bytes from vaddr on stay
 * physically contiguous (to the end of the leaf, or of the linear map).
 * -EFAULT for an address that is not mapped. */
int arm64_mmu_translate(struct arm64_mmu *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span);

/* Reads len bytes of kernel virtual memory. */
int arm64_mmu_read(struct arm64_mmu *m, uint64_t vaddr, void *buf, size_t len);
