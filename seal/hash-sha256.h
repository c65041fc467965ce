/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* SHA-256 (FIPS 180-4) at the speed of the CPU's SHA extensions where it
 * has them, for the product's manifests: the collector hashes every byte of
 * the dump it writes, on the thread that writes it, and kdumpctl verify
 * reads whole dumps back; libsodium's portable SHA-256 runs at about
 * 300 MB/s, which would add half the time of a `-l -d 31` dump, while x86's
 * SHA-NI runs at about 1.5 GB/s.  The portable code here is the
 * fallback (other CPUs, and the tests, which check both against libsodium). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_SHA256_SIZE 32

struct hash_sha256 {
        uint32_t h[8];
        uint64_t bytes;
        uint8_t block[64];
        bool ni;                        /* compress with SHA-NI */
};

void hash_sha256_init(struct hash_sha256 *c);
void hash_sha256_update(struct hash_sha256 *c, const void *buf, size_t len);
/* The digest; c must be initialized again before reuse. */
void hash_sha256_final(struct hash_sha256 *c, uint8_t ret[HASH_SHA256_SIZE]);

/* Whether hash_sha256_init() picks the SHA-NI code on this CPU. */
bool hash_sha256_accelerated(void);

/* For tests: the portable code even where SHA-NI exists. */
void hash_sha256_set_portable(bool portable);
