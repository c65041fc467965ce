/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The running watchdogs read from a sysfs tree shaped like a QEMU guest's
 * with i6300esb (running) and softdog (stopped), and none at all. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "kdumpd/watchdogs.h"
#include "tests.h"
#include "../initramfs/fake-sysfs.h"

TEST(running_ones) {
        const char *root = test_tmp("sys");
        struct running_watchdog *v = NULL;
        size_t n = 9;

        fake_sysfs_file(root, "class/watchdog/watchdog1/state", "inactive\n");
        fake_sysfs_file(root, "class/watchdog/watchdog1/identity", "Software Watchdog\n");
        fake_sysfs_file(root, "class/watchdog/watchdog0/state", "active\n");
        fake_sysfs_file(root, "class/watchdog/watchdog0/identity", "i6300ESB timer\n");
        fake_sysfs_file(root, "class/watchdog/watchdog0/timeout", "30\n");
        fake_sysfs_file(root, "class/watchdog/watchdog2/state", "active\n");
        ASSERT_OK(running_watchdogs(root, &v, &n));
        ASSERT_EQ(n, 2);
        ASSERT_STREQ(v[0].name, "watchdog0");
        ASSERT_STREQ(v[0].identity, "i6300ESB timer");
        ASSERT_EQ(v[0].timeout_s, 30);
        /* no identity, no timeout in sysfs */
        ASSERT_STREQ(v[1].name, "watchdog2");
        ASSERT_TRUE(!v[1].identity);
        ASSERT_EQ(v[1].timeout_s, 0);
        running_watchdogs_free(v, n);
}

TEST(no_watchdog_class) {
        struct running_watchdog *v = (void *) 1;
        size_t n = 9;

        ASSERT_OK(running_watchdogs(test_tmp("empty"), &v, &n));
        ASSERT_EQ(n, 0);
        ASSERT_TRUE(!v);
}

TEST(loaded_drivers_by_place) {
        static const char dep[] =
                "kernel/drivers/watchdog/i6300esb.ko.xz:\n"
                "kernel/drivers/watchdog/softdog.ko.xz:\n"
                "kernel/drivers/watchdog/sp5100_tco.ko.xz:\n"
                "kernel/drivers/watchdog/iTCO_wdt.ko.xz: kernel/drivers/watchdog/iTCO_vendor_support.ko.xz\n"
                "kernel/drivers/watchdog/wdat-wdt.ko.xz:\n"
                "kernel/drivers/virtio/virtio_pci.ko.xz:\n";
        static const char loaded[] =
                "virtio_pci 24576 0 - Live 0x0000000000000000\n"
                "softdog 16384 0 - Live 0x0000000000000000\n"
                "i6300esb 16384 1 - Live 0x0000000000000000\n"
                "wdat_wdt 16384 0 - Live 0x0000000000000000\n"
                "i6300esb_other 16384 0 - Live 0x0000000000000000\n";
        _cleanup_(strv_freep) char **names = NULL, **none = NULL;

        ASSERT_OK(watchdog_loaded_drivers(dep, loaded, &names));
        /* softdog aside, virtio_pci elsewhere, iTCO_wdt not loaded; dashes as underscores */
        ASSERT_STREQ(names[0], "i6300esb");
        ASSERT_STREQ(names[1], "wdat_wdt");
        ASSERT_TRUE(!names[2]);
        ASSERT_OK(watchdog_loaded_drivers(dep, "", &none));
        ASSERT_TRUE(none && !none[0]);
}

TEST_MAIN()
