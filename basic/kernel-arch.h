/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>

/* The architecture of the capture kernel.  kexec only boots a kernel of the
 * running architecture, so the build's architecture decides (the single
 * #if is in kernel-arch.c); the pure code that differs per architecture
 * (cmdline.c's parameters, kernel-facts.c's image format) takes it as an
 * argument so every architecture's answer is unit-tested on any host. */

enum kernel_arch {
        KERNEL_ARCH_NATIVE = 0,       /* the build's: zero-initialised options mean "this machine" */
        KERNEL_ARCH_X86_64,
        KERNEL_ARCH_ARM64,
};

/* The build's architecture; never KERNEL_ARCH_NATIVE. */
enum kernel_arch kernel_arch_native(void);

/* KERNEL_ARCH_NATIVE resolved; others unchanged. */
enum kernel_arch kernel_arch_resolve(enum kernel_arch a);

/* Debian's multiarch triplet ("x86_64-linux-gnu", "aarch64-linux-gnu"). */
const char *kernel_arch_triplet(enum kernel_arch a);

/* What uname -m says ("x86_64", "aarch64"): the name a dump's header
 * (utsname.machine) records. */
const char *kernel_arch_uname(enum kernel_arch a);

/* Debian's name of the architecture ("amd64", "arm64"): its packages'. */
const char *kernel_arch_debian(enum kernel_arch a);

/* The architecture of an ELF e_machine (EM_X86_64, EM_AARCH64) or of a
 * uname -m name; -EPROTONOSUPPORT for any other. */
int kernel_arch_from_elf_machine(uint16_t e_machine, enum kernel_arch *ret);
int kernel_arch_from_uname(const char *machine, enum kernel_arch *ret);
