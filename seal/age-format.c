/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared pieces of age v1 (see age-format.h). */

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sodium.h>

#include "seal/age-format.h"
#include "seal/hkdf.h"

void age_header_mac(const uint8_t file_key[AGE_FILE_KEY_SIZE], const void *header, size_t len,
                    uint8_t ret_mac[AGE_MAC_SIZE]) {
        uint8_t key[AGE_KEY_SIZE];
        crypto_auth_hmacsha256_state st;

        (void) hkdf_sha256(NULL, 0, file_key, AGE_FILE_KEY_SIZE, "header", 6, key, sizeof(key));
        crypto_auth_hmacsha256_init(&st, key, sizeof(key));
        crypto_auth_hmacsha256_update(&st, header, len);
        crypto_auth_hmacsha256_final(&st, ret_mac);
        sodium_memzero(&st, sizeof(st));
        sodium_memzero(key, sizeof(key));
}

void age_payload_key(const uint8_t file_key[AGE_FILE_KEY_SIZE], const uint8_t nonce[AGE_PAYLOAD_NONCE_SIZE],
                     uint8_t ret_key[AGE_KEY_SIZE]) {
        (void) hkdf_sha256(nonce, AGE_PAYLOAD_NONCE_SIZE, file_key, AGE_FILE_KEY_SIZE, "payload", 7,
                           ret_key, AGE_KEY_SIZE);
}

void age_x25519_wrap_key(const uint8_t shared[AGE_KEY_SIZE], const uint8_t share[AGE_KEY_SIZE],
                         const uint8_t recipient[AGE_KEY_SIZE], uint8_t ret_key[AGE_KEY_SIZE]) {
        uint8_t salt[2 * AGE_KEY_SIZE];

        memcpy(salt, share, AGE_KEY_SIZE);
        memcpy(salt + AGE_KEY_SIZE, recipient, AGE_KEY_SIZE);
        (void) hkdf_sha256(salt, sizeof(salt), shared, AGE_KEY_SIZE, AGE_X25519_LABEL, strlen(AGE_X25519_LABEL),
                           ret_key, AGE_KEY_SIZE);
}

void age_chunk_nonce(uint64_t counter, bool last, uint8_t ret_nonce[AGE_CHUNK_NONCE_SIZE]) {
        memset(ret_nonce, 0, AGE_CHUNK_NONCE_SIZE);
        for (unsigned i = 0; i < 8; i++)
                ret_nonce[10 - i] = (uint8_t) (counter >> (8 * i));
        ret_nonce[11] = last ? 1 : 0;
}

size_t age_base64_encode(const uint8_t *data, size_t len, char *out, size_t out_size) {
        sodium_bin2base64(out, out_size, data, len, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
        return strlen(out);
}

static bool base64_alphabet(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++) {
                char c = s[i];

                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '+' || c == '/'))
                        return false;
        }
        return true;
}

int age_base64_decode(const char *s, size_t len, uint8_t *ret, size_t ret_size, size_t *ret_len) {
        size_t n;

        /* libsodium 1.0.18 decodes any byte >= 0x80 as '/' (63), so "\xaf"
         * would pass for "/": the alphabet is checked here first.  Then
         * libsodium refuses non-zero spare bits and a lone trailing
         * character, and with no end pointer fails unless all was read. */
        if (!base64_alphabet(s, len))
                return -EINVAL;
        if (sodium_base642bin(ret, ret_size, s, len, NULL, &n, NULL,
                              sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
                return -EINVAL;
        *ret_len = n;
        return 0;
}

int age_base64_decode_exact(const char *s, size_t len, uint8_t *ret, size_t want) {
        uint8_t buf[64];
        size_t n;

        if (want > sizeof(buf) || len != (want * 4 + 2) / 3)
                return -EINVAL;
        if (age_base64_decode(s, len, buf, sizeof(buf), &n) < 0 || n != want) {
                sodium_memzero(buf, sizeof(buf));
                return -EINVAL;
        }
        memcpy(ret, buf, want);
        sodium_memzero(buf, sizeof(buf));
        return 0;
}
