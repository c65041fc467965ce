/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Buffer codecs for the builder: decompressing kernel modules that
 * distributions ship as .ko.xz/.ko.zst/.ko.gz (the capture /init loads them
 * with finit_module() and must not depend on the kernel's in-kernel module
 * decompression, CONFIG_MODULE_DECOMPRESS), and zstd-compressing the
 * archive, which the kernel unpacks itself (lib/decompress_unzstd.c). */

#include <stddef.h>
#include <stdint.h>

enum compression {
        COMPRESSION_NONE,
        COMPRESSION_XZ,
        COMPRESSION_ZSTD,
        COMPRESSION_GZIP,
};

/* Refuses to inflate anything beyond this (-EFBIG): a module is a few MB,
 * and the cpio format stops at 4 GiB anyway. */
#define DECOMPRESS_SIZE_MAX (1024ull * 1024 * 1024)

/* By magic number, not file name. */
enum compression compression_detect(const void *data, size_t size);

/* Decompresses a whole xz, zstd or gzip buffer (concatenated streams
 * too).  -EBADMSG for corrupt input, -EINVAL for COMPRESSION_NONE. */
int decompress_buffer(enum compression c, const void *data, size_t size, void **ret, size_t *ret_size);

/* One zstd frame with the content size and a checksum.  level 1..19
 * (-EINVAL otherwise): those keep the window at or below 8 MiB (windowLog
 * 23), so the kernel's boot-time decompressor never needs more memory than
 * for the kernel's own `zstd -19` initramfs (usr/Makefile). */
int zstd_compress_buffer(const void *data, size_t size, int level, void **ret, size_t *ret_size);
