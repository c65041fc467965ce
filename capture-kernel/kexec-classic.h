/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The classic loader: kexec_load(2) with KEXEC_ON_CRASH, every segment built
 * here, placed in the crash reservation and checked by the kernel's rules
 * before the syscall.  One implementation per architecture, chosen by
 * capture-kernel/meson.build: x86_64's kexec-classic.c (kernel, initrd,
 * boot_params + command line, ELF core header, purgatory), arm64's
 * kexec-classic-arm64.c (arm64-classic.h: Image, initrd, ELF core header,
 * device tree, purgatory), and kexec-classic-unsupported.c elsewhere.
 *
 * kexec_classic_prepare() only reads files (from opts->root, "" for the
 * live system) and builds; kexec_classic_load() makes the syscall. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/segments.h"

struct kexec_classic_opts {
        size_t sz;
        const char *kernel;            /* bzImage; arm64: Image, Image.gz or EFI zboot */
        const char *initrd;            /* NULL: none */
        const char *cmdline;           /* without elfcorehdr=: x86_64 prepends it, arm64 passes the
                                        * header in the device tree */
        const char *root;              /* where /proc and /sys are; NULL or "" = live */
        bool corrupt_digest;           /* test hook: store a wrong digest so the purgatory must refuse */
        /* x86_64: SETUP_RNG_SEED bytes (BOOT_PARAMS_RNG_SEED_SIZE); NULL: 32
         * bytes from getrandom(GRND_NONBLOCK), none while the RNG is not
         * ready.  arm64 ignores it: the tree's rng-seed is always fresh. */
        const uint8_t *rng_seed;
};

typedef struct kexec_classic kexec_classic;

/* On failure *ret_error (if not NULL) gets a sentence for the user. */
int kexec_classic_prepare(const struct kexec_classic_opts *opts, kexec_classic **ret, char **ret_error);
kexec_classic *kexec_classic_free(kexec_classic *k);
static inline void kexec_classic_freep(kexec_classic **k) {
        if (*k)
                kexec_classic_free(*k);
}

const struct kexec_seg_list *kexec_classic_segments(const kexec_classic *k);
uint64_t kexec_classic_entry(const kexec_classic *k);
const char *kexec_classic_cmdline(const kexec_classic *k);   /* as the capture kernel gets it */

/* kexec_load(entry, n, segments, KEXEC_ON_CRASH | KEXEC_ARCH_X86_64, or
 * KEXEC_ARCH_AARCH64 on arm64). */
int kexec_classic_load(const kexec_classic *k);
/* kexec_load(0, 0, NULL, KEXEC_ON_CRASH): drops the crash image. */
int kexec_classic_unload(void);

const char *kexec_classic_explain(int error);
