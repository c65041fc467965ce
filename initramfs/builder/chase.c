/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/macro.h"
#include "initramfs/builder/chase.h"

static bool root_is_slash(const char *root) {
        return !root || root[0] == 0 || strcmp(root, "/") == 0;
}

int root_path(const char *root, const char *path, char **ret) {
        char *s;

        while (root && !root_is_slash(root) && *path == '/' && path[1] == '/')
                path++;
        if (root_is_slash(root))
                s = strdup(path);
        else if (asprintf(&s, "%s%s%s", root, path[0] == '/' ? "" : "/", path) < 0)
                s = NULL;
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int path_normalize(const char *path, char **ret) {
        size_t n = strlen(path);
        _cleanup_free_ char *out = malloc(n + 2);
        size_t len = 0;
        const char *p = path;

        if (!out)
                return -ENOMEM;
        while (*p) {
                size_t k;

                while (*p == '/')
                        p++;
                k = strcspn(p, "/");
                if (k == 0)
                        break;
                if (k == 1 && p[0] == '.') {
                        /* nothing */
                } else if (k == 2 && p[0] == '.' && p[1] == '.') {
                        while (len > 0 && out[len - 1] != '/')
                                len--;
                        if (len > 0)
                                len--;
                } else {
                        out[len++] = '/';
                        memcpy(out + len, p, k);
                        len += k;
                }
                p += k;
        }
        if (len == 0)
                out[len++] = '/';
        out[len] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

int chase_in_root(const char *root, const char *path, chase_symlink_cb cb, void *userdata,
                  char **ret_resolved) {
        _cleanup_free_ char *done = strdup("");
        _cleanup_free_ char *todo = strdup(path);
        unsigned links = 0;
        int r;

        if (!done || !todo)
                return -ENOMEM;
        if (strlen(path) >= PATH_MAX)
                return -ENAMETOOLONG;

        for (;;) {
                _cleanup_free_ char *candidate = NULL, *host = NULL;
                char *p = todo, *rest;
                size_t k;
                struct stat st;

                while (*p == '/')
                        p++;
                if (*p == 0)
                        break;
                k = strcspn(p, "/");
                rest = p + k;

                if (k == 1 && p[0] == '.') {
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }
                if (k == 2 && p[0] == '.' && p[1] == '.') {
                        char *slash = strrchr(done, '/');
                        if (slash)
                                *slash = 0;
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }

                if (asprintf(&candidate, "%s/%.*s", done, (int) k, p) < 0)
                        return -ENOMEM;
                if (strlen(candidate) >= PATH_MAX)
                        return -ENAMETOOLONG;
                r = root_path(root, candidate, &host);
                if (r < 0)
                        return r;
                if (lstat(host, &st) < 0)
                        return negative_errno();

                if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t l;
                        _cleanup_free_ char *next = NULL;

                        if (++links > CHASE_MAX_SYMLINKS)
                                return -ELOOP;
                        l = readlink(host, target, sizeof(target));
                        if (l < 0)
                                return negative_errno();
                        if ((size_t) l >= sizeof(target))
                                return -ENAMETOOLONG;
                        target[l] = 0;
                        if (cb) {
                                r = cb(candidate, target, userdata);
                                if (r < 0)
                                        return r;
                        }
                        if (target[0] == '/')
                                done[0] = 0;
                        if (asprintf(&next, "%s%s", target, rest) < 0)
                                return -ENOMEM;
                        if (strlen(next) >= PATH_MAX)
                                return -ENAMETOOLONG;
                        free(todo);
                        todo = TAKE_PTR(next);
                        continue;
                }

                if (*rest && !S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                free(done);
                done = TAKE_PTR(candidate);
                memmove(todo, rest, strlen(rest) + 1);
        }

        if (done[0] == 0) {
                free(done);
                done = strdup("/");
                if (!done)
                        return -ENOMEM;
        }
        *ret_resolved = TAKE_PTR(done);
        return 0;
}
