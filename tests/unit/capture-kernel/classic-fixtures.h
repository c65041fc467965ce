/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the classic loader's tests share: a kernel image file and a way to
 * find a segment by name. */

#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "capture-kernel/kexec-classic.h"
#include "tests.h"

#define DEBIAN_VMLINUZ_SIZE 8247232u

/* A bzImage file of the Debian kernel's size with its real first KiB and a
 * patterned body (so a digest over it means something). */
static inline const char *forge_kernel(void) {
        _cleanup_free_ char *head = NULL, *img = NULL;
        size_t n;

        ASSERT_OK(read_full_file(test_fixture("capture-kernel/vmlinuz-6.1.0-56-amd64.head"), &head, &n));
        img = calloc(1, DEBIAN_VMLINUZ_SIZE);
        ASSERT_TRUE(img);
        memcpy(img, head, n);
        for (size_t i = 40 * 512; i < DEBIAN_VMLINUZ_SIZE; i++)
                img[i] = (char) (i * 7);
        ASSERT_OK(write_file_atomic(test_tmp("vmlinuz"), img, DEBIAN_VMLINUZ_SIZE, 0644));
        return test_tmp("vmlinuz");
}

static inline const struct kexec_seg *seg(const kexec_classic *k, const char *name) {
        const struct kexec_seg_list *l = kexec_classic_segments(k);
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->segs[i].name, name) == 0)
                        return &l->segs[i];
        TEST_FAIL("no segment %s", name);
}
