/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <unistd.h>

#include "basic/macro.h"
#include "capture-kernel/arm64-image.h"
#include "capture-kernel/bzimage.h"
#include "capture-kernel/kernel-facts.h"

int kernel_facts_read(enum kernel_arch arch, const char *path, struct kernel_facts *ret, char **ret_error) {
        struct arm64_image_header h;
        enum arm64_image_form form;
        struct bzimage_info bz;
        int fd, r;

        if (kernel_arch_resolve(arch) == KERNEL_ARCH_ARM64) {
                r = arm64_image_open(path, &fd, &h, &form, ret_error);
                if (r < 0)
                        return r;
                *ret = (struct kernel_facts) {
                        .load_size = h.image_size,
                        .fd = fd,
                        .format = arm64_image_form_to_string(form),
                };
                return 0;
        }

        r = bzimage_parse_file(path, &bz);
        if (r < 0)
                return r;
        *ret = (struct kernel_facts) {
                .load_size = bz.init_size,
                .fd = -EBADF,
                .format = "bzImage",
        };
        return 0;
}

void kernel_facts_done(struct kernel_facts *f) {
        /* format is set on success only: a zeroed struct owns no fd 0. */
        if (f->format && f->fd >= 0)
                close(f->fd);
        *f = (struct kernel_facts) { .fd = -EBADF };
}
