/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "capture-kernel/kernel-image.h"
#include "tests.h"

static void mkdirs(const char *root, const char *rel) {
        char p[4096];

        snprintf(p, sizeof(p), "%s%s", root, rel);
        ASSERT_OK(mkdir_p(p, 0755));
}

static void touch(const char *root, const char *rel) {
        char p[4096];

        snprintf(p, sizeof(p), "%s%s", root, rel);
        ASSERT_OK(write_file_atomic(p, "MZ", 2, 0644));
}

/* A Debian 12 machine: the image in /boot (and nothing in the modules
 * directory but modules). */
TEST(boot_layout) {
        const char *root = test_tmp("boot");
        _cleanup_free_ char *path = NULL;

        mkdirs(root, "/boot");
        mkdirs(root, "/usr/lib/modules/6.1.0-56-amd64/kernel");
        touch(root, "/boot/vmlinuz-6.1.0-56-amd64");
        ASSERT_OK(kernel_image_find(root, "6.1.0-56-amd64", &path));
        ASSERT_STREQ(path, "/boot/vmlinuz-6.1.0-56-amd64");
}

/* Debian's 7.x kernels from trixie-backports, Fedora: /boot is empty. */
TEST(modules_layout) {
        const char *root = test_tmp("usr");
        _cleanup_free_ char *path = NULL;

        mkdirs(root, "/boot");
        mkdirs(root, "/usr/lib/modules/7.0.0-1-amd64");
        touch(root, "/usr/lib/modules/7.0.0-1-amd64/vmlinuz");
        ASSERT_OK(kernel_image_find(root, "7.0.0-1-amd64", &path));
        ASSERT_STREQ(path, "/usr/lib/modules/7.0.0-1-amd64/vmlinuz");

        /* another release's image is not this one's */
        ASSERT_ERR(kernel_image_find(root, "7.0.0-2-amd64", &path), ENOENT);
}

/* /boot first: it is what the boot loader boots when both exist. */
TEST(both_prefers_boot) {
        const char *root = test_tmp("both");
        _cleanup_free_ char *path = NULL;

        mkdirs(root, "/boot");
        mkdirs(root, "/usr/lib/modules/6.12.9-amd64");
        touch(root, "/boot/vmlinuz-6.12.9-amd64");
        touch(root, "/usr/lib/modules/6.12.9-amd64/vmlinuz");
        ASSERT_OK(kernel_image_find(root, "6.12.9-amd64", &path));
        ASSERT_STREQ(path, "/boot/vmlinuz-6.12.9-amd64");
}

/* A split /lib (not merged into /usr), and a directory named like an image
 * is not one. */
TEST(unmerged_lib_and_directories) {
        const char *root = test_tmp("lib");
        _cleanup_free_ char *path = NULL;

        mkdirs(root, "/boot/vmlinuz-6.1.0-9-amd64");
        mkdirs(root, "/lib/modules/6.1.0-9-amd64");
        ASSERT_ERR(kernel_image_find(root, "6.1.0-9-amd64", &path), ENOENT);
        touch(root, "/lib/modules/6.1.0-9-amd64/vmlinuz");
        ASSERT_OK(kernel_image_find(root, "6.1.0-9-amd64", &path));
        ASSERT_STREQ(path, "/lib/modules/6.1.0-9-amd64/vmlinuz");
}

TEST(bad_releases) {
        char *path = NULL;

        ASSERT_ERR(kernel_image_find(test_tmp("boot"), "", &path), EINVAL);
        ASSERT_ERR(kernel_image_find(test_tmp("boot"), "../../etc", &path), EINVAL);
        ASSERT_ERR(kernel_image_find(test_tmp("boot"), "..", &path), EINVAL);
        ASSERT_TRUE(path == NULL);
}

TEST(config_in_both_layouts) {
        const char *root = test_tmp("config");
        _cleanup_free_ char *a = NULL, *b = NULL;

        mkdirs(root, "/boot");
        mkdirs(root, "/usr/lib/modules/7.0.0-1-amd64");
        touch(root, "/boot/config-6.1.0-56-amd64");
        touch(root, "/usr/lib/modules/7.0.0-1-amd64/config");
        ASSERT_OK(kernel_config_find(root, "6.1.0-56-amd64", &a));
        ASSERT_STREQ(a, "/boot/config-6.1.0-56-amd64");
        ASSERT_OK(kernel_config_find(root, "7.0.0-1-amd64", &b));
        ASSERT_STREQ(b, "/usr/lib/modules/7.0.0-1-amd64/config");
        ASSERT_ERR(kernel_config_find(root, "7.0.0-2-amd64", &b), ENOENT);
}

TEST(release_of_path) {
        char b[64];

        ASSERT_STREQ(kernel_image_release("/boot/vmlinuz-6.1.0-56-amd64", b, sizeof(b)), "6.1.0-56-amd64");
        ASSERT_STREQ(kernel_image_release("/usr/lib/modules/7.0.0-1-amd64/vmlinuz", b, sizeof(b)), "7.0.0-1-amd64");
        ASSERT_STREQ(kernel_image_release("/lib/modules/6.1.0-9-amd64/vmlinuz", b, sizeof(b)), "6.1.0-9-amd64");
        ASSERT_STREQ(kernel_image_release("vmlinuz-6.1.0-9-amd64", b, sizeof(b)), "6.1.0-9-amd64");
        ASSERT_TRUE(kernel_image_release("/boot/vmlinuz", b, sizeof(b)) == NULL);
        ASSERT_TRUE(kernel_image_release("/srv/kernels/6.1/vmlinuz", b, sizeof(b)) == NULL);
        ASSERT_TRUE(kernel_image_release("/boot/bzImage", b, sizeof(b)) == NULL);
        ASSERT_TRUE(kernel_image_release("/usr/lib/modules//vmlinuz", b, sizeof(b)) == NULL);
        ASSERT_TRUE(kernel_image_release("/boot/vmlinuz-6.1.0-56-amd64", b, 4) == NULL);
}

TEST_MAIN()
