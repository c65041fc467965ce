/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cache of capture images: its fingerprint changes with every input
 * the image depends on (here the builder and dracut_args) and only then;
 * forgetting a release's image takes its files and nothing else, also
 * through "kdumpctl forget-initramfs". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "basic/strv.h"
#include "kdumpd/capture-image.h"
#include "kdumpd/dump-target.h"
#include "tests.h"

/* Written once: the fingerprint has their sizes and times. */
static const char *fixture_file(const char *name, unsigned mode) {
        const char *p = test_tmp(name);

        if (access(p, F_OK) < 0)
                ASSERT_OK(write_file_atomic(p, "x\n", 2, mode));
        return p;
}

/* The fingerprint of a configuration, with the kernel, modules.dep and
 * the programs as fixture files. */
static char *fingerprint_of(const char *conf_text) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;
        dump_target t = { .fstype = (char *) "ext4", .spec = (char *) "LABEL=K", .devnode = (char *) "/dev/vdb",
                          .path = (char *) "/crash" };
        char *fp = NULL;

        ASSERT_OK(mkdir_p(test_tmp("modules"), 0755));
        fixture_file("modules/modules.dep", 0644);
        ASSERT_OK(setenv("KDUMPD_DRACUT", fixture_file("dracut", 0755), 1));
        ASSERT_OK(kdump_config_parse(conf_text, "kdump.conf", &c, &err));
        ASSERT_OK(capture_image_fingerprint(&(struct capture_image_opts) {
                        .sz = sizeof(struct capture_image_opts),
                        .kernel_release = "6.1.0-test",
                        .kernel_image = fixture_file("vmlinuz", 0644),
                        .modules_dir = test_tmp("modules"),
                        .state_dir = test_tmp("state"),
                        .init_program = fixture_file("kdump-init", 0755),
                        .collect_program = fixture_file("kdump-collect", 0755),
                }, c, &t, &fp, &err));
        return fp;
}

#define BASE "path /crash\ncore_collector kdump-collect -l -d 31\n"

TEST(fingerprint_follows_builder_and_dracut_args) {
        _cleanup_free_ char *kdumpd = NULL, *dracut = NULL, *dracut_again = NULL, *args = NULL, *args_again = NULL,
                            *other_args = NULL;

        kdumpd = fingerprint_of(BASE);
        dracut = fingerprint_of(BASE "initramfs_builder dracut\n");
        dracut_again = fingerprint_of(BASE "initramfs_builder dracut\n");
        args = fingerprint_of(BASE "initramfs_builder dracut\ndracut_args --add-drivers \"a b\"\n");
        args_again = fingerprint_of(BASE "initramfs_builder dracut\ndracut_args --add-drivers \"a b\"\n");
        other_args = fingerprint_of(BASE "initramfs_builder dracut\ndracut_args --add-drivers \"a c\"\n");

        /* one line each, after the configuration */
        ASSERT_CONTAINS(kdumpd, "\nbuilder kdumpd\n");
        ASSERT_CONTAINS(dracut, "\nbuilder dracut\n");
        ASSERT_CONTAINS(args, "\ndracut_arg --add-drivers\n");
        /* same inputs, same fingerprint */
        ASSERT_STREQ(dracut, dracut_again);
        ASSERT_STREQ(args, args_again);
        /* another builder or other dracut_args, another one */
        ASSERT_TRUE(strcmp(kdumpd, dracut) != 0);
        ASSERT_TRUE(strcmp(dracut, args) != 0);
        ASSERT_TRUE(strcmp(args, other_args) != 0);
}

static const char *const mine[] = {
        "initramfs-6.1.0-1.img", "initramfs-6.1.0-1.inputs", "initramfs-6.1.0-1.img.stack",
        "initramfs-6.1.0-1.img.net", "initramfs-6.1.0-1.img.tmpAb12Cd",
};
/* another release whose name starts the same, another ending the same,
 * and the rest of the state */
static const char *const others[] = {
        "initramfs-6.1.0-10.img", "initramfs-6.1.0-10.inputs", "initramfs-6.1.0-10.img.net",
        "initramfs-x6.1.0-1.img", "initramfs-6.1.0-1.imgx", "seen", "loaded", "ssh_known_hosts",
};

static const char *fill_state(const char *name) {
        const char *dir = test_tmp(name);
        char p[4096];

        ASSERT_OK(mkdir_p(dir, 0755));
        for (size_t i = 0; i < ELEMENTSOF(mine); i++) {
                snprintf(p, sizeof(p), "%s/%s", dir, mine[i]);
                ASSERT_OK(write_file_atomic(p, "x", 1, 0600));
        }
        for (size_t i = 0; i < ELEMENTSOF(others); i++) {
                snprintf(p, sizeof(p), "%s/%s", dir, others[i]);
                ASSERT_OK(write_file_atomic(p, "x", 1, 0600));
        }
        return dir;
}

static void assert_only_mine_gone(const char *dir) {
        char p[4096];

        for (size_t i = 0; i < ELEMENTSOF(mine); i++) {
                snprintf(p, sizeof(p), "%s/%s", dir, mine[i]);
                ASSERT_TRUE(access(p, F_OK) < 0 && errno == ENOENT);
        }
        for (size_t i = 0; i < ELEMENTSOF(others); i++) {
                snprintf(p, sizeof(p), "%s/%s", dir, others[i]);
                ASSERT_OK(access(p, F_OK) < 0 ? -errno : 0);
        }
}

TEST(forget_takes_the_release_and_nothing_else) {
        const char *dir = fill_state("state-forget");
        _cleanup_(strv_freep) char **removed = NULL;
        _cleanup_free_ char *err = NULL;
        char p[4096];

        ASSERT_EQ(capture_image_forget(dir, "6.1.0-1", &removed, &err), (int) ELEMENTSOF(mine));
        assert_only_mine_gone(dir);
        snprintf(p, sizeof(p), "%s/initramfs-6.1.0-1.img", dir);
        ASSERT_TRUE(strv_has(removed, p));
        /* again: nothing left to take */
        ASSERT_EQ(capture_image_forget(dir, "6.1.0-1", NULL, &err), 0);
        assert_only_mine_gone(dir);
        /* no state directory at all: nothing to do */
        ASSERT_EQ(capture_image_forget(test_tmp("absent"), "6.1.0-1", NULL, NULL), 0);
}

TEST(forget_refuses_what_is_not_a_release) {
        const char *dir = fill_state("state-refuse");
        static const char *const bad[] = { "", ".", "..", "../6.1.0-1", "6.1.0-1/x" };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;

                ASSERT_ERR(capture_image_forget(dir, bad[i], NULL, &err), EINVAL);
                ASSERT_CONTAINS(err, "invalid kernel release");
        }
        for (size_t i = 0; i < ELEMENTSOF(mine); i++) {
                char p[4096];

                snprintf(p, sizeof(p), "%s/%s", dir, mine[i]);
                ASSERT_OK(access(p, F_OK) < 0 ? -errno : 0);
        }
}

/* The verb the kernel postrm hook runs. */
TEST(kdumpctl_forget_initramfs) {
        const char *exe = getenv("KDUMPCTL"), *dir = fill_state("state-verb");
        _cleanup_(spawn_result_done) struct spawn_result res = {}, none = {};
        char *argv[] = { (char *) exe, (char *) "--state-dir", (char *) dir, (char *) "forget-initramfs",
                         (char *) "--kernel-release=6.1.0-1", NULL };
        char *argv_none[] = { (char *) exe, (char *) "--state-dir", (char *) dir, (char *) "forget-initramfs", NULL };
        const struct spawn_opts o = { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1,
                                      .timeout_ms = 30000 };

        ASSERT_TRUE(exe != NULL);
        ASSERT_OK(spawn_capture(argv, &o, &res));
        ASSERT_EQ(res.status, 0);
        ASSERT_CONTAINS(res.err, "initramfs-6.1.0-1.img");
        assert_only_mine_gone(dir);
        /* without a release: refused, nothing touched */
        ASSERT_OK(spawn_capture(argv_none, &o, &none));
        ASSERT_EQ(none.status, 1);
        ASSERT_CONTAINS(none.err, "--kernel-release");
}

TEST_MAIN()
