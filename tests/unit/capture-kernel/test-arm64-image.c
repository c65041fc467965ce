/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The arm64 kernel forms (arm64-image.h) on synthetic files: a raw Image,
 * broken headers, Image.gz and EFI zboot files (gzip, zstd, xz, and one
 * compressed with what kdumpd cannot unpack), and the seam kdumpd uses
 * (kernel-facts.h) asked for arm64 on this host. */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/unaligned.h"
#include "capture-kernel/arm64-image.h"
#include "capture-kernel/kernel-facts.h"
#include "tests.h"

#define IMAGE_LEN (256u * 1024u)
#define IMAGE_SIZE_FIELD 0x2a00000u     /* what the kernel says it needs */

/* An Image as Debian ships it: EFI stub ("MZ"), 4K pages, anywhere. */
static uint8_t *make_image(void) {
        uint8_t *b = calloc(1, IMAGE_LEN);

        if (!b)
                TEST_FAIL("oom");
        b[0] = 'M';
        b[1] = 'Z';
        unaligned_write_le64(b + 8, 0);                   /* text_offset */
        unaligned_write_le64(b + 16, IMAGE_SIZE_FIELD);   /* image_size */
        unaligned_write_le64(b + 24, 0xa);                /* LE, 4K, anywhere */
        memcpy(b + 0x38, "ARM\x64", 4);
        unaligned_write_le32(b + 0x3c, 0x40);             /* PE header */
        for (size_t i = 0x40; i < IMAGE_LEN; i++)
                b[i] = (uint8_t) (i * 7 + i / 251);
        return b;
}

static size_t gzip_buf(const void *in, size_t n, uint8_t **ret) {
        z_stream z = {};
        size_t cap = n + 4096;
        uint8_t *out = malloc(cap);

        ASSERT_TRUE(out);
        ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (Bytef *) in;
        z.avail_in = (uInt) n;
        z.next_out = out;
        z.avail_out = (uInt) cap;
        ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
        *ret = out;
        n = z.total_out;
        deflateEnd(&z);
        return n;
}

static size_t compress_buf(const char *how, const void *in, size_t n, uint8_t **ret) {
        size_t cap = n + 4096, len = 0;
        uint8_t *out;

        if (strcmp(how, "gzip") == 0)
                return gzip_buf(in, n, ret);
        out = malloc(cap);
        ASSERT_TRUE(out);
        if (strcmp(how, "zstd") == 0) {
                len = ZSTD_compress(out, cap, in, n, 3);
                ASSERT_TRUE(!ZSTD_isError(len));
        } else if (strcmp(how, "xz") == 0)
                ASSERT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, n, out, &len, cap), LZMA_OK);
        else {
                memcpy(out, in, n);     /* "lz4": never unpacked */
                len = n;
        }
        *ret = out;
        return len;
}

/* A zboot file: the header of zboot-header.S, the payload at 0x200, and
 * some trailing bytes as the real file's PE sections would leave. */
static size_t make_zboot(const char *how, const void *payload, size_t n, uint8_t **ret) {
        size_t total = 0x200 + n + 64;
        uint8_t *b = calloc(1, total);

        ASSERT_TRUE(b);
        memcpy(b, "MZ\0\0zimg", 8);
        unaligned_write_le32(b + 8, 0x200);
        unaligned_write_le32(b + 12, (uint32_t) n);
        memcpy(b + 0x18, how, strlen(how) + 1);
        unaligned_write_le32(b + 0x38, 0x818223cd);       /* LINUX_PE_MAGIC */
        unaligned_write_le32(b + 0x3c, 0x40);
        memcpy(b + 0x200, payload, n);
        *ret = b;
        return total;
}

static void check_fd_holds(int fd, const uint8_t *want, size_t n) {
        _cleanup_free_ uint8_t *got = malloc(n + 1);
        struct stat st;

        ASSERT_TRUE(got);
        ASSERT_OK(fstat(fd, &st));
        ASSERT_EQ(st.st_size, n);
        ASSERT_EQ(lseek(fd, 0, SEEK_CUR), 0);
        ASSERT_OK(pread_full(fd, got, n, 0));
        ASSERT_TRUE(memcmp(got, want, n) == 0);
        ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

TEST(raw_header) {
        _cleanup_free_ uint8_t *b = make_image();
        struct arm64_image_header h;
        enum arm64_image_form f;

        ASSERT_OK(arm64_image_header_parse(b, IMAGE_LEN, &h, NULL));
        ASSERT_EQ(h.image_size, IMAGE_SIZE_FIELD);
        ASSERT_EQ(h.text_offset, 0);
        ASSERT_EQ(h.page_size_kib, 4);
        ASSERT_TRUE(h.placement_anywhere);
        ASSERT_TRUE(!h.big_endian);
        ASSERT_TRUE(h.efi_stub);
        ASSERT_EQ(h.pe_offset, 0x40);
        ASSERT_EQ(h.code0, 0x5a4d);
        ASSERT_OK(arm64_image_identify(b, IMAGE_LEN, &f));
        ASSERT_EQ(f, ARM64_IMAGE_RAW);

        unaligned_write_le64(b + 24, 3u << 1);
        ASSERT_OK(arm64_image_header_parse(b, IMAGE_LEN, &h, NULL));
        ASSERT_EQ(h.page_size_kib, 64);
        ASSERT_TRUE(!h.placement_anywhere);
}

TEST(bad_headers) {
        _cleanup_free_ uint8_t *b = make_image();
        struct arm64_image_header h;
        enum arm64_image_form f;
        char *err = NULL;

        ASSERT_ERR(arm64_image_header_parse(b, 63, &h, &err), ENOEXEC);
        ASSERT_CONTAINS(err, "shorter than the 64-byte header");
        free(err);

        b[0x3b] = 0x65;
        ASSERT_ERR(arm64_image_header_parse(b, IMAGE_LEN, &h, &err), ENOEXEC);
        ASSERT_STREQ(err, "not an arm64 Image: no ARM\\x64 magic at 0x38");
        free(err);
        ASSERT_ERR(arm64_image_identify(b, IMAGE_LEN, &f), ENOEXEC);
        b[0x3b] = 0x64;

        unaligned_write_le64(b + 24, 0xb);                /* big-endian */
        ASSERT_ERR(arm64_image_header_parse(b, IMAGE_LEN, &h, &err), EPROTONOSUPPORT);
        ASSERT_CONTAINS(err, "big-endian");
        free(err);
        unaligned_write_le64(b + 24, 0xa);

        unaligned_write_le64(b + 16, 0);                  /* before 3.17 */
        ASSERT_ERR(arm64_image_header_parse(b, IMAGE_LEN, &h, &err), EPROTONOSUPPORT);
        ASSERT_CONTAINS(err, "image_size 0");
        free(err);
}

TEST(raw_file_is_handed_over_as_is) {
        _cleanup_free_ uint8_t *b = make_image();
        _cleanup_close_ int fd = -EBADF;
        struct arm64_image_header h;
        enum arm64_image_form f;
        char *err = NULL;
        struct stat a, c;

        ASSERT_OK(write_file_atomic(test_tmp("Image"), b, IMAGE_LEN, 0644));
        ASSERT_OK(arm64_image_open(test_tmp("Image"), &fd, &h, &f, &err));
        ASSERT_TRUE(err == NULL);
        ASSERT_EQ(f, ARM64_IMAGE_RAW);
        ASSERT_OK(fstat(fd, &a));
        ASSERT_OK(stat(test_tmp("Image"), &c));
        ASSERT_EQ(a.st_ino, c.st_ino);                  /* the file itself, not a copy */
}

TEST(gzip_round_trip) {
        _cleanup_free_ uint8_t *b = make_image(), *gz = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct arm64_image_header h;
        enum arm64_image_form f;
        char *err = NULL;
        size_t n = gzip_buf(b, IMAGE_LEN, &gz);

        ASSERT_OK(arm64_image_identify(gz, n, &f));
        ASSERT_EQ(f, ARM64_IMAGE_GZIP);
        ASSERT_OK(write_file_atomic(test_tmp("Image.gz"), gz, n, 0644));
        ASSERT_OK(arm64_image_open(test_tmp("Image.gz"), &fd, &h, &f, &err));
        ASSERT_EQ(f, ARM64_IMAGE_GZIP);
        ASSERT_EQ(h.image_size, IMAGE_SIZE_FIELD);
        check_fd_holds(fd, b, IMAGE_LEN);

        /* truncated */
        ASSERT_OK(write_file_atomic(test_tmp("short.gz"), gz, n / 2, 0644));
        fd = -EBADF;
        ASSERT_ERR(arm64_image_open(test_tmp("short.gz"), &fd, &h, &f, &err), EBADMSG);
        ASSERT_CONTAINS(err, "corrupt or truncated");
        ASSERT_EQ(fd, -EBADF);
        free(err);
}

TEST(gzip_of_something_else) {
        static const char text[] = "not a kernel";
        _cleanup_free_ uint8_t *gz = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct arm64_image_header h;
        enum arm64_image_form f;
        char *err = NULL;
        size_t n = gzip_buf(text, sizeof(text), &gz);

        ASSERT_OK(write_file_atomic(test_tmp("other.gz"), gz, n, 0644));
        ASSERT_ERR(arm64_image_open(test_tmp("other.gz"), &fd, &h, &f, &err), ENOEXEC);
        ASSERT_CONTAINS(err, "shorter than the 64-byte header");
        free(err);
}

TEST(zboot_header) {
        _cleanup_free_ uint8_t *z = NULL;
        struct arm64_zboot zb;
        char *err = NULL;
        static const uint8_t payload[100] = { 1 };
        size_t n = make_zboot("zstd22", payload, sizeof(payload), &z);
        enum arm64_image_form f;

        ASSERT_OK(arm64_image_identify(z, n, &f));
        ASSERT_EQ(f, ARM64_IMAGE_ZBOOT);
        ASSERT_OK(arm64_zboot_parse(z, n, &zb, NULL));
        ASSERT_EQ(zb.payload_offset, 0x200);
        ASSERT_EQ(zb.payload_size, 100);
        ASSERT_STREQ(zb.compression_name, "zstd22");
        ASSERT_EQ(zb.compression, ARM64_COMPRESSION_ZSTD);

        /* payload past the end of the file */
        ASSERT_ERR(arm64_zboot_parse(z, 0x200 + 50, &zb, &err), ENOEXEC);
        ASSERT_CONTAINS(err, "outside the");
        free(err);
        /* no compression type */
        z[0x18] = 0;
        ASSERT_ERR(arm64_zboot_parse(z, n, &zb, &err), ENOEXEC);
        free(err);
        /* not zboot */
        z[4] = 'x';
        ASSERT_ERR(arm64_zboot_parse(z, n, &zb, &err), ENOEXEC);
        ASSERT_CONTAINS(err, "zimg");
        free(err);
}

static void zboot_round_trip(const char *how) {
        _cleanup_free_ uint8_t *b = make_image(), *c = NULL, *z = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct arm64_image_header h;
        enum arm64_image_form f;
        char *err = NULL;
        size_t cn = compress_buf(how, b, IMAGE_LEN, &c);
        size_t zn = make_zboot(how, c, cn, &z);

        ASSERT_OK(write_file_atomic(test_tmp("vmlinuz"), z, zn, 0644));
        ASSERT_OK(arm64_image_open(test_tmp("vmlinuz"), &fd, &h, &f, &err));
        ASSERT_EQ(f, ARM64_IMAGE_ZBOOT);
        ASSERT_EQ(h.image_size, IMAGE_SIZE_FIELD);
        check_fd_holds(fd, b, IMAGE_LEN);
}

TEST(zboot_gzip) { zboot_round_trip("gzip"); }
TEST(zboot_zstd) { zboot_round_trip("zstd"); }
TEST(zboot_xz) { zboot_round_trip("xz"); }

TEST(zboot_unsupported_compression) {
        _cleanup_free_ uint8_t *b = make_image(), *c = NULL, *z = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct arm64_image_header h;
        enum arm64_image_form f;
        char *err = NULL;
        size_t cn = compress_buf("lz4", b, IMAGE_LEN, &c);
        size_t zn = make_zboot("lz4", c, cn, &z);

        ASSERT_OK(write_file_atomic(test_tmp("vmlinuz-lz4"), z, zn, 0644));
        ASSERT_ERR(arm64_image_open(test_tmp("vmlinuz-lz4"), &fd, &h, &f, &err), EPROTONOSUPPORT);
        ASSERT_STREQ(err, "zboot payload compressed with lz4, which kdumpd cannot unpack");
        free(err);
}

TEST(neither_form) {
        _cleanup_close_ int fd = -EBADF;
        struct arm64_image_header h;
        enum arm64_image_form f;
        char *err = NULL;

        ASSERT_OK(write_file_atomic(test_tmp("text"), "hello\n", 6, 0644));
        ASSERT_ERR(arm64_image_open(test_tmp("text"), &fd, &h, &f, &err), ENOEXEC);
        ASSERT_CONTAINS(err, "no ARM\\x64 magic at 0x38");
        free(err);
        ASSERT_ERR(arm64_image_open(test_tmp("missing"), &fd, &h, &f, &err), ENOENT);
        free(err);
}

/* The seam: asked for arm64, the load size is image_size and the fd is the
 * unpacked Image; asked for x86_64, the same file is not a bzImage. */
TEST(kernel_facts_per_arch) {
        _cleanup_free_ uint8_t *b = make_image(), *gz = NULL;
        struct kernel_facts k = {};
        char *err = NULL;
        size_t n = gzip_buf(b, IMAGE_LEN, &gz);

        ASSERT_OK(write_file_atomic(test_tmp("facts.gz"), gz, n, 0644));
        ASSERT_OK(kernel_facts_read(KERNEL_ARCH_ARM64, test_tmp("facts.gz"), &k, &err));
        ASSERT_EQ(k.load_size, IMAGE_SIZE_FIELD);
        ASSERT_STREQ(k.format, "gzip Image");
        ASSERT_TRUE(k.fd >= 0);
        check_fd_holds(k.fd, b, IMAGE_LEN);
        kernel_facts_done(&k);
        ASSERT_EQ(k.fd, -EBADF);

        ASSERT_ERR(kernel_facts_read(KERNEL_ARCH_X86_64, test_tmp("facts.gz"), &k, &err), ENOEXEC);
        ASSERT_TRUE(err == NULL);

        /* a zeroed struct owns nothing (fd 0 stays open) */
        k = (struct kernel_facts) {};
        kernel_facts_done(&k);
        ASSERT_TRUE(fcntl(0, F_GETFD) >= 0 || errno == EBADF);
}

TEST(native_arch) {
        ASSERT_TRUE(kernel_arch_native() != KERNEL_ARCH_NATIVE);
        ASSERT_STREQ(kernel_arch_triplet(KERNEL_ARCH_ARM64), "aarch64-linux-gnu");
        ASSERT_STREQ(kernel_arch_triplet(KERNEL_ARCH_X86_64), "x86_64-linux-gnu");
#if defined(__x86_64__)
        ASSERT_STREQ(kernel_arch_triplet(KERNEL_ARCH_NATIVE), "x86_64-linux-gnu");
#endif
}

TEST_MAIN()
