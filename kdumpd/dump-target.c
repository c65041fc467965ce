/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <blkid.h>
#include <stdarg.h>
#include <stdbool.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/stack/stack-describe.h"
#include "kdumpd/dump-target.h"

dump_target *dump_target_free(dump_target *t) {
        if (!t)
                return NULL;
        free(t->fstype);
        free(t->spec);
        free(t->devnode);
        free(t->path);
        storage_stack_free(t->stack);
        free(t->stack_summary);
        free(t);
        return NULL;
}

int dump_target_describe(const dump_target *t, char **ret) {
        int r;

        if (t->stack_summary)
                r = asprintf(ret, "%s %s:%s on %s", t->fstype, t->spec, t->path, t->stack_summary);
        else
                r = asprintf(ret, "%s %s:%s", t->fstype, t->spec, t->path);
        return r < 0 ? -ENOMEM : 0;
}

/* The dm/md stack under the target's device, for the capture kernel to
 * recreate; what it cannot recreate is refused here, before anything is
 * loaded. */
static int resolve_stack(dump_target *t, const char *what, char **ret_error) {
        _cleanup_free_ char *err = NULL;
        struct stat st;
        int r;

        if (stat(t->devnode, &st) < 0 || !S_ISBLK(st.st_mode))
                return 0;       /* the capture waits for the spec, as before */
        r = storage_stack_describe(&stack_host_ops_system, st.st_rdev, &t->stack, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return set_error_message(ret_error, -r, "%s %s (%s): %s", what, t->spec, t->devnode,
                                         err ? err : strerror(-r));
        if (t->stack) {
                r = storage_stack_summary(t->stack, &t->stack_summary);
                if (r < 0)
                        return r;
        }
        return 0;
}

int mountinfo_find_dev(const char *mountinfo, unsigned major, unsigned minor,
                       char **ret_mountpoint, char **ret_source, char **ret_fstype) {
        char want[32];
        const char *line = mountinfo;

        snprintf(want, sizeof(want), "%u:%u", major, minor);
        while (line && *line) {
                const char *end = strchr(line, '\n'), *f[5], *sep;
                size_t len = end ? (size_t) (end - line) : strlen(line);
                _cleanup_free_ char *l = strndup(line, len);
                char *save = NULL, *tok, *fields[16];
                size_t nf = 0;

                line = end ? end + 1 : NULL;
                if (!l)
                        return -ENOMEM;
                /* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw" */
                sep = strstr(l, " - ");
                if (!sep)
                        continue;
                for (tok = strtok_r(l, " ", &save); tok && nf < ELEMENTSOF(fields); tok = strtok_r(NULL, " ", &save))
                        fields[nf++] = tok;
                (void) f;
                if (nf < 7 || strcmp(fields[2], want) != 0)
                        continue;
                /* Only a mount of the filesystem's root ("/") tells us the
                 * path layout; bind mounts of subdirectories would mislead. */
                if (strcmp(fields[3], "/") != 0)
                        continue;
                for (size_t i = 5; i + 2 < nf; i++)
                        if (strcmp(fields[i], "-") == 0) {
                                char *mp = octal_unescape(fields[4], strlen(fields[4]));
                                char *src = strdup(fields[i + 2]);
                                char *fs = strdup(fields[i + 1]);
                                if (!mp || !src || !fs) {
                                        free(mp), free(src), free(fs);
                                        return -ENOMEM;
                                }
                                *ret_mountpoint = mp;
                                *ret_source = src;
                                *ret_fstype = fs;
                                return 0;
                        }
        }
        return -ENOENT;
}

static bool fstype_supported(const char *fstype) {
        for (const char *const *f = kdump_config_fstypes; *f; f++)
                if (strcmp(*f, fstype) == 0)
                        return true;
        return false;
}

/* The filesystem holding c->path on this system (kdump-utils' default). */
static int resolve_default(const kdump_config *c, dump_target *t, char **ret_error) {
        _cleanup_free_ char *probe = strdup(c->path), *mountinfo = NULL, *mp = NULL, *src = NULL, *fs = NULL;
        struct stat st;
        const char *rel;
        char *uuid;
        int r;

        if (!probe)
                return -ENOMEM;
        /* path need not exist yet: its nearest existing ancestor decides. */
        while (stat(probe, &st) < 0) {
                char *slash = strrchr(probe, '/');
                if (!slash || slash == probe) {
                        strcpy(probe, "/");
                        if (stat(probe, &st) < 0)
                                return negative_errno();
                        break;
                }
                *slash = 0;
        }
        r = read_full_file("/proc/self/mountinfo", &mountinfo, NULL);
        if (r < 0)
                return r;
        r = mountinfo_find_dev(mountinfo, major(st.st_dev), minor(st.st_dev), &mp, &src, &fs);
        if (r < 0) {
                return set_error_message(ret_error, ENODEV,
                                         "cannot find the filesystem that holds %s in /proc/self/mountinfo; "
                                         "set a dump target in the configuration (e.g. \"ext4 LABEL=KDUMP\")", c->path);
        }
        if (!fstype_supported(fs)) {
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "%s is on a %s filesystem (%s), which kdumpd cannot write dumps to yet; "
                                         "set an ext4 or xfs dump target in the configuration", c->path, fs, src);
        }

        /* A UUID survives device renumbering in the capture kernel. */
        uuid = blkid_get_tag_value(NULL, "UUID", src);
        if (uuid)
                r = asprintf(&t->spec, "UUID=%s", uuid);
        else
                r = asprintf(&t->spec, "%s", src);
        free(uuid);
        if (r < 0)
                return -ENOMEM;

        rel = c->path + strlen(mp);
        if (strcmp(mp, "/") == 0)
                rel = c->path;
        else if (!string_has_prefix(c->path, mp) || (*rel != '/' && *rel != 0))
                rel = c->path; /* path was not under the mount point textually (symlinks): keep it */
        if (asprintf(&t->path, "%s", *rel ? rel : "/") < 0)
                return -ENOMEM;
        t->fstype = TAKE_PTR(fs);
        t->devnode = TAKE_PTR(src);
        return resolve_stack(t, "the filesystem that holds the dump path,", ret_error);
}

/* raw: dumps overwrite the device from its first byte, so it must hold
 * nothing: no mounted filesystem on it or on a partition of it, no
 * filesystem, swap or partition table signature.  The capture kernel has no
 * udev (no /dev/disk/by-* links), so the device goes in by its kernel name. */
static int resolve_raw(const kdump_config *c, dump_target *t, char **ret_error) {
        _cleanup_free_ char *dev = NULL, *mountinfo = NULL, *syspath = NULL;
        struct stat st;
        const char *name;
        blkid_probe pr;
        int r;

        dev = realpath(c->device, NULL);
        if (!dev || stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
                return set_error_message(ret_error, ENODEV,
                                         "the raw dump target %s (line %u) is not a block device on this system; "
                                         "attach it, or fix the device in the configuration (see lsblk)",
                                         c->device, c->target_line);

        {
                _cleanup_(storage_stack_freep) storage_stack *stack = NULL;
                _cleanup_free_ char *err = NULL;

                /* The capture writes the stream to the device by its
                 * kernel name: only a disk or partition has the same one. */
                r = storage_stack_describe(&stack_host_ops_system, st.st_rdev, &stack, &err);
                if (r < 0 && r != -ENOMEM)
                        return set_error_message(ret_error, -r, "the raw dump target %s (%s): %s", c->device, dev,
                                                 err ? err : strerror(-r));
                if (r < 0)
                        return r;
                if (stack)
                        return set_error_message(ret_error, EOPNOTSUPP,
                                                 "the raw dump target %s (%s) is a device-mapper or md device; raw "
                                                 "targets must be a disk or partition. Use a filesystem on it "
                                                 "(\"ext4 %s\") instead.", c->device, dev, c->device);
        }

        /* Mounted, itself or a partition (its sysfs directory is below the
         * disk's): /proc/self/mountinfo's major:minor against /sys/dev/block. */
        name = strrchr(dev, '/') + 1;
        if (asprintf(&syspath, "/sys/class/block/%s", name) < 0)
                return -ENOMEM;
        r = read_full_file("/proc/self/mountinfo", &mountinfo, NULL);
        if (r < 0)
                return r;
        for (const char *line = mountinfo; line && *line;) {
                const char *end = strchr(line, '\n');
                unsigned maj, min;
                char link[64], *real, *disk_real;
                int n = 0;

                if (sscanf(line, "%*u %*u %u:%u %n", &maj, &min, &n) == 2 && n > 0) {
                        snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", maj, min);
                        real = realpath(link, NULL);
                        disk_real = realpath(syspath, NULL);
                        if (real && disk_real && string_has_prefix(real, disk_real) &&
                            (real[strlen(disk_real)] == 0 || real[strlen(disk_real)] == '/')) {
                                free(real);
                                free(disk_real);
                                return set_error_message(ret_error, EBUSY,
                                                         "the raw dump target %s (%s) holds a mounted filesystem; "
                                                         "a dump would overwrite it. Give raw an unused device.",
                                                         c->device, dev);
                        }
                        free(real);
                        free(disk_real);
                }
                line = end ? end + 1 : NULL;
        }

        pr = blkid_new_probe_from_filename(dev);
        if (!pr)
                return set_error_message(ret_error, EACCES, "cannot read the raw dump target %s: %s", dev,
                                         strerror(errno ?: EACCES));
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL);
        blkid_probe_enable_partitions(pr, 1);
        if (blkid_do_safeprobe(pr) == 0) {
                const char *type = NULL, *pttype = NULL;

                (void) blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
                (void) blkid_probe_lookup_value(pr, "PTTYPE", &pttype, NULL);
                if (type || pttype) {
                        r = set_error_message(ret_error, EEXIST,
                                              "the raw dump target %s (%s) is not empty: blkid finds %s %s on it, "
                                              "which a dump would destroy. If the device is meant for dumps, wipe "
                                              "it first (wipefs -a %s).",
                                              c->device, dev, type ? "a signature of type" : "a partition table of type",
                                              type ?: pttype, dev);
                        blkid_free_probe(pr);
                        return r;
                }
        }
        blkid_free_probe(pr);

        t->fstype = strdup(KDUMP_RAW);
        t->spec = strdup(dev);
        t->path = strdup(c->path);
        if (!t->fstype || !t->spec || !t->path)
                return -ENOMEM;
        t->devnode = TAKE_PTR(dev);
        return 0;
}

int dump_target_resolve(const kdump_config *c, dump_target **ret, char **ret_error) {
        _cleanup_(dump_target_freep) dump_target *t = NULL;
        int r;

        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;

        if (!c->device) {
                r = resolve_default(c, t, ret_error);
                if (r < 0)
                        return r;
        } else if (kdump_config_is_raw(c)) {
                r = resolve_raw(c, t, ret_error);
                if (r < 0)
                        return r;
        } else {
                char *dev = blkid_evaluate_tag(c->device, NULL, NULL);
                struct stat st;

                if (!dev || stat(dev, &st) < 0 || !S_ISBLK(st.st_mode)) {
                        free(dev);
                        return set_error_message(ret_error, ENODEV,
                                                 "the dump target %s (line %u) is not present on this system; "
                                                 "attach it, or fix the device in the configuration (see lsblk -f)",
                                                 c->device, c->target_line);
                }
                t->devnode = dev;
                t->fstype = strdup(c->fstype);
                t->spec = strdup(c->device);
                t->path = strdup(c->path);
                if (!t->fstype || !t->spec || !t->path)
                        return -ENOMEM;
                r = resolve_stack(t, "the dump target", ret_error);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(t);
        return 0;
}

int dump_target_resolve_rootfs(const kdump_config *c, dump_target **ret, char **ret_error) {
        _cleanup_(dump_target_freep) dump_target *t = NULL;
        kdump_config root = *c;
        int r;

        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        /* The filesystem mounted on "/", found the way the default target
         * is; the dump goes to the same path there (kdump-utils). */
        root.path = (char *) "/";
        r = resolve_default(&root, t, ret_error);
        if (r < 0)
                return r;
        free(t->path);
        t->path = strdup(c->path);
        if (!t->path)
                return -ENOMEM;
        *ret = TAKE_PTR(t);
        return 0;
}
