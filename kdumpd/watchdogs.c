/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "kdumpd/watchdogs.h"

void running_watchdogs_free(struct running_watchdog *v, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(v[i].name);
                free(v[i].identity);
        }
        free(v);
}

static char *attr(const char *dir, const char *name, const char *file) {
        _cleanup_free_ char *path = NULL;
        char *line = NULL;

        if (asprintf(&path, "%s/%s/%s", dir, name, file) < 0 || read_one_line_file(path, &line) < 0)
                return NULL;
        return line;
}

static int by_name(const void *a, const void *b) {
        return strcmp(((const struct running_watchdog *) a)->name, ((const struct running_watchdog *) b)->name);
}

int running_watchdogs(const char *sysfs_root, struct running_watchdog **ret, size_t *ret_n) {
        _cleanup_free_ char *dir = NULL;
        struct running_watchdog *v = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;

        if (asprintf(&dir, "%s/class/watchdog", sysfs_root ?: "/sys") < 0)
                return -ENOMEM;
        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return negative_errno();
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *state = NULL, *timeout = NULL;
                struct running_watchdog *nv;

                if (de->d_name[0] == '.')
                        continue;
                state = attr(dir, de->d_name, "state");
                if (!state || strcmp(state, "active") != 0)
                        continue;
                nv = reallocarray(v, n + 1, sizeof(*v));
                if (!nv)
                        goto oom;
                v = nv;
                v[n] = (struct running_watchdog) { .name = strdup(de->d_name),
                                                   .identity = attr(dir, de->d_name, "identity") };
                timeout = attr(dir, de->d_name, "timeout");
                if (timeout)
                        (void) safe_atou(timeout, &v[n].timeout_s);
                if (!v[n++].name)
                        goto oom;
        }
        closedir(d);
        if (n > 1)
                qsort(v, n, sizeof(*v), by_name);
        *ret = v;
        *ret_n = n;
        return 0;
oom:
        closedir(d);
        running_watchdogs_free(v, n);
        return -ENOMEM;
}

/* "kernel/drivers/watchdog/i6300esb.ko.xz" -> "i6300esb" (dashes as
 * underscores, as /proc/modules writes them). */
static char *module_name(const char *path, size_t len) {
        const char *base = path, *dot;
        char *name;

        for (size_t i = 0; i < len; i++)
                if (path[i] == '/')
                        base = path + i + 1;
        dot = memchr(base, '.', len - (size_t) (base - path));
        name = strndup(base, dot ? (size_t) (dot - base) : len - (size_t) (base - path));
        for (char *c = name; c && *c; c++)
                if (*c == '-')
                        *c = '_';
        return name;
}

static bool loaded(const char *proc_modules, const char *name) {
        size_t n = strlen(name);

        for (const char *p = proc_modules; p && *p; ) {
                if (strncmp(p, name, n) == 0 && p[n] == ' ')
                        return true;
                p = strchr(p, '\n');
                p = p ? p + 1 : NULL;
        }
        return false;
}

int watchdog_loaded_drivers(const char *modules_dep, const char *proc_modules, char ***ret) {
        static const char dir[] = "kernel/drivers/watchdog/";
        _cleanup_(strv_freep) char **names = NULL;
        size_t n = 0;
        int r;

        for (const char *p = modules_dep; p && *p; ) {
                size_t len = strcspn(p, ":\n");

                if (len > sizeof(dir) - 1 && strncmp(p, dir, sizeof(dir) - 1) == 0) {
                        _cleanup_free_ char *name = module_name(p, len);

                        if (!name)
                                return -ENOMEM;
                        if (strcmp(name, "softdog") != 0 && loaded(proc_modules, name)) {
                                r = strv_push_unique(&names, &n, name);
                                if (r < 0)
                                        return r;
                        }
                }
                p = strchr(p, '\n');
                p = p ? p + 1 : NULL;
        }
        if (!names && !(names = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(names);
        return 0;
}
