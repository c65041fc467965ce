/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "notes/vmcoreinfo.h"
#include "tests.h"

/* A cut of a real 6.1 x86_64 VMCOREINFO, in the kernel's own formats. */
static const char sample[] =
        "OSRELEASE=6.1.0-56-amd64\n"
        "BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
        "PAGESIZE=4096\n"
        "SYMBOL(init_uts_ns)=ffffffff9ba19e60\n"
        "OFFSET(uts_namespace.name)=0\n"
        "SYMBOL(prb)=ffffffff9b8d6a18\n"
        "SIZE(printk_info)=88\n"
        "OFFSET(printk_info.ts_nsec)=8\n"
        "LENGTH(mem_section)=2048\n"
        "NUMBER(phys_base)=-2120220672\n"
        "NUMBER(pgtable_l5_enabled)=0\n"
        "KERNELOFFSET=1a000000\n"
        "CRASHTIME=1700000000\n";

TEST(parse_and_lookup) {
        _cleanup_vmcoreinfo_ vmcoreinfo *vi = NULL;
        uint64_t u;
        int64_t s;

        /* Zero padding after the text, as in the note. */
        char padded[sizeof(sample) + 3] = {};
        memcpy(padded, sample, sizeof(sample) - 1);
        ASSERT_OK(vmcoreinfo_parse(padded, sizeof(padded), &vi));
        ASSERT_EQ(vmcoreinfo_count(vi), 13);
        ASSERT_STREQ(vmcoreinfo_get(vi, "OSRELEASE"), "6.1.0-56-amd64");
        ASSERT_TRUE(vmcoreinfo_get(vi, "NOPE") == NULL);

        ASSERT_OK(vmcoreinfo_symbol(vi, "prb", &u));
        ASSERT_EQ(u, UINT64_C(0xffffffff9b8d6a18));
        ASSERT_OK(vmcoreinfo_size(vi, "printk_info", &u));
        ASSERT_EQ(u, 88);
        ASSERT_OK(vmcoreinfo_offset(vi, "printk_info.ts_nsec", &u));
        ASSERT_EQ(u, 8);
        ASSERT_OK(vmcoreinfo_offset(vi, "uts_namespace.name", &u));
        ASSERT_EQ(u, 0);
        ASSERT_OK(vmcoreinfo_length(vi, "mem_section", &u));
        ASSERT_EQ(u, 2048);
        ASSERT_OK(vmcoreinfo_number(vi, "phys_base", &s));
        ASSERT_TRUE(s == -2120220672LL);
        ASSERT_OK(vmcoreinfo_get_u64(vi, "KERNELOFFSET", 16, &u));
        ASSERT_EQ(u, 0x1a000000);
        ASSERT_OK(vmcoreinfo_get_u64(vi, "PAGESIZE", 10, &u));
        ASSERT_EQ(u, 4096);

        ASSERT_ERR(vmcoreinfo_symbol(vi, "log_buf", &u), ENOENT);
        ASSERT_ERR(vmcoreinfo_offset(vi, "printk_info.nope", &u), ENOENT);
        /* A NUMBER is not a SYMBOL: kinds do not mix. */
        ASSERT_ERR(vmcoreinfo_symbol(vi, "phys_base", &u), ENOENT);
}

TEST(bad_lines) {
        vmcoreinfo *vi = NULL;

        ASSERT_ERR(vmcoreinfo_parse("OSRELEASE=6.1\nno equals sign\n", 30, &vi), EBADMSG);
        ASSERT_ERR(vmcoreinfo_parse("=value\n", 7, &vi), EBADMSG);
        ASSERT_ERR(vmcoreinfo_parse("A=b\x01\n", 5, &vi), EBADMSG);
        ASSERT_TRUE(vi == NULL);

        /* Empty lines and a missing final newline are fine. */
        ASSERT_OK(vmcoreinfo_parse("\nA=1\n\nB=2", 9, &vi));
        ASSERT_STREQ(vmcoreinfo_get(vi, "B"), "2");
        vmcoreinfo_free(vi);
}

TEST(absurd_values) {
        _cleanup_vmcoreinfo_ vmcoreinfo *vi = NULL;
        static const char t[] =
                "SYMBOL(a)=zzz\n"
                "SYMBOL(b)=1ffffffffffffffff\n"
                "SIZE(huge)=99999999999\n"
                "OFFSET(neg.x)=-8\n"
                "NUMBER(n)=12abc\n"
                "NUMBER(big)=99999999999999999999\n"
                "LENGTH(e)=\n"
                "SYMBOL(a)=ffff\n";
        uint64_t u;
        int64_t s;

        ASSERT_OK(vmcoreinfo_parse(t, sizeof(t) - 1, &vi));
        ASSERT_ERR(vmcoreinfo_symbol(vi, "a", &u), EINVAL);     /* first one wins */
        ASSERT_ERR(vmcoreinfo_symbol(vi, "b", &u), ERANGE);
        ASSERT_ERR(vmcoreinfo_size(vi, "huge", &u), ERANGE);
        ASSERT_ERR(vmcoreinfo_offset(vi, "neg.x", &u), EINVAL);
        ASSERT_ERR(vmcoreinfo_number(vi, "n", &s), EINVAL);
        ASSERT_ERR(vmcoreinfo_number(vi, "big", &s), ERANGE);
        ASSERT_ERR(vmcoreinfo_length(vi, "e", &u), EINVAL);
}

TEST(limits) {
        _cleanup_free_ char *big = malloc(VMCOREINFO_TEXT_MAX + 2);
        vmcoreinfo *vi = NULL;

        ASSERT_TRUE(big != NULL);
        memset(big, 'A', VMCOREINFO_TEXT_MAX + 1);
        big[1] = '=';
        ASSERT_ERR(vmcoreinfo_parse(big, VMCOREINFO_TEXT_MAX + 1, &vi), EFBIG);
        /* One line over the line limit. */
        ASSERT_ERR(vmcoreinfo_parse(big, VMCOREINFO_LINE_MAX + 10, &vi), EFBIG);
        ASSERT_OK(vmcoreinfo_parse("", 0, &vi));
        ASSERT_EQ(vmcoreinfo_count(vi), 0);
        vmcoreinfo_free(vi);
}

TEST_MAIN();
