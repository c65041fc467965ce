/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/parse-util.h"
#include "tests.h"

TEST(parse_size_suffixes) {
        uint64_t v;

        ASSERT_OK(parse_size("256M", &v));
        ASSERT_EQ(v, 256ull << 20);
        ASSERT_OK(parse_size("1g", &v));
        ASSERT_EQ(v, 1ull << 30);
        ASSERT_OK(parse_size("0x1000", &v));
        ASSERT_EQ(v, 0x1000);
        ASSERT_OK(parse_size("64", &v));
        ASSERT_EQ(v, 64);
}

TEST(parse_size_rejects_garbage) {
        uint64_t v;

        ASSERT_ERR(parse_size("", &v), EINVAL);
        ASSERT_ERR(parse_size("M", &v), EINVAL);
        ASSERT_ERR(parse_size("12Q", &v), EINVAL);
        ASSERT_ERR(parse_size("256MiB", &v), EINVAL);
        ASSERT_ERR(parse_size("99999999999E", &v), ERANGE);
}

TEST(safe_atou64_whole_string) {
        uint64_t v;

        ASSERT_OK(safe_atou64("42", &v));
        ASSERT_EQ(v, 42);
        ASSERT_ERR(safe_atou64("42x", &v), EINVAL);
        ASSERT_ERR(safe_atou64("-1", &v), EINVAL);
        ASSERT_ERR(safe_atou64(" 1", &v), EINVAL);
        ASSERT_ERR(safe_atou64("", &v), EINVAL);
}

TEST_MAIN()
