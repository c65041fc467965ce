/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include <stdio.h>

#include "basic/macro.h"
#include "crashkernel-reserve/reservation.h"
#include "tests.h"

TEST(qemu_guest_with_crashkernel_256m) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        struct crash_reservation res;
        uint64_t start;

        ASSERT_OK(iomem_load(test_fixture("iomem/qemu-pc-1g-crash256m.txt"), &m));
        ASSERT_OK(crash_reservation_from_iomem(m, &res));
        ASSERT_EQ(res.n_ranges, 1);
        ASSERT_EQ(res.ranges[0].start, 0x10000000);
        ASSERT_EQ(res.ranges[0].size, 256ull << 20);
        ASSERT_EQ(res.total, 256ull << 20);
        ASSERT_EQ(crash_reservation_largest(&res, &start), 256ull << 20);
        ASSERT_EQ(start, 0x10000000);
        /* 0x1000-0x9fbff and 0x100000-0x3ffdefff */
        ASSERT_EQ(res.system_ram, (0x9fc00 - 0x1000) + (0x3ffdf000 - 0x100000));
}

TEST(high_and_low_reservation) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        struct crash_reservation res;
        uint64_t start;

        ASSERT_OK(iomem_load(test_fixture("iomem/high-low.txt"), &m));
        ASSERT_OK(crash_reservation_from_iomem(m, &res));
        ASSERT_EQ(res.n_ranges, 2);
        ASSERT_EQ(res.total, (256ull << 20) + (0x83f000000ull - 0x7c0000000ull));
        ASSERT_EQ(crash_reservation_largest(&res, &start), 0x83f000000ull - 0x7c0000000ull);
        ASSERT_EQ(start, 0x7c0000000ull);
}

TEST(no_reservation) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        struct crash_reservation res;

        ASSERT_OK(iomem_parse("00001000-0009ffff : System RAM\n", &m));
        ASSERT_OK(crash_reservation_from_iomem(m, &res));
        ASSERT_EQ(res.n_ranges, 0);
        ASSERT_EQ(res.total, 0);
}

TEST(unprivileged_reader_is_refused) {
        iomem *m = NULL;

        ASSERT_ERR(iomem_load(test_fixture("iomem/unprivileged.txt"), &m), EPERM);
        ASSERT_TRUE(m == NULL);
}

TEST(malformed_lines) {
        iomem *m = NULL;

        ASSERT_ERR(iomem_parse("zzzz-1000 : System RAM\n", &m), EINVAL);
        ASSERT_ERR(iomem_parse("2000-1000 : System RAM\n", &m), EINVAL);
        ASSERT_ERR(iomem_parse("1000 : System RAM\n", &m), EINVAL);
        ASSERT_ERR(iomem_parse("1000-2000 System RAM\n", &m), EINVAL);
}

TEST(sysfs_paths) {
        struct crash_reservation res;
        char dir[4096];

        snprintf(dir, sizeof(dir), "mkdir -p %s/sys && echo 268435456 > %s/sys/kexec_crash_size && echo 1 > %s/sys/kexec_crash_loaded",
                 test_tmp_dir, test_tmp_dir, test_tmp_dir);
        ASSERT_EQ(system(dir), 0);
        ASSERT_OK(crash_reservation_read(&(struct crash_reservation_paths) {
                        .sz = sizeof(struct crash_reservation_paths),
                        .iomem = test_fixture("iomem/qemu-pc-1g-crash256m.txt"),
                        .sysfs_kernel = test_tmp("sys"),
                }, &res));
        ASSERT_EQ(res.sysfs_size, 268435456);
        ASSERT_EQ(res.loaded, 1);
}

TEST_MAIN()
