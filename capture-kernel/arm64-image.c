/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/unaligned.h"
#include "capture-kernel/arm64-image.h"

static int fail(int r, char **ret_error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(int r, char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return r;
}

int arm64_image_header_parse(const void *buf, size_t size, struct arm64_image_header *ret, char **ret_error) {
        const uint8_t *b = buf;
        struct arm64_image_header h = {};
        unsigned ps;

        if (size < ARM64_IMAGE_HEADER_SIZE)
                return fail(-ENOEXEC, ret_error, "not an arm64 Image: %zu bytes, shorter than the %u-byte header",
                            size, ARM64_IMAGE_HEADER_SIZE);
        if (memcmp(b + ARM64_IMAGE_MAGIC_OFFSET, ARM64_IMAGE_MAGIC, 4) != 0)
                return fail(-ENOEXEC, ret_error, "not an arm64 Image: no ARM\\x64 magic at 0x38");

        h.code0 = unaligned_read_le32(b);
        h.code1 = unaligned_read_le32(b + 4);
        h.text_offset = unaligned_read_le64(b + 8);
        h.image_size = unaligned_read_le64(b + 16);
        h.flags = unaligned_read_le64(b + 24);
        h.pe_offset = unaligned_read_le32(b + 0x3c);
        h.efi_stub = b[0] == 'M' && b[1] == 'Z';
        h.big_endian = h.flags & ARM64_IMAGE_FLAG_BE;
        ps = (unsigned) ((h.flags & ARM64_IMAGE_FLAG_PAGE_SIZE_MASK) >> ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT);
        h.page_size_kib = ps == 0 ? 0 : ps == 1 ? 4 : ps == 2 ? 16 : 64;
        h.placement_anywhere = h.flags & ARM64_IMAGE_FLAG_PHYS_ANYWHERE;

        /* arch/arm64/kernel/kexec_image.c image_load() refuses both. */
        if (h.big_endian)
                return fail(-EPROTONOSUPPORT, ret_error,
                            "a big-endian arm64 Image, which kexec_file_load on this little-endian kernel refuses");
        if (h.image_size == 0)
                return fail(-EPROTONOSUPPORT, ret_error,
                            "an arm64 Image with image_size 0 (a kernel before 3.17), which kexec_file_load refuses");

        *ret = h;
        return 0;
}

const char *arm64_image_form_to_string(enum arm64_image_form f) {
        switch (f) {
        case ARM64_IMAGE_RAW:   return "Image";
        case ARM64_IMAGE_GZIP:  return "gzip Image";
        case ARM64_IMAGE_ZBOOT: return "EFI zboot image";
        }
        return "?";
}

int arm64_image_identify(const void *buf, size_t size, enum arm64_image_form *ret) {
        const uint8_t *b = buf;

        if (size >= 8 && b[0] == 'M' && b[1] == 'Z' && memcmp(b + 4, "zimg", 4) == 0) {
                *ret = ARM64_IMAGE_ZBOOT;
                return 0;
        }
        if (size >= ARM64_IMAGE_HEADER_SIZE && memcmp(b + ARM64_IMAGE_MAGIC_OFFSET, ARM64_IMAGE_MAGIC, 4) == 0) {
                *ret = ARM64_IMAGE_RAW;
                return 0;
        }
        if (size >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
                *ret = ARM64_IMAGE_GZIP;
                return 0;
        }
        return -ENOEXEC;
}

int arm64_zboot_parse(const void *buf, size_t size, struct arm64_zboot *ret, char **ret_error) {
        const uint8_t *b = buf;
        struct arm64_zboot z = {};
        size_t n;

        /* zboot-header.S: "MZ" (a 32-bit IMAGE_DOS_SIGNATURE), "zimg", the
         * payload's offset and size, two reserved words, the compression
         * type NUL-terminated at 0x18; the PE magic at 0x38. */
        if (size < ARM64_ZBOOT_HEADER_SIZE || b[0] != 'M' || b[1] != 'Z' || memcmp(b + 4, "zimg", 4) != 0)
                return fail(-ENOEXEC, ret_error, "not an EFI zboot image: no \"zimg\" at 4");
        z.payload_offset = unaligned_read_le32(b + 8);
        z.payload_size = unaligned_read_le32(b + 12);
        n = strnlen((const char *) b + 0x18, 0x38 - 0x18);
        if (n == 0 || n == 0x38 - 0x18 || n >= sizeof(z.compression_name))
                return fail(-ENOEXEC, ret_error, "EFI zboot header without a compression type at 0x18");
        memcpy(z.compression_name, b + 0x18, n);
        if ((uint64_t) z.payload_offset + z.payload_size > size || z.payload_size == 0 ||
            z.payload_offset < ARM64_ZBOOT_HEADER_SIZE)
                return fail(-ENOEXEC, ret_error,
                            "EFI zboot payload (%" PRIu32 " bytes at %" PRIu32 ") is outside the %zu-byte file",
                            z.payload_size, z.payload_offset, size);

        if (strcmp(z.compression_name, "gzip") == 0)
                z.compression = ARM64_COMPRESSION_GZIP;
        else if (strcmp(z.compression_name, "zstd") == 0 || strcmp(z.compression_name, "zstd22") == 0)
                z.compression = ARM64_COMPRESSION_ZSTD;
        else if (strcmp(z.compression_name, "xz") == 0 || strcmp(z.compression_name, "lzma") == 0)
                z.compression = ARM64_COMPRESSION_XZ;
        else
                z.compression = ARM64_COMPRESSION_UNSUPPORTED;
        *ret = z;
        return 0;
}

/* Grows *buf to hold at least need bytes, doubling, up to max. */
static int grow(uint8_t **buf, size_t *cap, size_t max) {
        size_t n;
        uint8_t *p;

        if (*cap >= max)
                return -EFBIG;
        n = *cap ? MIN(*cap * 2, max) : MIN((size_t) 16u << 20, max);
        p = realloc(*buf, n);
        if (!p)
                return -ENOMEM;
        *buf = p;
        *cap = n;
        return 0;
}

static int gunzip(const void *in, size_t in_size, size_t max, uint8_t **out, size_t *out_size) {
        z_stream z = { .next_in = (Bytef *) in, .avail_in = (uInt) in_size };
        size_t cap = 0, len = 0;
        int r = 0, zr;

        if (in_size > UINT_MAX)
                return -EFBIG;
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
                return -ENOMEM;
        do {
                if (len == cap) {
                        r = grow(out, &cap, max);
                        if (r < 0)
                                break;
                }
                z.next_out = *out + len;
                z.avail_out = (uInt) MIN(cap - len, (size_t) UINT_MAX);
                zr = inflate(&z, Z_NO_FLUSH);
                len = (size_t) (z.next_out - *out);
                if (zr == Z_BUF_ERROR && z.avail_in == 0)
                        r = -EBADMSG;   /* truncated */
                else if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
                        r = zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
                if (r < 0)
                        break;
        } while (zr != Z_STREAM_END);
        inflateEnd(&z);
        *out_size = len;
        return r;
}

static int unzstd(const void *in, size_t in_size, size_t max, uint8_t **out, size_t *out_size) {
        ZSTD_DStream *d = ZSTD_createDStream();
        ZSTD_inBuffer ib = { in, in_size, 0 };
        size_t cap = 0, len = 0, zr = 1;
        int r = 0;

        if (!d)
                return -ENOMEM;
        for (;;) {
                ZSTD_outBuffer ob;

                if (len == cap) {
                        r = grow(out, &cap, max);
                        if (r < 0)
                                break;
                }
                ob = (ZSTD_outBuffer) { *out, cap, len };
                zr = ZSTD_decompressStream(d, &ob, &ib);
                len = ob.pos;
                if (ZSTD_isError(zr)) {
                        r = -EBADMSG;
                        break;
                }
                if (zr == 0)
                        break;          /* a frame ended */
                if (ib.pos == ib.size && ob.pos < ob.size) {
                        r = -EBADMSG;   /* truncated */
                        break;
                }
        }
        ZSTD_freeDStream(d);
        *out_size = len;
        return r;
}

static int unxz(const void *in, size_t in_size, size_t max, uint8_t **out, size_t *out_size) {
        lzma_stream s = LZMA_STREAM_INIT;
        size_t cap = 0, len = 0;
        lzma_ret lr = LZMA_OK;
        int r = 0;

        if (lzma_auto_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
                return -ENOMEM;
        s.next_in = in;
        s.avail_in = in_size;
        while (lr != LZMA_STREAM_END) {
                if (len == cap) {
                        r = grow(out, &cap, max);
                        if (r < 0)
                                break;
                }
                s.next_out = *out + len;
                s.avail_out = cap - len;
                lr = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
                len = (size_t) (s.next_out - *out);
                if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
                        r = lr == LZMA_MEM_ERROR ? -ENOMEM : -EBADMSG;
                        break;
                }
        }
        lzma_end(&s);
        *out_size = len;
        return r;
}

int arm64_image_unpack(enum arm64_compression c, const char *compression_name, const void *in, size_t in_size,
                       size_t max_out, void **ret, size_t *ret_size, char **ret_error) {
        _cleanup_free_ uint8_t *out = NULL;
        struct arm64_image_header h;
        const char *name = compression_name ?: "?";
        size_t n = 0;
        int r;

        switch (c) {
        case ARM64_COMPRESSION_GZIP: r = gunzip(in, in_size, max_out, &out, &n); break;
        case ARM64_COMPRESSION_ZSTD: r = unzstd(in, in_size, max_out, &out, &n); break;
        case ARM64_COMPRESSION_XZ:   r = unxz(in, in_size, max_out, &out, &n); break;
        default:
                return fail(-EPROTONOSUPPORT, ret_error,
                            "zboot payload compressed with %s, which kdumpd cannot unpack", name);
        }
        if (r == -EFBIG)
                return fail(r, ret_error, "the %s kernel unpacks to more than %zu MiB", name, max_out >> 20);
        if (r == -ENOMEM)
                return fail(r, ret_error, "out of memory unpacking the %s kernel", name);
        if (r < 0)
                return fail(r, ret_error, "the %s kernel is corrupt or truncated", name);

        r = arm64_image_header_parse(out, n, &h, ret_error);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        *ret_size = n;
        return 0;
}

static int memfd_with(const void *data, size_t size, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = memfd_create("kdump-kernel-Image", MFD_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = loop_write(fd, data, size);
        if (r < 0)
                return r;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return negative_errno();
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int arm64_image_open(const char *path, int *ret_fd, struct arm64_image_header *ret_header,
                     enum arm64_image_form *ret_form, char **ret_error) {
        _cleanup_close_ int fd = -EBADF, mfd = -EBADF;
        _cleanup_free_ uint8_t *data = NULL;
        _cleanup_free_ void *image = NULL;
        struct arm64_image_header h;
        enum arm64_image_form form;
        struct arm64_zboot z;
        struct stat st;
        size_t image_size;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return fail(negative_errno(), ret_error, "cannot open %s: %s", path, strerror(errno));
        if (fstat(fd, &st) < 0)
                return fail(negative_errno(), ret_error, "cannot stat %s: %s", path, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return fail(-EBADFD, ret_error, "%s is not a regular file", path);
        if ((uint64_t) st.st_size > ARM64_IMAGE_FILE_MAX)
                return fail(-EFBIG, ret_error, "%s is larger than %u MiB", path, ARM64_IMAGE_FILE_MAX >> 20);
        data = malloc(MAX((size_t) st.st_size, (size_t) 1));
        if (!data)
                return -ENOMEM;
        r = pread_full(fd, data, (size_t) st.st_size, 0);
        if (r < 0)
                return fail(r, ret_error, "cannot read %s: %s", path, strerror(-r));

        r = arm64_image_identify(data, (size_t) st.st_size, &form);
        if (r < 0)
                return fail(r, ret_error, "%s is not an arm64 Image, Image.gz or EFI zboot image: "
                            "no ARM\\x64 magic at 0x38, no gzip magic, no \"zimg\" at 4", path);

        switch (form) {
        case ARM64_IMAGE_RAW:
                r = arm64_image_header_parse(data, (size_t) st.st_size, &h, ret_error);
                if (r < 0)
                        return r;
                *ret_fd = TAKE_FD(fd);
                *ret_header = h;
                *ret_form = form;
                return 0;
        case ARM64_IMAGE_GZIP:
                r = arm64_image_unpack(ARM64_COMPRESSION_GZIP, "gzip", data, (size_t) st.st_size,
                                       ARM64_IMAGE_UNPACKED_MAX, &image, &image_size, ret_error);
                break;
        case ARM64_IMAGE_ZBOOT:
                r = arm64_zboot_parse(data, (size_t) st.st_size, &z, ret_error);
                if (r < 0)
                        return r;
                r = arm64_image_unpack(z.compression, z.compression_name, data + z.payload_offset, z.payload_size,
                                       ARM64_IMAGE_UNPACKED_MAX, &image, &image_size, ret_error);
                break;
        default:
                return -EINVAL;
        }
        if (r < 0)
                return r;
        r = arm64_image_header_parse(image, image_size, &h, ret_error);
        if (r < 0)
                return r;
        r = memfd_with(image, image_size, &mfd);
        if (r < 0)
                return fail(r, ret_error, "cannot put the unpacked Image of %s in a memfd: %s", path, strerror(-r));
        *ret_fd = TAKE_FD(mfd);
        *ret_header = h;
        *ret_form = form;
        return 0;
}
