/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the C2SP CCTV age test vectors (github.com/C2SP/CCTV, age/testdata)
 * through the opener.  The vectors are not in this tree: point
 * KDUMPD_AGE_TESTKIT at a copy of that directory; without it this test
 * is skipped.  Every vector the opener can run is run: not the armored
 * ones, not those for passphrases (scrypt) or post-quantum identities
 * only.  Each must end as its "expect" line says (success, no match,
 * HMAC failure, header failure, payload failure), and the plaintext
 * released, even on a payload failure, must hash to its "payload" line. */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <zlib.h>
#include <sodium.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "seal/age-key.h"
#include "seal/age-open.h"
#include "seal-test.h"

struct vector {
        char expect[32];
        char payload[65];
        bool armored, compressed, passphrase, pq_identity;
        age_identities *ids;
        const uint8_t *body;
        size_t body_len;
};

static int parse_vector(char *text, size_t len, struct vector *v) {
        char *p = text;

        *v = (struct vector) {};
        if (age_identities_new(&v->ids) < 0)
                return -ENOMEM;
        while (p < text + len && *p != '\n') {
                char *nl = memchr(p, '\n', (size_t) (text + len - p)), *val;

                if (!nl)
                        return -EINVAL;
                *nl = 0;
                val = strstr(p, ": ");
                if (!val)
                        return -EINVAL;
                *val = 0;
                val += 2;
                if (strcmp(p, "expect") == 0)
                        snprintf(v->expect, sizeof(v->expect), "%s", val);
                else if (strcmp(p, "payload") == 0)
                        snprintf(v->payload, sizeof(v->payload), "%s", val);
                else if (strcmp(p, "armored") == 0)
                        v->armored = strcmp(val, "yes") == 0;
                else if (strcmp(p, "compressed") == 0)
                        v->compressed = strcmp(val, "zlib") == 0;
                else if (strcmp(p, "passphrase") == 0)
                        v->passphrase = true;
                else if (strcmp(p, "identity") == 0 && strncmp(val, "AGE-SECRET-KEY-PQ-", 18) == 0)
                        v->pq_identity = true;
                else if (strcmp(p, "identity") == 0 && age_identities_add_string(v->ids, val, NULL) < 0)
                        return -EINVAL;
                p = nl + 1;
        }
        if (p >= text + len)
                return -EINVAL;
        v->body = (const uint8_t *) p + 1;
        v->body_len = (size_t) (text + len - p - 1);
        return 0;
}

static int inflate_all(const uint8_t *in, size_t len, uint8_t **ret, size_t *ret_len) {
        z_stream z = { .next_in = (Bytef *) in, .avail_in = (uInt) len };
        size_t allocated = 1 << 20, n = 0;
        uint8_t *out = malloc(allocated);
        int r;

        if (!out || inflateInit(&z) != Z_OK)
                return -ENOMEM;
        do {
                if (n == allocated) {
                        uint8_t *p = realloc(out, allocated *= 2);

                        if (!p)
                                return -ENOMEM;
                        out = p;
                }
                z.next_out = out + n;
                z.avail_out = (uInt) (allocated - n);
                r = inflate(&z, Z_NO_FLUSH);
                n = allocated - z.avail_out;
        } while (r == Z_OK);
        inflateEnd(&z);
        if (r != Z_STREAM_END) {
                free(out);
                return -EBADMSG;
        }
        *ret = out;
        *ret_len = n;
        return 0;
}

static int expected_error(const char *expect) {
        static const struct { const char *name; int error; } map[] = {
                { "success", 0 },
                { "no match", -ENOKEY },
                { "HMAC failure", -EKEYREJECTED },
                { "header failure", -EBADMSG },
                { "payload failure", -EPROTO },
        };

        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (strcmp(expect, map[i].name) == 0)
                        return map[i].error;
        return 1;
}

static const char *skip_reason(const struct vector *v) {
        if (v->armored)
                return "ASCII armor is not supported";
        if (v->pq_identity)
                return "post-quantum identity";
        if (v->passphrase && age_identities_count(v->ids) == 0)
                return "passphrase (scrypt) only";
        if (expected_error(v->expect) > 0)
                return "unknown expect value";
        return NULL;
}

/* NULL when the vector behaves as it says, else what differed. */
static const char *run_vector(struct vector *v, char *why, size_t why_size) {
        struct sink out = {};
        _cleanup_free_ uint8_t *inflated = NULL;
        _cleanup_free_ char *msg = NULL;
        const uint8_t *body = v->body;
        size_t len = v->body_len;
        uint8_t digest[32];
        age_open *o = NULL;
        int r, want = expected_error(v->expect);

        if (v->compressed) {
                if (inflate_all(v->body, v->body_len, &inflated, &len) < 0)
                        return "cannot inflate the vector";
                body = inflated;
        }
        if (age_identities_count(v->ids) == 0) {
                uint8_t dummy[32] = { 1 };      /* "empty" names none; the header fails first */

                (void) age_identities_add(v->ids, dummy);
        }
        if (age_open_new(v->ids, sink_write, &out, &o) < 0)
                return "age_open_new() failed";
        r = age_open_write(o, body, len, &msg);
        if (r >= 0)
                r = age_open_finish(o, &msg);
        age_open_free(o);
        crypto_hash_sha256(digest, out.data ? out.data : (const uint8_t *) "", out.len);
        sink_reset(&out);
        if (r != want) {
                snprintf(why, why_size, "expected %s (%d), got %d: %s", v->expect, want, r, msg ? msg : "");
                return why;
        }
        if (v->payload[0] && strcmp(tohex(digest, 32), v->payload) != 0) {
                snprintf(why, why_size, "released plaintext hashes to %s, expected %s", tohex(digest, 32), v->payload);
                return why;
        }
        return NULL;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static size_t list_vectors(const char *dir, char ***ret) {
        struct dirent *de;
        char **names = NULL;
        size_t n = 0;
        DIR *d = opendir(dir);

        if (!d)
                return 0;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.') {
                        names = reallocarray(names, n + 1, sizeof(char *));
                        names[n++] = strdup(de->d_name);
                }
        closedir(d);
        qsort(names, n, sizeof(char *), compare_names);
        *ret = names;
        return n;
}

int main(void) {
        const char *dir = getenv("KDUMPD_AGE_TESTKIT");
        unsigned ran = 0, failed = 0;
        char **names = NULL;
        size_t n;

        if (!dir || !*dir) {
                printf("1..0 # SKIP KDUMPD_AGE_TESTKIT is not set (a copy of C2SP/CCTV's age/testdata)\n");
                return 0;
        }
        n = list_vectors(dir, &names);
        if (n == 0) {
                printf("Bail out! no test vectors in %s\n", dir);
                return 1;
        }
        printf("1..%zu\n", n);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                char why[1024];
                const char *skip, *bad;
                struct vector v;
                size_t len;

                if (asprintf(&path, "%s/%s", dir, names[i]) < 0 || read_full_file(path, &text, &len) < 0 ||
                    parse_vector(text, len, &v) < 0) {
                        printf("not ok %zu - %s: unreadable vector\n", i + 1, names[i]);
                        failed++;
                        continue;
                }
                skip = skip_reason(&v);
                bad = skip ? NULL : run_vector(&v, why, sizeof(why));
                if (skip)
                        printf("ok %zu - %s # SKIP %s\n", i + 1, names[i], skip);
                else if (bad)
                        printf("not ok %zu - %s: %s\n", i + 1, names[i], bad);
                else
                        printf("ok %zu - %s (%s)\n", i + 1, names[i], v.expect);
                ran += !skip;
                failed += !skip && bad;
                age_identities_free(v.ids);
        }
        printf("# ran %u of %zu vectors, %u failed\n", ran, n, failed);
        return failed ? 1 : 0;
}
