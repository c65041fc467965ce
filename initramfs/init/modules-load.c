/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "initramfs/init/modules-load.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4   /* linux/module.h, 5.17+ */
#endif

/* kdumpd's builder stores modules decompressed; dracut keeps them as the
 * kernel package ships them (.ko.xz, .ko.zst, .ko.gz), which the kernel
 * decompresses itself when built with CONFIG_MODULE_DECOMPRESS. */
static bool compressed(const char *path) {
        const char *ko = strstr(path, ".ko.");

        return ko && (strcmp(ko, ".ko.xz") == 0 || strcmp(ko, ".ko.zst") == 0 || strcmp(ko, ".ko.gz") == 0);
}

static int load_one(const char *path) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (syscall(SYS_finit_module, fd, "", compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0) < 0) {
                if (errno == EEXIST) /* built in or loaded already */
                        return 0;
                return negative_errno();
        }
        return 0;
}

/* 1 when the module failed (and was reported), else 0.  The file goes
 * once it was tried: the capture initramfs lives in the reservation's RAM,
 * where a loaded module's file is a second copy of it (2.8 MiB for ext4's
 * set) and nothing loads a module twice. */
static int load_reported(const char *path, void (*report)(const char *path, int error)) {
        int r = load_one(path);

        (void) unlink(path);

        if (r >= 0)
                return 0;
        if (report)
                report(path, r);
        return 1;
}

int modules_load_list(const char *list, void (*report)(const char *path, int error)) {
        _cleanup_free_ char *text = NULL;
        char *line, *save = NULL;
        int failed = 0, r;

        r = read_full_file(list, &text, NULL);
        if (r == -ENOENT)
                return 0; /* nothing to load: everything is built in */
        if (r < 0)
                return r;

        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                line += strspn(line, " \t");
                if (*line == 0 || *line == '#')
                        continue;
                failed += load_reported(line, report);
        }
        return failed;
}

static int push_once(char ***v, size_t *n, const char *s, size_t len) {
        _cleanup_free_ char *copy = strndup(s, len);

        if (!copy)
                return -ENOMEM;
        return strv_push_unique(v, n, copy);
}

int modules_dep_order(const char *text, char ***ret) {
        _cleanup_(strv_freep) char **v = NULL;
        size_t n = 0;
        int r;

        for (const char *line = text; *line;) {
                size_t len = strcspn(line, "\n");
                const char *colon = memchr(line, ':', len), *deps, *end = line + len, *p;

                if (colon && colon > line) {
                        /* the dependencies from the last to the first */
                        deps = colon + 1;
                        p = end;
                        while (p > deps) {
                                const char *w_end, *w;

                                while (p > deps && (p[-1] == ' ' || p[-1] == '\t'))
                                        p--;
                                w_end = p;
                                while (p > deps && p[-1] != ' ' && p[-1] != '\t')
                                        p--;
                                w = p;
                                if (w < w_end && (r = push_once(&v, &n, w, (size_t) (w_end - w))) < 0)
                                        return r;
                        }
                        r = push_once(&v, &n, line, (size_t) (colon - line));
                        if (r < 0)
                                return r;
                }
                line = *end ? end + 1 : end;
        }
        if (!v && !(v = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(v);
        return 0;
}

int modules_load_dep(const char *dir, void (*report)(const char *path, int error)) {
        _cleanup_free_ char *dep = NULL, *text = NULL;
        _cleanup_(strv_freep) char **order = NULL;
        int failed = 0, r;

        if (asprintf(&dep, "%s/modules.dep", dir) < 0)
                return -ENOMEM;
        r = read_full_file(dep, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        r = modules_dep_order(text, &order);
        if (r < 0)
                return r;
        for (char **m = order; *m; m++) {
                _cleanup_free_ char *path = NULL;

                if (asprintf(&path, "%s/%s", dir, *m) < 0)
                        return -ENOMEM;
                failed += load_reported(path, report);
        }
        return failed;
}
