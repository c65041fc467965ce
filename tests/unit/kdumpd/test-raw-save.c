/* SPDX-License-Identifier: GPL-2.0-or-later */
/* raw targets: a flattened stream written over a "device" (a file here) is
 * saved as the file the direct write would have made, with the modes dumps
 * get, and the device's header is cleared so it is not saved twice. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/flatten.h"
#include "kdumpd/raw-save.h"
#include "tests.h"

/* A stream of three records at scattered offsets, followed by stale bytes
 * (a device is larger than the stream). */
static void write_stream(const char *dev, char expect[static 3 * 8192]) {
        _cleanup_close_ int fd = open(dev, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        struct dump_sink *s = NULL;
        char junk[65536];

        ASSERT_TRUE(fd >= 0);
        memset(expect, 0, 3 * 8192);
        for (int i = 0; i < 3 * 8192; i += 3)
                expect[i] = (char) (i * 7 + 1);
        ASSERT_OK(dump_sink_new(fd, true, &s));
        ASSERT_OK(dump_sink_write(s, 8192, expect + 8192, 8192));
        ASSERT_OK(dump_sink_write(s, 0, expect, 4096));
        ASSERT_OK(dump_sink_write(s, 4096, expect + 4096, 4096));
        ASSERT_OK(dump_sink_write(s, 16384, expect + 16384, 8192));
        ASSERT_OK(dump_sink_finish(s));
        dump_sink_free(s);
        memset(junk, 0x5a, sizeof(junk));
        ASSERT_OK(loop_write(fd, junk, sizeof(junk)));
}

TEST(header_signature) {
        unsigned char h[64] = "makedumpfile";

        ASSERT_TRUE(!raw_header_is_dump(h, sizeof(h)));        /* type 0 */
        h[23] = 1;
        ASSERT_TRUE(raw_header_is_dump(h, sizeof(h)));
        ASSERT_TRUE(!raw_header_is_dump(h, 16));
        h[12] = 'X';
        ASSERT_TRUE(!raw_header_is_dump(h, sizeof(h)));
        memset(h, 0, sizeof(h));
        ASSERT_TRUE(!raw_header_is_dump(h, sizeof(h)));
}

TEST(save_rebuilds_the_dump_and_clears_the_device) {
        const char *collect = getenv("KDUMP_COLLECT");
        char dev[4096], path[4096], vmcore[4096], expect[3 * 8192];
        _cleanup_free_ char *dir = NULL, *got = NULL, *dir2 = NULL;
        unsigned char head[FLAT_HEADER_SIZE];
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        size_t len;

        ASSERT_TRUE(collect);
        snprintf(dev, sizeof(dev), "%s", test_tmp("raw-device"));
        snprintf(path, sizeof(path), "%s", test_tmp("var/crash"));
        write_stream(dev, expect);

        ASSERT_EQ(raw_dump_save(dev, path, collect, &dir), 1);
        snprintf(vmcore, sizeof(vmcore), "%s/vmcore", dir);
        ASSERT_OK(read_full_file(vmcore, &got, &len));
        ASSERT_EQ(len, sizeof(expect));
        ASSERT_TRUE(memcmp(got, expect, len) == 0);
        ASSERT_OK(stat(dir, &st) < 0 ? -errno : 0);
        ASSERT_EQ(st.st_mode & 07777, 0700);
        ASSERT_OK(stat(vmcore, &st) < 0 ? -errno : 0);
        ASSERT_EQ(st.st_mode & 07777, 0600);

        /* The header is gone: the next start finds nothing to save. */
        fd = open(dev, O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(pread_full(fd, head, sizeof(head), 0));
        ASSERT_TRUE(!raw_header_is_dump(head, sizeof(head)));
        ASSERT_EQ(raw_dump_save(dev, path, collect, &dir2), 0);
        ASSERT_TRUE(dir2 == NULL);
}

TEST(a_broken_stream_is_kept_on_the_device) {
        const char *collect = getenv("KDUMP_COLLECT");
        char dev[4096], path[4096], expect[3 * 8192];
        _cleanup_free_ char *dir = NULL;
        unsigned char head[FLAT_HEADER_SIZE];
        _cleanup_close_ int fd = -EBADF;

        snprintf(dev, sizeof(dev), "%s", test_tmp("raw-broken"));
        snprintf(path, sizeof(path), "%s", test_tmp("var/crash-broken"));
        write_stream(dev, expect);
        /* Cut the stream inside its first record: no end marker. */
        ASSERT_OK(truncate(dev, FLAT_HEADER_SIZE + 100) < 0 ? -errno : 0);

        ASSERT_ERR(raw_dump_save(dev, path, collect, &dir), EIO);
        fd = open(dev, O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(pread_full(fd, head, sizeof(head), 0));
        ASSERT_TRUE(raw_header_is_dump(head, sizeof(head)));
}

TEST_MAIN()
