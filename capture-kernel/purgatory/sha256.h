/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* SHA-256 (FIPS 180-4), freestanding: no libc, no SSE, no tables beyond the
 * round constants, so that the same file builds into the purgatory and into
 * the host-side loader and tests, which must agree on every digest. */

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256_ctx {
        uint32_t h[8];
        uint64_t length;        /* bytes hashed so far */
        uint8_t block[64];
        size_t fill;            /* bytes in block */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_SIZE]);
