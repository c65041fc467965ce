/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Giving part of the crash reservation back to the running system, without
 * a reboot, through /sys/kernel/kexec_crash_size (/sys/kernel/kexec/crash_size
 * from Linux 6.19).  The kernel's crash_shrink_memory() only ever shrinks,
 * refuses while a capture kernel is loaded (-ENOENT), frees from the top of
 * the range down, and rounds the size it keeps up to KEXEC_CRASH_MEM_ALIGN
 * (a page on x86).  The shrink lasts until the next boot, which reserves
 * what crashkernel= asks for again. */

#include <stdbool.h>
#include <stdint.h>

#include "crashkernel-reserve/reservation.h"

/* KEXEC_CRASH_MEM_ALIGN on x86 (include/linux/kexec.h: PAGE_SIZE). */
#define CRASH_SHRINK_ALIGN 4096ull

enum crash_shrink_verdict {
        CRASH_SHRINK_DO,              /* write new_size */
        CRASH_SHRINK_NOTHING,         /* already that size */
        _CRASH_SHRINK_VERDICT_MAX,
};

struct crash_shrink_plan {
        enum crash_shrink_verdict verdict;
        uint64_t old_size;            /* what kexec_crash_size reads now */
        uint64_t new_size;            /* what stays reserved, page-rounded */
        uint64_t freed;               /* old_size - new_size */
        bool below_needed;            /* new_size < what the estimate needs (forced) */
};

struct crash_shrink_request {
        size_t sz;
        uint64_t size;                /* what to keep */
        uint64_t needed;              /* what the capture environment needs (kdumpctl estimate); 0: unknown */
        bool force;                   /* allow below needed, and 0 */
};

/* Pure: decides what a shrink would do.  On a refusal returns -errno and,
 * if ret_error is given, a sentence saying why and what would work:
 * -ENOENT no reservation, -EINVAL growing (needs crashkernel= and a reboot),
 * -ERANGE below what the capture needs (or 0) without force. */
int crash_shrink_plan(const struct crash_reservation *res, const struct crash_shrink_request *req,
                      struct crash_shrink_plan *ret, char **ret_error);

/* Writes the size to the kernel (sysfs_kernel: normally /sys/kernel; the
 * 6.19 name first).  -ENOENT from the kernel means a capture kernel is
 * loaded; -EBUSY that a kexec operation holds the lock. */
int crash_shrink_write(const char *sysfs_kernel, uint64_t new_size);
