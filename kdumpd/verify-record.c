/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What full checks found, by file state (see verify-record.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "kdumpd/verify-record.h"

struct verify_entry {
        struct verify_key key;
        uint8_t digest[SHA256_DIGEST_SIZE];
        bool good;
        char *path;
};

struct verify_record {
        struct verify_entry *e;         /* oldest first */
        size_t n, allocated;
};

void verify_key_from_stat(const struct stat *st, struct verify_key *ret) {
        *ret = (struct verify_key) {
                .dev = (uint64_t) st->st_dev,
                .ino = (uint64_t) st->st_ino,
                .size = (uint64_t) st->st_size,
                .mtime_ns = (int64_t) st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
                .ctime_ns = (int64_t) st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec,
        };
}

bool verify_key_equal(const struct verify_key *a, const struct verify_key *b) {
        return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns &&
               a->ctime_ns == b->ctime_ns;
}

int verify_record_new(verify_record **ret) {
        verify_record *v = calloc(1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}

verify_record *verify_record_free(verify_record *v) {
        if (!v)
                return NULL;
        for (size_t i = 0; i < v->n; i++)
                free(v->e[i].path);
        free(v->e);
        free(v);
        return NULL;
}

size_t verify_record_count(const verify_record *v) {
        return v->n;
}

/* Appends e (taking its path); the caller has made room. */
static int push(verify_record *v, const struct verify_entry *e) {
        if (v->n == v->allocated) {
                size_t m = v->allocated ? v->allocated * 2 : 16;
                struct verify_entry *p = reallocarray(v->e, m, sizeof(*p));

                if (!p)
                        return -ENOMEM;
                v->e = p;
                v->allocated = m;
        }
        v->e[v->n++] = *e;
        return 0;
}

/* One line: 0 and *ret filled, or -EINVAL. */
static int parse_line(const char *line, struct verify_entry *ret) {
        char hex[SHA256_HEX_SIZE], verdict[8];
        struct verify_entry e = {};
        int path_at = -1;

        if (sscanf(line, "%64s %7s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %n", hex, verdict,
                   &e.key.dev, &e.key.ino, &e.key.size, &e.key.mtime_ns, &e.key.ctime_ns, &path_at) != 7 ||
            path_at < 0 || strlen(hex) != SHA256_HEX_SIZE - 1 || sha256_digest_from_hex(hex, e.digest) < 0)
                return -EINVAL;
        if (strcmp(verdict, "ok") == 0)
                e.good = true;
        else if (strcmp(verdict, "bad") != 0)
                return -EINVAL;
        e.path = strdup(line + path_at);
        if (!e.path)
                return -ENOMEM;
        *ret = e;
        return 0;
}

int verify_record_parse(const char *text, verify_record **ret) {
        _cleanup_(verify_record_freep) verify_record *v = NULL;
        int r = verify_record_new(&v);

        if (r < 0)
                return r;
        for (const char *p = text ?: ""; *p;) {
                size_t len = strcspn(p, "\n");
                _cleanup_free_ char *line = strndup(p, len);
                struct verify_entry e;

                if (!line)
                        return -ENOMEM;
                r = parse_line(line, &e);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0) {
                        /* a later line for the same file wins */
                        r = verify_record_set(v, &e.key, e.digest, e.good, e.path);
                        free(e.path);
                        if (r < 0)
                                return r;
                }
                p += len;
                if (*p == '\n')
                        p++;
        }
        *ret = TAKE_PTR(v);
        return 0;
}

int verify_record_format(const verify_record *v, char **ret_text) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < v->n; i++) {
                const struct verify_entry *e = &v->e[i];
                char hex[SHA256_HEX_SIZE];

                sha256_digest_to_hex(e->digest, hex);
                fprintf(f, "%s %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %s\n", hex,
                        e->good ? "ok" : "bad", e->key.dev, e->key.ino, e->key.size, e->key.mtime_ns,
                        e->key.ctime_ns, e->path);
        }
        if (fclose(f) != 0) {
                free(out);
                return -ENOMEM;
        }
        *ret_text = out;
        return 0;
}

enum verify_state verify_record_lookup(const verify_record *v, const struct verify_key *k,
                                       const uint8_t digest[SHA256_DIGEST_SIZE]) {
        for (size_t i = v->n; i-- > 0;) {
                const struct verify_entry *e = &v->e[i];

                /* another digest: another file once had this inode */
                if (e->key.dev != k->dev || e->key.ino != k->ino ||
                    memcmp(e->digest, digest, SHA256_DIGEST_SIZE) != 0)
                        continue;
                if (verify_key_equal(&e->key, k))
                        return e->good ? VERIFY_GOOD : VERIFY_BAD;
                /* the bytes that were checked against this digest had
                 * another length: these are not them */
                if (e->good && e->key.size != k->size)
                        return VERIFY_CHANGED;
                return VERIFY_UNKNOWN;
        }
        return VERIFY_UNKNOWN;
}

int verify_record_set(verify_record *v, const struct verify_key *k, const uint8_t digest[SHA256_DIGEST_SIZE],
                      bool good, const char *path) {
        struct verify_entry e = { .key = *k, .good = good };

        if (!path || strchr(path, '\n'))
                return -EINVAL;
        e.path = strdup(path);
        if (!e.path)
                return -ENOMEM;
        memcpy(e.digest, digest, SHA256_DIGEST_SIZE);
        /* the same file: its old line goes, the new one is the newest */
        for (size_t i = 0; i < v->n; i++)
                if (v->e[i].key.dev == k->dev && v->e[i].key.ino == k->ino) {
                        free(v->e[i].path);
                        memmove(v->e + i, v->e + i + 1, (v->n - i - 1) * sizeof(*v->e));
                        v->n--;
                        break;
                }
        if (v->n >= VERIFY_RECORD_MAX) {
                free(v->e[0].path);
                memmove(v->e, v->e + 1, (v->n - 1) * sizeof(*v->e));
                v->n--;
        }
        if (push(v, &e) < 0) {
                free(e.path);
                return -ENOMEM;
        }
        return 0;
}

int verify_record_load(const char *state_dir, verify_record **ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, "%s/%s", state_dir, VERIFY_RECORD_FILE) < 0)
                return -ENOMEM;
        r = read_full_file(path, &text, NULL);
        if (r < 0 && r != -ENOENT && r != -ENOTDIR)
                return r;
        return verify_record_parse(text, ret);
}

int verify_record_save(const char *state_dir, const verify_record *v) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, "%s/%s", state_dir, VERIFY_RECORD_FILE) < 0)
                return -ENOMEM;
        r = verify_record_format(v, &text);
        if (r < 0)
                return r;
        r = mkdir_p(state_dir, 0700);
        if (r < 0)
                return r;
        return write_file_atomic(path, text, strlen(text), 0600);
}
