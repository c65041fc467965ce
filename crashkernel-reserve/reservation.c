/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "crashkernel-reserve/crashkernel-policy.h"
#include "crashkernel-reserve/reservation.h"

int crash_reservation_from_iomem(const iomem *m, struct crash_reservation *ret) {
        struct crash_reservation res = { .sysfs_size = -1, .loaded = -1 };
        const struct iomem_range *r;
        size_t i = 0;

        /* Crash kernel ranges are children of System RAM (depth 1) on x86;
         * accept any depth so other layouts work too. */
        while ((r = iomem_next(m, "Crash kernel", -1, &i))) {
                if (res.n_ranges >= CRASH_RANGES_MAX)
                        return -E2BIG;
                res.ranges[res.n_ranges].start = r->start;
                res.ranges[res.n_ranges].size = iomem_range_size(r);
                res.total += iomem_range_size(r);
                res.n_ranges++;
        }
        i = 0;
        while ((r = iomem_next(m, "System RAM", 0, &i)))
                res.system_ram += iomem_range_size(r);

        *ret = res;
        return 0;
}

uint64_t crash_reservation_largest(const struct crash_reservation *res, uint64_t *ret_start) {
        uint64_t best = 0, start = 0;

        for (size_t i = 0; i < res->n_ranges; i++)
                if (res->ranges[i].size > best) {
                        best = res->ranges[i].size;
                        start = res->ranges[i].start;
                }
        if (ret_start)
                *ret_start = start;
        return best;
}

int crash_reservation_read(const struct crash_reservation_paths *paths, struct crash_reservation *ret) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        const char *iomem_path = "/proc/iomem", *sys = "/sys/kernel";
        struct crash_reservation res;
        char p[4096];
        uint64_t v;
        int r;

        if (paths && paths->iomem)
                iomem_path = paths->iomem;
        if (paths && paths->sysfs_kernel)
                sys = paths->sysfs_kernel;

        r = iomem_load(iomem_path, &m);
        if (r < 0)
                return r;
        r = crash_reservation_from_iomem(m, &res);
        if (r < 0)
                return r;

        /* Linux 6.19 moved these under /sys/kernel/kexec/, keeping the old
         * names as links: read the new one first. */
        snprintf(p, sizeof(p), "%s/kexec/crash_size", sys);
        r = read_u64_file(p, 10, &v);
        if (r < 0) {
                snprintf(p, sizeof(p), "%s/kexec_crash_size", sys);
                r = read_u64_file(p, 10, &v);
        }
        if (r >= 0)
                res.sysfs_size = (int64_t) v;

        snprintf(p, sizeof(p), "%s/kexec/crash_loaded", sys);
        r = read_u64_file(p, 10, &v);
        if (r < 0) {
                snprintf(p, sizeof(p), "%s/kexec_crash_loaded", sys);
                r = read_u64_file(p, 10, &v);
        }
        if (r >= 0)
                res.loaded = v != 0;

        *ret = res;
        return 0;
}

const char *crashkernel_recommend(uint64_t system_ram) {
        /* The measured policy with typical inputs (crashkernel-policy.h), in
         * the range form; "kdumpctl get-default-crashkernel" uses this
         * machine's kernel and initramfs instead. */
        static char buf[512];
        struct crashkernel_inputs in = { .sz = sizeof(in), .system_ram = system_ram };

        if (crashkernel_recommend_ranges(&in, buf, sizeof(buf)) < 0)
                return "256M";
        return buf;
}
