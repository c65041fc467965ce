/* SPDX-License-Identifier: GPL-2.0-or-later */
/* age's X25519 recipients and identities, one at a time and from files
 * (see age-key.h).  Written from c2sp.org/age, "The X25519 recipient type",
 * and from what `age -R` and `age -i` accept. */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "seal/age-key.h"
#include "seal/bech32.h"

#define KEY_FILE_MAX (16u * 1024u * 1024u)      /* age's own limit */
#define KEY_LINE_MAX (8u * 1024u)               /* likewise (sshd's) */

#define RECIPIENT_HRP "age"
#define IDENTITY_HRP "AGE-SECRET-KEY-"

struct age_recipients {
        uint8_t (*keys)[AGE_X25519_KEY_SIZE];
        size_t n;
};

struct age_identity_pair {
        uint8_t secret[AGE_X25519_KEY_SIZE];
        uint8_t public[AGE_X25519_KEY_SIZE];
};

struct age_identities {
        struct age_identity_pair *items;
        size_t n;
};

static bool has_prefix(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_prefix_nocase(const char *s, const char *prefix) {
        return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* A low-order point makes every shared secret zero: nothing sealed to it
 * could be opened, and age's identities refuse such stanzas. */
static bool x25519_point_usable(const uint8_t key[AGE_X25519_KEY_SIZE]) {
        uint8_t scalar[crypto_scalarmult_SCALARBYTES], out[crypto_scalarmult_BYTES];
        int r;

        memset(scalar, 0x5a, sizeof(scalar));
        r = crypto_scalarmult(out, scalar, key);
        sodium_memzero(out, sizeof(out));
        return r == 0;
}

static int decode_key(const char *s, const char *hrp, uint8_t ret_key[AGE_X25519_KEY_SIZE],
                      const char *what, char **ret_error) {
        _cleanup_free_ char *got_hrp = NULL, *phrase = NULL;
        _cleanup_free_ uint8_t *data = NULL;
        size_t len;
        int r;

        r = bech32_decode(s, &got_hrp, &data, &len, &phrase);
        if (r == -EBADMSG)
                return set_error_message(ret_error, r, "wrong checksum in this %s: a typo, or a key cut short?", what);
        if (r == -EINVAL)
                return set_error_message(ret_error, r, "malformed %s: it %s", what, phrase ? phrase : "is invalid");
        if (r < 0)
                return r;
        if (strcmp(got_hrp, hrp) != 0)
                return set_error_message(ret_error, EINVAL, "malformed %s: it starts \"%s1\", not \"%s1\"",
                                         what, got_hrp, hrp);
        if (len != AGE_X25519_KEY_SIZE) {
                r = set_error_message(ret_error, EINVAL, "wrong length: this %s holds %zu bytes, an X25519 key has %u",
                                      what, len, AGE_X25519_KEY_SIZE);
                sodium_memzero(data, len);
                return r;
        }
        memcpy(ret_key, data, AGE_X25519_KEY_SIZE);
        sodium_memzero(data, len);
        return 0;
}

/* The recipients that are not X25519 ones, each with what to do instead. */
static int recipient_not_x25519(const char *s, char **ret_error) {
        if (has_prefix(s, "AGE-SECRET-KEY-"))
                return set_error_message(ret_error, EINVAL,
                                         "this is a private key (identity); give its public key, from `age-keygen -y FILE`");
        if (has_prefix(s, "AGE-PLUGIN-"))
                return set_error_message(ret_error, EINVAL,
                                         "this is an age plugin identity, not a recipient; not supported: only X25519 age1… keys");
        if (has_prefix(s, "ssh-") || has_prefix(s, "ecdsa-") || has_prefix(s, "sk-"))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "an SSH public key (%.*s) is not supported: only X25519 age1… keys",
                                         (int) MIN(strcspn(s, " \t"), (size_t) 40), s);
        if (has_prefix(s, "github:"))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "\"github:\" recipients are not supported: only X25519 age1… keys");
        if (has_prefix(s, "age1pq1"))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "a post-quantum (age1pq1…) recipient is not supported: only X25519 age1… keys");
        if (has_prefix(s, "age1tag"))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "a hardware-tag (age1tag…) recipient is not supported: only X25519 age1… keys");
        if (has_prefix(s, "age1") && strchr(s + 4, '1'))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "an age plugin recipient (age1NAME1…) is not supported: only X25519 age1… keys");
        if (has_prefix(s, "AGE1"))
                return set_error_message(ret_error, EINVAL,
                                         "this key is in upper case; age1… recipients are written in lower case");
        if (!has_prefix_nocase(s, "age1"))
                return set_error_message(ret_error, EINVAL,
                                         "not an age recipient: expected an X25519 public key, age1… (as `age-keygen -y` prints)");
        return 0;
}

int age_recipient_parse(const char *s, uint8_t ret_key[AGE_X25519_KEY_SIZE], char **ret_error) {
        uint8_t key[AGE_X25519_KEY_SIZE];
        int r;

        r = recipient_not_x25519(s, ret_error);
        if (r < 0)
                return r;
        r = decode_key(s, RECIPIENT_HRP, key, "age1… key", ret_error);
        if (r < 0)
                return r;
        if (!x25519_point_usable(key))
                return set_error_message(ret_error, EINVAL,
                                         "this age1… key is a low-order X25519 point: nothing sealed to it could be opened");
        memcpy(ret_key, key, sizeof(key));
        return 0;
}

static int identity_not_x25519(const char *s, char **ret_error) {
        if (has_prefix(s, "AGE-SECRET-KEY-PQ-"))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "a post-quantum identity is not supported: only X25519 AGE-SECRET-KEY-1… keys");
        if (has_prefix(s, "AGE-PLUGIN-"))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "an age plugin identity is not supported: only X25519 AGE-SECRET-KEY-1… keys");
        if (has_prefix_nocase(s, "age1"))
                return set_error_message(ret_error, EINVAL,
                                         "this is a public key (recipient); give the private key file age-keygen wrote");
        if (has_prefix(s, "ssh-") || has_prefix(s, "ecdsa-") || has_prefix(s, "sk-"))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "an SSH key is not supported: only X25519 AGE-SECRET-KEY-1… keys");
        if (has_prefix(s, "age-secret-key-1"))
                return set_error_message(ret_error, EINVAL,
                                         "this key is in lower case; AGE-SECRET-KEY-1… identities are written in upper case");
        if (!has_prefix_nocase(s, "AGE-SECRET-KEY-1"))
                return set_error_message(ret_error, EINVAL,
                                         "not an age identity: expected an X25519 private key, AGE-SECRET-KEY-1… (as age-keygen writes)");
        return 0;
}

int age_identity_parse(const char *s, uint8_t ret_secret[AGE_X25519_KEY_SIZE], char **ret_error) {
        int r;

        r = identity_not_x25519(s, ret_error);
        if (r < 0)
                return r;
        return decode_key(s, IDENTITY_HRP, ret_secret, "AGE-SECRET-KEY-1… key", ret_error);
}

int age_recipient_format(const uint8_t key[AGE_X25519_KEY_SIZE], char **ret) {
        return bech32_encode(RECIPIENT_HRP, key, AGE_X25519_KEY_SIZE, ret);
}

int age_identity_to_recipient(const uint8_t secret[AGE_X25519_KEY_SIZE], uint8_t ret_key[AGE_X25519_KEY_SIZE]) {
        return crypto_scalarmult_base(ret_key, secret) == 0 ? 0 : -EINVAL;
}

/* Lists. */

int age_recipients_new(age_recipients **ret) {
        age_recipients *r = calloc(1, sizeof(*r));

        if (!r)
                return -ENOMEM;
        *ret = r;
        return 0;
}

age_recipients *age_recipients_free(age_recipients *r) {
        if (r) {
                free(r->keys);
                free(r);
        }
        return NULL;
}

int age_recipients_add(age_recipients *r, const uint8_t key[AGE_X25519_KEY_SIZE]) {
        uint8_t (*k)[AGE_X25519_KEY_SIZE];

        if (!x25519_point_usable(key))
                return -EINVAL;
        k = reallocarray(r->keys, r->n + 1, sizeof(*k));
        if (!k)
                return -ENOMEM;
        r->keys = k;
        memcpy(r->keys[r->n++], key, AGE_X25519_KEY_SIZE);
        return 0;
}

int age_recipients_add_string(age_recipients *r, const char *s, char **ret_error) {
        uint8_t key[AGE_X25519_KEY_SIZE];
        int k;

        k = age_recipient_parse(s, key, ret_error);
        if (k < 0)
                return k;
        return age_recipients_add(r, key);
}

size_t age_recipients_count(const age_recipients *r) {
        return r ? r->n : 0;
}

const uint8_t *age_recipients_get(const age_recipients *r, size_t i) {
        return i < r->n ? r->keys[i] : NULL;
}

int age_identities_new(age_identities **ret) {
        age_identities *ids = calloc(1, sizeof(*ids));

        if (!ids)
                return -ENOMEM;
        *ret = ids;
        return 0;
}

age_identities *age_identities_free(age_identities *ids) {
        if (ids) {
                if (ids->items)
                        sodium_memzero(ids->items, ids->n * sizeof(*ids->items));
                free(ids->items);
                free(ids);
        }
        return NULL;
}

int age_identities_add(age_identities *ids, const uint8_t secret[AGE_X25519_KEY_SIZE]) {
        struct age_identity_pair *items;

        /* Not realloc(): it would leave a copy of the secrets behind. */
        items = calloc(ids->n + 1, sizeof(*items));
        if (!items)
                return -ENOMEM;
        if (crypto_scalarmult_base(items[ids->n].public, secret) != 0) {
                free(items);
                return -EINVAL;
        }
        memcpy(items[ids->n].secret, secret, AGE_X25519_KEY_SIZE);
        if (ids->items) {
                memcpy(items, ids->items, ids->n * sizeof(*items));
                sodium_memzero(ids->items, ids->n * sizeof(*items));
                free(ids->items);
        }
        ids->items = items;
        ids->n++;
        return 0;
}

int age_identities_add_string(age_identities *ids, const char *s, char **ret_error) {
        uint8_t secret[AGE_X25519_KEY_SIZE];
        int r;

        r = age_identity_parse(s, secret, ret_error);
        if (r >= 0)
                r = age_identities_add(ids, secret);
        sodium_memzero(secret, sizeof(secret));
        return r;
}

size_t age_identities_count(const age_identities *ids) {
        return ids ? ids->n : 0;
}

const uint8_t *age_identities_get_secret(const age_identities *ids, size_t i) {
        return i < ids->n ? ids->items[i].secret : NULL;
}

const uint8_t *age_identities_get_public(const age_identities *ids, size_t i) {
        return i < ids->n ? ids->items[i].public : NULL;
}

/* Files. */

struct secret_buf {
        char *data;
        size_t size, allocated;
};

static void secret_buf_done(struct secret_buf *b) {
        if (b->data) {
                sodium_memzero(b->data, b->allocated);
                free(b->data);
        }
        *b = (struct secret_buf) {};
}

/* Grows by copying, so no stray copy of a private key is left in the heap. */
static int secret_buf_grow(struct secret_buf *b) {
        size_t want = b->allocated ? b->allocated * 2 : 4096;
        char *p;

        if (b->allocated >= KEY_FILE_MAX + 1)
                return -EFBIG;
        want = MIN(want, (size_t) KEY_FILE_MAX + 1);
        p = calloc(1, want);
        if (!p)
                return -ENOMEM;
        if (b->data) {
                memcpy(p, b->data, b->size);
                sodium_memzero(b->data, b->allocated);
                free(b->data);
        }
        b->data = p;
        b->allocated = want;
        return 0;
}

static int read_key_file(const char *path, struct secret_buf *ret, char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        struct secret_buf b = {};
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return set_error_message(ret_error, errno, "%s: cannot open: %m", path);
        for (;;) {
                ssize_t n;

                if (b.allocated - b.size < 2) {
                        r = secret_buf_grow(&b);
                        if (r == -EFBIG)
                                r = set_error_message(ret_error, r, "%s: larger than %u MiB; not a key file",
                                                      path, KEY_FILE_MAX >> 20);
                        if (r < 0)
                                goto fail;
                }
                n = read(fd, b.data + b.size, b.allocated - b.size - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = set_error_message(ret_error, errno, "%s: cannot read: %m", path);
                        goto fail;
                }
                if (n == 0)
                        break;
                b.size += (size_t) n;
        }
        b.data[b.size] = 0;
        *ret = b;
        return 0;
fail:
        secret_buf_done(&b);
        return r;
}

typedef int (*key_line_parser)(void *list, const char *line, char **ret_error);

/* Walks the lines as age does: '\n' ends a line, a '\r' before it is
 * dropped, empty lines and lines starting with '#' are skipped. */
static int parse_key_lines(const char *path, const struct secret_buf *b, key_line_parser parse,
                           void *list, const char *what, char **ret_error) {
        char line[KEY_LINE_MAX + 2];
        unsigned line_no = 0, added = 0;
        int r = 0;

        for (size_t pos = 0; pos < b->size; ) {
                const char *start = b->data + pos, *nl = memchr(start, '\n', b->size - pos);
                size_t len = nl ? (size_t) (nl - start) : b->size - pos;
                _cleanup_free_ char *msg = NULL;

                pos += len + (nl ? 1 : 0);
                line_no++;
                if (len > 0 && start[len - 1] == '\r')
                        len--;
                if (len == 0 || start[0] == '#')
                        continue;
                if (len > KEY_LINE_MAX) {
                        r = set_error_message(ret_error, EINVAL, "%s:%u: line longer than %u bytes; not a key",
                                              path, line_no, KEY_LINE_MAX);
                        break;
                }
                if (memchr(start, 0, len)) {
                        r = set_error_message(ret_error, EINVAL, "%s:%u: a NUL byte; not a key file", path, line_no);
                        break;
                }
                memcpy(line, start, len);
                line[len] = 0;
                r = parse(list, line, &msg);
                if (r < 0) {
                        if (r != -ENOMEM)
                                r = set_error_message(ret_error, r, "%s:%u: %s", path, line_no, msg ? msg : "invalid");
                        break;
                }
                added++;
        }
        sodium_memzero(line, sizeof(line));
        if (r < 0)
                return r;
        if (added == 0)
                return set_error_message(ret_error, ENOKEY, "%s: no %s in it, only comments and blank lines", path, what);
        return 0;
}

static int recipient_line(void *list, const char *line, char **ret_error) {
        return age_recipients_add_string(list, line, ret_error);
}

static int identity_line(void *list, const char *line, char **ret_error) {
        return age_identities_add_string(list, line, ret_error);
}

int age_recipients_add_file(age_recipients *r, const char *path, char **ret_error) {
        struct secret_buf b = {};
        size_t n = r->n;
        int k;

        k = read_key_file(path, &b, ret_error);
        if (k < 0)
                return k;
        k = parse_key_lines(path, &b, recipient_line, r, "recipients", ret_error);
        if (k < 0)
                r->n = n;       /* all of the file or nothing */
        secret_buf_done(&b);
        return k;
}

static int identity_file_kind(const char *path, const struct secret_buf *b, char **ret_error) {
        if (b->size >= 14 && (memcmp(b->data, "age-encryption", 14) == 0 ||
                              memcmp(b->data, "-----BEGIN AGE", 14) == 0))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "%s: a passphrase-protected identity file is not supported; "
                                         "decrypt it first with `age -d`", path);
        if (b->size >= 10 && memcmp(b->data, "-----BEGIN", 10) == 0)
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "%s: an SSH or PEM private key is not supported: "
                                         "only X25519 AGE-SECRET-KEY-1… identities, as age-keygen writes", path);
        return 0;
}

int age_identities_add_file(age_identities *ids, const char *path, char **ret_error) {
        struct secret_buf b = {};
        size_t n = ids->n;
        int k;

        k = read_key_file(path, &b, ret_error);
        if (k < 0)
                return k;
        k = identity_file_kind(path, &b, ret_error);
        if (k >= 0)
                k = parse_key_lines(path, &b, identity_line, ids, "identities", ret_error);
        if (k < 0 && ids->n > n) {
                sodium_memzero(ids->items + n, (ids->n - n) * sizeof(*ids->items));
                ids->n = n;
        }
        secret_buf_done(&b);
        return k;
}
