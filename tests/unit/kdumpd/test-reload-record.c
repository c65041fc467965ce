/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>

#include "kdumpd/reload-record.h"
#include "tests.h"

TEST(round_trip_success_and_failure) {
        const int results[] = { 0, -ENOENT, -EKEYREJECTED, -4095 };
        char buf[64];
        uint64_t start;
        int res;

        for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
                ASSERT_TRUE(reload_record_format(buf, sizeof(buf), 1234567890123ULL + i, results[i]) > 0);
                ASSERT_OK(reload_record_parse(buf, &start, &res));
                ASSERT_EQ(start, 1234567890123ULL + i);
                ASSERT_EQ(res, results[i]);
        }
}

TEST(malformed_records_are_refused) {
        static const char *const bad[] = {
                "",
                "start_usec=\nresult=0\n",
                "start_usec=12\n",
                "start_usec=12\nresult=\n",
                "start_usec=12\nresult=5\n",          /* a positive errno */
                "start_usec=12\nresult=-0\n",
                "start_usec=12\nresult=-5000\n",
                "start_usec=0x10\nresult=0\n",
                "start_usec=12\nresult=0",            /* cut short */
                "start_usec=12\nresult=0\nmore\n",
                "result=0\nstart_usec=12\n",
        };
        uint64_t start = 77;
        int res = 77;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                printf("# %zu\n", i);
                ASSERT_ERR(reload_record_parse(bad[i], &start, &res), EBADMSG);
        }
        /* ret_* untouched on failure */
        ASSERT_EQ(start, 77);
        ASSERT_EQ(res, 77);
}

TEST(format_refuses_a_short_buffer) {
        char buf[8];

        ASSERT_ERR(reload_record_format(buf, sizeof(buf), 1, 0), ENOBUFS);
}

TEST(write_then_read_in_a_directory_that_does_not_exist_yet) {
        const char *dir = test_tmp("run/kdumpd");
        uint64_t start;
        int res;

        ASSERT_ERR(reload_record_read(dir, &start, &res), ENOENT);
        ASSERT_OK(reload_record_write(dir, 42, -EIO));
        ASSERT_OK(reload_record_read(dir, &start, &res));
        ASSERT_EQ(start, 42);
        ASSERT_EQ(res, -EIO);
        ASSERT_OK(reload_record_write(dir, 43, 0));
        ASSERT_OK(reload_record_read(dir, &start, &res));
        ASSERT_EQ(start, 43);
        ASSERT_EQ(res, 0);
}

TEST(runtime_directory_from_systemd) {
        setenv("RUNTIME_DIRECTORY", "/run/kdumpd-test", 1);
        ASSERT_STREQ(reload_record_dir(), "/run/kdumpd-test");
        setenv("RUNTIME_DIRECTORY", "/run/a:/run/b", 1);
        ASSERT_STREQ(reload_record_dir(), "/run/kdumpd");
        unsetenv("RUNTIME_DIRECTORY");
        ASSERT_STREQ(reload_record_dir(), "/run/kdumpd");
}

TEST_MAIN()
