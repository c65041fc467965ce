/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Per-page compression for the kdump-compressed format.  Each page is
 * compressed on its own (crash(8) and libkdumpfile decompress one page per
 * descriptor), with the algorithms and levels makedumpfile uses, so that every
 * reader that opens a makedumpfile dump opens ours. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The values are the per-page descriptor flags of the format
 * (DUMP_DH_COMPRESSED_* in makedumpfile's diskdump_mod.h). */
enum page_compression {
        PAGE_COMPRESS_NONE = 0,
        PAGE_COMPRESS_ZLIB = 0x1,
        PAGE_COMPRESS_LZO = 0x2,
        PAGE_COMPRESS_SNAPPY = 0x4,
        PAGE_COMPRESS_ZSTD = 0x20,
};

struct page_compressor;

/* Whether this build can write the given compression. */
bool page_compression_supported(enum page_compression c);
const char *page_compression_name(enum page_compression c);

/* One compressor holds the working memory of one thread. */
int page_compressor_new(enum page_compression c, size_t page_size, struct page_compressor **ret);
struct page_compressor *page_compressor_free(struct page_compressor *pc);

/* Size the output buffer of page_compress() must have. */
size_t page_compress_bound(size_t page_size);

/* Compresses one page into out (page_compress_bound() bytes).  Returns the
 * descriptor flag (> 0) and the compressed size when the result is smaller
 * than a page; 0 when the page must be stored raw (incompressible, or
 * PAGE_COMPRESS_NONE), as makedumpfile and crash expect; -errno on failure. */
int page_compress(struct page_compressor *pc, const void *page, void *out, size_t *ret_size);

/* Decompresses one stored page (flags from its descriptor) into exactly
 * page_size bytes; -EBADMSG if the data does not decompress to one page. */
int page_decompress(unsigned flags, const void *in, size_t in_size, void *out, size_t page_size);
