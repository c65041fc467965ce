/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The streaming age v1 decryptor for X25519 identities (see age-open.h),
 * written from c2sp.org/age; its failure cases follow the ones the C2SP
 * CCTV age test vectors name (header, no match, HMAC, payload). */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "basic/error-message.h"
#include "seal/age-format.h"
#include "seal/age-open.h"
#include "seal/seal-random.h"

enum open_state {
        OPEN_HEADER,
        OPEN_NONCE,
        OPEN_PAYLOAD,
        OPEN_DONE,
        OPEN_FAILED,
};

struct age_open {
        age_identities *ids;
        age_write_fn write;
        void *userdata;
        enum open_state state;
        int error;
        char *hdr;
        size_t hdr_len, hdr_allocated;
        size_t line_start;      /* where the header line being read starts */
        uint8_t file_key[AGE_FILE_KEY_SIZE];
        uint8_t nonce[AGE_PAYLOAD_NONCE_SIZE];
        size_t nonce_fill;
        uint8_t payload_key[AGE_KEY_SIZE];
        uint64_t counter;
        size_t fill;
        uint8_t in[AGE_ENC_CHUNK_SIZE];
        uint8_t out[AGE_CHUNK_SIZE];
};

struct stanza {
        char **args;            /* args[0] is the type */
        size_t n_args;
        uint8_t *body;
        size_t body_len;
};

struct header {
        struct stanza *stanzas;
        size_t n_stanzas;
        uint8_t mac[AGE_MAC_SIZE];
        size_t mac_offset;      /* bytes covered by the MAC: up to "---" */
};

struct cursor {
        const char *s;
        size_t len, pos;
        unsigned line_no;
};

_printf_(4, 5)
static int open_fail(age_open *o, char **ret_error, int error, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (ret_error) {
                char *s = NULL;

                if (vasprintf(&s, fmt, ap) < 0)
                        s = NULL;
                free(*ret_error);
                *ret_error = s;
        }
        va_end(ap);
        o->state = OPEN_FAILED;
        o->error = -abs(error);
        sodium_memzero(o->file_key, sizeof(o->file_key));
        sodium_memzero(o->payload_key, sizeof(o->payload_key));
        return o->error;
}

static void header_done(struct header *h) {
        for (size_t i = 0; i < h->n_stanzas; i++) {
                for (size_t j = 0; j < h->stanzas[i].n_args; j++)
                        free(h->stanzas[i].args[j]);
                free(h->stanzas[i].args);
                free(h->stanzas[i].body);
        }
        free(h->stanzas);
        *h = (struct header) {};
}

/* The next line, without its '\n'; false at the end of the text. */
static bool next_line(struct cursor *c, const char **ret, size_t *ret_len) {
        const char *nl;

        if (c->pos >= c->len)
                return false;
        nl = memchr(c->s + c->pos, '\n', c->len - c->pos);
        if (!nl)
                return false;
        *ret = c->s + c->pos;
        *ret_len = (size_t) (nl - *ret);
        c->pos += *ret_len + 1;
        c->line_no++;
        return true;
}

static bool starts_with(const char *line, size_t len, const char *prefix) {
        size_t n = strlen(prefix);

        return len >= n && memcmp(line, prefix, n) == 0;
}

static bool valid_arg(const char *a, size_t len) {
        if (len == 0)
                return false;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) a[i] < 33 || (unsigned char) a[i] > 126)
                        return false;
        return true;
}

/* The first bytes of s, with what is not printable ASCII as \xNN. */
static const char *printable(const char *s, size_t len, char buf[static 256]) {
        size_t k = 0;

        for (size_t i = 0; i < len && k + 5 < 256; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c >= 32 && c < 127 && c != '\\')
                        buf[k++] = (char) c;
                else
                        k += (size_t) snprintf(buf + k, 5, "\\x%02x", c);
        }
        buf[k] = 0;
        return buf;
}

static int version_line(age_open *o, struct cursor *c, char **ret_error) {
        const char *line;
        char buf[256];
        size_t len;

        if (!next_line(c, &line, &len) || !starts_with(line, len, AGE_VERSION_PREFIX))
                return open_fail(o, ret_error, EBADMSG, "not an age file: no \"age-encryption.org/\" version line");
        if (len != strlen(AGE_VERSION_LINE) - 1 || memcmp(line, AGE_VERSION_LINE, len) != 0)
                return open_fail(o, ret_error, EBADMSG,
                                 "unsupported age version line \"%s\": only age-encryption.org/v1 is known",
                                 printable(line, MIN(len, (size_t) 64), buf));
        return 0;
}

/* "-> type arg…": split on single spaces, every argument non-empty VCHAR. */
static int stanza_args(age_open *o, struct cursor *c, const char *line, size_t len, struct stanza *st,
                       char **ret_error) {
        size_t pos = 2;

        if (len < 3 || line[2] != ' ')
                return open_fail(o, ret_error, EBADMSG, "header line %u: a stanza line needs \"-> \" and a type",
                                 c->line_no);
        while (pos < len) {
                const char *a = line + pos + 1, *sp = memchr(a, ' ', len - pos - 1);
                size_t n = sp ? (size_t) (sp - a) : len - pos - 1;
                char **args;

                if (!valid_arg(a, n))
                        return open_fail(o, ret_error, EBADMSG,
                                         "header line %u: a stanza argument is empty or not printable ASCII",
                                         c->line_no);
                args = reallocarray(st->args, st->n_args + 1, sizeof(char *));
                if (!args)
                        return open_fail(o, ret_error, ENOMEM, "out of memory");
                st->args = args;
                st->args[st->n_args] = strndup(a, n);
                if (!st->args[st->n_args])
                        return open_fail(o, ret_error, ENOMEM, "out of memory");
                st->n_args++;
                pos += n + 1;
        }
        return 0;
}

/* Body lines of 64 columns, ended by a shorter one (maybe empty). */
static int stanza_body(age_open *o, struct cursor *c, struct stanza *st, char **ret_error) {
        for (;;) {
                uint8_t bytes[AGE_STANZA_COLUMNS];
                const char *line;
                size_t len, n;
                uint8_t *b;

                if (!next_line(c, &line, &len) || starts_with(line, len, "---") || starts_with(line, len, "->"))
                        return open_fail(o, ret_error, EBADMSG,
                                         "header line %u: a stanza ends without its short last body line",
                                         c->line_no);
                if (len > AGE_STANZA_COLUMNS)
                        return open_fail(o, ret_error, EBADMSG,
                                         "header line %u: a stanza body line is longer than 64 columns", c->line_no);
                if (age_base64_decode(line, len, bytes, sizeof(bytes), &n) < 0)
                        return open_fail(o, ret_error, EBADMSG,
                                         "header line %u: a stanza body line is not canonical unpadded base64",
                                         c->line_no);
                b = realloc(st->body, st->body_len + n + 1);
                if (!b)
                        return open_fail(o, ret_error, ENOMEM, "out of memory");
                st->body = b;
                memcpy(st->body + st->body_len, bytes, n);
                st->body_len += n;
                if (len < AGE_STANZA_COLUMNS)
                        return 0;
        }
}

static int mac_line(age_open *o, struct cursor *c, const char *line, size_t len, struct header *h,
                    char **ret_error) {
        if (len != 4 + AGE_B64_KEY_LEN || line[3] != ' ' ||
            age_base64_decode_exact(line + 4, AGE_B64_KEY_LEN, h->mac, AGE_MAC_SIZE) < 0)
                return open_fail(o, ret_error, EBADMSG,
                                 "header line %u: the MAC line is not \"--- \" and 43 characters of base64",
                                 c->line_no);
        h->mac_offset = (size_t) (line - c->s) + 3;
        if (h->n_stanzas == 0)
                return open_fail(o, ret_error, EBADMSG, "the header has no recipient stanza");
        return 0;
}

static int parse_header(age_open *o, struct header *h, char **ret_error) {
        struct cursor c = { .s = o->hdr, .len = o->hdr_len };
        int r;

        r = version_line(o, &c, ret_error);
        if (r < 0)
                return r;
        for (;;) {
                struct stanza *st;
                const char *line;
                size_t len;

                if (!next_line(&c, &line, &len))
                        return open_fail(o, ret_error, EBADMSG, "the header ends without its MAC line");
                if (starts_with(line, len, "---"))
                        return mac_line(o, &c, line, len, h, ret_error);
                if (!starts_with(line, len, "->"))
                        return open_fail(o, ret_error, EBADMSG,
                                         "header line %u: expected a stanza (\"-> …\") or the MAC line (\"--- …\")",
                                         c.line_no);
                st = reallocarray(h->stanzas, h->n_stanzas + 1, sizeof(*st));
                if (!st)
                        return open_fail(o, ret_error, ENOMEM, "out of memory");
                h->stanzas = st;
                st = &h->stanzas[h->n_stanzas++];
                *st = (struct stanza) {};
                r = stanza_args(o, &c, line, len, st, ret_error);
                if (r >= 0)
                        r = stanza_body(o, &c, st, ret_error);
                if (r < 0)
                        return r;
        }
}

static bool is_type(const struct stanza *st, const char *type) {
        return strcmp(st->args[0], type) == 0;
}

/* Every X25519 stanza must be well formed, whoever it is for. */
static int check_stanzas(age_open *o, const struct header *h, char **ret_error) {
        for (size_t i = 0; i < h->n_stanzas; i++) {
                const struct stanza *st = &h->stanzas[i];
                uint8_t share[AGE_KEY_SIZE];

                if (is_type(st, "scrypt") && h->n_stanzas > 1)
                        return open_fail(o, ret_error, EBADMSG,
                                         "an scrypt (passphrase) stanza must be the header's only one");
                if (!is_type(st, "X25519"))
                        continue;
                if (st->n_args != 2 ||
                    age_base64_decode_exact(st->args[1], strlen(st->args[1]), share, sizeof(share)) < 0)
                        return open_fail(o, ret_error, EBADMSG,
                                         "X25519 stanza %zu: wants one argument, a 32-byte share in canonical base64",
                                         i + 1);
                if (st->body_len != AGE_FILE_KEY_SIZE + AGE_TAG_SIZE)
                        return open_fail(o, ret_error, EBADMSG,
                                         "X25519 stanza %zu: its body is %zu bytes, a wrapped file key is 32",
                                         i + 1, st->body_len);
        }
        return 0;
}

/* 1: opened, 0: not for this identity, <0: a low-order share (abort). */
static int unwrap_x25519(const struct stanza *st, const uint8_t secret[AGE_KEY_SIZE],
                         const uint8_t public[AGE_KEY_SIZE], uint8_t ret_file_key[AGE_FILE_KEY_SIZE]) {
        static const uint8_t zero_nonce[AGE_CHUNK_NONCE_SIZE];
        uint8_t share[AGE_KEY_SIZE], shared[AGE_KEY_SIZE], wrap[AGE_KEY_SIZE];
        int r;

        (void) age_base64_decode_exact(st->args[1], AGE_B64_KEY_LEN, share, sizeof(share));
        if (crypto_scalarmult(shared, secret, share) != 0)
                return -EBADMSG;
        age_x25519_wrap_key(shared, share, public, wrap);
        r = crypto_aead_chacha20poly1305_ietf_decrypt(ret_file_key, NULL, NULL, st->body, st->body_len,
                                                      NULL, 0, zero_nonce, wrap) == 0;
        sodium_memzero(shared, sizeof(shared));
        sodium_memzero(wrap, sizeof(wrap));
        return r;
}

static int no_match(age_open *o, const struct header *h, char **ret_error) {
        size_t n_x25519 = 0;

        for (size_t i = 0; i < h->n_stanzas; i++)
                n_x25519 += is_type(&h->stanzas[i], "X25519");
        if (h->n_stanzas == 1 && is_type(&h->stanzas[0], "scrypt"))
                return open_fail(o, ret_error, ENOKEY,
                                 "the file is sealed with a passphrase (scrypt); only X25519 identities "
                                 "are supported here: use `age -d`");
        if (n_x25519 == 0)
                return open_fail(o, ret_error, ENOKEY,
                                 "the file has no X25519 stanza (its first is \"%.40s\"); only X25519 identities "
                                 "are supported here", h->stanzas[0].args[0]);
        return open_fail(o, ret_error, ENOKEY,
                         "no identity opens the file: it is sealed to %zu other X25519 key%s (%zu identit%s tried)",
                         n_x25519, n_x25519 == 1 ? "" : "s", age_identities_count(o->ids),
                         age_identities_count(o->ids) == 1 ? "y" : "ies");
}

static int unwrap_file_key(age_open *o, const struct header *h, char **ret_error) {
        for (size_t i = 0; i < age_identities_count(o->ids); i++)
                for (size_t j = 0; j < h->n_stanzas; j++) {
                        int r;

                        if (!is_type(&h->stanzas[j], "X25519"))
                                continue;
                        r = unwrap_x25519(&h->stanzas[j], age_identities_get_secret(o->ids, i),
                                          age_identities_get_public(o->ids, i), o->file_key);
                        if (r < 0)
                                return open_fail(o, ret_error, EBADMSG,
                                                 "X25519 stanza %zu: a low-order share (an all-zero shared secret); "
                                                 "the file is malicious or corrupt", j + 1);
                        if (r > 0)
                                return 0;
                }
        return no_match(o, h, ret_error);
}

static int open_header(age_open *o, char **ret_error) {
        _cleanup_(header_done) struct header h = {};
        uint8_t mac[AGE_MAC_SIZE];
        int r;

        r = parse_header(o, &h, ret_error);
        if (r >= 0)
                r = check_stanzas(o, &h, ret_error);
        if (r >= 0)
                r = unwrap_file_key(o, &h, ret_error);
        if (r < 0)
                return r;
        age_header_mac(o->file_key, o->hdr, h.mac_offset, mac);
        if (sodium_memcmp(mac, h.mac, AGE_MAC_SIZE) != 0)
                return open_fail(o, ret_error, EKEYREJECTED,
                                 "the header MAC does not match: the header was altered, or the file is corrupt");
        free(o->hdr);
        o->hdr = NULL;
        o->hdr_len = o->hdr_allocated = 0;
        o->state = OPEN_NONCE;
        return 0;
}

/* Refuses what is not age as early as its first bytes show it. */
static int check_start(age_open *o, bool at_end, char **ret_error) {
        static const char armor[] = "-----BEGIN AGE ENCRYPTED FILE-----";
        size_t n = MIN(o->hdr_len, strlen(AGE_VERSION_PREFIX));

        if (memcmp(o->hdr, AGE_VERSION_PREFIX, n) == 0)
                return 0;
        if (memcmp(o->hdr, armor, MIN(o->hdr_len, strlen(armor))) == 0) {
                if (!at_end && o->hdr_len < strlen(armor) && !memchr(o->hdr, '\n', o->hdr_len))
                        return 0;       /* maybe armor: wait and see */
                return open_fail(o, ret_error, EBADMSG,
                                 "an ASCII-armored age file is not supported here: use `age -d`");
        }
        return open_fail(o, ret_error, EBADMSG,
                         "not an age file: it does not start with \"age-encryption.org/\"");
}

static int hdr_append(age_open *o, const uint8_t *p, size_t n, char **ret_error) {
        if (o->hdr_len + n > AGE_OPEN_HEADER_MAX)
                return open_fail(o, ret_error, EBADMSG, "the age header is longer than %u KiB: a damaged file?",
                                 AGE_OPEN_HEADER_MAX >> 10);
        if (o->hdr_len + n > o->hdr_allocated) {
                size_t want = MAX(o->hdr_allocated * 2, MAX(o->hdr_len + n, (size_t) 1024));
                char *h = realloc(o->hdr, want);

                if (!h)
                        return open_fail(o, ret_error, ENOMEM, "out of memory");
                o->hdr = h;
                o->hdr_allocated = want;
        }
        memcpy(o->hdr + o->hdr_len, p, n);
        o->hdr_len += n;
        return 0;
}

/* Takes header bytes a line at a time, up to the end of the MAC line. */
static int feed_header(age_open *o, const uint8_t **p, size_t *len, char **ret_error) {
        while (*len > 0 && o->state == OPEN_HEADER) {
                const uint8_t *nl = memchr(*p, '\n', *len);
                size_t n = nl ? (size_t) (nl - *p) + 1 : *len, start = o->line_start;
                int r;

                r = hdr_append(o, *p, n, ret_error);
                if (r >= 0)
                        r = check_start(o, false, ret_error);
                if (r < 0)
                        return r;
                *p += n;
                *len -= n;
                if (!nl)
                        continue;
                o->line_start = o->hdr_len;
                if (start > 0 && starts_with(o->hdr + start, o->hdr_len - start, "---")) {
                        r = open_header(o, ret_error);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int feed_nonce(age_open *o, const uint8_t **p, size_t *len) {
        size_t n = MIN(*len, AGE_PAYLOAD_NONCE_SIZE - o->nonce_fill);

        memcpy(o->nonce + o->nonce_fill, *p, n);
        o->nonce_fill += n;
        *p += n;
        *len -= n;
        if (o->nonce_fill == AGE_PAYLOAD_NONCE_SIZE) {
                age_payload_key(o->file_key, o->nonce, o->payload_key);
                sodium_memzero(o->file_key, sizeof(o->file_key));
                o->state = OPEN_PAYLOAD;
        }
        return 0;
}

static bool decrypt_chunk(age_open *o, size_t len, bool last) {
        uint8_t nonce[AGE_CHUNK_NONCE_SIZE];

        age_chunk_nonce(o->counter, last, nonce);
        return crypto_aead_chacha20poly1305_ietf_decrypt_detached(o->out, NULL, o->in, len - AGE_TAG_SIZE,
                                                                  o->in + len - AGE_TAG_SIZE, NULL, 0,
                                                                  nonce, o->payload_key) == 0;
}

static int release_chunk(age_open *o, size_t len, bool last, char **ret_error) {
        int r = o->write(o->userdata, o->out, len - AGE_TAG_SIZE);

        sodium_memzero(o->out, len - AGE_TAG_SIZE);
        if (r < 0)
                return open_fail(o, ret_error, r, "writing the plaintext of chunk %" PRIu64 ": %s",
                                 o->counter, strerror(-r));
        o->counter++;
        o->fill = 0;
        if (last) {
                o->state = OPEN_DONE;
                sodium_memzero(o->payload_key, sizeof(o->payload_key));
        }
        return 0;
}

/* A full-size chunk may be the last one, or not: try both, as age does. */
static int full_chunk(age_open *o, char **ret_error) {
        if (decrypt_chunk(o, AGE_ENC_CHUNK_SIZE, false))
                return release_chunk(o, AGE_ENC_CHUNK_SIZE, false, ret_error);
        if (decrypt_chunk(o, AGE_ENC_CHUNK_SIZE, true))
                return release_chunk(o, AGE_ENC_CHUNK_SIZE, true, ret_error);
        return open_fail(o, ret_error, EPROTO,
                         "payload chunk %" PRIu64 " does not authenticate: the file is corrupt or was altered",
                         o->counter);
}

static int feed_payload(age_open *o, const uint8_t **p, size_t *len, char **ret_error) {
        while (*len > 0) {
                size_t n;

                if (o->state == OPEN_DONE)
                        return open_fail(o, ret_error, EPROTO,
                                         "trailing data after the last chunk: the file was altered or is two files run together");
                n = MIN(*len, AGE_ENC_CHUNK_SIZE - o->fill);
                memcpy(o->in + o->fill, *p, n);
                o->fill += n;
                *p += n;
                *len -= n;
                if (o->fill == AGE_ENC_CHUNK_SIZE) {
                        int r = full_chunk(o, ret_error);

                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int failed_again(age_open *o, char **ret_error) {
        if (ret_error && !*ret_error)
                *ret_error = strdup("opening the age file failed earlier");
        return o->error;
}

int age_open_write(age_open *o, const void *buf, size_t len, char **ret_error) {
        const uint8_t *p = buf;
        int r = 0;

        if (o->state == OPEN_FAILED)
                return failed_again(o, ret_error);
        if (o->state == OPEN_HEADER)
                r = feed_header(o, &p, &len, ret_error);
        if (r >= 0 && len > 0 && o->state == OPEN_NONCE)
                r = feed_nonce(o, &p, &len);
        if (r >= 0 && len > 0)
                r = feed_payload(o, &p, &len, ret_error);
        return r;
}

static int last_chunk(age_open *o, char **ret_error) {
        if (o->fill == 0 && o->counter == 0)
                return open_fail(o, ret_error, EPROTO, "the payload has no chunk: the file was cut after its header");
        if (o->fill == 0)
                return open_fail(o, ret_error, EPROTO,
                                 "the file is truncated: it ends after chunk %" PRIu64 " without the last chunk",
                                 o->counter - 1);
        if (o->fill < AGE_TAG_SIZE)
                return open_fail(o, ret_error, EPROTO,
                                 "the last chunk is shorter than its 16-byte tag: the file is truncated or corrupt");
        if (o->fill == AGE_TAG_SIZE && o->counter > 0)
                return open_fail(o, ret_error, EPROTO,
                                 "the last chunk is empty, which age allows only in an empty file");
        if (!decrypt_chunk(o, o->fill, true))
                return open_fail(o, ret_error, EPROTO,
                                 "the last chunk (%" PRIu64 ") does not authenticate: the file is truncated or corrupt",
                                 o->counter);
        return release_chunk(o, o->fill, true, ret_error);
}

int age_open_finish(age_open *o, char **ret_error) {
        int r;

        switch (o->state) {
        case OPEN_HEADER:
                if (o->hdr_len == 0)
                        return open_fail(o, ret_error, EBADMSG, "the file is empty");
                r = check_start(o, true, ret_error);
                if (r < 0)
                        return r;
                return open_fail(o, ret_error, EBADMSG, "the file ends inside the age header");
        case OPEN_NONCE:
                return open_fail(o, ret_error, EBADMSG,
                                 "the file ends inside the payload nonce, right after the header");
        case OPEN_PAYLOAD:
                return last_chunk(o, ret_error);
        case OPEN_DONE:
                return 0;
        default:
                return failed_again(o, ret_error);
        }
}

int age_open_new(const age_identities *ids, age_write_fn write, void *userdata, age_open **ret) {
        age_open *o;
        int r;

        if (age_identities_count(ids) == 0 || !write)
                return -EINVAL;
        seal_sodium_init();
        o = calloc(1, sizeof(*o));
        if (!o)
                return -ENOMEM;
        o->write = write;
        o->userdata = userdata;
        r = age_identities_new(&o->ids);
        for (size_t i = 0; r >= 0 && i < age_identities_count(ids); i++)
                r = age_identities_add(o->ids, age_identities_get_secret(ids, i));
        if (r < 0) {
                age_open_free(o);
                return r;
        }
        *ret = o;
        return 0;
}

age_open *age_open_free(age_open *o) {
        if (!o)
                return NULL;
        age_identities_free(o->ids);
        free(o->hdr);
        sodium_memzero(o, sizeof(*o));
        free(o);
        return NULL;
}

int age_open_fd(const age_identities *ids, int fd, age_write_fn write, void *userdata, char **ret_error) {
        _cleanup_age_open_ age_open *o = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        int r;

        r = age_open_new(ids, write, userdata, &o);
        if (r < 0)
                return r;
        buf = malloc(AGE_ENC_CHUNK_SIZE);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(fd, buf, AGE_ENC_CHUNK_SIZE);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return set_error_message(ret_error, errno, "reading the age file: %m");
                if (n == 0)
                        return age_open_finish(o, ret_error);
                r = age_open_write(o, buf, (size_t) n, ret_error);
                if (r < 0)
                        return r;
        }
}
