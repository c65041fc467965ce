/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A dump directory's SHA256SUMS: hashing, writing, reading, checking
 * (see sha256-manifest.h). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "seal/hash-sha256.h"
#include "seal/sha256-manifest.h"

#define HEX_LEN (SHA256_HEX_SIZE - 1)
#define CHECK_BUF_SIZE (256u * 1024u)

struct sha256_hasher {
        struct hash_sha256 state;
        uint64_t size;
};

struct entry {
        char *name;
        uint8_t digest[SHA256_DIGEST_SIZE];
        uint64_t size;
};

struct sha256_manifest {
        struct entry *entries;
        size_t n;
};

bool sha256_manifest_name_valid(const char *name) {
        const char *p = name;

        if (!name || !*name || *name == '/' || strpbrk(name, "\n\r\\"))
                return false;
        /* No ".." component. */
        while (p) {
                size_t n = strcspn(p, "/");

                if (n == 2 && p[0] == '.' && p[1] == '.')
                        return false;
                p = p[n] ? p + n + 1 : NULL;
        }
        return true;
}

int sha256_hasher_new(sha256_hasher **ret) {
        sha256_hasher *h = calloc(1, sizeof(*h));

        if (!h)
                return -ENOMEM;
        hash_sha256_init(&h->state);
        *ret = h;
        return 0;
}

void sha256_hasher_update(sha256_hasher *h, const void *buf, size_t len) {
        hash_sha256_update(&h->state, buf, len);
        h->size += len;
}

void sha256_hasher_final(sha256_hasher *h, uint8_t ret_digest[SHA256_DIGEST_SIZE], uint64_t *ret_size) {
        hash_sha256_final(&h->state, ret_digest);
        if (ret_size)
                *ret_size = h->size;
        hash_sha256_init(&h->state);
        h->size = 0;
}

sha256_hasher *sha256_hasher_free(sha256_hasher *h) {
        free(h);
        return NULL;
}

int sha256_manifest_new(sha256_manifest **ret) {
        sha256_manifest *m = calloc(1, sizeof(*m));

        if (!m)
                return -ENOMEM;
        *ret = m;
        return 0;
}

sha256_manifest *sha256_manifest_free(sha256_manifest *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n; i++)
                free(m->entries[i].name);
        free(m->entries);
        free(m);
        return NULL;
}

int sha256_manifest_add(sha256_manifest *m, const char *name, const uint8_t digest[SHA256_DIGEST_SIZE], uint64_t size) {
        struct entry *e;

        if (!sha256_manifest_name_valid(name))
                return -EINVAL;
        for (size_t i = 0; i < m->n; i++)
                if (strcmp(m->entries[i].name, name) == 0)
                        return -EEXIST;
        e = reallocarray(m->entries, m->n + 1, sizeof(*e));
        if (!e)
                return -ENOMEM;
        m->entries = e;
        e = &m->entries[m->n];
        e->name = strdup(name);
        if (!e->name)
                return -ENOMEM;
        memcpy(e->digest, digest, SHA256_DIGEST_SIZE);
        e->size = size;
        m->n++;
        return 0;
}

size_t sha256_manifest_count(const sha256_manifest *m) {
        return m->n;
}

int sha256_manifest_get(const sha256_manifest *m, size_t i, const char **ret_name,
                        const uint8_t **ret_digest, uint64_t *ret_size) {
        if (i >= m->n)
                return -ERANGE;
        if (ret_name)
                *ret_name = m->entries[i].name;
        if (ret_digest)
                *ret_digest = m->entries[i].digest;
        if (ret_size)
                *ret_size = m->entries[i].size;
        return 0;
}

int sha256_manifest_format(const sha256_manifest *m, char **ret_text, size_t *ret_len) {
        size_t len = 0, pos = 0;
        char *text;

        for (size_t i = 0; i < m->n; i++)
                len += HEX_LEN + 2 + strlen(m->entries[i].name) + 1;
        text = malloc(len + 1);
        if (!text)
                return -ENOMEM;
        for (size_t i = 0; i < m->n; i++) {
                sha256_digest_to_hex(m->entries[i].digest, text + pos);
                pos += HEX_LEN;
                pos += (size_t) sprintf(text + pos, "  %s\n", m->entries[i].name);
        }
        text[pos] = 0;
        *ret_text = text;
        if (ret_len)
                *ret_len = pos;
        return 0;
}

static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

void sha256_digest_to_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char ret[SHA256_HEX_SIZE]) {
        sodium_bin2hex(ret, SHA256_HEX_SIZE, digest, SHA256_DIGEST_SIZE);
}

int sha256_digest_from_hex(const char *s, uint8_t ret[SHA256_DIGEST_SIZE]) {
        uint8_t d[SHA256_DIGEST_SIZE];

        for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
                int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

                if (hi < 0 || lo < 0)
                        return -EINVAL;
                d[i] = (uint8_t) (hi << 4 | lo);
        }
        memcpy(ret, d, sizeof(d));
        return 0;
}

/* "<64 hex>  <name>" or "<64 hex> *<name>". */
static int parse_line(sha256_manifest *m, const char *line, size_t len, const char *where, unsigned line_no,
                      char **ret_error) {
        _cleanup_free_ char *name = NULL;
        uint8_t digest[SHA256_DIGEST_SIZE];
        int r;

        if (len > 0 && line[0] == '\\')
                return set_error_message(ret_error, EINVAL,
                                         "%s%u: an escaped name (sha256sum's '\\' form) is not supported",
                                         where, line_no);
        if (len < HEX_LEN + 3 || sha256_digest_from_hex(line, digest) < 0 || line[HEX_LEN] != ' ' ||
            (line[HEX_LEN + 1] != ' ' && line[HEX_LEN + 1] != '*'))
                return set_error_message(ret_error, EINVAL,
                                         "%s%u: not \"<64 hex digits>  <name>\" as sha256sum writes",
                                         where, line_no);
        name = strndup(line + HEX_LEN + 2, len - HEX_LEN - 2);
        if (!name)
                return -ENOMEM;
        r = sha256_manifest_add(m, name, digest, SHA256_SIZE_UNKNOWN);
        if (r == -EINVAL)
                return set_error_message(ret_error, r,
                                         "%s%u: the name is empty or absolute, or has a \"..\", a carriage "
                                         "return or a backslash", where, line_no);
        if (r == -EEXIST)
                return set_error_message(ret_error, EINVAL, "%s%u: \"%s\" is listed twice", where, line_no, name);
        return r;
}

static int manifest_parse(const char *text, size_t len, const char *where, sha256_manifest **ret,
                          char **ret_error) {
        _cleanup_sha256_manifest_ sha256_manifest *m = NULL;
        unsigned line_no = 0;
        int r;

        r = sha256_manifest_new(&m);
        if (r < 0)
                return r;
        for (size_t pos = 0; pos < len; ) {
                const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
                size_t n = nl ? (size_t) (nl - start) : len - pos;

                pos += n + (nl ? 1 : 0);
                line_no++;
                if (memchr(start, 0, n))
                        return set_error_message(ret_error, EINVAL, "%s%u: a NUL byte", where, line_no);
                r = parse_line(m, start, n, where, line_no, ret_error);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(m);
        return 0;
}

int sha256_manifest_parse(const char *text, size_t len, sha256_manifest **ret, char **ret_error) {
        return manifest_parse(text, len, "line ", ret, ret_error);
}

int sha256_manifest_load(const char *path, sha256_manifest **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL, *where = NULL;
        size_t len;
        int r;

        r = read_full_file(path, &text, &len);
        if (r < 0)
                return set_error_message(ret_error, r, "%s: cannot read: %s", path, strerror(-r));
        if (asprintf(&where, "%s:", path) < 0)
                return -ENOMEM;
        return manifest_parse(text, len, where, ret, ret_error);
}

const char *sha256_check_status_to_string(enum sha256_check_status s) {
        switch (s) {
        case SHA256_CHECK_OK: return "OK";
        case SHA256_CHECK_MISMATCH: return "FAILED";
        case SHA256_CHECK_MISSING: return "MISSING";
        case SHA256_CHECK_SIZE: return "SIZE DIFFERS";
        case SHA256_CHECK_UNREADABLE: return "UNREADABLE";
        default: return "?";
        }
}

int sha256_fd(int fd, void (*progress)(uint64_t done, void *userdata), void *userdata,
              uint8_t ret_digest[SHA256_DIGEST_SIZE], uint64_t *ret_size) {
        _cleanup_free_ uint8_t *buf = malloc(CHECK_BUF_SIZE);
        struct hash_sha256 st;
        uint64_t size = 0;

        if (!buf)
                return -ENOMEM;
        (void) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        hash_sha256_init(&st);
        for (;;) {
                ssize_t n = pread(fd, buf, CHECK_BUF_SIZE, (off_t) size);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                hash_sha256_update(&st, buf, (size_t) n);
                /* read once: the pages need not stay cached (in the
                 * capture kernel, the memory is the collector's) */
                (void) posix_fadvise(fd, (off_t) size, n, POSIX_FADV_DONTNEED);
                size += (uint64_t) n;
                if (progress)
                        progress(size, userdata);
        }
        hash_sha256_final(&st, ret_digest);
        *ret_size = size;
        return 0;
}

static void check_entry(const struct entry *e, int dir_fd, struct sha256_check_result *res) {
        _cleanup_close_ int fd = -EBADF;
        uint8_t digest[SHA256_DIGEST_SIZE];
        struct stat st;
        int r;

        *res = (struct sha256_check_result) { .name = e->name, .status = SHA256_CHECK_UNREADABLE };
        fd = openat(dir_fd, e->name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                res->error = -errno;
                if (errno == ENOENT)
                        res->status = SHA256_CHECK_MISSING;
                return;
        }
        if (fstat(fd, &st) < 0) {
                res->error = -errno;
                return;
        }
        if (S_ISDIR(st.st_mode)) {
                res->error = -EISDIR;
                return;
        }
        res->size = (uint64_t) st.st_size;
        if (S_ISREG(st.st_mode) && e->size != SHA256_SIZE_UNKNOWN && e->size != res->size) {
                res->status = SHA256_CHECK_SIZE;
                return;
        }
        r = sha256_fd(fd, NULL, NULL, digest, &res->size);
        if (r < 0) {
                res->error = r;
                return;
        }
        res->status = sodium_memcmp(digest, e->digest, SHA256_DIGEST_SIZE) == 0 ?
                SHA256_CHECK_OK : SHA256_CHECK_MISMATCH;
}

int sha256_manifest_check(const sha256_manifest *m, int dir_fd, struct sha256_check_result **ret, size_t *ret_n) {
        _cleanup_free_ struct sha256_check_result *res = NULL;
        int bad = 0;

        res = calloc(m->n ? m->n : 1, sizeof(*res));
        if (!res)
                return -ENOMEM;
        for (size_t i = 0; i < m->n; i++) {
                check_entry(&m->entries[i], dir_fd, &res[i]);
                bad += res[i].status != SHA256_CHECK_OK;
        }
        *ret = TAKE_PTR(res);
        *ret_n = m->n;
        return bad;
}
