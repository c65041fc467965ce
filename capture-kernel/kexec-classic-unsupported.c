/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kexec-classic.h where there is no classic loader yet: every architecture
 * but x86_64 (capture-kernel/meson.build picks this file instead of
 * kexec-classic.c, boot-params.c, e820.c, setup-data.c and the purgatory).
 * kexec_file_load (loader=file, and auto) is the way to load the capture
 * kernel there; asking for kexec_load fails with -EOPNOTSUPP and a sentence
 * that says so, never with something that looks like a kernel refusal. */
#include <errno.h>
#include <stdlib.h>

#include "basic/error-message.h"
#include "build-config.h"
#include "capture-kernel/kexec-classic.h"

#define UNSUPPORTED "the classic kexec_load loader is not yet available on " KDUMP_HOST_ARCH

int kexec_classic_prepare(const struct kexec_classic_opts *opts, kexec_classic **ret, char **ret_error) {
        return set_error_message(ret_error, -EOPNOTSUPP, "%s; only kexec_file_load (loader=file) can load the capture kernel here.",
                                 UNSUPPORTED);
}

kexec_classic *kexec_classic_free(kexec_classic *k) {
        /* kexec_classic_prepare() never makes one. */
        return NULL;
}

const struct kexec_seg_list *kexec_classic_segments(const kexec_classic *k) {
        return NULL;
}

uint64_t kexec_classic_entry(const kexec_classic *k) {
        return 0;
}

const char *kexec_classic_cmdline(const kexec_classic *k) {
        return NULL;
}

int kexec_classic_load(const kexec_classic *k) {
        return -EOPNOTSUPP;
}

int kexec_classic_unload(void) {
        return -EOPNOTSUPP;
}

const char *kexec_classic_explain(int error) {
        return abs(error) == EOPNOTSUPP ? UNSUPPORTED : "unexpected error from kexec_load";
}
