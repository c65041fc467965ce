/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The streaming age v1 encryptor (see age-seal.h), written from
 * c2sp.org/age: "Header", "Payload" and "X25519 recipient stanza". */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "basic/fileio.h"
#include "seal/age-format.h"
#include "seal/age-seal.h"
#include "seal/seal-random.h"

struct age_seal {
        age_write_fn write;
        void *userdata;
        char *header;           /* the text header, then the payload nonce */
        size_t header_len;
        bool header_written, finished;
        int error;
        uint64_t counter;
        uint8_t payload_key[AGE_KEY_SIZE];
        size_t fill;
        uint8_t buf[AGE_ENC_CHUNK_SIZE];
};

/* What seal_random_bytes() is asked for, in this order (the tests replay
 * it): file key, payload nonce, one ephemeral secret per recipient. */
struct seal_randomness {
        uint8_t file_key[AGE_FILE_KEY_SIZE];
        uint8_t nonce[AGE_PAYLOAD_NONCE_SIZE];
        uint8_t ephemeral[][AGE_KEY_SIZE];
};

int age_write_fd(void *userdata, const void *buf, size_t len) {
        return loop_write(*(int *) userdata, buf, len);
}

uint64_t age_sealed_size(size_t n_recipients, uint64_t plaintext_size) {
        uint64_t chunks = plaintext_size == 0 ? 1 : DIV_ROUND_UP(plaintext_size, (uint64_t) AGE_CHUNK_SIZE);
        uint64_t fixed = strlen(AGE_VERSION_LINE) + (uint64_t) n_recipients * AGE_X25519_STANZA_LEN +
                         AGE_MAC_LINE_LEN + AGE_PAYLOAD_NONCE_SIZE + chunks * AGE_TAG_SIZE;

        if (n_recipients > UINT32_MAX || plaintext_size > UINT64_MAX - fixed)
                return UINT64_MAX;
        return fixed + plaintext_size;
}

static void append(char *h, size_t *pos, const void *p, size_t n) {
        memcpy(h + *pos, p, n);
        *pos += n;
}

static void append_b64_key(char *h, size_t *pos, const uint8_t key[AGE_KEY_SIZE]) {
        char b64[AGE_B64_KEY_LEN + 1];

        append(h, pos, b64, age_base64_encode(key, AGE_KEY_SIZE, b64, sizeof(b64)));
}

/* "-> X25519 <ephemeral share>\n<wrapped file key>\n" */
static int stanza_x25519(char *h, size_t *pos, const uint8_t recipient[AGE_KEY_SIZE],
                         const uint8_t ephemeral[AGE_KEY_SIZE], const uint8_t file_key[AGE_FILE_KEY_SIZE]) {
        static const uint8_t zero_nonce[AGE_CHUNK_NONCE_SIZE];
        uint8_t share[AGE_KEY_SIZE], shared[AGE_KEY_SIZE], wrap[AGE_KEY_SIZE];
        uint8_t body[AGE_FILE_KEY_SIZE + AGE_TAG_SIZE];
        int r = -EINVAL;

        if (crypto_scalarmult_base(share, ephemeral) != 0 || crypto_scalarmult(shared, ephemeral, recipient) != 0)
                goto out;       /* a low-order recipient: age_recipients_add() refuses them */
        age_x25519_wrap_key(shared, share, recipient, wrap);
        crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key, AGE_FILE_KEY_SIZE, NULL, 0, NULL,
                                                  zero_nonce, wrap);
        append(h, pos, "-> X25519 ", 10);
        append_b64_key(h, pos, share);
        append(h, pos, "\n", 1);
        append_b64_key(h, pos, body);
        append(h, pos, "\n", 1);
        r = 0;
out:
        sodium_memzero(shared, sizeof(shared));
        sodium_memzero(wrap, sizeof(wrap));
        return r;
}

static int build_header(age_seal *s, const age_recipients *recipients, const struct seal_randomness *rnd) {
        size_t n = age_recipients_count(recipients), pos = 0;
        uint8_t mac[AGE_MAC_SIZE];
        char *h;
        int r;

        s->header_len = strlen(AGE_VERSION_LINE) + n * AGE_X25519_STANZA_LEN + AGE_MAC_LINE_LEN +
                        AGE_PAYLOAD_NONCE_SIZE;
        h = s->header = malloc(s->header_len);
        if (!h)
                return -ENOMEM;
        append(h, &pos, AGE_VERSION_LINE, strlen(AGE_VERSION_LINE));
        for (size_t i = 0; i < n; i++) {
                r = stanza_x25519(h, &pos, age_recipients_get(recipients, i), rnd->ephemeral[i], rnd->file_key);
                if (r < 0)
                        return r;
        }
        append(h, &pos, "---", 3);
        age_header_mac(rnd->file_key, h, pos, mac);
        append(h, &pos, " ", 1);
        append_b64_key(h, &pos, mac);
        append(h, &pos, "\n", 1);
        append(h, &pos, rnd->nonce, AGE_PAYLOAD_NONCE_SIZE);
        return pos == s->header_len ? 0 : -EINVAL;
}

int age_seal_new(const age_recipients *recipients, age_write_fn write, void *userdata, age_seal **ret) {
        size_t n = age_recipients_count(recipients), rnd_size;
        struct seal_randomness *rnd;
        age_seal *s;
        int r;

        if (n == 0 || n > 65536 || !write)
                return -EINVAL;
        rnd_size = sizeof(*rnd) + n * AGE_KEY_SIZE;
        rnd = calloc(1, rnd_size);
        if (!rnd)
                return -ENOMEM;
        r = seal_random_bytes(rnd, rnd_size);
        if (r < 0)
                goto out;
        seal_sodium_init();

        s = calloc(1, sizeof(*s));
        if (!s) {
                r = -ENOMEM;
                goto out;
        }
        *s = (age_seal) { .write = write, .userdata = userdata };
        r = build_header(s, recipients, rnd);
        if (r < 0) {
                age_seal_free(s);
                goto out;
        }
        age_payload_key(rnd->file_key, rnd->nonce, s->payload_key);
        *ret = s;
out:
        sodium_memzero(rnd, rnd_size);
        free(rnd);
        return r;
}

static int seal_output(age_seal *s, const void *p, size_t n) {
        int r;

        if (!s->header_written) {
                r = s->write(s->userdata, s->header, s->header_len);
                if (r < 0)
                        return (s->error = r);
                s->header_written = true;
        }
        r = s->write(s->userdata, p, n);
        return r < 0 ? (s->error = r) : 0;
}

/* Encrypts len bytes of in (which may be s->buf itself) into s->buf and
 * writes the chunk. */
static int seal_chunk(age_seal *s, const uint8_t *in, size_t len, bool last) {
        uint8_t nonce[AGE_CHUNK_NONCE_SIZE];

        age_chunk_nonce(s->counter, last, nonce);
        crypto_aead_chacha20poly1305_ietf_encrypt_detached(s->buf, s->buf + len, NULL, in, len, NULL, 0, NULL,
                                                           nonce, s->payload_key);
        s->counter++;
        s->fill = 0;
        return seal_output(s, s->buf, len + AGE_TAG_SIZE);
}

int age_seal_write(age_seal *s, const void *buf, size_t len) {
        const uint8_t *p = buf;
        int r;

        if (s->error < 0)
                return s->error;
        if (s->finished)
                return -EINVAL;

        while (len > 0) {
                size_t n;

                if (s->fill == AGE_CHUNK_SIZE) {
                        /* More follows: the buffered chunk is not the last. */
                        r = seal_chunk(s, s->buf, AGE_CHUNK_SIZE, false);
                        if (r < 0)
                                return r;
                }
                if (s->fill == 0 && len > AGE_CHUNK_SIZE) {
                        /* A whole chunk with more after it: no copy. */
                        r = seal_chunk(s, p, AGE_CHUNK_SIZE, false);
                        if (r < 0)
                                return r;
                        p += AGE_CHUNK_SIZE;
                        len -= AGE_CHUNK_SIZE;
                        continue;
                }
                n = MIN(len, AGE_CHUNK_SIZE - s->fill);
                memcpy(s->buf + s->fill, p, n);
                s->fill += n;
                p += n;
                len -= n;
        }
        return 0;
}

int age_seal_finish(age_seal *s) {
        int r;

        if (s->error < 0)
                return s->error;
        if (s->finished)
                return -EINVAL;
        r = seal_chunk(s, s->buf, s->fill, true);
        s->finished = true;
        sodium_memzero(s->payload_key, sizeof(s->payload_key));
        return r;
}

age_seal *age_seal_free(age_seal *s) {
        if (!s)
                return NULL;
        free(s->header);
        sodium_memzero(s, sizeof(*s));
        free(s);
        return NULL;
}
