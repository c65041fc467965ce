/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "crashkernel-reserve/bootloader.h"
#include "tests.h"

static char *fixture_text(const char *name) {
        char rel[256];
        char *t = NULL;

        snprintf(rel, sizeof(rel), "crashkernel-reserve/%s", name);
        if (read_full_file(test_fixture(rel), &t, NULL) < 0)
                TEST_FAIL("cannot read fixture %s", rel);
        return t;
}

/* Replaces the first occurrence of a with b: the expected result is the
 * fixture with exactly that change. */
static char *replaced(const char *text, const char *a, const char *b) {
        const char *p = strstr(text, a);
        char *out = NULL;

        if (!p)
                TEST_FAIL("\"%s\" not in the fixture", a);
        if (asprintf(&out, "%.*s%s%s", (int) (p - text), text, b, p + strlen(a)) < 0)
                TEST_FAIL("oom");
        return out;
}

TEST(grub_debian_appends_to_cmdline_linux) {
        _cleanup_free_ char *in = fixture_text("grub-debian.txt"), *out = NULL, *old = NULL, *want = NULL;

        ASSERT_OK(grub_defaults_set_crashkernel(in, "1G-4G:192M,4G-:256M", &out, &old, NULL));
        want = replaced(in, "GRUB_CMDLINE_LINUX=\"\"", "GRUB_CMDLINE_LINUX=\"crashkernel=1G-4G:192M,4G-:256M\"");
        ASSERT_STREQ(out, want);
        ASSERT_TRUE(old == NULL);
}

TEST(grub_fedora_replaces_in_place) {
        _cleanup_free_ char *in = fixture_text("grub-fedora.txt"), *out = NULL, *old = NULL, *want = NULL;

        ASSERT_OK(grub_defaults_set_crashkernel(in, "256M", &out, &old, NULL));
        want = replaced(in, "crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M", "crashkernel=256M");
        ASSERT_STREQ(out, want);
        ASSERT_STREQ(old, "1G-4G:192M,4G-64G:256M,64G-:512M");
}

TEST(grub_same_value_is_no_change) {
        _cleanup_free_ char *in = fixture_text("grub-fedora.txt"), *out = NULL;

        ASSERT_OK(grub_defaults_set_crashkernel(in, "1G-4G:192M,4G-64G:256M,64G-:512M", &out, NULL, NULL));
        ASSERT_STREQ(out, in);
}

TEST(grub_several_words_keep_the_last_and_cma) {
        _cleanup_free_ char *in = fixture_text("grub-two-places.txt"), *out = NULL, *old = NULL;

        /* The ",low" (last of the replaceable ones) takes the value; the
         * plain one and the ",high" go; ",cma", the comment, the single
         * quotes, "export", the line break and its tab stay. */
        ASSERT_OK(grub_defaults_set_crashkernel(in, "320M", &out, &old, NULL));
        ASSERT_STREQ(out,
                     "# crashkernel=64M in a comment stays\n"
                     "GRUB_CMDLINE_LINUX_DEFAULT='quiet splash'\n"
                     "  export GRUB_CMDLINE_LINUX=\"console=ttyS0,115200\n"
                     "\tcrashkernel=320M crashkernel=1G,cma\"\n");
        ASSERT_STREQ(old, "64M,low");
}

TEST(grub_unquoted_value_gets_quoted) {
        _cleanup_free_ char *in = fixture_text("grub-unquoted.txt"), *out = NULL;

        ASSERT_OK(grub_defaults_set_crashkernel(in, "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "GRUB_TIMEOUT=1\nGRUB_CMDLINE_LINUX=\"quiet crashkernel=256M\"\n");
}

TEST(grub_missing_variable_is_added) {
        _cleanup_free_ char *out = NULL;

        ASSERT_OK(grub_defaults_set_crashkernel("GRUB_TIMEOUT=5", "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"crashkernel=256M\"\n");
        free(out);
        ASSERT_OK(grub_defaults_set_crashkernel("", "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "GRUB_CMDLINE_LINUX=\"crashkernel=256M\"\n");
        free(out);
        ASSERT_OK(grub_defaults_set_crashkernel("GRUB_CMDLINE_LINUX=\n", "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "GRUB_CMDLINE_LINUX=\"crashkernel=256M\"\n");
        free(out);
        /* Only _DEFAULT is set: GRUB_CMDLINE_LINUX gets a line of its own. */
        ASSERT_OK(grub_defaults_set_crashkernel("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n", "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"crashkernel=256M\"\n");
        free(out);
        /* Other variables that merely start alike are not touched. */
        ASSERT_OK(grub_defaults_set_crashkernel("GRUB_CMDLINE_LINUX_XEN=\"crashkernel=1G\"\n", "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "GRUB_CMDLINE_LINUX_XEN=\"crashkernel=1G\"\nGRUB_CMDLINE_LINUX=\"crashkernel=256M\"\n");
}

TEST(grub_refuses_what_it_cannot_edit_safely) {
        _cleanup_free_ char *in = fixture_text("grub-expansion.txt"), *out = NULL, *err = NULL;

        ASSERT_ERR(grub_defaults_set_crashkernel(in, "256M", &out, NULL, &err), EINVAL);
        ASSERT_CONTAINS(err, "line 2");
        ASSERT_CONTAINS(err, "crashkernel=$CK");
        ASSERT_TRUE(out == NULL);

        free(err), err = NULL;
        ASSERT_ERR(grub_defaults_set_crashkernel("GRUB_CMDLINE_LINUX=\"$X\"' crashkernel=1G'\n", "256M", &out, NULL, &err),
                   EINVAL);
        ASSERT_CONTAINS(err, "not one quoted string");

        free(err), err = NULL;
        ASSERT_ERR(grub_defaults_set_crashkernel("GRUB_CMDLINE_LINUX=\"quiet\n", "256M", &out, NULL, &err), EINVAL);
        ASSERT_CONTAINS(err, "unterminated");

        /* The value itself is checked before anything is written. */
        free(err), err = NULL;
        ASSERT_ERR(grub_defaults_set_crashkernel("", "256MB", &out, NULL, &err), EINVAL);
        ASSERT_CONTAINS(err, "crashkernel=256MB");
        free(err), err = NULL;
        ASSERT_ERR(grub_defaults_set_crashkernel("", "256M,high", &out, NULL, &err), EINVAL);
        ASSERT_CONTAINS(err, "only the size[@offset] and the range form");
}

TEST(kernel_cmdline_append_and_replace) {
        _cleanup_free_ char *in = fixture_text("kernel-cmdline.txt"), *two = fixture_text("kernel-cmdline-two.txt"),
                            *out = NULL, *old = NULL;

        ASSERT_OK(kernel_cmdline_set_crashkernel(in, "256M", &out, &old, NULL));
        ASSERT_STREQ(out, "root=UUID=0b3c rw quiet crashkernel=256M\n");
        ASSERT_TRUE(old == NULL);
        free(out);

        /* No trailing newline in that fixture: none is added. */
        ASSERT_OK(kernel_cmdline_set_crashkernel(two, "2G-:256M", &out, &old, NULL));
        ASSERT_STREQ(out, "root=UUID=0b3c rw crashkernel=2G-:256M quiet");
        ASSERT_STREQ(old, "192M");
        free(out);

        ASSERT_OK(kernel_cmdline_set_crashkernel("", "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "crashkernel=256M\n");
        free(out);
        ASSERT_OK(kernel_cmdline_set_crashkernel("crashkernel=1G\n", "256M", &out, NULL, NULL));
        ASSERT_STREQ(out, "crashkernel=256M\n");
}

TEST(file_writer_is_atomic_and_keeps_mode) {
        _cleanup_free_ char *in = fixture_text("grub-fedora.txt"), *back = NULL, *old = NULL, *err = NULL;
        const char *p = test_tmp("grub");
        struct stat st;
        bool changed = false;

        ASSERT_OK(write_file_atomic(p, in, strlen(in), 0640));
        ASSERT_OK(bootloader_file_set_crashkernel(BOOTLOADER_GRUB_DEFAULTS, p, "384M", &changed, &old, &err));
        ASSERT_TRUE(changed);
        ASSERT_STREQ(old, "1G-4G:192M,4G-64G:256M,64G-:512M");
        ASSERT_OK(read_full_file(p, &back, NULL));
        ASSERT_CONTAINS(back, "crashkernel=384M rhgb");
        ASSERT_EQ(stat(p, &st), 0);
        ASSERT_EQ(st.st_mode & 07777, 0640);

        /* Again with the same value: nothing to write. */
        ASSERT_OK(bootloader_file_set_crashkernel(BOOTLOADER_GRUB_DEFAULTS, p, "384M", &changed, NULL, &err));
        ASSERT_TRUE(!changed);

        /* A failed edit leaves the file alone. */
        ASSERT_ERR(bootloader_file_set_crashkernel(BOOTLOADER_GRUB_DEFAULTS, p, "nonsense", &changed, NULL, &err),
                   EINVAL);
        free(back), back = NULL;
        ASSERT_OK(read_full_file(p, &back, NULL));
        ASSERT_CONTAINS(back, "crashkernel=384M rhgb");

        ASSERT_ERR(bootloader_file_set_crashkernel(BOOTLOADER_KERNEL_CMDLINE, test_tmp("missing"), "256M", &changed,
                                                   NULL, &err), ENOENT);
}

TEST_MAIN()
