/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* libsnappy, opened with dlopen() the first time -p asks for it (systemd
 * loads its optional compressors the same way).  Linking it would put
 * libsnappy, libstdc++ and libgcc_s into every capture initramfs for a
 * compressor few use; the initramfs builder adds them only when the
 * configured core_collector has -p (see kdumpd/capture-image.c). */

#include <stddef.h>

#define SNAPPY_DL_SONAME "libsnappy.so.1"

struct snappy_dl {
        int (*compress)(const char *in, size_t in_len, char *out, size_t *out_len);
        int (*uncompress)(const char *in, size_t in_len, char *out, size_t *out_len);
        size_t (*max_compressed_length)(size_t in_len);
};

/* Opens it once and remembers the answer: the table, or NULL when this
 * build has no snappy or the library is missing (snappy_dl_error() says
 * why). */
const struct snappy_dl *snappy_dl_get(void);
const char *snappy_dl_error(void);
