/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "initramfs/builder/chase.h"
#include "initramfs/builder/cpio.h"

#define CPIO_HEADER_SIZE 110u
#define CPIO_TRAILER "TRAILER!!!"

struct entry {
        char *name;             /* canonical, no leading "/" */
        mode_t mode;            /* type and permission bits */
        void *data;             /* regular files */
        size_t size;
        char *target;           /* symlinks */
        bool implicit;          /* directory created for a child */
};

struct cpio_writer {
        uint32_t mtime;
        struct entry *entries;  /* sorted by strcmp(name) */
        size_t n, allocated;
};

int cpio_writer_new(uint32_t mtime, cpio_writer **ret) {
        cpio_writer *w = calloc(1, sizeof(*w));

        if (!w)
                return -ENOMEM;
        w->mtime = mtime;
        *ret = w;
        return 0;
}

cpio_writer *cpio_writer_free(cpio_writer *w) {
        if (!w)
                return NULL;
        for (size_t i = 0; i < w->n; i++) {
                free(w->entries[i].name);
                free(w->entries[i].data);
                free(w->entries[i].target);
        }
        free(w->entries);
        free(w);
        return NULL;
}

/* Binary search; returns true if found, *ret_idx is the match or the
 * insertion point. */
static bool find(const cpio_writer *w, const char *name, size_t *ret_idx) {
        size_t lo = 0, hi = w->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(w->entries[mid].name, name);

                if (c == 0) {
                        *ret_idx = mid;
                        return true;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_idx = lo;
        return false;
}

static struct entry *lookup(const cpio_writer *w, const char *name) {
        size_t i;

        return find(w, name, &i) ? &w->entries[i] : NULL;
}

/* Checks a caller's name: components, lengths, no "." or "..". Returns it
 * without leading or doubled slashes. */
static int validate_name(const char *path, char **ret) {
        size_t n = strlen(path);
        _cleanup_free_ char *out = malloc(n + 1);
        size_t len = 0;
        const char *p = path;

        if (!out)
                return -ENOMEM;
        for (;;) {
                size_t k;

                while (*p == '/')
                        p++;
                if (*p == 0)
                        break;
                k = strcspn(p, "/");
                if ((k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
                        return -EINVAL;
                if (k > CPIO_NAME_COMPONENT_MAX)
                        return -ENAMETOOLONG;
                if (len > 0)
                        out[len++] = '/';
                memcpy(out + len, p, k);
                len += k;
                p += k;
        }
        if (len == 0)
                return -EINVAL;
        if (len + 1 > CPIO_PATH_MAX)
                return -ENAMETOOLONG;
        out[len] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

/* Follows archive symlinks in the components of name (and in the last one
 * if follow_last), like the kernel's path walk while unpacking. */
static int resolve(const cpio_writer *w, const char *name, bool follow_last, char **ret) {
        _cleanup_free_ char *done = strdup(""), *todo = strdup(name);
        unsigned links = 0;

        if (!done || !todo)
                return -ENOMEM;

        for (;;) {
                char *p = todo, *rest;
                size_t k;
                _cleanup_free_ char *cand = NULL;
                const struct entry *e;

                while (*p == '/')
                        p++;
                if (*p == 0)
                        break;
                k = strcspn(p, "/");
                rest = p + k;
                while (*rest == '/')
                        rest++;

                if (k == 1 && p[0] == '.') {
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }
                if (k == 2 && p[0] == '.' && p[1] == '.') {
                        char *slash = strrchr(done, '/');
                        if (slash)
                                *slash = 0;
                        else
                                done[0] = 0;
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }
                if (asprintf(&cand, "%s%s%.*s", done, done[0] ? "/" : "", (int) k, p) < 0)
                        return -ENOMEM;
                if (strlen(cand) + 1 > CPIO_PATH_MAX)
                        return -ENAMETOOLONG;

                e = lookup(w, cand);
                if (e && S_ISLNK(e->mode) && (*rest || follow_last)) {
                        _cleanup_free_ char *next = NULL;

                        if (++links > CHASE_MAX_SYMLINKS)
                                return -ELOOP;
                        if (e->target[0] == '/')
                                done[0] = 0;
                        if (asprintf(&next, "%s/%s", e->target, rest) < 0)
                                return -ENOMEM;
                        free(todo);
                        todo = TAKE_PTR(next);
                        continue;
                }
                if (e && *rest && !S_ISDIR(e->mode))
                        return -ENOTDIR;
                free(done);
                done = TAKE_PTR(cand);
                memmove(todo, rest, strlen(rest) + 1);
        }
        *ret = TAKE_PTR(done);
        return 0;
}

int cpio_writer_resolve(cpio_writer *w, const char *path, char **ret) {
        _cleanup_free_ char *name = NULL, *canon = NULL;
        int r;

        r = validate_name(path, &name);
        if (r < 0)
                return r;
        r = resolve(w, name, true, &canon);
        if (r < 0)
                return r;
        r = lookup(w, canon) ? 0 : -ENOENT;
        *ret = TAKE_PTR(canon);
        return r;
}

mode_t cpio_writer_lookup(cpio_writer *w, const char *path) {
        _cleanup_free_ char *name = NULL;
        const struct entry *e;

        if (validate_name(path, &name) < 0)
                return 0;
        e = lookup(w, name);
        return e ? (e->mode & S_IFMT) : 0;
}

static int insert(cpio_writer *w, size_t idx, struct entry *e) {
        if (w->n >= CPIO_ENTRIES_MAX)
                return -E2BIG;
        if (w->n == w->allocated) {
                size_t a = w->allocated ? w->allocated * 2 : 64;
                struct entry *p = reallocarray(w->entries, a, sizeof(*p));

                if (!p)
                        return -ENOMEM;
                w->entries = p;
                w->allocated = a;
        }
        memmove(w->entries + idx + 1, w->entries + idx, (w->n - idx) * sizeof(*e));
        w->entries[idx] = *e;
        w->n++;
        return 0;
}

static int make_parents(cpio_writer *w, const char *name) {
        _cleanup_free_ char *p = strdup(name);

        if (!p)
                return -ENOMEM;
        for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
                size_t idx;
                struct entry e = { .mode = S_IFDIR | 0755, .implicit = true };
                int r;

                *s = 0;
                if (find(w, p, &idx)) {
                        if (!S_ISDIR(w->entries[idx].mode))
                                return -ENOTDIR;
                        *s = '/';
                        continue;
                }
                e.name = strdup(p);
                if (!e.name)
                        return -ENOMEM;
                r = insert(w, idx, &e);
                if (r < 0) {
                        free(e.name);
                        return r;
                }
                *s = '/';
        }
        return 0;
}

/* Takes ownership of e's pointers in all cases. */
static int add_entry(cpio_writer *w, const char *path, struct entry *e) {
        _cleanup_free_ char *name = NULL, *canon = NULL;
        _cleanup_free_ void *data = e->data;
        _cleanup_free_ char *target = e->target;
        struct entry *old;
        size_t idx;
        int r;

        r = validate_name(path, &name);
        if (r < 0)
                return r;
        r = resolve(w, name, false, &canon);
        if (r < 0)
                return r;
        if (canon[0] == 0)
                return -EINVAL;

        if (find(w, canon, &idx)) {
                old = &w->entries[idx];
                if ((old->mode & S_IFMT) != (e->mode & S_IFMT))
                        return -EEXIST;
                if (S_ISDIR(old->mode)) {
                        if (old->implicit) {
                                old->mode = e->mode;
                                old->implicit = false;
                                return 0;
                        }
                        return old->mode == e->mode ? 0 : -EEXIST;
                }
                if (S_ISLNK(old->mode))
                        return strcmp(old->target, target) == 0 ? 0 : -EEXIST;
                if (old->mode == e->mode && old->size == e->size &&
                    (e->size == 0 || memcmp(old->data, data, e->size) == 0))
                        return 0;
                return -EEXIST;
        }

        r = make_parents(w, canon);
        if (r < 0)
                return r;
        (void) find(w, canon, &idx);    /* parents shifted the array */
        e->name = canon;
        e->data = data;
        e->target = target;
        r = insert(w, idx, e);
        if (r < 0)
                return r;
        TAKE_PTR(canon);
        TAKE_PTR(data);
        TAKE_PTR(target);
        return 0;
}

int cpio_add_directory(cpio_writer *w, const char *path, mode_t mode) {
        struct entry e = { .mode = S_IFDIR | (mode & 07777) };

        return add_entry(w, path, &e);
}

int cpio_add_file_take(cpio_writer *w, const char *path, void *data, size_t size, mode_t mode) {
        struct entry e = { .mode = S_IFREG | (mode & 07777), .data = data, .size = size };

        if ((uint64_t) size > CPIO_FILE_SIZE_MAX) {
                free(data);
                return -EFBIG;
        }
        return add_entry(w, path, &e);
}

int cpio_add_file(cpio_writer *w, const char *path, const void *data, size_t size, mode_t mode) {
        void *copy;

        if ((uint64_t) size > CPIO_FILE_SIZE_MAX)
                return -EFBIG;
        copy = malloc(size ? size : 1);
        if (!copy)
                return -ENOMEM;
        if (size)
                memcpy(copy, data, size);
        return cpio_add_file_take(w, path, copy, size, mode);
}

int cpio_add_symlink(cpio_writer *w, const char *path, const char *target) {
        struct entry e = { .mode = S_IFLNK | 0777 };
        size_t l = strlen(target);

        if (l == 0)
                return -EINVAL;
        if (l + 1 > CPIO_PATH_MAX)
                return -ENAMETOOLONG;
        e.target = strdup(target);
        if (!e.target)
                return -ENOMEM;
        return add_entry(w, path, &e);
}

size_t cpio_writer_entries(const cpio_writer *w) {
        return w->n;
}

size_t cpio_writer_count(const cpio_writer *w, mode_t type) {
        size_t n = 0;

        for (size_t i = 0; i < w->n; i++)
                if ((w->entries[i].mode & S_IFMT) == type)
                        n++;
        return n;
}

static uint64_t entry_size(size_t namelen, uint64_t bodylen) {
        return ALIGN_UP(CPIO_HEADER_SIZE + namelen + 1, 4) + ALIGN_UP(bodylen, 4);
}

static uint64_t body_size(const struct entry *e) {
        if (S_ISREG(e->mode))
                return e->size;
        if (S_ISLNK(e->mode))
                return strlen(e->target);
        return 0;
}

uint64_t cpio_writer_archive_size(const cpio_writer *w) {
        uint64_t s = entry_size(strlen(CPIO_TRAILER), 0);

        for (size_t i = 0; i < w->n; i++)
                s += entry_size(strlen(w->entries[i].name), body_size(&w->entries[i]));
        return s;
}

static int write_record(int (*write)(void *, const void *, size_t), void *userdata,
                        uint32_t ino, uint32_t mode, uint32_t nlink, uint32_t mtime,
                        const char *name, const void *body, uint32_t bodylen) {
        static const char zeros[4];
        char hdr[CPIO_HEADER_SIZE + 1];
        size_t namesize = strlen(name) + 1;
        int r;

        /* c_magic, c_ino, c_mode, c_uid, c_gid, c_nlink, c_mtime, c_filesize,
         * c_devmajor, c_devminor, c_rdevmajor, c_rdevminor, c_namesize, c_check */
        snprintf(hdr, sizeof(hdr),
                 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                 ino, mode, 0u, 0u, nlink, mtime, bodylen, 0u, 0u, 0u, 0u,
                 (unsigned) namesize, 0u);
        r = write(userdata, hdr, CPIO_HEADER_SIZE);
        if (r < 0)
                return r;
        r = write(userdata, name, namesize);
        if (r < 0)
                return r;
        if ((CPIO_HEADER_SIZE + namesize) % 4) {
                r = write(userdata, zeros, 4 - (CPIO_HEADER_SIZE + namesize) % 4);
                if (r < 0)
                        return r;
        }
        if (bodylen > 0) {
                r = write(userdata, body, bodylen);
                if (r < 0)
                        return r;
                if (bodylen % 4) {
                        r = write(userdata, zeros, 4 - bodylen % 4);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int cpio_writer_serialize(cpio_writer *w, int (*write)(void *userdata, const void *p, size_t n),
                          void *userdata) {
        int r;

        for (size_t i = 0; i < w->n; i++) {
                const struct entry *e = &w->entries[i];
                const void *body = S_ISREG(e->mode) ? e->data : e->target;

                r = write_record(write, userdata, (uint32_t) (i + 1), (uint32_t) e->mode,
                                 S_ISDIR(e->mode) ? 2 : 1, w->mtime, e->name, body,
                                 (uint32_t) body_size(e));
                if (r < 0)
                        return r;
        }
        return write_record(write, userdata, 0, 0, 1, 0, CPIO_TRAILER, NULL, 0);
}

struct membuf {
        char *data;
        size_t size, allocated;
};

static int membuf_write(void *userdata, const void *p, size_t n) {
        struct membuf *b = userdata;

        if (n > b->allocated - b->size)
                return -ENOBUFS;        /* sized exactly beforehand */
        memcpy(b->data + b->size, p, n);
        b->size += n;
        return 0;
}

int cpio_writer_to_buffer(cpio_writer *w, void **ret_data, size_t *ret_size) {
        uint64_t total = cpio_writer_archive_size(w);
        struct membuf b = {};
        int r;

        if (total > SIZE_MAX)
                return -EFBIG;
        b.data = malloc(total);
        if (!b.data)
                return -ENOMEM;
        b.allocated = total;
        r = cpio_writer_serialize(w, membuf_write, &b);
        if (r < 0) {
                free(b.data);
                return r;
        }
        *ret_data = b.data;
        *ret_size = b.size;
        return 0;
}

static int fd_write(void *userdata, const void *p, size_t n) {
        return loop_write(*(int *) userdata, p, n);
}

int cpio_writer_to_fd(cpio_writer *w, int fd) {
        return cpio_writer_serialize(w, fd_write, &fd);
}
