/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/x86-mmu.h"

#define PTE_PRESENT UINT64_C(0x1)
#define PTE_PSE UINT64_C(0x80)          /* leaf at the PUD (1 GiB) or PMD (2 MiB) level */
/* Physical address bits 12..51 (the kernel's PTE_PFN_MASK for 52-bit
 * physical addresses); the SME C-bit is removed on top. */
#define PTE_ADDR_MASK UINT64_C(0x000ffffffffff000)

int x86_mmu_init(struct x86_mmu *m, const struct vmci *v, phys_read_fn read, void *userdata) {
        uint64_t pgt;
        int64_t phys_base = 0, l5 = 0, sme = 0;
        int r;

        r = vmci_symbol(v, "init_top_pgt", &pgt);
        if (r < 0)
                return r;
        r = vmci_number(v, "phys_base", &phys_base);
        if (r < 0 && r != -ENOENT)
                return r;
        r = vmci_number(v, "pgtable_l5_enabled", &l5);
        if (r < 0 && r != -ENOENT)
                return r;
        r = vmci_number(v, "sme_mask", &sme);
        if (r < 0 && r != -ENOENT)
                return r;
        if (pgt < X86_START_KERNEL_MAP || (pgt & 0xfff))
                return -EINVAL;

        *m = (struct x86_mmu) {
                .read = read,
                .userdata = userdata,
                /* init_top_pgt is in the kernel image: __pa_symbol() is
                 * x - __START_KERNEL_map + phys_base. */
                .root = pgt - X86_START_KERNEL_MAP + (uint64_t) phys_base,
                .levels = l5 == 1 ? 5 : 4,
                .entry_mask = PTE_ADDR_MASK & ~(uint64_t) sme,
                .phys_base = (uint64_t) phys_base,
        };
        return 0;
}

static bool canonical(uint64_t vaddr, unsigned levels) {
        unsigned bits = levels == 5 ? 57 : 48;
        uint64_t top = vaddr >> (bits - 1);
        return top == 0 || top == (UINT64_MAX >> (bits - 1));
}

int x86_mmu_translate(struct x86_mmu *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span) {
        uint64_t table = m->root, entry = 0, size = 0;
        int r;

        for (unsigned i = 0; i < X86_MMU_CACHE; i++)
                if (m->cache[i].size && vaddr - m->cache[i].vbase < m->cache[i].size) {
                        uint64_t off = vaddr - m->cache[i].vbase;
                        *ret_paddr = m->cache[i].pbase + off;
                        if (ret_span)
                                *ret_span = m->cache[i].size - off;
                        return 0;
                }

        if (!canonical(vaddr, m->levels))
                return -EFAULT;

        m->walks++;
        for (unsigned level = m->levels; level >= 1; level--) {
                unsigned shift = 12 + 9 * (level - 1);
                uint64_t idx = (vaddr >> shift) & 511;

                r = m->read(m->userdata, table + idx * 8, &entry, sizeof(entry));
                if (r < 0)
                        return r == -ENXIO ? -EFAULT : r;
                if (!(entry & PTE_PRESENT))
                        return -EFAULT;
                size = UINT64_C(1) << shift;
                /* PSE marks a leaf only at the PUD and PMD levels. */
                if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_PSE)))
                        break;
                table = entry & m->entry_mask;
        }

        {
                /* For large leaves bit 12 is PAT, masked off by the size. */
                uint64_t pbase = entry & m->entry_mask & ~(size - 1);
                uint64_t vbase = vaddr & ~(size - 1);
                unsigned slot = m->cache_next++ % X86_MMU_CACHE;

                m->cache[slot].vbase = vbase;
                m->cache[slot].pbase = pbase;
                m->cache[slot].size = size;
                *ret_paddr = pbase + (vaddr - vbase);
                if (ret_span)
                        *ret_span = size - (vaddr - vbase);
        }
        return 0;
}

static int translate_step(void *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span) {
        return x86_mmu_translate(m, vaddr, ret_paddr, ret_span);
}

int x86_mmu_read(struct x86_mmu *m, uint64_t vaddr, void *buf, size_t len) {
        return mmu_virt_read(translate_step, m, m->read, m->userdata, vaddr, buf, len);
}
