/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The classic loader: kexec_load(2) with KEXEC_ON_CRASH, every segment built
 * here (kernel, initrd, boot_params + command line, ELF core header,
 * purgatory), placed top-down in the crash reservation and checked by the
 * kernel's rules before the syscall.
 *
 * kexec_classic_prepare() only reads files (from opts->root, "" for the
 * live system) and builds; kexec_classic_load() makes the syscall. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/segments.h"

struct kexec_classic_opts {
        size_t sz;
        const char *kernel;            /* bzImage path */
        const char *initrd;            /* NULL: none */
        const char *cmdline;           /* without elfcorehdr=, which is prepended */
        const char *root;              /* where /proc and /sys are; NULL or "" = live */
        bool corrupt_digest;           /* test hook: store a wrong digest so the purgatory must refuse */
        /* SETUP_RNG_SEED bytes (BOOT_PARAMS_RNG_SEED_SIZE); NULL: 32 bytes
         * from getrandom(GRND_NONBLOCK), none while the RNG is not ready. */
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

/* kexec_load(entry, n, segments, KEXEC_ON_CRASH | KEXEC_ARCH_X86_64). */
int kexec_classic_load(const kexec_classic *k);
/* kexec_load(0, 0, NULL, KEXEC_ON_CRASH): drops the crash image. */
int kexec_classic_unload(void);

const char *kexec_classic_explain(int error);
