/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The crash reservation (crashk_res, and crashk_low_res with ",high"): what
 * /proc/iomem calls "Crash kernel" and what /sys/kernel/kexec_crash_size
 * totals. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crashkernel-reserve/iomem.h"

#define CRASH_RANGES_MAX 4

struct crash_reservation {
        struct { uint64_t start, size; } ranges[CRASH_RANGES_MAX];
        size_t n_ranges;
        uint64_t total;          /* sum of ranges */
        uint64_t system_ram;     /* all "System RAM", for sizing advice */
        int64_t sysfs_size;      /* kexec_crash_size, -1 if unreadable */
        int loaded;              /* kexec_crash_loaded: 0, 1, or -1 if unreadable */
};

/* Pure: from a parsed /proc/iomem. */
int crash_reservation_from_iomem(const iomem *m, struct crash_reservation *ret);

/* The largest range: where kexec_file_load places the segments
 * (kexec_locate_mem_hole() walks crashk_res). */
uint64_t crash_reservation_largest(const struct crash_reservation *res, uint64_t *ret_start);

struct crash_reservation_paths {
        size_t sz;
        const char *iomem;               /* default /proc/iomem */
        const char *sysfs_kernel;        /* default /sys/kernel */
};

/* Reads /proc/iomem and sysfs.  -EPERM when /proc/iomem hides addresses. */
int crash_reservation_read(const struct crash_reservation_paths *paths, struct crash_reservation *ret);

/* A crashkernel= value to recommend for a machine with that much RAM, in
 * kdump-utils' measured form "2G-64G:256M,64G-:512M" for now; the measured
 * policy comes with "kdumpctl estimate". */
const char *crashkernel_recommend(uint64_t system_ram);
