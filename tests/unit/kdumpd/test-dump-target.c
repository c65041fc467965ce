/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/macro.h"
#include "kdumpd/capture-image.h"
#include "kdumpd/dump-target.h"
#include "tests.h"

static const char mountinfo[] =
        "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
        "28 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
        "40 28 254:17 /crash /srv/bind rw,relatime shared:9 - xfs /dev/vdb1 rw\n"
        "41 28 254:17 / /srv/dump\\040space rw,relatime shared:10 - xfs /dev/vdb1 rw\n";

TEST(mountinfo_root) {
        _cleanup_(mount_entry_done) struct mount_entry m = {};

        ASSERT_OK(mountinfo_find_source(mountinfo, "/dev/vda1", &m));
        ASSERT_STREQ(m.mountpoint, "/");
        ASSERT_STREQ(m.fstype, "ext4");
}

TEST(mountinfo_skips_bind_mounts_and_unescapes) {
        _cleanup_(mount_entry_done) struct mount_entry m = {};

        /* /srv/bind shows /crash of the filesystem: not its root */
        ASSERT_OK(mountinfo_find_source(mountinfo, "/dev/vdb1", &m));
        ASSERT_STREQ(m.mountpoint, "/srv/dump space");
        ASSERT_STREQ(m.fstype, "xfs");
}

TEST(mountinfo_missing) {
        struct mount_entry m = {};

        ASSERT_ERR(mountinfo_find_source(mountinfo, "/dev/sda1", &m), ENOENT);
        ASSERT_TRUE(m.mountpoint == NULL);
}

static const char mountinfo_stacked[] =
        "28 1 0:31 /@ / rw,relatime shared:1 - btrfs /dev/vda2 rw,space_cache=v2,subvolid=256,subvol=/@\n"
        "29 28 0:31 /@crash /var/crash rw,relatime shared:2 - btrfs /dev/vda2 rw,space_cache=v2,subvolid=257,subvol=/@crash\n"
        "30 28 253:0 / /srv rw,relatime shared:3 - ext4 /dev/mapper/vg0-srv rw\n"
        "31 28 253:0 /dumps /var/dumps rw,relatime shared:4 - ext4 /dev/mapper/vg0-srv rw\n"
        "32 28 0:40 / /mnt/share rw,relatime shared:5 - virtiofs hostshare rw\n"
        "33 28 8:1 / /mnt/share rw,relatime shared:6 - xfs /dev/sda1 rw\n";

/* Where a path's dumps land on its filesystem, as the capture kernel
 * mounts it: btrfs subvolumes (mountinfo's device numbers do not match a
 * subvolume's st_dev, so the lookup is by path), bind mounts, overmounts. */
TEST(mountinfo_path_and_target_path) {
        static const struct {
                const char *path, *source, *fstype, *target_path, *subvol;
        } cases[] = {
                { "/var/crash", "/dev/vda2", "btrfs", "/", "/@crash" },
                { "/var/crash/new/dir", "/dev/vda2", "btrfs", "/new/dir", "/@crash" },
                { "/var/crashdump", "/dev/vda2", "btrfs", "/var/crashdump", "/@" },
                { "/srv/crash", "/dev/mapper/vg0-srv", "ext4", "/crash", NULL },
                { "/srv", "/dev/mapper/vg0-srv", "ext4", "/", NULL },
                { "/var/dumps/x", "/dev/mapper/vg0-srv", "ext4", "/dumps/x", NULL },
                { "/mnt/share/crash", "/dev/sda1", "xfs", "/crash", NULL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(mount_entry_done) struct mount_entry m = {};
                _cleanup_free_ char *path = NULL, *subvol = NULL;

                ASSERT_OK(mountinfo_find_path(mountinfo_stacked, cases[i].path, &m));
                ASSERT_STREQ(m.source, cases[i].source);
                ASSERT_STREQ(m.fstype, cases[i].fstype);
                ASSERT_OK(mount_entry_target_path(&m, cases[i].path, &path, &subvol));
                ASSERT_STREQ(path, cases[i].target_path);
                if (cases[i].subvol)
                        ASSERT_STREQ(subvol, cases[i].subvol);
                else
                        ASSERT_TRUE(subvol == NULL);
        }
        {
                struct mount_entry m = {};

                ASSERT_ERR(mountinfo_find_path("", "/var", &m), ENOENT);
        }
}

TEST(capture_conf_is_valid_kdump_conf) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL, *back = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL;
        dump_target t = { .fstype = (char *) "ext4", .spec = (char *) "UUID=1234-abcd", .devnode = (char *) "/dev/vdb",
                          .path = (char *) "/crash" };

        ASSERT_OK(kdump_config_parse("core_collector kdump-collect -d 1\n", "k.conf", &c, NULL));
        ASSERT_OK(capture_conf_render(c, &t, &text));
        /* The capture /init reads it with the same parser. */
        ASSERT_OK(kdump_config_parse(text, "capture.conf", &back, &err));
        ASSERT_STREQ(back->fstype, "ext4");
        ASSERT_STREQ(back->device, "UUID=1234-abcd");
        ASSERT_STREQ(back->path, "/crash");
        ASSERT_STREQ(back->core_collector, "kdump-collect -d 1");
}

TEST(configured_target_missing) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;
        dump_target *t = NULL;

        ASSERT_OK(kdump_config_parse("ext4 LABEL=no-such-label-kdumpd-test\n", "k.conf", &c, NULL));
        ASSERT_ERR(dump_target_resolve(c, &t, &err), ENODEV);
        ASSERT_CONTAINS(err, "LABEL=no-such-label-kdumpd-test (line 1) is not present");
        ASSERT_TRUE(t == NULL);
}

TEST_MAIN()
