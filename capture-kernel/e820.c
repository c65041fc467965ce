/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "capture-kernel/e820.h"

static int add(struct e820_map *m, uint64_t addr, uint64_t size, uint32_t type) {
        if (size == 0)
                return 0;
        if (m->n >= E820_MAP_MAX)
                return -E2BIG;
        m->e[m->n++] = (struct e820_ent) { .addr = addr, .size = size, .type = type };
        return 0;
}

/* Every range of that name, at any depth (walk_iomem_res_desc() descends
 * into children), clipped to [lo, hi]. */
static int add_named(struct e820_map *m, const iomem *io, const char *name, uint64_t lo, uint64_t hi, uint32_t type) {
        const struct iomem_range *r;
        size_t i = 0;
        int k;

        while ((r = iomem_next(io, name, -1, &i))) {
                uint64_t s = MAX(r->start, lo), e = MIN(r->end, hi);

                if (s > e)
                        continue;
                k = add(m, s, e - s + 1, type);
                if (k < 0)
                        return k;
        }
        return 0;
}

int capture_e820_build(const struct capture_e820_input *in, struct e820_map *ret) {
        _cleanup_free_ struct e820_map *mp = calloc(1, sizeof(*mp));
        struct e820_map *mm = mp;
        uint64_t hs = in->hdr_start, he = in->hdr_start + in->hdr_size; /* exclusive */
        int k;

        if (!mm)
                return -ENOMEM;
        if (in->crash_end <= in->crash_start)
                return -EINVAL;
        if (in->hdr_size > 0 && (hs < in->crash_start || he - 1 > in->crash_end))
                return -EINVAL;

        if ((k = add_named(mm, in->iomem, "System RAM", 0, (1u << 20) - 1, E820_TYPE_RAM)) < 0 ||
            (k = add_named(mm, in->iomem, "ACPI Tables", 0, UINT64_MAX, E820_TYPE_ACPI)) < 0 ||
            (k = add_named(mm, in->iomem, "ACPI Non-volatile Storage", 0, UINT64_MAX, E820_TYPE_NVS)) < 0 ||
            (k = add_named(mm, in->iomem, "Reserved", 0, UINT64_MAX, E820_TYPE_RESERVED)) < 0)
                return k;

        if (in->low_end > in->low_start && (k = add(mm, in->low_start, in->low_end - in->low_start + 1, E820_TYPE_RAM)) < 0)
                return k;

        /* crashk_res minus the header; like memmap_exclude_ranges() and the
         * loop after it, pieces smaller than a page are dropped. */
        if (in->hdr_size == 0)
                k = add(mm, in->crash_start, in->crash_end - in->crash_start + 1, E820_TYPE_RAM);
        else {
                uint64_t below = hs - in->crash_start, above = in->crash_end + 1 - he;

                k = 0;
                if (below >= 4096)
                        k = add(mm, in->crash_start, below, E820_TYPE_RAM);
                if (k >= 0 && above >= 4096)
                        k = add(mm, he, above, E820_TYPE_RAM);
        }
        if (k < 0)
                return k;

        *ret = *mm;
        return 0;
}
