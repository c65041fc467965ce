/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CPUs and memory a loaded crash header describes, to tell udev's
 * coldplug replay from real hotplug (topology.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "crashkernel-reserve/iomem.h"
#include "kdumpd/topology.h"

int topology_fingerprint(const char *iomem_text, const char *cpus_online, char **ret) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        _cleanup_free_ char *s = NULL;
        const struct iomem_range *r;
        size_t len = 0, idx = 0;
        FILE *f;
        int n = 0, e;

        e = iomem_parse(iomem_text, &m);
        if (e < 0)
                return e;
        f = open_memstream(&s, &len);
        if (!f)
                return -ENOMEM;
        fputs("ram=", f);
        while ((r = iomem_next(m, "System RAM", 0, &idx))) {
                fprintf(f, "%s%llx-%llx", n++ ? "," : "", (unsigned long long) r->start, (unsigned long long) r->end);
        }
        fprintf(f, ";cpus=%.*s", (int) strcspn(cpus_online ?: "", "\n"), cpus_online ?: "");
        if (fclose(f) != 0)
                return -ENOMEM;
        if (n == 0)
                return -EINVAL;
        *ret = TAKE_PTR(s);
        return 0;
}

int topology_read(char **ret) {
        _cleanup_free_ char *iomem_text = NULL, *cpus = NULL;
        size_t n;
        int r;

        r = read_full_file("/proc/iomem", &iomem_text, &n);
        if (r < 0)
                return r;
        r = read_one_line_file("/sys/devices/system/cpu/online", &cpus);
        if (r < 0)
                return r;
        return topology_fingerprint(iomem_text, cpus, ret);
}
