/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>

#include "basic/macro.h"
#include "crashkernel-reserve/crashkernel-param.h"
#include "tests.h"

#define M (1ull << 20)
#define G (1ull << 30)

static struct crashkernel_result eval_ok(const char *cmdline, uint64_t ram) {
        _cleanup_free_ char *err = NULL;
        struct crashkernel_result res = {};
        int r;

        r = crashkernel_cmdline_evaluate(cmdline, ram, &res, &err);
        if (r < 0)
                TEST_FAIL("\"%s\" with %llu MiB: %d: %s", cmdline, (unsigned long long) (ram / M), r, err ? err : "");
        return res;
}

/* Documentation/admin-guide/kdump/kdump.rst: "crashkernel=512M-2G:64M,2G-:128M" */
TEST(kdump_rst_range_example) {
        /* 1) RAM smaller than 512M: nothing (the "rescue" case). */
        ASSERT_EQ(eval_ok("crashkernel=512M-2G:64M,2G-:128M", 384 * M).size, 0);
        /* 2) between 512M and 2G (exclusive): 64M. */
        ASSERT_EQ(eval_ok("crashkernel=512M-2G:64M,2G-:128M", 512 * M).size, 64 * M);
        ASSERT_EQ(eval_ok("crashkernel=512M-2G:64M,2G-:128M", 1 * G).size, 64 * M);
        /* 3) larger than 2G: 128M; the end is exclusive, so exactly 2G is 128M. */
        ASSERT_EQ(eval_ok("crashkernel=512M-2G:64M,2G-:128M", 2 * G).size, 128 * M);
        ASSERT_EQ(eval_ok("crashkernel=512M-2G:64M,2G-:128M", 64 * G).size, 128 * M);
}

TEST(range_form_rounds_ram_up_to_128m) {
        /* Firmware takes some RAM: a "2G" machine shows less.  Rounded up to
         * 128M it is 2G again and matches "2G-". */
        ASSERT_EQ(eval_ok("crashkernel=512M-2G:64M,2G-:128M", 2 * G - 5 * M).size, 128 * M);
        /* 1 MiB more than 2G rounds to 2G+128M: still 2G-. */
        ASSERT_EQ(eval_ok("crashkernel=1G-2G:64M,2G-4G:96M", 2 * G + M).size, 96 * M);
        /* Just under 1G is 1G once rounded. */
        ASSERT_EQ(eval_ok("crashkernel=1G-2G:64M", 1 * G - 100 * M).size, 64 * M);
        /* 895M rounds to 896M, below 1G: nothing. */
        ASSERT_EQ(eval_ok("crashkernel=1G-2G:64M", 895 * M).size, 0);
}

TEST(kdump_rst_simple_examples) {
        struct crashkernel_result r;

        /* "crashkernel=64M@16M" reserves 64 MB at 0x01000000. */
        r = eval_ok("root=/dev/sda1 crashkernel=64M@16M quiet", 1 * G);
        ASSERT_EQ(r.size, 64 * M);
        ASSERT_TRUE(r.has_offset);
        ASSERT_EQ(r.offset, 0x01000000);
        ASSERT_TRUE(!r.high);
        ASSERT_EQ(r.low_size, 0);

        /* "crashkernel=256M@0" places it automatically, like no offset. */
        r = eval_ok("crashkernel=256M@0", 4 * G);
        ASSERT_EQ(r.size, 256 * M);
        ASSERT_EQ(r.offset, 0);

        /* "On ppc64, use crashkernel=128M@32M". */
        r = eval_ok("crashkernel=128M@32M", 4 * G);
        ASSERT_EQ(r.offset, 32 * M);
}

TEST(range_form_with_offset) {
        struct crashkernel_result r = eval_ok("crashkernel=512M-2G:64M,2G-:128M@16M", 4 * G);

        ASSERT_EQ(r.size, 128 * M);
        ASSERT_TRUE(r.has_offset);
        ASSERT_EQ(r.offset, 16 * M);
}

TEST(kdump_utils_and_ubuntu_defaults) {
        const char *ku = "crashkernel=2G-64G:256M,64G-:512M";
        const char *ub = "crashkernel=2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M";

        ASSERT_EQ(eval_ok(ku, 1 * G).size, 0);
        ASSERT_EQ(eval_ok(ku, 8 * G).size, 256 * M);
        ASSERT_EQ(eval_ok(ku, 64 * G).size, 512 * M);
        ASSERT_EQ(eval_ok(ub, 3 * G).size, 320 * M);
        ASSERT_EQ(eval_ok(ub, 16 * G).size, 512 * M);
        ASSERT_EQ(eval_ok(ub, 100 * G).size, 2048 * M);
        ASSERT_EQ(eval_ok(ub, 1024 * G).size, 4096 * M);
}

TEST(high_and_low) {
        struct crashkernel_result r;

        /* kdump.rst: with ",high" and no ",low" the kernel takes 256M low. */
        r = eval_ok("crashkernel=512M,high", 16 * G);
        ASSERT_EQ(r.size, 512 * M);
        ASSERT_TRUE(r.high);
        ASSERT_EQ(r.low_size, CRASHKERNEL_LOW_DEFAULT);
        ASSERT_TRUE(r.low_default);

        r = eval_ok("crashkernel=512M,high crashkernel=128M,low", 16 * G);
        ASSERT_EQ(r.low_size, 128 * M);
        ASSERT_TRUE(!r.low_default);

        /* "0: to disable low allocation." */
        r = eval_ok("crashkernel=0,low crashkernel=1G,high", 16 * G);
        ASSERT_EQ(r.size, 1 * G);
        ASSERT_EQ(r.low_size, 0);
        ASSERT_TRUE(!r.low_default);
}

TEST(plain_wins_over_high_and_low_is_ignored) {
        /* kernel-parameters.txt: ",high" "will be ignored if crashkernel=X is
         * specified"; ",low" is ignored without ",high". */
        struct crashkernel_result r = eval_ok("crashkernel=1G,high crashkernel=256M crashkernel=64M,low", 16 * G);

        ASSERT_EQ(r.size, 256 * M);
        ASSERT_TRUE(!r.high);
        ASSERT_EQ(r.low_size, 0);
}

TEST(last_occurrence_wins_per_kind) {
        struct crashkernel_result r;

        r = eval_ok("crashkernel=128M quiet crashkernel=256M", 4 * G);
        ASSERT_EQ(r.size, 256 * M);
        /* A later ",high" does not displace the earlier plain one. */
        r = eval_ok("crashkernel=192M crashkernel=1G,high", 4 * G);
        ASSERT_EQ(r.size, 192 * M);
        r = eval_ok("crashkernel=1G,high crashkernel=2G,high crashkernel=64M,low crashkernel=96M,low", 16 * G);
        ASSERT_EQ(r.size, 2 * G);
        ASSERT_EQ(r.low_size, 96 * M);
        /* /proc/cmdline ends in a newline. */
        r = eval_ok("BOOT_IMAGE=/vmlinuz root=UUID=x ro crashkernel=384M\n", 4 * G);
        ASSERT_EQ(r.size, 384 * M);
}

TEST(cma) {
        _cleanup_free_ char *err = NULL;
        struct crashkernel_result r;

        r = eval_ok("crashkernel=256M crashkernel=1G,cma", 16 * G);
        ASSERT_EQ(r.size, 256 * M);
        ASSERT_EQ(r.cma_size, 1 * G);
        r = eval_ok("crashkernel=256M,high crashkernel=512M,cma", 16 * G);
        ASSERT_TRUE(r.high);
        ASSERT_EQ(r.cma_size, 512 * M);

        /* ",cma" alone reserves nothing: parse_crashkernel() fails first. */
        ASSERT_ERR(crashkernel_cmdline_evaluate("crashkernel=1G,cma", 16 * G, &r, &err), EINVAL);
        ASSERT_CONTAINS(err, "crashkernel=1G,cma");
        ASSERT_CONTAINS(err, "needs a standard one");
}

TEST(memparse_numbers) {
        ASSERT_EQ(eval_ok("crashkernel=0x10000000", 4 * G).size, 256 * M);
        ASSERT_EQ(eval_ok("crashkernel=262144k", 4 * G).size, 256 * M);
        ASSERT_EQ(eval_ok("crashkernel=268435456", 4 * G).size, 256 * M);
        ASSERT_EQ(eval_ok("crashkernel=1g-4g:128m", 2 * G).size, 128 * M);
}

TEST(size_must_be_below_ram) {
        _cleanup_free_ char *err = NULL;
        struct crashkernel_result r;

        ASSERT_ERR(crashkernel_cmdline_evaluate("crashkernel=1G", 1 * G, &r, &err), EINVAL);
        ASSERT_CONTAINS(err, "crashkernel=1G");
        ASSERT_CONTAINS(err, "not below the system RAM");
        ASSERT_EQ(eval_ok("crashkernel=1G", 1 * G + 1).size, 1 * G);

        /* Range form: checked against the rounded RAM for each range read. */
        free(err), err = NULL;
        ASSERT_ERR(crashkernel_cmdline_evaluate("crashkernel=0-:1G", 1 * G, &r, &err), EINVAL);
        ASSERT_CONTAINS(err, "0-:1G");
        /* A range after the match is not looked at. */
        ASSERT_EQ(eval_ok("crashkernel=0-2G:128M,2G-:64G", 1 * G).size, 128 * M);
        /* A too-large size before the match fails even if it does not match. */
        free(err), err = NULL;
        ASSERT_ERR(crashkernel_cmdline_evaluate("crashkernel=4G-8G:2G,1G-:128M", 1 * G, &r, &err), EINVAL);

        free(err), err = NULL;
        ASSERT_ERR(crashkernel_cmdline_evaluate("crashkernel=0", 1 * G, &r, &err), EINVAL);
        ASSERT_CONTAINS(err, "reserves nothing");
        free(err), err = NULL;
        ASSERT_ERR(crashkernel_cmdline_evaluate("crashkernel=0,high", 8 * G, &r, &err), EINVAL);
}

TEST(no_crashkernel) {
        struct crashkernel_result r;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(crashkernel_cmdline_evaluate("root=/dev/vda quiet", 1 * G, &r, &err), ENOENT);
        ASSERT_ERR(crashkernel_cmdline_evaluate("", 1 * G, &r, &err), ENOENT);
        /* Not a crashkernel= parameter: only whole words count. */
        ASSERT_ERR(crashkernel_cmdline_evaluate("kdump.crashkernel=1G", 4 * G, &r, &err), ENOENT);
        /* ",low" alone: the kernel reserves nothing. */
        ASSERT_ERR(crashkernel_cmdline_evaluate("crashkernel=128M,low", 4 * G, &r, &err), EINVAL);
        ASSERT_CONTAINS(err, "together with crashkernel=size,high");
}

static void assert_bad(const char *value, const char *reason) {
        _cleanup_free_ char *err = NULL;
        struct crashkernel_value v;
        int r;

        r = crashkernel_value_parse(value, &v, &err);
        if (r != -EINVAL)
                TEST_FAIL("\"%s\" parsed: %d", value, r);
        if (!err || !strstr(err, value) || !strstr(err, reason) || !strstr(err, "valid forms are"))
                TEST_FAIL("\"%s\": message \"%s\" lacks the value, \"%s\" or the valid forms", value,
                          err ? err : "(null)", reason);
}

TEST(bad_syntax_names_value_and_valid_forms) {
        assert_bad("", "empty");
        assert_bad("abc", "expected a size");
        assert_bad("256X", "unexpected \"X\"");
        assert_bad("256M@", "an offset after '@'");
        assert_bad("256M@16Mx", "after the offset");
        assert_bad("256M,foo", "unknown suffix \",foo\"");
        assert_bad("256M-high", "unexpected \"-high\"");        /* no ':': the simple form */
        assert_bad("512M-2G64M:1", "expected ':'");
        assert_bad("512M-2G:", "a size after ':'");
        assert_bad("2G-512M:64M", "ends before it starts");
        assert_bad("2G-2G:64M", "ends before it starts");
        assert_bad("x-2G:64M", "start of a range");
        assert_bad("512M:64M", "'-' after the start");
        assert_bad("512M-2G:64M,", "start of a range");
        assert_bad("512M-2G:64M;2G-:128M", "unexpected \";2G-:128M\"");
        assert_bad("512M-2G:64M,high", "before \",high\"");
        assert_bad("abc,low", "expected a size");
        assert_bad("99999999999999999999", "too large");
        assert_bad("100000000000E", "too large");
}

TEST(value_forms) {
        struct crashkernel_value v;

        ASSERT_OK(crashkernel_value_parse("256M", &v, NULL));
        ASSERT_EQ(v.form, CRASHKERNEL_FORM_SIMPLE);
        ASSERT_OK(crashkernel_value_parse("1G-4G:192M,4G-64G:256M,64G-:512M", &v, NULL));
        ASSERT_EQ(v.form, CRASHKERNEL_FORM_RANGES);
        ASSERT_EQ(v.n_ranges, 3);
        ASSERT_EQ(v.ranges[0].start, 1 * G);
        ASSERT_EQ(v.ranges[0].end, 4 * G);
        ASSERT_EQ(v.ranges[2].end, UINT64_MAX);
        ASSERT_EQ(v.ranges[2].size, 512 * M);
        ASSERT_STREQ(v.text, "1G-4G:192M,4G-64G:256M,64G-:512M");
        ASSERT_OK(crashkernel_value_parse("1G,high", &v, NULL));
        ASSERT_EQ(v.form, CRASHKERNEL_FORM_HIGH);
        ASSERT_OK(crashkernel_value_parse("0,low", &v, NULL));
        ASSERT_EQ(v.form, CRASHKERNEL_FORM_LOW);
        ASSERT_EQ(v.size, 0);
        ASSERT_OK(crashkernel_value_parse("1G,cma", &v, NULL));
        ASSERT_EQ(v.form, CRASHKERNEL_FORM_CMA);
}

TEST(too_many_ranges_and_too_long) {
        char buf[CRASHKERNEL_VALUE_MAX + 16];
        struct crashkernel_value v;
        _cleanup_free_ char *err = NULL;
        size_t n = 0;

        for (unsigned i = 0; i <= CRASHKERNEL_RANGES_MAX; i++)
                n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%s%uG-%uG:64M", i ? "," : "", i + 1, i + 2);
        ASSERT_ERR(crashkernel_value_parse(buf, &v, &err), EINVAL);
        ASSERT_CONTAINS(err, "more than 16 ranges");

        memset(buf, '1', sizeof(buf) - 1);
        buf[sizeof(buf) - 1] = 0;
        ASSERT_ERR(crashkernel_value_parse(buf, &v, NULL), E2BIG);
}

TEST(format_size) {
        char b[32];

        ASSERT_STREQ(crashkernel_format_size(b, sizeof(b), 256 * M), "256M");
        ASSERT_STREQ(crashkernel_format_size(b, sizeof(b), 2 * G), "2G");
        ASSERT_STREQ(crashkernel_format_size(b, sizeof(b), 1ull << 40), "1T");
        ASSERT_STREQ(crashkernel_format_size(b, sizeof(b), 1536 * M), "1536M");
        ASSERT_STREQ(crashkernel_format_size(b, sizeof(b), 4096 + 1024), "5K");
        ASSERT_STREQ(crashkernel_format_size(b, sizeof(b), 1000), "1000");
        ASSERT_STREQ(crashkernel_format_size(b, sizeof(b), 0), "0");
}

TEST_MAIN()
