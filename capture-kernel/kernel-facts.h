/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What kdumpd needs to know of a capture kernel file, whatever the
 * architecture: how much memory it takes where it is loaded (for sizing
 * the reservation and the "does it fit" check) and what to hand to
 * kexec_file_load.  x86_64: a bzImage, whose setup header's init_size is the
 * memory, handed over as is.  arm64: an Image (image_size), handed over as
 * is, or an Image.gz / EFI zboot file unpacked into a memfd (arm64-image.h)
 * since arm64's kexec_file_load takes only a raw Image. */

#include <stdint.h>

#include "basic/kernel-arch.h"

struct kernel_facts {
        uint64_t load_size;        /* x86_64: init_size; arm64: image_size */
        int fd;                    /* for kexec_file_load, or -EBADF: open the file itself */
        const char *format;        /* "bzImage", "Image", "gzip Image", "EFI zboot image" */
};

/* -errno, and a sentence in *ret_error when there is more to say than
 * strerror (*ret_error may stay NULL). */
int kernel_facts_read(enum kernel_arch arch, const char *path, struct kernel_facts *ret, char **ret_error);
/* Closes the fd; safe on a zero-initialised struct (which owns nothing). */
void kernel_facts_done(struct kernel_facts *f);
