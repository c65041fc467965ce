/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The dumped kernel's virtual addresses, whatever machine it ran on: picks
 * the backend (x86-mmu.h, arm64-mmu.h) from the dump itself (its ELF
 * e_machine, else its VMCOREINFO), never from the host, so an arm64 dump is
 * filtered and its log read on an x86_64 workstation and the other way
 * round.  Also the machine facts the collector writes into its output (the
 * page size, uname's machine). */

#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/arm64-mmu.h"
#include "initramfs/collect/phys-read.h"
#include "initramfs/collect/vmci.h"
#include "initramfs/collect/x86-mmu.h"

#define KERNEL_EM_X86_64 62
#define KERNEL_EM_AARCH64 183

struct kernel_mmu {
        uint16_t machine;       /* KERNEL_EM_X86_64 or KERNEL_EM_AARCH64 */
        union {
                struct x86_mmu x86;
                struct arm64_mmu arm64;
        } u;
};

/* The machine VMCOREINFO describes: SYMBOL(init_top_pgt) is only x86_64's,
 * NUMBER(kimage_voffset) only arm64's; 0 for neither or both. */
uint16_t kernel_machine_from_vmcoreinfo(const struct vmci *v);

/* machine: the dump's e_machine, or 0 where the dump has none (a
 * kdump-compressed dump, a test): then VMCOREINFO says.
 *   -EPROTONOSUPPORT  a machine with no backend, or none to be told
 *   the backend's errors (-ENOENT: a VMCOREINFO entry it needs is missing,
 *   -EINVAL: entries that do not fit together). */
int kernel_mmu_init(struct kernel_mmu *m, uint16_t machine, const struct vmci *v, phys_read_fn read, void *userdata);

/* As x86_mmu_translate() and arm64_mmu_translate(): -EFAULT when unmapped;
 * ret_span (may be NULL) is how many bytes stay physically contiguous. */
int kernel_mmu_translate(struct kernel_mmu *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span);
int kernel_mmu_read(struct kernel_mmu *m, uint64_t vaddr, void *buf, size_t len);

/* Page-table walks done, for statistics and tests. */
uint64_t kernel_mmu_walks(const struct kernel_mmu *m);

/* uname's machine for an e_machine: "x86_64", "aarch64"; NULL otherwise. */
const char *kernel_machine_name(uint16_t machine);

/* The dumped kernel's page size: VMCOREINFO's PAGESIZE (4K, 16K or 64K),
 * else 4096 for x86_64 and for a dump that says nothing of its machine.
 * -EINVAL for another PAGESIZE, -ENOENT for an arm64 dump without one (its
 * page size cannot be known). */
int kernel_page_size(uint16_t machine, const struct vmci *v, uint32_t *ret);
