/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "basic/macro.h"
#include "initramfs/builder/compress.h"

#define ZSTD_LEVEL_MAX 19
/* The kernel unpacks an initramfs as a stream and allocates a workspace the
 * size of the frame's window for it (lib/decompress_unzstd.c), at the
 * capture kernel's tightest moment: level 19 alone picks a 4-8 MiB window.
 * 128 KiB costs about 5% of the image's size and saves those MiB of the
 * reservation (issue 15). */
#define ZSTD_WINDOW_LOG 17

enum compression compression_detect(const void *data, size_t size) {
        const unsigned char *p = data;

        if (size >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
                return COMPRESSION_XZ;
        if (size >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
                return COMPRESSION_ZSTD;
        if (size >= 2 && p[0] == 0x1f && p[1] == 0x8b)
                return COMPRESSION_GZIP;
        return COMPRESSION_NONE;
}

/* Grows the output buffer; false when the limit is reached. */
static int grow(unsigned char **buf, size_t *allocated, size_t want_min) {
        size_t a = *allocated;
        unsigned char *p;

        if (want_min > DECOMPRESS_SIZE_MAX)
                return -EFBIG;
        while (a < want_min)
                a = a ? a * 2 : 64 * 1024;
        if (a > DECOMPRESS_SIZE_MAX)
                a = DECOMPRESS_SIZE_MAX;
        p = realloc(*buf, a);
        if (!p)
                return -ENOMEM;
        *buf = p;
        *allocated = a;
        return 0;
}

static int unxz(const void *data, size_t size, unsigned char **buf, size_t *len, size_t *allocated) {
        lzma_stream s = LZMA_STREAM_INIT;
        lzma_ret lr;
        int r = 0;

        if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
                return -ENOMEM;
        s.next_in = data;
        s.avail_in = size;
        for (;;) {
                if (*len == *allocated && (r = grow(buf, allocated, *allocated + 1)) < 0)
                        break;
                s.next_out = *buf + *len;
                s.avail_out = *allocated - *len;
                lr = lzma_code(&s, LZMA_FINISH);
                *len = *allocated - s.avail_out;
                if (lr == LZMA_STREAM_END)
                        break;
                if (lr == LZMA_MEM_ERROR) {
                        r = -ENOMEM;
                        break;
                }
                if (lr != LZMA_OK) {
                        r = -EBADMSG;
                        break;
                }
        }
        lzma_end(&s);
        return r;
}

static int unzstd(const void *data, size_t size, unsigned char **buf, size_t *len, size_t *allocated) {
        ZSTD_DStream *ds = ZSTD_createDStream();
        ZSTD_inBuffer in = { data, size, 0 };
        size_t z = 1;
        int r = 0;

        if (!ds)
                return -ENOMEM;
        while (in.pos < in.size || z != 0) {
                ZSTD_outBuffer out;

                if (*len == *allocated && (r = grow(buf, allocated, *allocated + 1)) < 0)
                        break;
                out = (ZSTD_outBuffer) { *buf, *allocated, *len };
                z = ZSTD_decompressStream(ds, &out, &in);
                *len = out.pos;
                if (ZSTD_isError(z)) {
                        r = -EBADMSG;
                        break;
                }
                /* input used up but the frame incomplete: truncated */
                if (in.pos == in.size && z != 0 && out.pos < out.size) {
                        r = -EBADMSG;
                        break;
                }
        }
        ZSTD_freeDStream(ds);
        return r;
}

static int ungzip(const void *data, size_t size, unsigned char **buf, size_t *len, size_t *allocated) {
        z_stream s = {};
        int zr, r = 0;

        if (size > UINT_MAX)
                return -EFBIG;
        /* 15 + 32: a gzip or zlib header, detected */
        if (inflateInit2(&s, 15 + 32) != Z_OK)
                return -ENOMEM;
        s.next_in = (Bytef *) data;
        s.avail_in = (uInt) size;
        for (;;) {
                size_t chunk;

                if (*len == *allocated && (r = grow(buf, allocated, *allocated + 1)) < 0)
                        break;
                chunk = MIN(*allocated - *len, (size_t) UINT_MAX);
                s.next_out = *buf + *len;
                s.avail_out = (uInt) chunk;
                zr = inflate(&s, Z_NO_FLUSH);
                *len += chunk - s.avail_out;
                if (zr == Z_STREAM_END) {
                        /* gzip allows members back to back */
                        if (s.avail_in == 0)
                                break;
                        if (inflateReset(&s) != Z_OK) {
                                r = -EBADMSG;
                                break;
                        }
                        continue;
                }
                if (zr == Z_MEM_ERROR) {
                        r = -ENOMEM;
                        break;
                }
                if (zr != Z_OK || (s.avail_in == 0 && s.avail_out != 0)) {
                        r = -EBADMSG;
                        break;
                }
        }
        inflateEnd(&s);
        return r;
}

int decompress_buffer(enum compression c, const void *data, size_t size, void **ret, size_t *ret_size) {
        unsigned char *buf = NULL;
        size_t len = 0, allocated = 0;
        int r;

        switch (c) {
        case COMPRESSION_XZ:
                r = unxz(data, size, &buf, &len, &allocated);
                break;
        case COMPRESSION_ZSTD:
                r = unzstd(data, size, &buf, &len, &allocated);
                break;
        case COMPRESSION_GZIP:
                r = ungzip(data, size, &buf, &len, &allocated);
                break;
        default:
                return -EINVAL;
        }
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        *ret_size = len;
        return 0;
}

int zstd_compress_buffer(const void *data, size_t size, int level, void **ret, size_t *ret_size) {
        ZSTD_CCtx *cc = ZSTD_createCCtx();
        size_t bound = ZSTD_compressBound(size), z;
        void *out;

        /* levels up to 19 keep windowLog <= 23; 20..22 ("--ultra") go to 27 */
        if (level < 1 || level > ZSTD_LEVEL_MAX) {
                ZSTD_freeCCtx(cc);
                return -EINVAL;
        }
        if (!cc)
                return -ENOMEM;
        out = malloc(bound ? bound : 1);
        if (!out) {
                ZSTD_freeCCtx(cc);
                return -ENOMEM;
        }
        z = ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level);
        if (!ZSTD_isError(z))
                z = ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, ZSTD_WINDOW_LOG);
        if (!ZSTD_isError(z))
                z = ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
        if (!ZSTD_isError(z))
                z = ZSTD_compress2(cc, out, bound, data, size);
        ZSTD_freeCCtx(cc);
        if (ZSTD_isError(z)) {
                free(out);
                return -EINVAL;
        }
        *ret = out;
        *ret_size = z;
        return 0;
}
