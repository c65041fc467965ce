/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kexec-classic.h on arm64 (capture-kernel/meson.build picks this file on
 * aarch64 hosts): the segments arm64-classic.c plans, with the embedded
 * arm64 purgatory, handed to kexec_load(2) with KEXEC_ON_CRASH |
 * KEXEC_ARCH_AARCH64.  Debian's arm64 kernels have no kexec_file_load, so
 * loader=auto comes here after its ENOSYS. */
#include <errno.h>
#include <stdlib.h>

#include <linux/kexec.h>

#include "basic/macro.h"
#include "capture-kernel/arm64-classic.h"
#include "capture-kernel/kexec-classic.h"
#include "capture-kernel/kexec-syscall.h"
#include "capture-kernel/purgatory-arm64/purgatory-arm64-blob.h"

struct kexec_classic {
        arm64_classic *plan;
};

kexec_classic *kexec_classic_free(kexec_classic *k) {
        if (!k)
                return NULL;
        arm64_classic_free(k->plan);
        free(k);
        return NULL;
}

int kexec_classic_prepare(const struct kexec_classic_opts *opts, kexec_classic **ret, char **ret_error) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        int r;

        k = calloc(1, sizeof(*k));
        if (!k)
                return -ENOMEM;
        /* opts->rng_seed is x86's SETUP_RNG_SEED; here the tree's rng-seed
         * takes fresh bytes of the running tree's size. */
        r = arm64_classic_prepare(&(struct arm64_classic_opts) {
                        .sz = sizeof(struct arm64_classic_opts),
                        .kernel = opts->kernel, .initrd = opts->initrd, .cmdline = opts->cmdline, .root = opts->root,
                        .corrupt_digest = opts->corrupt_digest,
                        .purgatory = kdump_purgatory_arm64, .purgatory_size = kdump_purgatory_arm64_size,
                        .purgatory_layout = &kdump_purgatory_arm64_layout,
                }, &k->plan, ret_error);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(k);
        return 0;
}

const struct kexec_seg_list *kexec_classic_segments(const kexec_classic *k) {
        return arm64_classic_segments(k->plan);
}

uint64_t kexec_classic_entry(const kexec_classic *k) {
        return arm64_classic_entry(k->plan);
}

const char *kexec_classic_cmdline(const kexec_classic *k) {
        return arm64_classic_cmdline(k->plan);
}

int kexec_classic_load(const kexec_classic *k) {
        return kexec_load_crash(arm64_classic_entry(k->plan), arm64_classic_segments(k->plan), KEXEC_ARCH_AARCH64);
}

int kexec_classic_unload(void) {
        return kexec_load_crash_unload(KEXEC_ARCH_AARCH64);
}

const char *kexec_classic_explain(int error) {
        return kexec_load_crash_explain(error, NULL);
}
