/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stddef.h>

#include "capture-kernel/crash-ranges.h"

int crash_ranges_from_iomem(const iomem *m, uint64_t *ret_start, uint64_t *ret_end, uint64_t *ret_low_start,
                            uint64_t *ret_low_end) {
        const struct iomem_range *r, *found[2] = {};
        size_t i = 0, n = 0;

        while ((r = iomem_next(m, "Crash kernel", -1, &i))) {
                if (n >= 2)
                        return -E2BIG;
                found[n++] = r;
        }
        if (n == 2 && found[0]->start > found[1]->start) {
                const struct iomem_range *t = found[0];
                found[0] = found[1];
                found[1] = t;
        }
        *ret_start = n ? found[n - 1]->start : 0;
        *ret_end = n ? found[n - 1]->end : 0;
        *ret_low_start = n == 2 ? found[0]->start : 0;
        *ret_low_end = n == 2 ? found[0]->end : 0;
        return (int) n;
}
