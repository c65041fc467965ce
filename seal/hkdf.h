/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* HKDF-SHA256 (RFC 5869) on libsodium's HMAC-SHA256: libsodium 1.0.18, the
 * version Debian 12 ships, has no HKDF, and age derives every key with it
 * (the X25519 wrap key, the header MAC key, the payload key). */

#include <stddef.h>
#include <stdint.h>

#define HKDF_SHA256_PRK_SIZE 32
#define HKDF_SHA256_MAX_OKM (255 * 32)

/* PRK = HMAC-SHA256(salt, ikm); an empty salt is HashLen zero bytes, which
 * HMAC pads to the same key. */
void hkdf_sha256_extract(const void *salt, size_t salt_len, const void *ikm, size_t ikm_len,
                         uint8_t ret_prk[HKDF_SHA256_PRK_SIZE]);

/* OKM = T(1) | T(2) | … truncated to okm_len; -EINVAL past 255 blocks. */
int hkdf_sha256_expand(const uint8_t prk[HKDF_SHA256_PRK_SIZE], const void *info, size_t info_len,
                       void *ret_okm, size_t okm_len);

/* Extract then expand; the PRK is wiped. */
int hkdf_sha256(const void *salt, size_t salt_len, const void *ikm, size_t ikm_len,
                const void *info, size_t info_len, void *ret_okm, size_t okm_len);
