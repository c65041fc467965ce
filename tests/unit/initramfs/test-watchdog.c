/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The watchdog record kdumpctl writes and /init reads, the progress
 * samples from /proc as the kernel prints them, the progress rule, and
 * finding a watchdog's driver in sysfs. */
#include <errno.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/builder/hostdeps.h"
#include "initramfs/init/watchdog-record.h"
#include "fake-sysfs.h"
#include "tests.h"

TEST(record_round_trip) {
        _cleanup_(watchdog_record_done) struct watchdog_record w = {};
        _cleanup_free_ char *text = NULL, *bare = NULL, *err = NULL;

        ASSERT_OK(watchdog_record_render(300, "i6300ESB timer", &text));
        ASSERT_STREQ(text, "stall_timeout=300\nidentity=i6300ESB timer\n");
        ASSERT_OK(watchdog_record_parse(text, &w, &err));
        ASSERT_EQ(w.stall_timeout_s, 300);
        ASSERT_STREQ(w.identity, "i6300ESB timer");
        ASSERT_OK(watchdog_record_render(20, NULL, &bare));
        ASSERT_STREQ(bare, "stall_timeout=20\n");
        ASSERT_ERR(watchdog_record_render(20, "two\nlines", &text), EINVAL);
}

TEST(record_errors) {
        static const struct { const char *text, *error; } bad[] = {
                { "stall_timeout=0\n", "line 1: stall_timeout=0 is no positive number of seconds" },
                { "identity=x\nstall_timeout=soon\n", "line 2: stall_timeout=soon is no positive number of seconds" },
                { "timeout=60\n", "line 1: unknown key timeout" },
                { "stall_timeout 300\n", "line 1: expected key=value" },
        };
        struct watchdog_record none = {};

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(watchdog_record_done) struct watchdog_record w = {};
                _cleanup_free_ char *err = NULL;

                ASSERT_ERR(watchdog_record_parse(bad[i].text, &w, &err), EINVAL);
                ASSERT_STREQ(err, bad[i].error);
        }
        /* an empty record: the default stall timeout */
        ASSERT_OK(watchdog_record_parse("", &none, NULL));
        ASSERT_EQ(none.stall_timeout_s, WATCHDOG_STALL_DEFAULT_S);
        ASSERT_TRUE(!none.identity);
}

/* As Linux 6.1 prints them */
static const char proc_stat[] =
        "cpu  120 3 450 9000 77 5 6 2 0 0\n"
        "cpu0 120 3 450 9000 77 5 6 2 0 0\n"
        "intr 12345\n";
static const char proc_diskstats[] =
        " 254       0 vda 2120 0 90000 1200 30 12 4096 40 0 900 1240 0 0 0 0 0 0\n"
        " 254       1 vda1 2000 0 88000 1100 30 12 4096 40 0 880 1140 0 0 0 0 0 0\n"
        "   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
static const char proc_net_dev[] =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n"
        "  eth0: 5000000    4000    0    0    0     0          0         0 70000000   50000    0    0    0     0       0          0\n";

TEST(samples_from_proc) {
        uint64_t v = 0;

        ASSERT_OK(watchdog_parse_stat(proc_stat, &v));
        ASSERT_EQ(v, 120u + 3 + 450 + 5 + 6 + 2);       /* idle and iowait are no work */
        ASSERT_OK(watchdog_parse_diskstats(proc_diskstats, &v));
        ASSERT_EQ(v, 8192u);                            /* vda and vda1 both count: only growth matters */
        ASSERT_OK(watchdog_parse_netdev(proc_net_dev, &v));
        ASSERT_EQ(v, 70000000u);                        /* lo is not sending anywhere */
        ASSERT_ERR(watchdog_parse_stat("intr 1\n", &v), EINVAL);
        ASSERT_ERR(watchdog_parse_diskstats("254 0 vda\n", &v), EINVAL);
        ASSERT_ERR(watchdog_parse_netdev("a\nb\n  eth0 1 2\n", &v), EINVAL);
}

TEST(progress_rule) {
        const struct watchdog_sample a = { .busy_ticks = 1000, .sectors_written = 50, .tx_bytes = 7, .own_ticks = 10 };
        struct watchdog_sample b = a;

        /* nothing at all: a stall */
        ASSERT_TRUE(!watchdog_progress(&a, &b, 5, 100));
        /* a sector written, a byte sent: progress */
        b.sectors_written++;
        ASSERT_TRUE(watchdog_progress(&a, &b, 5, 100));
        b = a;
        b.tx_bytes += 1;
        ASSERT_TRUE(watchdog_progress(&a, &b, 5, 100));
        /* CPU work: more than a tenth of a CPU over 5 s at 100 Hz is more than 50 ticks */
        b = a;
        b.busy_ticks += 50;
        ASSERT_TRUE(!watchdog_progress(&a, &b, 5, 100));
        b.busy_ticks += 1;
        ASSERT_TRUE(watchdog_progress(&a, &b, 5, 100));
        /* ... not counting the keeper's own */
        b.own_ticks += 40;
        ASSERT_TRUE(!watchdog_progress(&a, &b, 5, 100));
}

TEST(watchdog_driver_in_sysfs) {
        const char *root = fake_sysfs();
        struct hostdeps d = {};

        fake_sysfs_file(root, "devices/pci0000:00/0000:00:06.0/modalias", "pci:v00008086d000025ABsv00001AF4sd00001100bc08sc80i00\n");
        fake_sysfs_link(root, "devices/pci0000:00/0000:00:06.0/driver", "../../../bus/pci/drivers/i6300ESB timer");
        fake_sysfs_link(root, "bus/pci/drivers/i6300ESB timer/module", "../../../../module/i6300esb");
        fake_sysfs_file(root, "module/i6300esb/uevent", "");
        fake_sysfs_file(root, "devices/pci0000:00/0000:00:06.0/watchdog/watchdog0/state", "active\n");
        fake_sysfs_link(root, "devices/pci0000:00/0000:00:06.0/watchdog/watchdog0/device", "../../../0000:00:06.0");
        fake_sysfs_link(root, "class/watchdog/watchdog0", "../../devices/pci0000:00/0000:00:06.0/watchdog/watchdog0");
        fake_sysfs_file(root, "devices/virtual/watchdog/watchdog1/state", "active\n");
        fake_sysfs_link(root, "class/watchdog/watchdog1", "../../devices/virtual/watchdog/watchdog1");

        ASSERT_OK(hostdeps_for_watchdog(root, "watchdog0", &d));
        ASSERT_EQ(d.n_modules, 1);
        ASSERT_STREQ(d.modules[0], "i6300esb");
        hostdeps_done(&d);
        /* softdog: no device under it */
        ASSERT_ERR(hostdeps_for_watchdog(root, "watchdog1", &d), ENOENT);
        ASSERT_ERR(hostdeps_for_watchdog(root, "../block", &d), EINVAL);
}

TEST_MAIN()
