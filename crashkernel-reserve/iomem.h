/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* /proc/iomem: the kernel's resource tree (kernel/resource.c,
 * r_show()).  Each line is "<indent>start-end : name" with two spaces of
 * indent per level; start and end are inclusive.  Unprivileged readers see
 * every address as 0, which we report as -EPERM rather than trust. */

#include <stddef.h>

#include <stdint.h>

#define IOMEM_MAX_RANGES 65536u

struct iomem_range {
        uint64_t start;
        uint64_t end;          /* inclusive, as the kernel prints it */
        unsigned depth;
        char *name;
};

typedef struct iomem {
        struct iomem_range *ranges;
        size_t n_ranges;
} iomem;

int iomem_parse(const char *text, iomem **ret);
int iomem_load(const char *path, iomem **ret);
iomem *iomem_free(iomem *m);

static inline void iomem_freep(iomem **m) {
        if (*m)
                iomem_free(*m);
}

static inline uint64_t iomem_range_size(const struct iomem_range *r) {
        return r->end - r->start + 1;
}

/* Iterates over top-level (or any-level, depth < 0) ranges of that name:
 * pass *idx = 0 first; returns NULL at the end. */
const struct iomem_range *iomem_next(const iomem *m, const char *name, int depth, size_t *idx);

/* Sum of the sizes of all ranges with that name at any depth. */
uint64_t iomem_total(const iomem *m, const char *name);
