/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "crashkernel-reserve/shrink.h"
#include "tests.h"

#define MiB (1ull << 20)

/* 256 MiB at 0x2f000000, as Debian's 6.1 reserves with crashkernel=256M in
 * the 1 GiB QEMU guest; kexec_crash_size agrees with /proc/iomem. */
static struct crash_reservation res256(void) {
        struct crash_reservation r = {
                .ranges = { { 0x2f000000, 256 * MiB } },
                .n_ranges = 1,
                .total = 256 * MiB,
                .system_ram = 1023 * MiB,
                .sysfs_size = 256 * MiB,
                .loaded = 1,
        };
        return r;
}

static struct crash_shrink_request req(uint64_t size, uint64_t needed, bool force) {
        return (struct crash_shrink_request) { .sz = sizeof(struct crash_shrink_request), .size = size,
                                               .needed = needed, .force = force };
}

TEST(shrink_to_a_smaller_size_frees_the_difference) {
        struct crash_reservation r = res256();
        struct crash_shrink_request q = req(160 * MiB, 112 * MiB, false);
        struct crash_shrink_plan p;

        ASSERT_OK(crash_shrink_plan(&r, &q, &p, NULL));
        ASSERT_EQ(p.verdict, CRASH_SHRINK_DO);
        ASSERT_EQ(p.old_size, 256 * MiB);
        ASSERT_EQ(p.new_size, 160 * MiB);
        ASSERT_EQ(p.freed, 96 * MiB);
        ASSERT_TRUE(!p.below_needed);
}

TEST(size_is_rounded_up_to_a_page_like_crash_shrink_memory) {
        struct crash_reservation r = res256();
        struct crash_shrink_request q = req(100 * MiB + 1, 0, false);
        struct crash_shrink_plan p;

        ASSERT_OK(crash_shrink_plan(&r, &q, &p, NULL));
        ASSERT_EQ(p.new_size, 100 * MiB + 4096);
        ASSERT_EQ(p.freed, 156 * MiB - 4096);
}

TEST(after_an_earlier_shrink_the_sysfs_size_counts) {
        /* /proc/iomem still lists 256M until the freed part is split off;
         * crash_shrink_memory() compares with crash_get_memory_size(). */
        struct crash_reservation r = res256();
        struct crash_shrink_request q = req(160 * MiB, 0, false);
        struct crash_shrink_plan p;
        _cleanup_free_ char *err = NULL;

        r.sysfs_size = 128 * MiB;
        ASSERT_ERR(crash_shrink_plan(&r, &q, &p, &err), EINVAL);
        ASSERT_CONTAINS(err, "128.0 MiB");
        ASSERT_CONTAINS(err, "not grow it to 160.0 MiB");
}

TEST(same_size_is_nothing_to_do) {
        struct crash_reservation r = res256();
        struct crash_shrink_request q = req(256 * MiB, 112 * MiB, false);
        struct crash_shrink_plan p;

        ASSERT_OK(crash_shrink_plan(&r, &q, &p, NULL));
        ASSERT_EQ(p.verdict, CRASH_SHRINK_NOTHING);
        ASSERT_EQ(p.freed, 0);
}

TEST(growing_is_refused_with_the_way_to_grow) {
        struct crash_reservation r = res256();
        struct crash_shrink_request q = req(512 * MiB, 0, true);
        struct crash_shrink_plan p;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(crash_shrink_plan(&r, &q, &p, &err), EINVAL);
        ASSERT_CONTAINS(err, "reset-crashkernel");
        ASSERT_CONTAINS(err, "reboot");
}

TEST(below_what_the_capture_needs_is_refused_unless_forced) {
        struct crash_reservation r = res256();
        struct crash_shrink_request q = req(64 * MiB, 112 * MiB, false);
        struct crash_shrink_plan p;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(crash_shrink_plan(&r, &q, &p, &err), ERANGE);
        ASSERT_CONTAINS(err, "64.0 MiB is less than the capture environment needs here (112.0 MiB");
        ASSERT_CONTAINS(err, "--force");

        q.force = true;
        ASSERT_OK(crash_shrink_plan(&r, &q, &p, NULL));
        ASSERT_TRUE(p.below_needed);
        ASSERT_EQ(p.new_size, 64 * MiB);
}

TEST(zero_releases_everything_only_when_forced) {
        struct crash_reservation r = res256();
        struct crash_shrink_request q = req(0, 0, false);
        struct crash_shrink_plan p;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(crash_shrink_plan(&r, &q, &p, &err), ERANGE);
        ASSERT_CONTAINS(err, "until the next boot");
        q.force = true;
        ASSERT_OK(crash_shrink_plan(&r, &q, &p, NULL));
        ASSERT_EQ(p.freed, 256 * MiB);
}

TEST(no_reservation_is_said) {
        struct crash_reservation r = { .sysfs_size = 0, .loaded = 0 };
        struct crash_shrink_request q = req(64 * MiB, 0, true);
        struct crash_shrink_plan p;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(crash_shrink_plan(&r, &q, &p, &err), ENOENT);
        ASSERT_CONTAINS(err, "No memory is reserved");
}

TEST(write_prefers_the_6_19_name_and_falls_back) {
        const char *sys = test_tmp("sys-kernel");
        char old_name[4096], new_name[4096], dir[4096];
        _cleanup_free_ char *v = NULL;

        snprintf(old_name, sizeof(old_name), "%s/kexec_crash_size", sys);
        ASSERT_OK(mkdir_p(sys, 0755));
        ASSERT_OK(write_file_atomic(old_name, "268435456\n", 10, 0644));
        ASSERT_OK(crash_shrink_write(sys, 160 * MiB));
        ASSERT_OK(read_one_line_file(old_name, &v));
        ASSERT_STREQ(v, "167772160");

        snprintf(dir, sizeof(dir), "%s/kexec", sys);
        snprintf(new_name, sizeof(new_name), "%s/kexec/crash_size", sys);
        ASSERT_OK(mkdir_p(dir, 0755));
        ASSERT_OK(write_file_atomic(new_name, "167772160\n", 10, 0644));
        ASSERT_OK(crash_shrink_write(sys, 128 * MiB));
        free(v);
        v = NULL;
        ASSERT_OK(read_one_line_file(new_name, &v));
        ASSERT_STREQ(v, "134217728");
}

TEST(write_without_the_file_says_enoent) {
        ASSERT_ERR(crash_shrink_write(test_tmp("no-such-sys"), 64 * MiB), ENOENT);
}

TEST_MAIN()
