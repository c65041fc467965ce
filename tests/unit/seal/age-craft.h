/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Building age files piece by piece with a known file key, to feed the
 * opener headers and payloads that the sealer never writes: each of the
 * malformations c2sp.org/age and its test vectors name, made here from the
 * specification rather than copied. */

#include <sodium.h>

#include "seal/age-format.h"
#include "seal-test.h"

#define CRAFT_FILE_KEY "YELLOW SUBMARINE"           /* 16 bytes */
#define CRAFT_NONCE "0123456789abcdef"              /* 16 bytes */

/* "-> X25519 <share>\n<wrapped CRAFT_FILE_KEY>\n" appended to s. */
static inline void craft_x25519_stanza(struct sink *s, const uint8_t recipient[32], uint32_t seed) {
        static const uint8_t zero_nonce[12];
        uint8_t eph[32], share[32], shared[32], wrap[32], body[32];
        char b64[64];

        fill_pattern(eph, sizeof(eph), seed);
        ASSERT_OK(crypto_scalarmult_base(share, eph));
        ASSERT_OK(crypto_scalarmult(shared, eph, recipient));
        age_x25519_wrap_key(shared, share, recipient, wrap);
        crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, (const uint8_t *) CRAFT_FILE_KEY, 16, NULL, 0, NULL,
                                                  zero_nonce, wrap);
        sink_write(s, "-> X25519 ", 10);
        sink_write(s, b64, age_base64_encode(share, 32, b64, sizeof(b64)));
        sink_write(s, "\n", 1);
        sink_write(s, b64, age_base64_encode(body, 32, b64, sizeof(b64)));
        sink_write(s, "\n", 1);
}

static inline void sink_puts(struct sink *s, const char *str) {
        sink_write(s, str, strlen(str));
}

/* Ends a header begun in s (version line and stanzas): "---", the MAC under
 * CRAFT_FILE_KEY, the payload nonce. */
static inline void craft_mac_and_nonce(struct sink *s) {
        uint8_t mac[32];
        char b64[64];

        sink_puts(s, "---");
        age_header_mac((const uint8_t *) CRAFT_FILE_KEY, s->data, s->len, mac);
        sink_puts(s, " ");
        sink_write(s, b64, age_base64_encode(mac, 32, b64, sizeof(b64)));
        sink_puts(s, "\n");
        sink_write(s, CRAFT_NONCE, 16);
}

/* One STREAM chunk under the payload key of CRAFT_FILE_KEY/CRAFT_NONCE. */
static inline void craft_chunk(struct sink *s, uint64_t counter, bool last, const uint8_t *data, size_t len) {
        static uint8_t buf[AGE_ENC_CHUNK_SIZE + 64];
        uint8_t key[32], nonce[12];

        age_payload_key((const uint8_t *) CRAFT_FILE_KEY, (const uint8_t *) CRAFT_NONCE, key);
        age_chunk_nonce(counter, last, nonce);
        crypto_aead_chacha20poly1305_ietf_encrypt_detached(buf, buf + len, NULL, data, len, NULL, 0, NULL, nonce, key);
        sink_write(s, buf, len + 16);
}

/* A correct payload for data, chunked as age does. */
static inline void craft_payload(struct sink *s, const uint8_t *data, size_t len) {
        uint64_t counter = 0;

        do {
                size_t n = len > AGE_CHUNK_SIZE ? AGE_CHUNK_SIZE : len;

                craft_chunk(s, counter++, n == len, data, n);
                data += n;
                len -= n;
        } while (len > 0);
}
