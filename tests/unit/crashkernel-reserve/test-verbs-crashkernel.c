/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/unaligned.h"
#include "kdumpd/verbs-crashkernel.h"
#include "kdumpd/verbs-shrink.h"
#include "tests.h"

/* Every path points at fixtures or the test's temp dir: nothing of the
 * host is read or written. */
static struct crashkernel_paths paths(const char *cmdline) {
        struct crashkernel_paths p = {
                .sz = sizeof(p),
                .iomem = test_fixture("iomem/qemu-pc-1g-crash256m.txt"),
                .sysfs_kernel = test_tmp("sys"),
                .proc_cmdline = test_tmp("proc-cmdline"),
                .cpu_possible = test_tmp("cpu-possible"),
                .config = test_tmp("kdump.conf"),     /* none: capture_cpus 1, not the host's file */
                .grub_defaults = test_tmp("etc-default-grub"),
                .kernel_cmdline = test_tmp("etc-kernel-cmdline"),
                .state_dir = test_tmp("state"),
                .kernel = test_tmp("vmlinuz-6.1.0-test"),
                .run_update_grub = false,
        };

        ASSERT_OK(write_file_atomic(p.proc_cmdline, cmdline, strlen(cmdline), 0644));
        ASSERT_OK(write_file_atomic(p.cpu_possible, "0-3\n", 4, 0644));
        return p;
}

/* A verb's output as TAP diagnostics, one "# " line each. */
static void print_diag(const char *buf) {
        for (const char *l = buf; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
                printf("# %.*s\n", (int) strcspn(l, "\n"), l);
}

static char *run(int (*verb)(const struct crashkernel_paths *, FILE *), const struct crashkernel_paths *p, int want) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        int r;

        ASSERT_TRUE(f);
        r = verb(p, f);
        fclose(f);
        print_diag(buf);
        if (r != want)
                TEST_FAIL("verb returned %d, expected %d", r, want);
        return buf;
}

TEST(showmem_reports_reservation_and_request) {
        struct crashkernel_paths p = paths("BOOT_IMAGE=/vmlinuz ro crashkernel=512M-2G:256M,2G-:512M quiet\n");
        _cleanup_free_ char *out = run(verb_showmem, &p, 0);

        ASSERT_CONTAINS(out, "256.0 MiB at 0x10000000-0x1fffffff");
        ASSERT_CONTAINS(out, "Command line asks: 256.0 MiB");
}

TEST(showmem_with_a_bad_value_says_why) {
        struct crashkernel_paths p = paths("crashkernel=256MB\n");
        _cleanup_free_ char *out = run(verb_showmem, &p, 0);

        ASSERT_CONTAINS(out, "Invalid crashkernel=256MB");
}

TEST(estimate_lists_items_and_compares) {
        struct crashkernel_paths p = paths("crashkernel=256M\n");
        _cleanup_free_ char *out = run(verb_estimate, &p, 0);

        /* No kernel image and no initramfs in the temp dir: typical sizes. */
        ASSERT_CONTAINS(out, "4 possible CPUs");
        ASSERT_CONTAINS(out, "typical sizes used");
        ASSERT_CONTAINS(out, "Capture kernel (init_size)");
        ASSERT_CONTAINS(out, "Recommended:      crashkernel=");
        ASSERT_CONTAINS(out, "Current:          256.0 MiB");
        ASSERT_CONTAINS(out, "large enough");
}

/* An arm64 Image header as Debian's 6.1.0-57-arm64 has it (EFI stub, 4K
 * pages, image_size 0x2010000); the rest of the file is not read. */
static const char *arm64_image(void) {
        uint8_t b[4096] = { 'M', 'Z' };
        const char *path = test_tmp("vmlinuz-6.1.0-57-arm64");

        unaligned_write_le64(b + 8, 0);                 /* text_offset */
        unaligned_write_le64(b + 16, 0x2010000);        /* image_size */
        unaligned_write_le64(b + 24, 0xa);              /* LE, 4K, anywhere */
        memcpy(b + 0x38, "ARM\x64", 4);
        unaligned_write_le32(b + 0x3c, 0x40);
        ASSERT_OK(write_file_atomic(path, b, sizeof(b), 0644));
        return path;
}

TEST(estimate_and_default_for_an_arm64_kernel) {
        struct crashkernel_paths p = paths("crashkernel=256M\n");
        _cleanup_free_ char *out = NULL, *def = NULL, *def_x86 = NULL;

        p.arch = KERNEL_ARCH_ARM64;
        p.kernel = arm64_image();
        out = run(verb_estimate, &p, 0);
        ASSERT_CONTAINS(out, "kernel ");
        ASSERT_CONTAINS(out, "vmlinuz-6.1.0-57-arm64");
        ASSERT_CONTAINS(out, "Capture kernel (image_size)    32.1 MiB  arm64 Image header");
        ASSERT_CONTAINS(out, "measured in the arm64 QEMU test guest");
        ASSERT_CONTAINS(out, "purgatory, device tree, ELF core header");
        ASSERT_CONTAINS(out, "Recommended:      crashkernel=80M");
        ASSERT_CONTAINS(out, "large enough");

        def = run(verb_get_default_crashkernel, &p, 0);
        ASSERT_TRUE(string_has_prefix(def, "1G-64G:80M,"));
        /* The same machine sized for x86_64 (no bzImage: typical). */
        p.arch = KERNEL_ARCH_X86_64;
        p.kernel = test_tmp("vmlinuz-6.1.0-test");
        def_x86 = run(verb_get_default_crashkernel, &p, 0);
        ASSERT_TRUE(string_has_prefix(def_x86, "1G-4G:96M,"));
}

TEST(reset_writes_grub_and_kernel_cmdline) {
        struct crashkernel_paths p = paths("\n");
        _cleanup_free_ char *def = NULL, *out = NULL, *grub = NULL, *kc = NULL;
        const char *g = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"crashkernel=128M\"\n";

        def = run(verb_get_default_crashkernel, &p, 0);
        def[strcspn(def, "\n")] = 0;

        ASSERT_OK(write_file_atomic(p.grub_defaults, g, strlen(g), 0644));
        ASSERT_OK(write_file_atomic(p.kernel_cmdline, "root=/dev/vda1 rw\n", 18, 0644));
        out = run(verb_reset_crashkernel, &p, 0);
        ASSERT_CONTAINS(out, "was crashkernel=128M");
        ASSERT_CONTAINS(out, "takes effect at the next boot");

        ASSERT_OK(read_full_file(p.grub_defaults, &grub, NULL));
        ASSERT_CONTAINS(grub, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"crashkernel=");
        ASSERT_CONTAINS(grub, def);
        ASSERT_OK(read_full_file(p.kernel_cmdline, &kc, NULL));
        ASSERT_TRUE(string_has_prefix(kc, "root=/dev/vda1 rw crashkernel="));
        ASSERT_CONTAINS(kc, def);
}

TEST(reset_refuses_without_boot_loader_config) {
        struct crashkernel_paths p = paths("\n");
        _cleanup_free_ char *out = NULL;

        p.grub_defaults = test_tmp("no-grub");
        p.kernel_cmdline = test_tmp("no-cmdline");
        out = run(verb_reset_crashkernel, &p, -ENOENT);
        ASSERT_TRUE(access(p.grub_defaults, F_OK) < 0 && access(p.kernel_cmdline, F_OK) < 0);
}

/* shrink-crashkernel with no capture kernel loaded (kexec_crash_loaded 0),
 * so nothing is unloaded or loaded: only kexec_crash_size is written. */
static char *shrink(const struct crashkernel_paths *p, const char *size, bool force, int want) {
        struct capture_settings s = { .sz = sizeof(s), .state_dir = p->state_dir };
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        int r;

        ASSERT_TRUE(f);
        r = verb_shrink_crashkernel(p, &s, &(struct shrink_verb_opts) { .sz = sizeof(struct shrink_verb_opts),
                                    .size = size, .force = force }, f);
        fclose(f);
        print_diag(buf);
        if (r != want)
                TEST_FAIL("shrink returned %d, expected %d", r, want);
        return buf;
}

/* Its own directory: the other cases read test_tmp("sys"). */
static void fake_sysfs(struct crashkernel_paths *p, const char *dir, const char *size) {
        char f[4096];

        p->sysfs_kernel = test_tmp(dir);
        ASSERT_OK(mkdir_p(p->sysfs_kernel, 0755));
        snprintf(f, sizeof(f), "%s/kexec_crash_size", p->sysfs_kernel);
        ASSERT_OK(write_file_atomic(f, size, strlen(size), 0644));
        snprintf(f, sizeof(f), "%s/kexec_crash_loaded", p->sysfs_kernel);
        ASSERT_OK(write_file_atomic(f, "0\n", 2, 0644));
}

TEST(shrink_writes_kexec_crash_size_and_reports) {
        struct crashkernel_paths p = paths("crashkernel=256M\n");
        _cleanup_free_ char *out = NULL, *v = NULL;
        char f[4096];

        fake_sysfs(&p, "sys-shrink", "268435456\n");
        out = shrink(&p, "200M", false, 0);
        ASSERT_CONTAINS(out, "256.0 MiB -> 200.0 MiB; 56.0 MiB given back");
        ASSERT_CONTAINS(out, "until the next boot");
        snprintf(f, sizeof(f), "%s/kexec_crash_size", p.sysfs_kernel);
        ASSERT_OK(read_one_line_file(f, &v));
        ASSERT_STREQ(v, "209715200");
}

TEST(shrink_refuses_bad_sizes_and_leaves_the_file) {
        struct crashkernel_paths p = paths("crashkernel=256M\n");
        _cleanup_free_ char *v = NULL;
        char f[4096];

        fake_sysfs(&p, "sys-shrink-refused", "268435456\n");
        free(shrink(&p, "512M", true, -EINVAL));
        free(shrink(&p, "16M", false, -ERANGE));
        free(shrink(&p, "160MB", false, -EINVAL));
        snprintf(f, sizeof(f), "%s/kexec_crash_size", p.sysfs_kernel);
        ASSERT_OK(read_one_line_file(f, &v));
        ASSERT_STREQ(v, "268435456");
}

TEST_MAIN()
