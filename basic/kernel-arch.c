/* SPDX-License-Identifier: GPL-2.0-or-later */
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
