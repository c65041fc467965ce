/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "basic/kernel-arch.h"
#include "basic/parse-util.h"
#include "initramfs/collect/kernel-mmu.h"

static bool has_symbol(const struct vmci *v, const char *name) {
        uint64_t x;
        return vmci_symbol(v, name, &x) != -ENOENT;
}

static bool has_number(const struct vmci *v, const char *name) {
        uint64_t x;
        return vmci_number_u64(v, name, &x) != -ENOENT;
}

uint16_t kernel_machine_from_vmcoreinfo(const struct vmci *v) {
        bool x86 = has_symbol(v, "init_top_pgt"), arm64 = has_number(v, "kimage_voffset");

        if (x86 == arm64)
                return 0;
        return x86 ? KERNEL_EM_X86_64 : KERNEL_EM_AARCH64;
}

int kernel_mmu_init(struct kernel_mmu *m, uint16_t machine, const struct vmci *v, phys_read_fn read, void *userdata) {
        struct kernel_mmu n = {};
        int r;

        if (machine == 0)
                machine = kernel_machine_from_vmcoreinfo(v);
        switch (machine) {
        case KERNEL_EM_X86_64:
                r = x86_mmu_init(&n.u.x86, v, read, userdata);
                break;
        case KERNEL_EM_AARCH64:
                r = arm64_mmu_init(&n.u.arm64, v, read, userdata);
                break;
        default:
                return -EPROTONOSUPPORT;
        }
        if (r < 0)
                return r;
        n.machine = machine;
        *m = n;
        return 0;
}

int kernel_mmu_translate(struct kernel_mmu *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span) {
        if (m->machine == KERNEL_EM_AARCH64)
                return arm64_mmu_translate(&m->u.arm64, vaddr, ret_paddr, ret_span);
        return x86_mmu_translate(&m->u.x86, vaddr, ret_paddr, ret_span);
}

int kernel_mmu_read(struct kernel_mmu *m, uint64_t vaddr, void *buf, size_t len) {
        if (m->machine == KERNEL_EM_AARCH64)
                return arm64_mmu_read(&m->u.arm64, vaddr, buf, len);
        return x86_mmu_read(&m->u.x86, vaddr, buf, len);
}

uint64_t kernel_mmu_walks(const struct kernel_mmu *m) {
        return m->machine == KERNEL_EM_AARCH64 ? m->u.arm64.walks : m->u.x86.walks;
}

const char *kernel_machine_name(uint16_t machine) {
        enum kernel_arch a;

        return kernel_arch_from_elf_machine(machine, &a) < 0 ? NULL : kernel_arch_uname(a);
}

int kernel_page_size(uint16_t machine, const struct vmci *v, uint32_t *ret) {
        char buf[32];
        uint64_t ps;
        int r;

        r = vmci_string(v, "PAGESIZE", buf, sizeof(buf));
        if (r == -ENOENT) {
                if (machine == 0)
                        machine = kernel_machine_from_vmcoreinfo(v);
                if (machine == KERNEL_EM_AARCH64)
                        return -ENOENT;
                *ret = 4096;
                return 0;
        }
        if (r < 0 || safe_atou64_base(buf, 10, &ps) < 0 || (ps != 4096 && ps != 16384 && ps != 65536))
                return -EINVAL;
        *ret = (uint32_t) ps;
        return 0;
}
