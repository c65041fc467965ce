/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bound of a dump's size, from meminfo and the dump level. */
#include "basic/macro.h"
#include "kdumpd/dump-size.h"
#include "tests.h"

static const char meminfo[] =
        "MemTotal:        1000000 kB\n"
        "MemFree:          400000 kB\n"
        "MemAvailable:     700000 kB\n"
        "Buffers:           10000 kB\n"
        "Cached:           200000 kB\n"
        "SwapCached:            0 kB\n"
        "AnonPages:        150000 kB\n";

static uint64_t estimate(const char *conf) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        uint64_t n = 0;

        if (kdump_config_parse(conf, "x.conf", &c, NULL) < 0 || dump_size_estimate(meminfo, c, &n) < 0)
                return UINT64_MAX;
        return n;
}

TEST(levels) {
        /* -d 31: the kernel's own memory */
        ASSERT_EQ(estimate("core_collector kdump-collect -l -d 31\n"), (1000000ull - 400000 - 210000 - 150000) * 1024);
        ASSERT_EQ(estimate(""), (1000000ull - 400000 - 210000 - 150000) * 1024);     /* the default is -d 31 */
        ASSERT_EQ(estimate("core_collector makedumpfile -c -d17\n"), (1000000ull - 400000) * 1024);
        ASSERT_EQ(estimate("core_collector kdump-collect -l --dump-level=1\n"), 1000000ull * 1024);
        ASSERT_EQ(estimate("core_collector kdump-collect -E\n"), 1000000ull * 1024);
        /* scp copies all of memory */
        ASSERT_EQ(estimate("ssh root@h\ncore_collector scp\n"), 1000000ull * 1024);
}

TEST(bad_meminfo) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        uint64_t n;

        ASSERT_OK(kdump_config_parse("", "x.conf", &c, NULL));
        ASSERT_ERR(dump_size_estimate("MemFree: 1 kB\n", c, &n), ENOENT);
        ASSERT_ERR(dump_size_estimate("MemTotal: x kB\nMemFree: 1 kB\n", c, &n), EINVAL);
}

TEST_MAIN()
