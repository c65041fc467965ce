/* SPDX-License-Identifier: GPL-2.0-or-later */
/* initramfs_builder dracut: the command line kdumpd gives dracut, and a
 * real dracut run with kdumpd's module (initramfs/dracut/99kdumpd) over a
 * fake kernel's modules tree (depmod-indexed, some compressed): the
 * stage's /init is the image's, the named modules and their dependencies
 * are in, and the capture /init's order from the image's modules.dep puts
 * each after what it needs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "initramfs/init/modules-load.h"
#include "kdumpd/capture-dracut.h"
#include "../initramfs/fake-modules.h"
#include "tests.h"

static bool argv_has_pair(char **v, const char *a, const char *b) {
        for (; v && v[0] && v[1]; v++)
                if (strcmp(v[0], a) == 0 && strcmp(v[1], b) == 0)
                        return true;
        return false;
}

TEST(argv) {
        _cleanup_(strv_freep) char **v = NULL, **w = NULL;

        ASSERT_OK(capture_dracut_argv(&(struct capture_dracut_opts) {
                        .sz = sizeof(struct capture_dracut_opts),
                        .kernel_release = "6.1.0-57-amd64",
                        .modules_dir = "/lib/modules/6.1.0-57-amd64",
                        .drivers = (char *[]) { (char *) "ext4", (char *) "virtio_blk", NULL },
                        .devices = (char *[]) { (char *) "/dev/dm-0", NULL },
                        .zstd = true,
                        .extra_args = (char *[]) { (char *) "--add-drivers", (char *) "nvme tg3", NULL },
                        .output = "/var/lib/kdumpd/initramfs-6.1.0-57-amd64.img.dracut",
                }, &v));
        ASSERT_STREQ(v[0], "dracut");
        ASSERT_TRUE(strv_has(v, "--hostonly"));
        ASSERT_TRUE(argv_has_pair(v, "--hostonly-mode", "strict"));
        ASSERT_TRUE(strv_has(v, "--no-hostonly-default-device"));
        ASSERT_TRUE(argv_has_pair(v, "--modules", "kdumpd"));
        ASSERT_TRUE(argv_has_pair(v, "--kver", "6.1.0-57-amd64"));
        ASSERT_TRUE(!strv_has(v, "--kmoddir"));       /* the default place */
        ASSERT_TRUE(argv_has_pair(v, "--add-device", "/dev/dm-0"));
        ASSERT_TRUE(argv_has_pair(v, "--add-drivers", "ext4 virtio_blk"));
        ASSERT_TRUE(argv_has_pair(v, "--add-drivers", "nvme tg3"));   /* dracut_args, as one word */
        ASSERT_TRUE(strv_has(v, "--compress=zstd"));
        /* the output last, so no dracut_args can take it as a value */
        for (size_t i = 0; v[i]; i++)
                if (!v[i + 1])
                        ASSERT_STREQ(v[i], "/var/lib/kdumpd/initramfs-6.1.0-57-amd64.img.dracut");

        ASSERT_OK(capture_dracut_argv(&(struct capture_dracut_opts) {
                        .sz = sizeof(struct capture_dracut_opts),
                        .program = "/opt/dracut",
                        .kernel_release = "7.0.0-1-amd64",
                        .modules_dir = "/srv/modules/7.0.0-1-amd64",
                        .output = "/x.img",
                }, &w));
        ASSERT_STREQ(w[0], "/opt/dracut");
        ASSERT_TRUE(argv_has_pair(w, "--kmoddir", "/srv/modules/7.0.0-1-amd64"));
        ASSERT_TRUE(strv_has(w, "--no-compress"));
        ASSERT_TRUE(!strv_has(w, "--add-drivers") && !strv_has(w, "--add-device"));
}

static void run(const char *cmd) {
        if (system(cmd) != 0)
                TEST_FAIL("failed: %s", cmd);
}

/* A dracut whose module directory is the system's plus kdumpd's module
 * from the source tree, reading no configuration of this machine. */
static const char *dracut_wrapper(void) {
        static char wrapper[4096];
        const char *base = test_tmp("dracut-base"), *src = getenv("KDUMPD_DRACUT_MODULE");
        char cmd[16384];
        FILE *f;

        ASSERT_TRUE(src != NULL);
        snprintf(cmd, sizeof(cmd),
                 "set -e; mkdir -p '%1$s/modules.d' '%1$s/conf.d'; "
                 "for f in /usr/lib/dracut/*; do [ \"$f\" = /usr/lib/dracut/modules.d ] || ln -s \"$f\" '%1$s/'; done; "
                 "for m in /usr/lib/dracut/modules.d/*; do ln -s \"$m\" '%1$s/modules.d/'; done; "
                 "rm -f '%1$s/modules.d/99kdumpd'; ln -s '%2$s' '%1$s/modules.d/99kdumpd'",
                 base, src);
        run(cmd);
        snprintf(wrapper, sizeof(wrapper), "%s/dracut", test_tmp("bin"));
        ASSERT_OK(mkdir_p(test_tmp("bin"), 0755));
        f = fopen(wrapper, "we");
        ASSERT_TRUE(f != NULL);
        fprintf(f, "#!/bin/sh\ndracutbasedir='%s' exec /usr/bin/dracut --conf /dev/null --confdir '%s/conf.d' \"$@\"\n",
                base, base);
        fclose(f);
        ASSERT_OK(chmod(wrapper, 0755) < 0 ? -errno : 0);
        return wrapper;
}

TEST(dracut_builds_with_kdumpd_module) {
        const char *mods = fake_modules_dir(), *stage_dir = test_tmp("stage"), *img = test_tmp("capture.img"),
                   *out = test_tmp("unpacked");
        _cleanup_free_ char *err = NULL, *init = NULL, *dep = NULL, *listing = NULL;
        _cleanup_(strv_freep) char **order = NULL;
        char cmd[16384], path[4096];
        size_t n;

        /* the stage: kdumpd's image without modules */
        snprintf(cmd, sizeof(cmd),
                 "set -e; mkdir -p '%1$s/etc/kdump'; printf '#!/bin/sh\\necho kdumpd init\\n' >'%1$s/init'; "
                 "chmod 755 '%1$s/init'; echo 'path /crash' >'%1$s/etc/kdump/capture.conf'; "
                 "cd '%1$s' && find . | cpio -o -H newc --quiet >'%1$s.cpio'", stage_dir);
        run(cmd);
        snprintf(path, sizeof(path), "%s.cpio", stage_dir);

        if (capture_dracut_run(&(struct capture_dracut_opts) {
                        .sz = sizeof(struct capture_dracut_opts),
                        .program = dracut_wrapper(),
                        .kernel_release = FAKE_RELEASE,
                        .modules_dir = mods,
                        .stage = path,
                        .drivers = (char *[]) { (char *) "ext4", (char *) "virtio_blk", NULL },
                        .output = img,
                }, &err) < 0)
                TEST_FAIL("dracut: %s", err ? err : "?");

        snprintf(cmd, sizeof(cmd), "set -e; mkdir -p '%1$s'; cd '%1$s'; cpio -i -d --quiet <'%2$s'; "
                 "find . -type f -o -type l | sort >'%1$s.list'", out, img);
        run(cmd);
        snprintf(path, sizeof(path), "%s.list", out);
        ASSERT_OK(read_full_file(path, &listing, &n));
        snprintf(path, sizeof(path), "%s/init", out);
        ASSERT_OK(read_full_file(path, &init, &n));
        ASSERT_STREQ(init, "#!/bin/sh\necho kdumpd init\n");        /* kdumpd's /init, not dracut's */
        ASSERT_CONTAINS(listing, "./etc/kdump/capture.conf\n");
        ASSERT_CONTAINS(listing, "/modules/" FAKE_RELEASE "/kernel/fs/ext4/ext4.ko\n");
        ASSERT_CONTAINS(listing, "/modules/" FAKE_RELEASE "/kernel/fs/jbd2/jbd2.ko\n");
        ASSERT_CONTAINS(listing, "/modules/" FAKE_RELEASE "/kernel/lib/crc16.ko.zst\n");
        ASSERT_CONTAINS(listing, "/modules/" FAKE_RELEASE "/kernel/drivers/block/virtio_blk.ko.xz\n");
        ASSERT_TRUE(strstr(listing, "ghost.ko") == NULL);                /* nothing not asked for */

        /* no modules.load: kdumpd's /init loads every module of the image in
         * the order of the modules.dep dracut wrote (modules-load.h) */
        ASSERT_TRUE(strstr(listing, "./etc/kdump/modules.load\n") == NULL);
        snprintf(path, sizeof(path), "%s/usr/lib/modules/%s/modules.dep", out, FAKE_RELEASE);
        ASSERT_OK(read_full_file(path, &dep, &n));
        ASSERT_OK(modules_dep_order(dep, &order));
        {
                ssize_t crc16 = -1, jbd2 = -1, mbcache = -1, ext4 = -1, ring = -1, blk = -1;

                for (ssize_t k = 0; order[k]; k++) {
                        const char *m = order[k];

                        if (strcmp(m, "kernel/lib/crc16.ko.zst") == 0) crc16 = k;
                        if (strcmp(m, "kernel/fs/jbd2/jbd2.ko") == 0) jbd2 = k;
                        if (strcmp(m, "kernel/fs/mbcache.ko") == 0) mbcache = k;
                        if (strcmp(m, "kernel/fs/ext4/ext4.ko") == 0) ext4 = k;
                        if (strcmp(m, "kernel/drivers/virtio/virtio_ring.ko.zst") == 0) ring = k;
                        if (strcmp(m, "kernel/drivers/block/virtio_blk.ko.xz") == 0) blk = k;
                        ASSERT_TRUE(strstr(m, "ghost") == NULL);
                }
                ASSERT_TRUE(crc16 >= 0 && jbd2 >= 0 && mbcache >= 0 && ext4 >= 0 && ring >= 0 && blk >= 0);
                ASSERT_TRUE(crc16 < jbd2 && jbd2 < ext4 && mbcache < ext4 && ring < blk);
        }
}

/* modules.dep as depmod writes it: each line's dependencies deepest last. */
TEST(dep_order) {
        _cleanup_(strv_freep) char **o = NULL;

        ASSERT_OK(modules_dep_order("kernel/fs/ext4/ext4.ko: kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko kernel/lib/crc16.ko\n"
                                    "kernel/fs/mbcache.ko:\n"
                                    "kernel/fs/jbd2/jbd2.ko: kernel/lib/crc16.ko\n"
                                    "kernel/lib/crc16.ko:\n"
                                    "kernel/a.ko:  kernel/b.ko\tkernel/c.ko  \n"
                                    "\n", &o));
        ASSERT_STREQ(o[0], "kernel/lib/crc16.ko");
        ASSERT_STREQ(o[1], "kernel/fs/jbd2/jbd2.ko");
        ASSERT_STREQ(o[2], "kernel/fs/mbcache.ko");
        ASSERT_STREQ(o[3], "kernel/fs/ext4/ext4.ko");
        ASSERT_STREQ(o[4], "kernel/c.ko");
        ASSERT_STREQ(o[5], "kernel/b.ko");
        ASSERT_STREQ(o[6], "kernel/a.ko");
        ASSERT_TRUE(o[7] == NULL);
}

/* No dracut: the reason and what to install. */
TEST(no_dracut) {
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(capture_dracut_run(&(struct capture_dracut_opts) {
                        .sz = sizeof(struct capture_dracut_opts),
                        .program = "/nonexistent/dracut",
                        .kernel_release = FAKE_RELEASE,
                        .stage = "/nonexistent.cpio",
                        .output = test_tmp("none.img"),
                }, &err), ENOENT);
        ASSERT_CONTAINS(err, "initramfs_builder dracut needs dracut");
        ASSERT_CONTAINS(err, "apt install dracut-core");
}

TEST_MAIN()
