/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <sys/sysmacros.h>

#include "fake-sysfs.h"
#include "initramfs/builder/hostdeps.h"
#include "tests.h"

static bool has(char **v, const char *s) {
        for (; v && *v; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

static void assert_virtio_disk(const struct hostdeps *d) {
        ASSERT_EQ(d->n_modules, 2);
        ASSERT_TRUE(has(d->modules, "virtio_blk"));
        ASSERT_TRUE(has(d->modules, "virtio_pci"));
        ASSERT_EQ(d->n_modaliases, 2);
        ASSERT_TRUE(has(d->modaliases, "virtio:d00000002v00001AF4"));
        ASSERT_TRUE(has(d->modaliases, "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00"));
}

TEST(disk_partition_and_dm) {
        struct hostdeps d = {};

        ASSERT_OK(hostdeps_for_device(fake_sysfs(), makedev(254, 16), &d));
        assert_virtio_disk(&d);
        hostdeps_done(&d);

        /* a partition: the walk passes through its disk */
        ASSERT_OK(hostdeps_for_device(fake_sysfs(), makedev(254, 17), &d));
        assert_virtio_disk(&d);
        hostdeps_done(&d);

        /* dm-0 on vdb1, through slaves/ */
        ASSERT_OK(hostdeps_for_device(fake_sysfs(), makedev(253, 0), &d));
        assert_virtio_disk(&d);
        hostdeps_done(&d);

        /* a virtual device needs no driver module */
        ASSERT_OK(hostdeps_for_device(fake_sysfs(), makedev(7, 0), &d));
        ASSERT_EQ(d.n_modules, 0);
        ASSERT_EQ(d.n_modaliases, 0);
        hostdeps_done(&d);

        ASSERT_ERR(hostdeps_for_device(fake_sysfs(), makedev(8, 0), &d), ENOENT);
}

TEST(parse_device) {
        dev_t dev;

        ASSERT_OK(hostdeps_parse_device("254:17", &dev));
        ASSERT_EQ(major(dev), 254);
        ASSERT_EQ(minor(dev), 17);
        ASSERT_ERR(hostdeps_parse_device("254:x", &dev), EINVAL);
        ASSERT_ERR(hostdeps_parse_device("/dev/null", &dev), ENOTBLK);
        ASSERT_ERR(hostdeps_parse_device("/dev/does-not-exist", &dev), ENOENT);
}

TEST_MAIN()
