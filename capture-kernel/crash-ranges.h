/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where the crash reservation is, from /proc/iomem: the "Crash kernel"
 * ranges.  Both classic loaders need it (x86_64's for the segments and the
 * e820 map, arm64's for the segments and linux,usable-memory-range), so it
 * lives apart from either.  Pure: works on a parsed iomem. */

#include <stdint.h>

#include "crashkernel-reserve/iomem.h"

/* The "Crash kernel" range the segments go to: crashk_res, which with
 * crashkernel=X,high is the one above 4 GiB; the other is crashk_low_res,
 * always the lower.  Returns the number of ranges found (0, 1 or 2), or
 * -E2BIG with more than two. */
int crash_ranges_from_iomem(const iomem *m, uint64_t *ret_start, uint64_t *ret_end, uint64_t *ret_low_start,
                            uint64_t *ret_low_end);
