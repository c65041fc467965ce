/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "basic/macro.h"
#include "capture-kernel/kexec-classic.h"
#include "capture-kernel/kexec-file.h"
#include "capture-kernel/kexec-loader.h"

static const char *const names[] = {
        [KEXEC_LOADER_AUTO] = "auto",
        [KEXEC_LOADER_FILE] = "file",
        [KEXEC_LOADER_CLASSIC] = "classic",
};

int kexec_loader_from_string(const char *s, enum kexec_loader *ret) {
        for (size_t i = 0; s && i < ELEMENTSOF(names); i++)
                if (strcmp(s, names[i]) == 0) {
                        *ret = (enum kexec_loader) i;
                        return 0;
                }
        return -EINVAL;
}

const char *kexec_loader_to_string(enum kexec_loader l) {
        return (size_t) l < ELEMENTSOF(names) ? names[l] : "?";
}

bool kexec_loader_should_fall_back(int error) {
        error = error < 0 ? -error : error;
        return error == ENOSYS || error == EINVAL || error == ENOEXEC;
}

static int load_classic(const struct kexec_crash_load *o, char **ret_error) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        int r;

        r = kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts),
                        .kernel = o->kernel, .initrd = o->initrd, .cmdline = o->cmdline,
                        .corrupt_digest = o->corrupt_digest,
                }, &k, ret_error);
        if (r < 0)
                return r;
        return kexec_classic_load(k);
}

int kexec_crash_load(const struct kexec_crash_load *o, enum kexec_loader *ret_used, int *ret_file_error,
                     char **ret_error) {
        int r;

        if (ret_file_error)
                *ret_file_error = 0;
        if (o->loader == KEXEC_LOADER_CLASSIC) {
                *ret_used = KEXEC_LOADER_CLASSIC;
                return load_classic(o, ret_error);
        }

        *ret_used = KEXEC_LOADER_FILE;
        r = kexec_file_load_crash(o->kernel, o->initrd, o->cmdline);
        if (r >= 0 || o->loader == KEXEC_LOADER_FILE || !kexec_loader_should_fall_back(r))
                return r;

        if (ret_file_error)
                *ret_file_error = r;
        *ret_used = KEXEC_LOADER_CLASSIC;
        return load_classic(o, ret_error);
}
