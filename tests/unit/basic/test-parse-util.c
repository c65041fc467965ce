/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/macro.h"
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

TEST(cpu_list) {
        _cleanup_free_ uint64_t *v = NULL;
        uint64_t *w = NULL;
        size_t n;

        ASSERT_OK(parse_cpu_list("0-3,8,10-11\n", 64, &v, &n));
        ASSERT_EQ(n, 7);
        ASSERT_EQ(v[0], 0);
        ASSERT_EQ(v[3], 3);
        ASSERT_EQ(v[4], 8);
        ASSERT_EQ(v[6], 11);
        ASSERT_ERR(parse_cpu_list("0-3,x", 64, &w, &n), EINVAL);
        ASSERT_ERR(parse_cpu_list("3-1", 64, &w, &n), EINVAL);
        ASSERT_ERR(parse_cpu_list("0-64", 64, &w, &n), E2BIG);
        ASSERT_TRUE(w == NULL);
}

TEST(size_prefix) {
        const char *end;
        uint64_t v;

        ASSERT_OK(parse_size_prefix("64M@16M", &end, &v));
        ASSERT_EQ(v, 64ull << 20);
        ASSERT_STREQ(end, "@16M");
}

TEST(octal_unescape) {
        static const struct { const char *in, *out; } t[] = {
                { "/srv/dumps\\040here", "/srv/dumps here" },
                { "a\\011b\\134c", "a\tb\\c" },
                { "/x\\04", "/x\\04" },             /* ends inside an escape: kept as written */
                { "/x\\08a", "/x\\08a" },           /* 8 is not octal */
                { "/x\\400", "/x\\400" },           /* past \377 */
                { "", "" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *o = octal_unescape(t[i].in, strlen(t[i].in));
                ASSERT_STREQ(o, t[i].out);
        }
        {
                /* Only the first n bytes count, even where the string goes on. */
                _cleanup_free_ char *o = octal_unescape("/x\\040", 4);
                ASSERT_STREQ(o, "/x\\0");
        }
}

TEST(string_list_contains) {
        ASSERT_TRUE(string_list_contains("defaults,noauto,user", ',', "noauto"));
        ASSERT_TRUE(string_list_contains("noauto", ',', "noauto"));
        ASSERT_TRUE(!string_list_contains("noautomount,ro", ',', "noauto"));
        ASSERT_TRUE(!string_list_contains("ro,xnoauto", ',', "noauto"));
        ASSERT_TRUE(!string_list_contains("", ',', "noauto"));
        ASSERT_TRUE(!string_list_contains(NULL, ',', "noauto"));
        ASSERT_TRUE(string_list_contains("/a\n/b/c\n", '\n', "/b/c"));
        ASSERT_TRUE(!string_list_contains("/a\n/b/c\n", '\n', "/b"));
}

TEST_MAIN()
