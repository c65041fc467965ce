/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/flatten.h"
#include "tests.h"

/* The same writes through a file sink and a flattened sink; -R of the
 * stream must give the identical file. */
static void write_pattern(struct dump_sink *s) {
        uint8_t buf[10000];
        for (size_t i = 0; i < sizeof(buf); i++)
                buf[i] = (uint8_t) (i * 31 + 7);
        ASSERT_OK(dump_sink_write(s, 0, buf, 464));
        ASSERT_OK(dump_sink_write(s, 4096, buf + 1, 104));
        ASSERT_OK(dump_sink_write(s, 20000, buf, sizeof(buf)));
        ASSERT_OK(dump_sink_write(s, 12288, buf + 5, 24 * 10));
        ASSERT_OK(dump_sink_write(s, 0, buf + 9, 8));      /* rewrite, as for the incomplete flag */
        ASSERT_OK(dump_sink_finish(s));
}

TEST(roundtrip_identical) {
        _cleanup_close_ int direct = open(test_tmp("direct"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        _cleanup_close_ int flat = open(test_tmp("flat"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        _cleanup_close_ int rebuilt = open(test_tmp("rebuilt"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        _cleanup_free_ char *a = NULL, *b = NULL, *f = NULL;
        size_t na, nb, nf;
        struct dump_sink *s;
        uint64_t records;

        ASSERT_TRUE(direct >= 0 && flat >= 0 && rebuilt >= 0);
        ASSERT_OK(dump_sink_new(direct, false, &s));
        write_pattern(s);
        dump_sink_free(s);
        ASSERT_OK(dump_sink_new(flat, true, &s));
        write_pattern(s);
        dump_sink_free(s);

        ASSERT_OK(read_full_file(test_tmp("flat"), &f, &nf));
        ASSERT_TRUE(memcmp(f, "makedumpfile", 12) == 0);
        /* big-endian type 1, version 1 after the 16-byte signature */
        ASSERT_EQ((uint8_t) f[23], 1);
        ASSERT_EQ((uint8_t) f[31], 1);
        ASSERT_EQ(nf, 4096 + 5 * 16 + 464 + 104 + 10000 + 240 + 8 + 16);

        ASSERT_EQ(lseek(flat, 0, SEEK_SET), 0);
        ASSERT_OK(flatten_rearrange(flat, rebuilt, &records));
        ASSERT_EQ(records, 5);

        ASSERT_OK(read_full_file(test_tmp("direct"), &a, &na));
        ASSERT_OK(read_full_file(test_tmp("rebuilt"), &b, &nb));
        ASSERT_EQ(na, nb);
        ASSERT_EQ(na, 30000);
        ASSERT_TRUE(memcmp(a, b, na) == 0);
}

TEST(bad_streams) {
        const char *p = test_tmp("bad");
        _cleanup_close_ int out = open(test_tmp("bad-out"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        uint8_t hdr[4096 + 16] = {};
        int fd;

        /* not a stream */
        ASSERT_OK(write_file_atomic(p, hdr, sizeof(hdr), 0600));
        fd = open(p, O_RDONLY);
        ASSERT_ERR(flatten_rearrange(fd, out, NULL), EBADMSG);
        close(fd);

        /* valid header, then a truncated record and no end marker */
        memcpy(hdr, "makedumpfile", 12);
        hdr[23] = 1;
        hdr[31] = 1;
        hdr[4096 + 7] = 0x10;     /* offset 16 */
        hdr[4096 + 15] = 0x40;    /* size 64, but no data follows */
        ASSERT_OK(write_file_atomic(p, hdr, sizeof(hdr), 0600));
        fd = open(p, O_RDONLY);
        ASSERT_ERR(flatten_rearrange(fd, out, NULL), EBADMSG);
        close(fd);

        /* negative offset */
        memset(hdr + 4096, 0, 16);
        hdr[4096] = 0x80;
        ASSERT_OK(write_file_atomic(p, hdr, sizeof(hdr), 0600));
        fd = open(p, O_RDONLY);
        ASSERT_ERR(flatten_rearrange(fd, out, NULL), EBADMSG);
        close(fd);
}

/* The tap: the file's bytes in order, gaps as zeroes, up to an extension;
 * the first write behind its end stops it. */
struct tap_copy {
        uint8_t buf[40000];
        size_t n;
};

static void tap_copy_fn(void *userdata, const void *buf, size_t len) {
        struct tap_copy *t = userdata;
        ASSERT_TRUE(t->n + len <= sizeof(t->buf));
        memcpy(t->buf + t->n, buf, len);
        t->n += len;
}

TEST(tap_sees_the_file_in_order) {
        _cleanup_close_ int fd = open(test_tmp("tapped"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        _cleanup_free_ char *file = NULL;
        static struct tap_copy t;
        uint8_t buf[5000];
        struct dump_sink *s;
        size_t n;

        for (size_t i = 0; i < sizeof(buf); i++)
                buf[i] = (uint8_t) (i * 13 + 1);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(dump_sink_new(fd, false, &s));
        ASSERT_OK(dump_sink_tap(s, tap_copy_fn, &t));
        ASSERT_OK(dump_sink_write(s, 0, buf, 100));
        ASSERT_OK(dump_sink_write(s, 100, buf + 100, 900));
        ASSERT_OK(dump_sink_write(s, 9000, buf, sizeof(buf)));     /* a gap of 8000 bytes */
        ASSERT_OK(dump_sink_extend(s, 30000));                      /* a hole at the end */
        ASSERT_OK(dump_sink_finish(s));
        ASSERT_TRUE(dump_sink_tap_complete(s));
        ASSERT_OK(read_full_file(test_tmp("tapped"), &file, &n));
        ASSERT_EQ(n, 30000);
        ASSERT_EQ(t.n, n);
        ASSERT_TRUE(memcmp(t.buf, file, n) == 0);

        /* Written back at offset 0 (the incomplete mark): no digest. */
        ASSERT_OK(dump_sink_write(s, 0, buf, 8));
        ASSERT_TRUE(!dump_sink_tap_complete(s));
        dump_sink_free(s);

        /* Streams are not tapped here (a byte sink sees them in order). */
        ASSERT_OK(dump_sink_new(fd, true, &s));
        ASSERT_ERR(dump_sink_tap(s, tap_copy_fn, &t), EINVAL);
        dump_sink_free(s);
}

TEST_MAIN()
