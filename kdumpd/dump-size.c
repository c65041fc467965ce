/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "kdumpd/dump-size.h"

/* "Key:   123 kB" in KiB; -ENOENT when missing. */
static int meminfo_kib(const char *text, const char *key, uint64_t *ret) {
        size_t n = strlen(key);

        for (const char *p = text; p && *p;) {
                if (strncmp(p, key, n) == 0 && p[n] == ':') {
                        char *end;
                        unsigned long long v = strtoull(p + n + 1, &end, 10);
                        if (end == p + n + 1)
                                return -EINVAL;
                        *ret = v;
                        return 0;
                }
                p = strchr(p, '\n');
                p = p ? p + 1 : NULL;
        }
        return -ENOENT;
}

/* The -d value of a kdump-collect/makedumpfile command line; 0 (every
 * page) when there is none. */
static unsigned dump_level(const kdump_config *c) {
        _cleanup_(kdump_config_argv_freep) char **argv = NULL;
        unsigned level = 0;

        if (kdump_config_collector_argv(c, &argv) < 0)
                return 0;
        for (size_t i = 1; argv[i]; i++) {
                const char *v = NULL;

                if (strcmp(argv[i], "-d") == 0 && argv[i + 1])
                        v = argv[i + 1];
                else if (strncmp(argv[i], "-d", 2) == 0 && argv[i][2])
                        v = argv[i] + 2;
                else if (strncmp(argv[i], "--dump-level=", 13) == 0)
                        v = argv[i] + 13;
                if (v)
                        level = (unsigned) strtoul(v, NULL, 10);
        }
        return level;
}

int dump_size_estimate(const char *meminfo, const kdump_config *c, uint64_t *ret) {
        uint64_t total, free, cached = 0, buffers = 0, anon = 0, used;
        unsigned level = dump_level(c);
        int r;

        r = meminfo_kib(meminfo, "MemTotal", &total);
        if (r >= 0)
                r = meminfo_kib(meminfo, "MemFree", &free);
        if (r < 0)
                return r;
        (void) meminfo_kib(meminfo, "Cached", &cached);
        (void) meminfo_kib(meminfo, "Buffers", &buffers);
        (void) meminfo_kib(meminfo, "AnonPages", &anon);
        /* scp copies /proc/vmcore whole; otherwise each left-out class
         * comes off (level 1, zero pages, cannot be told from here) */
        used = total;
        if (!kdump_config_collector_is_scp(c)) {
                if ((level & 16) && used > free)
                        used -= free;
                if ((level & (2 | 4)) && used > cached + buffers)
                        used -= cached + buffers;
                if ((level & 8) && used > anon)
                        used -= anon;
        }
        *ret = used * 1024;
        return 0;
}
