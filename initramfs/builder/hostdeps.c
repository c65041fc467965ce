/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "initramfs/builder/hostdeps.h"

void hostdeps_done(struct hostdeps *d) {
        for (size_t i = 0; i < d->n_modules; i++)
                free(d->modules[i]);
        for (size_t i = 0; i < d->n_modaliases; i++)
                free(d->modaliases[i]);
        free(d->modules);
        free(d->modaliases);
        *d = (struct hostdeps) {};
}

int hostdeps_parse_device(const char *devnode, dev_t *ret) {
        const char *colon = strchr(devnode, ':');
        struct stat st;

        if (colon && devnode[0] != '/') {
                _cleanup_free_ char *maj = strndup(devnode, (size_t) (colon - devnode));
                unsigned a, b;
                int r;

                if (!maj)
                        return -ENOMEM;
                r = safe_atou(maj, &a);
                if (r < 0)
                        return r;
                r = safe_atou(colon + 1, &b);
                if (r < 0)
                        return r;
                *ret = makedev(a, b);
                return 0;
        }
        if (stat(devnode, &st) < 0)
                return negative_errno();
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        *ret = st.st_rdev;
        return 0;
}

static int walk(const char *sysfs, const char *devdir, unsigned depth, struct hostdeps *d);

/* dm and md list the devices below them in <dev>/slaves/ (symlinks to
 * their block directories). */
static int walk_slaves(const char *sysfs, const char *blockdir, unsigned depth, struct hostdeps *d) {
        _cleanup_free_ char *slaves = NULL;
        DIR *dir;
        struct dirent *de;
        int r = 0;

        if (asprintf(&slaves, "%s/slaves", blockdir) < 0)
                return -ENOMEM;
        dir = opendir(slaves);
        if (!dir)
                return errno == ENOENT ? 0 : negative_errno();
        while ((de = readdir(dir))) {
                _cleanup_free_ char *link = NULL;
                char real[PATH_MAX];

                if (de->d_name[0] == '.')
                        continue;
                if (asprintf(&link, "%s/%s", slaves, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if (!realpath(link, real))
                        continue;       /* a slave that went away meanwhile */
                r = walk(sysfs, real, depth + 1, d);
                if (r < 0)
                        break;
        }
        closedir(dir);
        return r;
}

static int walk(const char *sysfs, const char *devdir, unsigned depth, struct hostdeps *d) {
        _cleanup_free_ char *dir = strdup(devdir), *top = NULL;
        int r;

        if (!dir)
                return -ENOMEM;
        if (depth > HOSTDEPS_DEPTH_MAX)
                return -ELOOP;
        if (asprintf(&top, "%s/devices", sysfs) < 0)
                return -ENOMEM;
        /* a device directory outside <sysfs>/devices is not ours to walk */
        if (strncmp(dir, top, strlen(top)) != 0 || (dir[strlen(top)] != '/' && dir[strlen(top)] != 0))
                return -EINVAL;

        r = walk_slaves(sysfs, dir, depth, d);
        if (r < 0)
                return r;

        while (strlen(dir) > strlen(top)) {
                _cleanup_free_ char *p = NULL, *alias = NULL;
                char target[PATH_MAX];
                ssize_t l;

                if (asprintf(&p, "%s/modalias", dir) < 0)
                        return -ENOMEM;
                r = read_one_line_file(p, &alias);
                if (r >= 0 && alias[0]) {
                        r = strv_push_unique(&d->modaliases, &d->n_modaliases, alias);
                        if (r < 0)
                                return r;
                } else if (r < 0 && r != -ENOENT && r != -EACCES)
                        return r;

                free(p);
                if (asprintf(&p, "%s/driver/module", dir) < 0)
                        return -ENOMEM;
                l = readlink(p, target, sizeof(target) - 1);
                if (l > 0) {
                        const char *name;

                        target[l] = 0;
                        name = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
                        r = strv_push_unique(&d->modules, &d->n_modules, name);
                        if (r < 0)
                                return r;
                }

                *strrchr(dir, '/') = 0;
        }
        return 0;
}

/* Walks up from the sysfs directory that rel (a link below the sysfs root,
 * e.g. "dev/block/254:16") resolves to. */
static int walk_from(const char *sysfs_root, const char *rel, struct hostdeps *ret) {
        _cleanup_free_ char *link = NULL;
        char sysfs[PATH_MAX], real[PATH_MAX];
        struct hostdeps d = {};
        int r;

        /* canonical, so that the prefix check in walk() compares like with like */
        if (!realpath(sysfs_root ? sysfs_root : "/sys", sysfs))
                return negative_errno();
        if (asprintf(&link, "%s/%s", sysfs, rel) < 0)
                return -ENOMEM;
        if (!realpath(link, real))
                return negative_errno();
        r = walk(sysfs, real, 0, &d);
        if (r < 0) {
                hostdeps_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

int hostdeps_for_device(const char *sysfs_root, dev_t devnum, struct hostdeps *ret) {
        char rel[64];

        snprintf(rel, sizeof(rel), "dev/block/%u:%u", major(devnum), minor(devnum));
        return walk_from(sysfs_root, rel, ret);
}

/* The device under /sys/class/<class>/<name> and up: a class device
 * without one (a virtual interface; a watchdog that registered without a
 * parent, as i6300esb) is -ENOENT. */
static int walk_class_device(const char *sysfs_root, const char *class, const char *name, struct hostdeps *ret) {
        _cleanup_free_ char *rel = NULL;

        if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return -EINVAL;
        if (asprintf(&rel, "class/%s/%s/device", class, name) < 0)
                return -ENOMEM;
        return walk_from(sysfs_root, rel, ret);
}

int hostdeps_for_netdev(const char *sysfs_root, const char *ifname, struct hostdeps *ret) {
        return walk_class_device(sysfs_root, "net", ifname, ret);
}

int hostdeps_for_watchdog(const char *sysfs_root, const char *name, struct hostdeps *ret) {
        return walk_class_device(sysfs_root, "watchdog", name, ret);
}
