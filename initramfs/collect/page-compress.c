/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <lzo/lzo1x.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "basic/macro.h"
#include "initramfs/collect/page-compress.h"
#include "initramfs/collect/snappy-dl.h"

/* snappy-c.h's SNAPPY_OK */
#define SNAPPY_STATUS_OK 0

struct page_compressor {
        enum page_compression type;
        size_t page_size;
        size_t cap;             /* page_compress_bound(page_size) */
        z_stream z;
        bool z_init;
        void *lzo_wrkmem;
        ZSTD_CCtx *zstd;
};

bool page_compression_supported(enum page_compression c) {
        switch (c) {
        case PAGE_COMPRESS_NONE:
        case PAGE_COMPRESS_ZLIB:
        case PAGE_COMPRESS_LZO:
        case PAGE_COMPRESS_ZSTD:
                return true;
        case PAGE_COMPRESS_SNAPPY:
                return snappy_dl_get() != NULL;
        }
        return false;
}

const char *page_compression_name(enum page_compression c) {
        switch (c) {
        case PAGE_COMPRESS_NONE:
                return "none";
        case PAGE_COMPRESS_ZLIB:
                return "zlib";
        case PAGE_COMPRESS_LZO:
                return "lzo";
        case PAGE_COMPRESS_SNAPPY:
                return "snappy";
        case PAGE_COMPRESS_ZSTD:
                return "zstd";
        }
        return "unknown";
}

/* The worst cases, computed here rather than asked of the libraries: a
 * call into libzstd or libz maps a piece of its code, which counts in the
 * resident set of every run whatever the compression (and asking libsnappy
 * would load it and libstdc++, over 1 MiB).  page_compressor_new() checks
 * the chosen library agrees. */
size_t page_compress_bound(size_t page_size) {
        /* lzo's documented n + n/16 + 64 + 3, ZSTD_COMPRESSBOUND(),
         * snappy's MaxCompressedLength() (snappy.cc) 32 + n + n/6; zlib's
         * compressBound() is below lzo's. */
        size_t b = page_size + page_size / 16 + 64 + 3;
        b = MAX(b, (size_t) ZSTD_COMPRESSBOUND(page_size));
        b = MAX(b, 32 + page_size + page_size / 6);
        return b;
}

struct page_compressor *page_compressor_free(struct page_compressor *pc) {
        if (!pc)
                return NULL;
        if (pc->z_init)
                deflateEnd(&pc->z);
        free(pc->lzo_wrkmem);
        ZSTD_freeCCtx(pc->zstd);
        free(pc);
        return NULL;
}

int page_compressor_new(enum page_compression c, size_t page_size, struct page_compressor **ret) {
        struct page_compressor *pc;

        if (!page_compression_supported(c))
                return -EOPNOTSUPP;
        if (page_size == 0 || page_size > (1u << 20))
                return -EINVAL;

        pc = calloc(1, sizeof(*pc));
        if (!pc)
                return -ENOMEM;
        pc->type = c;
        pc->page_size = page_size;
        pc->cap = page_compress_bound(page_size);

        switch (c) {
        case PAGE_COMPRESS_ZLIB:
                if (compressBound(page_size) > pc->cap) {
                        page_compressor_free(pc);
                        return -EINVAL;
                }
                /* Level 1 (Z_BEST_SPEED), a zlib stream: crash reads it with
                 * uncompress(). */
                if (deflateInit(&pc->z, Z_BEST_SPEED) != Z_OK) {
                        page_compressor_free(pc);
                        return -ENOMEM;
                }
                pc->z_init = true;
                break;
        case PAGE_COMPRESS_LZO:
                if (lzo_init() != LZO_E_OK) {
                        page_compressor_free(pc);
                        return -EIO;
                }
                pc->lzo_wrkmem = malloc(LZO1X_1_MEM_COMPRESS);
                if (!pc->lzo_wrkmem) {
                        page_compressor_free(pc);
                        return -ENOMEM;
                }
                break;
        case PAGE_COMPRESS_ZSTD:
                if (ZSTD_compressBound(page_size) > pc->cap) {
                        page_compressor_free(pc);
                        return -EINVAL;
                }
                pc->zstd = ZSTD_createCCtx();
                if (!pc->zstd) {
                        page_compressor_free(pc);
                        return -ENOMEM;
                }
                break;
        case PAGE_COMPRESS_SNAPPY:
                /* page_compression_supported() opened it. */
                if (snappy_dl_get()->max_compressed_length(page_size) > pc->cap) {
                        page_compressor_free(pc);
                        return -EINVAL;
                }
                break;
        default:
                break;
        }

        *ret = pc;
        return 0;
}

int page_compress(struct page_compressor *pc, const void *page, void *out, size_t *ret_size) {
        size_t cap = pc->cap, n = 0;

        switch (pc->type) {
        case PAGE_COMPRESS_NONE:
                return 0;

        case PAGE_COMPRESS_ZLIB:
                if (deflateReset(&pc->z) != Z_OK)
                        return -EIO;
                pc->z.next_in = (Bytef *) page;
                pc->z.avail_in = pc->page_size;
                pc->z.next_out = out;
                pc->z.avail_out = cap;
                if (deflate(&pc->z, Z_FINISH) != Z_STREAM_END)
                        return -EIO;
                n = cap - pc->z.avail_out;
                break;

        case PAGE_COMPRESS_LZO: {
                lzo_uint l = cap;
                if (lzo1x_1_compress(page, pc->page_size, out, &l, pc->lzo_wrkmem) != LZO_E_OK)
                        return -EIO;
                n = l;
                break;
        }

        case PAGE_COMPRESS_ZSTD:
                /* Level 1, one frame, no dictionary. */
                n = ZSTD_compressCCtx(pc->zstd, out, cap, page, pc->page_size, 1);
                if (ZSTD_isError(n))
                        return -EIO;
                break;

        case PAGE_COMPRESS_SNAPPY: {
                /* page_compressor_new() refused it where it is missing. */
                size_t l = cap;
                if (snappy_dl_get()->compress(page, pc->page_size, out, &l) != SNAPPY_STATUS_OK)
                        return -EIO;
                n = l;
                break;
        }
        }

        /* Not smaller than a page: stored raw (flags 0), which is what
         * crash expects of an incompressible page. */
        if (n >= pc->page_size)
                return 0;

        *ret_size = n;
        return (int) pc->type;
}

int page_decompress(unsigned flags, const void *in, size_t in_size, void *out, size_t page_size) {
        if (flags == 0) {
                if (in_size != page_size)
                        return -EBADMSG;
                memcpy(out, in, page_size);
                return 0;
        }

        if (flags & PAGE_COMPRESS_ZLIB) {
                uLongf l = page_size;
                if (uncompress(out, &l, in, in_size) != Z_OK || l != page_size)
                        return -EBADMSG;
                return 0;
        }
        if (flags & PAGE_COMPRESS_LZO) {
                lzo_uint l = page_size;
                if (lzo1x_decompress_safe(in, in_size, out, &l, NULL) != LZO_E_OK || l != page_size)
                        return -EBADMSG;
                return 0;
        }
        if (flags & PAGE_COMPRESS_ZSTD) {
                size_t l = ZSTD_decompress(out, page_size, in, in_size);
                if (ZSTD_isError(l) || l != page_size)
                        return -EBADMSG;
                return 0;
        }
        if ((flags & PAGE_COMPRESS_SNAPPY) && snappy_dl_get()) {
                size_t l = page_size;
                if (snappy_dl_get()->uncompress(in, in_size, out, &l) != SNAPPY_STATUS_OK || l != page_size)
                        return -EBADMSG;
                return 0;
        }
        return -EOPNOTSUPP;
}
