/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "capture-kernel/bzimage.h"
#include "tests.h"

/* The first KiB of Debian's vmlinuz-6.1.0-56-amd64 (8247232 bytes). */
#define DEBIAN_VMLINUZ_SIZE 8247232u

static size_t load_head(char **ret) {
        size_t n;
        if (read_full_file(test_fixture("capture-kernel/vmlinuz-6.1.0-56-amd64.head"), ret, &n) < 0)
                TEST_FAIL("cannot read fixture");
        return n;
}

TEST(debian_kernel_header) {
        _cleanup_free_ char *b = NULL;
        size_t n = load_head(&b);
        struct bzimage_info info;

        ASSERT_OK(bzimage_parse(b, n, DEBIAN_VMLINUZ_SIZE, &info));
        ASSERT_EQ(info.version, 0x020f);
        ASSERT_EQ(info.setup_sects, 39);
        ASSERT_EQ(info.setup_size, 40 * 512);
        ASSERT_EQ(info.payload_size, DEBIAN_VMLINUZ_SIZE - 40 * 512);
        ASSERT_EQ(info.init_size, 0x3f98000);
        ASSERT_EQ(info.kernel_alignment, 0x200000);
        ASSERT_EQ(info.cmdline_size, 2047);
        ASSERT_TRUE(info.xloadflags & XLF_KERNEL_64);
        ASSERT_TRUE(info.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
}

TEST(forged_and_truncated_headers) {
        _cleanup_free_ char *b = NULL;
        size_t n = load_head(&b);
        struct bzimage_info info;

        ASSERT_ERR(bzimage_parse(b, 0x100, DEBIAN_VMLINUZ_SIZE, &info), ENOEXEC);
        /* setup claims more than the file holds */
        ASSERT_ERR(bzimage_parse(b, n, 40 * 512, &info), ENOEXEC);

        b[0x202] = 'X';                        /* no "HdrS" */
        ASSERT_ERR(bzimage_parse(b, n, DEBIAN_VMLINUZ_SIZE, &info), ENOEXEC);
        b[0x202] = 'H';

        b[0x206] = 0x0b;                       /* protocol 2.11 */
        ASSERT_ERR(bzimage_parse(b, n, DEBIAN_VMLINUZ_SIZE, &info), EPROTONOSUPPORT);
        b[0x206] = 0x0f;

        b[0x236] &= (char) ~XLF_KERNEL_64;     /* no 64-bit entry */
        ASSERT_ERR(bzimage_parse(b, n, DEBIAN_VMLINUZ_SIZE, &info), EPROTONOSUPPORT);
}

TEST(not_a_kernel) {
        struct bzimage_info info;

        ASSERT_OK(write_file_atomic(test_tmp("text"), "hello\n", 6, 0644));
        ASSERT_ERR(bzimage_parse_file(test_tmp("text"), &info), ENOEXEC);
        ASSERT_ERR(bzimage_parse_file(test_tmp("missing"), &info), ENOENT);
}

TEST_MAIN()
