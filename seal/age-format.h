/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The pieces of the age v1 format (c2sp.org/age) that sealing and opening
 * share: sizes, labels, the key derivations, the STREAM chunk nonce and the
 * unpadded, canonical base64 of the header.  Internal to seal/ and its
 * tests; callers use age-seal.h and age-open.h. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGE_VERSION_LINE "age-encryption.org/v1\n"
#define AGE_VERSION_PREFIX "age-encryption.org/"
#define AGE_X25519_LABEL "age-encryption.org/v1/X25519"
#define AGE_FILE_KEY_SIZE 16
#define AGE_PAYLOAD_NONCE_SIZE 16
#define AGE_KEY_SIZE 32                 /* X25519 keys, HKDF outputs */
#define AGE_MAC_SIZE 32
#define AGE_TAG_SIZE 16                 /* Poly1305 */
#define AGE_CHUNK_SIZE 65536
#define AGE_ENC_CHUNK_SIZE (AGE_CHUNK_SIZE + AGE_TAG_SIZE)
#define AGE_CHUNK_NONCE_SIZE 12
#define AGE_STANZA_COLUMNS 64
#define AGE_B64_KEY_LEN 43              /* 32 bytes, unpadded */

/* "-> X25519 <43>\n<43>\n" */
#define AGE_X25519_STANZA_LEN (10 + AGE_B64_KEY_LEN + 1 + AGE_B64_KEY_LEN + 1)
/* "--- <43>\n" */
#define AGE_MAC_LINE_LEN (4 + AGE_B64_KEY_LEN + 1)

/* HKDF(ikm = file key, salt = empty, info = "header"), then HMAC-SHA256
 * over the header up to and including "---". */
void age_header_mac(const uint8_t file_key[AGE_FILE_KEY_SIZE], const void *header, size_t len,
                    uint8_t ret_mac[AGE_MAC_SIZE]);
/* HKDF(ikm = file key, salt = nonce, info = "payload"). */
void age_payload_key(const uint8_t file_key[AGE_FILE_KEY_SIZE], const uint8_t nonce[AGE_PAYLOAD_NONCE_SIZE],
                     uint8_t ret_key[AGE_KEY_SIZE]);
/* HKDF(ikm = shared secret, salt = share || recipient, info = AGE_X25519_LABEL). */
void age_x25519_wrap_key(const uint8_t shared[AGE_KEY_SIZE], const uint8_t share[AGE_KEY_SIZE],
                         const uint8_t recipient[AGE_KEY_SIZE], uint8_t ret_key[AGE_KEY_SIZE]);
/* 11-byte big-endian chunk counter, then 0x01 for the last chunk, else 0x00. */
void age_chunk_nonce(uint64_t counter, bool last, uint8_t ret_nonce[AGE_CHUNK_NONCE_SIZE]);

/* Unpadded standard base64 into out, which has room for the encoding and
 * its NUL (4 * ceil(len / 3) + 1 is enough); returns the length written. */
size_t age_base64_encode(const uint8_t *data, size_t len, char *out, size_t out_size);
/* Canonical unpadded base64 (no '=', no CR/LF, zero spare bits) of exactly
 * want bytes; -EINVAL otherwise. */
int age_base64_decode_exact(const char *s, size_t len, uint8_t *ret, size_t want);
/* The same for a body line of up to 48 bytes; its decoded length. */
int age_base64_decode(const char *s, size_t len, uint8_t *ret, size_t ret_size, size_t *ret_len);
