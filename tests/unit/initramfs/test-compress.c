/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/builder/compress.h"
#include "tests.h"

/* Some text that compresses, long enough to take several output chunks. */
static char *make_payload(size_t *ret_size) {
        size_t n = 300 * 1000;
        char *p = malloc(n);

        for (size_t i = 0; i < n; i++)
                p[i] = (char) ("kdump capture kernel "[i % 21] + (i / 4096) % 3);
        *ret_size = n;
        return p;
}

static void check_tool(const char *tool, const char *ext, enum compression expect) {
        _cleanup_free_ char *payload = NULL, *packed = NULL;
        _cleanup_free_ void *plain = NULL;
        size_t size, packed_size, plain_size;
        char cmd[20000], in[4096], out[4200];

        payload = make_payload(&size);
        snprintf(in, sizeof(in), "%s", test_tmp("payload"));
        snprintf(out, sizeof(out), "%s.%s", in, ext);
        ASSERT_OK(write_file_atomic(in, payload, size, 0600));
        snprintf(cmd, sizeof(cmd), "%s -c < '%s' > '%s'", tool, in, out);
        ASSERT_EQ(system(cmd), 0);
        ASSERT_OK(read_full_file(out, &packed, &packed_size));
        ASSERT_TRUE(packed_size < size);

        ASSERT_EQ(compression_detect(packed, packed_size), expect);
        ASSERT_OK(decompress_buffer(expect, packed, packed_size, &plain, &plain_size));
        ASSERT_EQ(plain_size, size);
        ASSERT_TRUE(memcmp(plain, payload, size) == 0);

        /* cut short, or damaged in the middle: an error, never a short module */
        free(plain);
        plain = NULL;
        ASSERT_ERR(decompress_buffer(expect, packed, packed_size / 2, &plain, &plain_size), EBADMSG);
        packed[packed_size / 2] ^= 0x55;
        packed[packed_size / 2 + 1] ^= 0x55;
        ASSERT_ERR(decompress_buffer(expect, packed, packed_size, &plain, &plain_size), EBADMSG);
}

TEST(xz) {
        check_tool("xz --check=crc32", "xz", COMPRESSION_XZ);
}

TEST(zstd) {
        check_tool("zstd -q", "zst", COMPRESSION_ZSTD);
}

TEST(gzip) {
        check_tool("gzip -n", "gz", COMPRESSION_GZIP);
}

TEST(not_compressed) {
        void *p;
        size_t s;

        ASSERT_EQ(compression_detect("\177ELF\2\1\1", 7), COMPRESSION_NONE);
        ASSERT_EQ(compression_detect("", 0), COMPRESSION_NONE);
        ASSERT_ERR(decompress_buffer(COMPRESSION_NONE, "x", 1, &p, &s), EINVAL);
}

TEST(zstd_roundtrip_with_cli) {
        _cleanup_free_ char *payload = NULL, *back = NULL;
        _cleanup_free_ void *packed = NULL;
        size_t size, packed_size, back_size;
        char cmd[8192];

        payload = make_payload(&size);
        ASSERT_OK(zstd_compress_buffer(payload, size, 15, &packed, &packed_size));
        ASSERT_TRUE(packed_size < size / 4);
        ASSERT_OK(write_file_atomic(test_tmp("c.zst"), packed, packed_size, 0600));
        /* the zstd tool checks the frame checksum too */
        snprintf(cmd, sizeof(cmd), "zstd -q -d -c < '%s' > '%s'", test_tmp("c.zst"), test_tmp("c.out"));
        ASSERT_EQ(system(cmd), 0);
        ASSERT_OK(read_full_file(test_tmp("c.out"), &back, &back_size));
        ASSERT_EQ(back_size, size);
        ASSERT_TRUE(memcmp(back, payload, size) == 0);

        ASSERT_ERR(zstd_compress_buffer(payload, size, 22, &packed, &packed_size), EINVAL);
        ASSERT_ERR(zstd_compress_buffer(payload, size, 0, &packed, &packed_size), EINVAL);
}

TEST_MAIN()
