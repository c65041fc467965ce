/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "crashkernel-reserve/iomem.h"

iomem *iomem_free(iomem *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n_ranges; i++)
                free(m->ranges[i].name);
        free(m->ranges);
        free(m);
        return NULL;
}

static int parse_line(const char *line, size_t len, struct iomem_range *ret) {
        _cleanup_free_ char *l = strndup(line, len);
        char *dash, *colon, *name;
        unsigned spaces;
        uint64_t start, end;
        int r;

        if (!l)
                return -ENOMEM;
        spaces = (unsigned) strspn(l, " ");
        dash = strchr(l + spaces, '-');
        colon = strstr(l + spaces, " : ");
        if (!dash || !colon || dash > colon)
                return -EINVAL;
        *dash = 0;
        *colon = 0;
        r = safe_atou64_base(l + spaces, 16, &start);
        if (r < 0)
                return r;
        r = safe_atou64_base(dash + 1, 16, &end);
        if (r < 0)
                return r;
        if (end < start)
                return -EINVAL;
        name = strdup(colon + 3);
        if (!name)
                return -ENOMEM;
        *ret = (struct iomem_range) {
                .start = start,
                .end = end,
                .depth = spaces / 2,
                .name = name,
        };
        return 0;
}

int iomem_parse(const char *text, iomem **ret) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        bool any_nonzero = false;
        size_t allocated = 0;
        const char *p = text;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;

        while (*p) {
                size_t len = strcspn(p, "\n");

                if (len > 0) {
                        if (m->n_ranges >= IOMEM_MAX_RANGES)
                                return -E2BIG;
                        if (m->n_ranges == allocated) {
                                size_t na = allocated ? allocated * 2 : 64;
                                struct iomem_range *t = realloc(m->ranges, na * sizeof(*t));
                                if (!t)
                                        return -ENOMEM;
                                m->ranges = t;
                                allocated = na;
                        }
                        r = parse_line(p, len, &m->ranges[m->n_ranges]);
                        if (r < 0)
                                return r;
                        if (m->ranges[m->n_ranges].end != 0)
                                any_nonzero = true;
                        m->n_ranges++;
                }
                p += len;
                if (*p == '\n')
                        p++;
        }

        /* kernel/resource.c r_show() prints zeros unless the reader has
         * CAP_SYS_ADMIN: such a tree is useless, say so. */
        if (m->n_ranges > 0 && !any_nonzero)
                return -EPERM;

        *ret = TAKE_PTR(m);
        return 0;
}

int iomem_load(const char *path, iomem **ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_full_file(path, &text, NULL);
        if (r < 0)
                return r;
        return iomem_parse(text, ret);
}

const struct iomem_range *iomem_next(const iomem *m, const char *name, int depth, size_t *idx) {
        for (; *idx < m->n_ranges; (*idx)++) {
                const struct iomem_range *r = &m->ranges[*idx];
                if ((depth < 0 || (unsigned) depth == r->depth) && strcmp(r->name, name) == 0) {
                        (*idx)++;
                        return r;
                }
        }
        return NULL;
}

uint64_t iomem_total(const iomem *m, const char *name) {
        const struct iomem_range *r;
        uint64_t total = 0;
        size_t i = 0;

        while ((r = iomem_next(m, name, -1, &i)))
                total += iomem_range_size(r);
        return total;
}
