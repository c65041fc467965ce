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
        _cleanup_free_ char *mp = NULL, *src = NULL, *fs = NULL;

        ASSERT_OK(mountinfo_find_dev(mountinfo, 254, 1, &mp, &src, &fs));
        ASSERT_STREQ(mp, "/");
        ASSERT_STREQ(src, "/dev/vda1");
        ASSERT_STREQ(fs, "ext4");
}

TEST(mountinfo_skips_bind_mounts_and_unescapes) {
        _cleanup_free_ char *mp = NULL, *src = NULL, *fs = NULL;

        ASSERT_OK(mountinfo_find_dev(mountinfo, 254, 17, &mp, &src, &fs));
        ASSERT_STREQ(mp, "/srv/dump space");
        ASSERT_STREQ(fs, "xfs");
}

TEST(mountinfo_missing) {
        char *mp = NULL, *src = NULL, *fs = NULL;

        ASSERT_ERR(mountinfo_find_dev(mountinfo, 8, 1, &mp, &src, &fs), ENOENT);
        ASSERT_TRUE(mp == NULL);
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
