/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A small TAP test harness: TEST(name) { ... } defines a test case; the
 * ASSERT_* macros report the failing expression, file and line, then abort
 * the case (not the program).  main() comes from TEST_MAIN() and prints TAP,
 * which meson reads (protocol : 'tap'). */

#include <inttypes.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
        const char *name;
        void (*fn)(void);
};

extern jmp_buf test_jmp;
extern const char *test_fixture_dir;   /* tests/fixtures in the source tree */
extern const char *test_tmp_dir;       /* a fresh directory for this program */

#define TEST(n)                                                                   \
        static void test_##n(void);                                               \
        static const struct test_case test_case_##n                                \
                __attribute__((used, section("test_cases"), aligned(8))) = { #n, test_##n }; \
        static void test_##n(void)

#define TEST_FAIL(...)                                                            \
        do {                                                                      \
                printf("# %s:%d: ", __FILE__, __LINE__);                          \
                printf(__VA_ARGS__);                                              \
                printf("\n");                                                     \
                longjmp(test_jmp, 1);                                             \
        } while (0)

#define ASSERT_TRUE(e)                                                            \
        do {                                                                      \
                if (!(e))                                                         \
                        TEST_FAIL("expected true: %s", #e);                       \
        } while (0)

#define ASSERT_OK(e)                                                              \
        do {                                                                      \
                long long _r = (long long) (e);                                   \
                if (_r < 0)                                                       \
                        TEST_FAIL("%s failed: %lld (%s)", #e, _r, strerror((int) -_r)); \
        } while (0)

#define ASSERT_ERR(e, err)                                                        \
        do {                                                                      \
                long long _r = (long long) (e);                                   \
                if (_r != -(long long) (err))                                     \
                        TEST_FAIL("%s returned %lld, expected -%s (%d)", #e, _r, #err, (int) (err)); \
        } while (0)

#define ASSERT_EQ(a, b)                                                           \
        do {                                                                      \
                unsigned long long _a = (unsigned long long) (a), _b = (unsigned long long) (b); \
                if (_a != _b)                                                     \
                        TEST_FAIL("%s == %s: 0x%llx != 0x%llx", #a, #b, _a, _b);  \
        } while (0)

#define ASSERT_STREQ(a, b)                                                        \
        do {                                                                      \
                const char *_a = (a), *_b = (b);                                  \
                if (!_a || !_b || strcmp(_a, _b) != 0)                            \
                        TEST_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); \
        } while (0)

#define ASSERT_CONTAINS(hay, needle)                                              \
        do {                                                                      \
                const char *_h = (hay), *_n = (needle);                           \
                if (!_h || !strstr(_h, _n))                                       \
                        TEST_FAIL("\"%s\" does not contain \"%s\"", _h ? _h : "(null)", _n); \
        } while (0)

#define ASSERT_NOT_CONTAINS(hay, needle)                                          \
        do {                                                                      \
                const char *_h = (hay), *_n = (needle);                           \
                if (!_h || strstr(_h, _n))                                        \
                        TEST_FAIL("\"%s\" contains \"%s\"", _h ? _h : "(null)", _n); \
        } while (0)

/* Path helpers: a static buffer per call site is enough for tests. */
const char *test_fixture(const char *rel);
const char *test_tmp(const char *rel);

#define TEST_MAIN() int main(int argc, char **argv) { return test_run(argc, argv); }
int test_run(int argc, char **argv);
