/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "basic/kernel-arch.h"

enum kernel_arch kernel_arch_native(void) {
#if defined(__aarch64__)
        return KERNEL_ARCH_ARM64;
#elif defined(__x86_64__)
        return KERNEL_ARCH_X86_64;
#else
#  error "kdumpd knows the capture kernel of x86_64 and arm64 only"
#endif
}

enum kernel_arch kernel_arch_resolve(enum kernel_arch a) {
        return a == KERNEL_ARCH_NATIVE ? kernel_arch_native() : a;
}

const char *kernel_arch_triplet(enum kernel_arch a) {
        return kernel_arch_resolve(a) == KERNEL_ARCH_ARM64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}

const char *kernel_arch_uname(enum kernel_arch a) {
        return kernel_arch_resolve(a) == KERNEL_ARCH_ARM64 ? "aarch64" : "x86_64";
}

const char *kernel_arch_debian(enum kernel_arch a) {
        return kernel_arch_resolve(a) == KERNEL_ARCH_ARM64 ? "arm64" : "amd64";
}

int kernel_arch_from_elf_machine(uint16_t e_machine, enum kernel_arch *ret) {
        switch (e_machine) {
        case EM_X86_64:
                *ret = KERNEL_ARCH_X86_64;
                return 0;
        case EM_AARCH64:
                *ret = KERNEL_ARCH_ARM64;
                return 0;
        }
        return -EPROTONOSUPPORT;
}

int kernel_arch_from_uname(const char *machine, enum kernel_arch *ret) {
        static const enum kernel_arch all[] = { KERNEL_ARCH_X86_64, KERNEL_ARCH_ARM64 };

        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
                if (machine && strcmp(machine, kernel_arch_uname(all[i])) == 0) {
                        *ret = all[i];
                        return 0;
                }
        return -EPROTONOSUPPORT;
}
