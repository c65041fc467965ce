/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "crashkernel-reserve/shrink.h"

/* The size kernel's crash_shrink_memory() compares with: crash_get_memory_size(),
 * which is what kexec_crash_size reads (crashk_res, plus crashk_low_res from
 * 6.4).  Without sysfs, /proc/iomem's total. */
static uint64_t current_size(const struct crash_reservation *res) {
        return res->sysfs_size >= 0 ? (uint64_t) res->sysfs_size : res->total;
}

int crash_shrink_plan(const struct crash_reservation *res, const struct crash_shrink_request *req,
                      struct crash_shrink_plan *ret, char **ret_error) {
        struct crash_shrink_plan plan = {};
        char a[32], b[32];
        char *err = NULL;
        int r;

        plan.old_size = current_size(res);
        if (plan.old_size == 0) {
                r = -ENOENT;
                (void) asprintf(&err, "No memory is reserved for a capture kernel, so there is nothing to shrink "
                                "(crashkernel= and a reboot reserve it).");
                goto fail;
        }
        if (req->size > plan.old_size) {
                r = -EINVAL;
                (void) asprintf(&err, "The reservation is %s; the kernel can only shrink it in place, not grow it to %s. "
                                "Set crashkernel= (kdumpctl reset-crashkernel) and reboot.",
                                format_bytes(a, sizeof(a), plan.old_size), format_bytes(b, sizeof(b), req->size));
                goto fail;
        }

        /* crash_shrink_memory(): end = roundup(start + new_size, align). */
        plan.new_size = (req->size + CRASH_SHRINK_ALIGN - 1) / CRASH_SHRINK_ALIGN * CRASH_SHRINK_ALIGN;
        if (plan.new_size > plan.old_size)      /* an unaligned reservation: keep it all */
                plan.new_size = plan.old_size;
        if (plan.new_size == 0 && !req->force) {
                r = -ERANGE;
                (void) asprintf(&err, "Shrinking to 0 frees the whole reservation: no capture kernel can be loaded "
                                "until the next boot. Add --force if that is what you want.");
                goto fail;
        }
        if (req->needed > 0 && plan.new_size < req->needed) {
                if (!req->force) {
                        r = -ERANGE;
                        (void) asprintf(&err, "%s is less than the capture environment needs here (%s, see kdumpctl "
                                        "estimate): the capture kernel could run out of memory and save nothing. "
                                        "Keep at least that, or add --force.",
                                        format_bytes(a, sizeof(a), plan.new_size), format_bytes(b, sizeof(b), req->needed));
                        goto fail;
                }
                plan.below_needed = true;
        }
        plan.verdict = plan.new_size == plan.old_size ? CRASH_SHRINK_NOTHING : CRASH_SHRINK_DO;
        plan.freed = plan.old_size - plan.new_size;
        *ret = plan;
        return 0;

fail:
        if (ret_error)
                *ret_error = err;
        else
                free(err);
        return r;
}

int crash_shrink_write(const char *sysfs_kernel, uint64_t new_size) {
        char path[4096], value[32];

        snprintf(value, sizeof(value), "%" PRIu64, new_size);
        /* Linux 6.19 moved the file under /sys/kernel/kexec/ (the old name
         * stays as a link): write the new one where it exists. */
        snprintf(path, sizeof(path), "%s/kexec/crash_size", sysfs_kernel ? sysfs_kernel : "/sys/kernel");
        if (access(path, F_OK) < 0)
                snprintf(path, sizeof(path), "%s/kexec_crash_size", sysfs_kernel ? sysfs_kernel : "/sys/kernel");
        return write_string_file(path, value);
}
