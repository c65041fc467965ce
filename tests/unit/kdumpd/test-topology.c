/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/macro.h"
#include "kdumpd/topology.h"
#include "tests.h"

/* /proc/iomem of a 1 GiB QEMU guest with a 256 MiB reservation. */
static const char iomem_1g[] =
        "00000000-00000fff : Reserved\n"
        "00001000-0009fbff : System RAM\n"
        "0009fc00-0009ffff : Reserved\n"
        "000f0000-000fffff : Reserved\n"
        "  000f0000-000fffff : System ROM\n"
        "00100000-3ffdffff : System RAM\n"
        "  0d000000-1cffffff : Crash kernel\n"
        "  2e600000-2f5fffff : Kernel code\n"
        "3ffe0000-3fffffff : Reserved\n"
        "fd000000-fdffffff : PCI Bus 0000:00\n";

/* ... after a 128 MiB memory block was onlined above 4 GiB */
static const char iomem_hot[] =
        "00000000-00000fff : Reserved\n"
        "00001000-0009fbff : System RAM\n"
        "00100000-3ffdffff : System RAM\n"
        "  0d000000-1cffffff : Crash kernel\n"
        "3ffe0000-3fffffff : Reserved\n"
        "100000000-107ffffff : System RAM\n";

/* ... and with the reservation shrunk (kexec_crash_size): not a topology change */
static const char iomem_shrunk[] =
        "00000000-00000fff : Reserved\n"
        "00001000-0009fbff : System RAM\n"
        "0009fc00-0009ffff : Reserved\n"
        "00100000-3ffdffff : System RAM\n"
        "  0d000000-16ffffff : Crash kernel\n"
        "3ffe0000-3fffffff : Reserved\n";

TEST(fingerprint) {
        _cleanup_free_ char *a = NULL;

        ASSERT_OK(topology_fingerprint(iomem_1g, "0-1\n", &a));
        ASSERT_STREQ(a, "ram=1000-9fbff,100000-3ffdffff;cpus=0-1");
}

/* udev's replay at boot: same RAM, same CPUs, same string. */
TEST(replay_is_no_change) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

        ASSERT_OK(topology_fingerprint(iomem_1g, "0-1", &a));
        ASSERT_OK(topology_fingerprint(iomem_1g, "0-1\n", &b));
        ASSERT_STREQ(a, b);
        ASSERT_OK(topology_fingerprint(iomem_shrunk, "0-1", &c));
        ASSERT_STREQ(a, c);
}

TEST(real_changes_differ) {
        _cleanup_free_ char *a = NULL, *hot = NULL, *off = NULL;

        ASSERT_OK(topology_fingerprint(iomem_1g, "0-1", &a));
        ASSERT_OK(topology_fingerprint(iomem_hot, "0-1", &hot));
        ASSERT_TRUE(strcmp(a, hot) != 0);
        ASSERT_CONTAINS(hot, ",100000000-107ffffff;");
        ASSERT_OK(topology_fingerprint(iomem_1g, "0", &off));
        ASSERT_TRUE(strcmp(a, off) != 0);
}

/* Read by someone who is not root: every address is 0, nothing to compare. */
TEST(hidden_addresses) {
        char *a = NULL;

        ASSERT_ERR(topology_fingerprint("00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n", "0", &a),
                   EPERM);
        ASSERT_ERR(topology_fingerprint("", "0", &a), EINVAL);
        ASSERT_TRUE(a == NULL);
}

TEST_MAIN()
