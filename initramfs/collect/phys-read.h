/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The one way the collector's address translators (x86-mmu.h, arm64-mmu.h,
 * kernel-mmu.h) and page readers get at the dumped machine's physical
 * memory, whatever holds it: an ELF vmcore, a kdump-compressed dump, a test's
 * array. */

#include <stddef.h>
#include <stdint.h>

/* Reads physical memory of the dumped machine; -errno (e.g. -ENXIO for an
 * address in no PT_LOAD). */
typedef int (*phys_read_fn)(void *userdata, uint64_t paddr, void *buf, size_t len);

/* A translator's virtual-to-physical step (x86_mmu_translate,
 * arm64_mmu_translate): the physical address, and how many bytes from
 * there stay contiguous. */
typedef int (*virt_translate_fn)(void *mmu, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span);

/* Reads len bytes of virtual memory one physically contiguous span at a
 * time: the one read loop of every translator. */
static inline int mmu_virt_read(virt_translate_fn translate, void *mmu, phys_read_fn read, void *userdata, uint64_t vaddr,
                            void *buf, size_t len) {
        uint8_t *p = buf;

        while (len > 0) {
                uint64_t paddr, span;
                size_t n;
                int r;

                r = translate(mmu, vaddr, &paddr, &span);
                if (r < 0)
                        return r;
                n = span < (uint64_t) len ? (size_t) span : len;
                r = read(userdata, paddr, p, n);
                if (r < 0)
                        return r;
                p += n;
                vaddr += n;
                len -= n;
        }
        return 0;
}
