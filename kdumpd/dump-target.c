/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <blkid.h>
#include <glob.h>
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
#include "initramfs/net/net-describe.h"
#include "initramfs/stack/stack-describe.h"
#include "kdumpd/dump-target.h"
#include "kdumpd/ssh-target.h"

dump_target *dump_target_free(dump_target *t) {
        if (!t)
                return NULL;
        free(t->fstype);
        free(t->spec);
        free(t->devnode);
        free(t->path);
        free(t->options);
        storage_stack_free(t->stack);
        free(t->stack_summary);
        net_record_free(t->net);
        free(t->server_name);
        free(t->export);
        free(t->user);
        free(t->sshkey);
        free(t->known_hosts);
        free(t);
        return NULL;
}

int dump_target_describe(const dump_target *t, char **ret) {
        int r;

        if (t->net) {
                _cleanup_free_ char *way = NULL;

                r = net_record_summary(t->net, &way);
                if (r < 0)
                        return r;
                r = asprintf(ret, "%s %s:%s (%s) through %s", t->fstype, t->spec, t->path, t->server_name, way);
        } else if (t->stack_summary)
                r = asprintf(ret, "%s %s:%s on %s", t->fstype, t->spec, t->path, t->stack_summary);
        else
                r = asprintf(ret, "%s %s:%s", t->fstype, t->spec, t->path);
        return r < 0 ? -ENOMEM : 0;
}

/* The dm/md stack under the target's device, for the capture kernel to
 * recreate; what it cannot recreate is refused here, before anything is
 * loaded. */
static int resolve_stack(dump_target *t, char **ret_error) {
        _cleanup_free_ char *err = NULL;
        struct stat st;
        int r;

        if (stat(t->devnode, &st) < 0 || !S_ISBLK(st.st_mode))
                return 0;       /* the capture waits for the spec, as before */
        r = storage_stack_describe(&stack_host_ops_system, st.st_rdev, &t->stack, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return set_error_message(ret_error, -r, "%s%s%s%s: %s", t->spec,
                                         strcmp(t->spec, t->devnode) ? " (" : "",
                                         strcmp(t->spec, t->devnode) ? t->devnode : "",
                                         strcmp(t->spec, t->devnode) ? ")" : "", err ? err : strerror(-r));
        if (t->stack) {
                r = storage_stack_summary(t->stack, &t->stack_summary);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* One mountinfo line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3
 * /dev/root rw,errors=continue".  -EINVAL for a line of another shape. */
static int mount_entry_parse(const char *line, size_t len, struct mount_entry *ret) {
        _cleanup_free_ char *l = strndup(line, len);
        char *save = NULL, *tok, *f[32];
        size_t nf = 0, dash = 0;

        if (!l)
                return -ENOMEM;
        for (tok = strtok_r(l, " ", &save); tok && nf < ELEMENTSOF(f); tok = strtok_r(NULL, " ", &save))
                f[nf++] = tok;
        for (size_t i = 6; i < nf && !dash; i++)
                if (strcmp(f[i], "-") == 0)
                        dash = i;
        if (dash == 0 || dash + 2 >= nf)
                return -EINVAL;
        *ret = (struct mount_entry) {
                .mountpoint = octal_unescape(f[4], strlen(f[4])),
                .root = octal_unescape(f[3], strlen(f[3])),
                .fstype = strdup(f[dash + 1]),
                .source = octal_unescape(f[dash + 2], strlen(f[dash + 2])),
                .super_options = strdup(dash + 3 < nf ? f[dash + 3] : ""),
        };
        if (!ret->mountpoint || !ret->root || !ret->fstype || !ret->source || !ret->super_options) {
                mount_entry_done(ret);
                return -ENOMEM;
        }
        return 0;
}

/* Calls match() on every line; the last line it accepts wins when it
 * returns 1, the longest when it returns a length + 1. */
static int mountinfo_best(const char *mountinfo, size_t (*match)(const struct mount_entry *e, const void *arg),
                          const void *arg, struct mount_entry *ret) {
        struct mount_entry best = {};
        size_t best_score = 0;

        for (const char *line = mountinfo; line && *line;) {
                const char *end = strchr(line, '\n');
                struct mount_entry e;
                size_t score;
                int r;

                r = mount_entry_parse(line, end ? (size_t) (end - line) : strlen(line), &e);
                line = end ? end + 1 : NULL;
                if (r == -ENOMEM) {
                        mount_entry_done(&best);
                        return r;
                }
                if (r < 0)
                        continue;
                score = match(&e, arg);
                if (score == 0 || score < best_score) {
                        mount_entry_done(&e);
                        continue;
                }
                mount_entry_done(&best);
                best = e;
                best_score = score;
        }
        if (best_score == 0)
                return -ENOENT;
        *ret = best;
        return 0;
}

static size_t match_path(const struct mount_entry *e, const void *arg) {
        const char *path = arg;
        size_t mlen = strcmp(e->mountpoint, "/") == 0 ? 0 : strlen(e->mountpoint);

        if (strncmp(path, e->mountpoint, mlen) != 0 || (path[mlen] != '/' && path[mlen] != 0))
                return 0;
        return mlen + 1;
}

int mountinfo_find_path(const char *mountinfo, const char *path, struct mount_entry *ret) {
        return mountinfo_best(mountinfo, match_path, path, ret);
}

static size_t match_source(const struct mount_entry *e, const void *arg) {
        const char *source = arg;
        _cleanup_free_ char *real = NULL;

        if (strcmp(e->root, "/") != 0)
                return 0;
        if (strcmp(e->source, source) == 0)
                return 1;
        real = string_has_prefix(e->source, "/dev/") ? realpath(e->source, NULL) : NULL;
        return real && strcmp(real, source) == 0;
}

int mountinfo_find_source(const char *mountinfo, const char *source, struct mount_entry *ret) {
        return mountinfo_best(mountinfo, match_source, source, ret);
}

void mount_entry_done(struct mount_entry *e) {
        free(e->mountpoint);
        free(e->root);
        free(e->fstype);
        free(e->source);
        free(e->super_options);
        *e = (struct mount_entry) {};
}

int mount_entry_target_path(const struct mount_entry *e, const char *path, char **ret_path, char **ret_subvol) {
        const char *rel = path + (strcmp(e->mountpoint, "/") == 0 ? 0 : strlen(e->mountpoint));
        const char *root = e->root, *sub = NULL;
        _cleanup_free_ char *subvol = NULL;
        size_t sublen = 0;

        /* btrfs: the subvolume the running system mounts ("subvol=/@crash"
         * among the super options) is mounted the same way in the capture
         * kernel; the root below it, if any, is a directory in it. */
        if (strcmp(e->fstype, "btrfs") == 0)
                for (const char *o = e->super_options; o && *o; o = strchr(o, ',') ? strchr(o, ',') + 1 : NULL)
                        if (string_has_prefix(o, "subvol=")) {
                                sub = o + 7;
                                sublen = strcspn(sub, ",");
                        }
        if (sub && !(sublen == 1 && sub[0] == '/') && strncmp(root, sub, sublen) == 0 &&
            (root[sublen] == '/' || root[sublen] == 0)) {
                subvol = strndup(sub, sublen);
                if (!subvol)
                        return -ENOMEM;
                root += sublen;
        }
        if (strcmp(root, "/") == 0)
                root = "";
        if (asprintf(ret_path, "%s%s", root, *rel ? rel : (*root ? "" : "/")) < 0)
                return -ENOMEM;
        *ret_subvol = TAKE_PTR(subvol);
        return 0;
}

static bool fstype_supported(const char *fstype) {
        for (const char *const *f = kdump_config_fstypes; *f; f++)
                if (strcmp(*f, fstype) == 0)
                        return true;
        return false;
}

/* The filesystem holding c->path on this system (kdump-utils' default). */
static int resolve_default(const kdump_config *c, dump_target *t, char **ret_error) {
        _cleanup_free_ char *real = NULL, *mountinfo = NULL, *subvol = NULL, *rest = NULL;
        _cleanup_(mount_entry_done) struct mount_entry m = {};
        char *uuid;
        int r;

        /* path need not exist yet: its nearest existing ancestor decides,
         * with symlinks resolved; what does not exist yet is kept. */
        for (size_t keep = strlen(c->path);;) {
                _cleanup_free_ char *probe = keep ? strndup(c->path, keep) : strdup("/");

                if (!probe)
                        return -ENOMEM;
                real = realpath(probe, NULL);
                if (real) {
                        const char *base = strcmp(real, "/") == 0 && c->path[keep] ? "" : real;

                        if (asprintf(&rest, "%s%s", base, c->path + keep) < 0)
                                return -ENOMEM;
                        break;
                }
                if (keep == 0)
                        return negative_errno();
                while (keep > 0 && c->path[keep - 1] != '/')
                        keep--;
                if (keep > 0)
                        keep--;
        }

        r = read_full_file("/proc/self/mountinfo", &mountinfo, NULL);
        if (r < 0)
                return r;
        r = mountinfo_find_path(mountinfo, rest, &m);
        if (r < 0)
                return set_error_message(ret_error, ENODEV,
                                         "cannot find the filesystem that holds %s in /proc/self/mountinfo; "
                                         "set a dump target in the configuration (e.g. \"ext4 LABEL=KDUMP\")", c->path);
        if (!fstype_supported(m.fstype))
                return set_error_message(ret_error, EOPNOTSUPP,
                                         "%s is on a %s filesystem (%s), which kdumpd cannot write dumps to yet; "
                                         "set an ext4, xfs or btrfs dump target in the configuration", c->path,
                                         m.fstype, m.source);
        r = mount_entry_target_path(&m, rest, &t->path, &subvol);
        if (r < 0)
                return r;
        /* A btrfs subvolume is mounted as the running system mounts it;
         * the user's mount_options come along. */
        if (subvol)
                r = asprintf(&t->options, "subvol=%s%s%s", subvol, c->mount_options ? "," : "", c->mount_options ?: "");
        else
                r = c->mount_options ? asprintf(&t->options, "%s", c->mount_options) : 0;
        if (r < 0)
                return -ENOMEM;

        /* A UUID survives device renumbering in the capture kernel; a
         * virtiofs share is its tag. */
        uuid = strcmp(m.fstype, KDUMP_VIRTIOFS) == 0 ? NULL : blkid_get_tag_value(NULL, "UUID", m.source);
        if (uuid)
                r = asprintf(&t->spec, "UUID=%s", uuid);
        else
                r = asprintf(&t->spec, "%s", m.source);
        free(uuid);
        if (r < 0)
                return -ENOMEM;
        t->fstype = TAKE_PTR(m.fstype);
        if (strcmp(t->fstype, KDUMP_VIRTIOFS) == 0)
                return 0;
        t->devnode = TAKE_PTR(m.source);
        return resolve_stack(t, ret_error);
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

/* virtiofs <tag>: no device to check, but the share must be one this
 * machine has: mounted now, or listed by the kernel (/sys/fs/virtiofs,
 * Linux 6.10 and later). */
static int resolve_virtiofs(const kdump_config *c, dump_target *t, char **ret_error) {
        _cleanup_free_ char *mountinfo = NULL, *want = NULL;
        bool known = false;
        glob_t g = {};

        if (read_full_file("/proc/self/mountinfo", &mountinfo, NULL) >= 0 &&
            asprintf(&want, " - virtiofs %s ", c->device) >= 0)
                known = strstr(mountinfo, want) != NULL;
        if (!known && glob("/sys/fs/virtiofs/*/tag", 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc && !known; i++) {
                        _cleanup_free_ char *tag = NULL;
                        known = read_one_line_file(g.gl_pathv[i], &tag) >= 0 && strcmp(tag, c->device) == 0;
                }
        globfree(&g);
        if (!known)
                return set_error_message(ret_error, ENODEV,
                                         "the virtiofs share '%s' (line %u) is not mounted on this system, so kdumpctl "
                                         "cannot tell that the capture kernel will find it; check the tag the host "
                                         "gives the share and mount it once (mount -t virtiofs %s /mnt)",
                                         c->device, c->target_line, c->device);
        t->fstype = strdup(c->fstype);
        t->spec = strdup(c->device);
        t->path = strdup(c->path);
        if (!t->fstype || !t->spec || !t->path || (c->mount_options && !(t->options = strdup(c->mount_options))))
                return -ENOMEM;
        return 0;
}

/* nfs <server>:/<export>: the server's name resolved and the way to it
 * recorded now; the capture kernel mounts the numeric address. */
static int resolve_nfs(const kdump_config *c, dump_target *t, char **ret_error) {
        _cleanup_free_ char *host = NULL, *err = NULL;
        int r;

        r = kdump_config_nfs_split(c->device, &host, &t->export);
        if (r < 0)
                return r == -ENOMEM ? r : set_error_message(ret_error, EINVAL, "nfs %s: not <server>:/<export>", c->device);
        r = net_describe_host(host, NULL, &t->net, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return set_error_message(ret_error, -r, "the NFS server %s (line %u): %s", host, c->target_line,
                                         err ?: strerror(-r));
        t->server_name = TAKE_PTR(host);
        t->fstype = strdup(KDUMP_NFS);
        t->path = strdup(c->path);
        if (!t->fstype || !t->path || (c->mount_options && !(t->options = strdup(c->mount_options))))
                return -ENOMEM;
        if (asprintf(&t->spec, t->net->family == AF_INET6 ? "[%s]:%s" : "%s:%s", t->net->server, t->export) < 0)
                return -ENOMEM;
        return 0;
}

static int resolve_ssh(const kdump_config *c, dump_target *t, char **ret_error) {
        _cleanup_free_ char *host = NULL, *err = NULL;
        int r;

        r = kdump_config_ssh_split(c->device, &t->user, &host);
        if (r < 0)
                return r == -ENOMEM ? r : set_error_message(ret_error, EINVAL, "ssh %s: not <user>@<server>", c->device);
        r = net_describe_host(host, NULL, &t->net, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return set_error_message(ret_error, -r, "the SSH server %s (line %u): %s", host, c->target_line,
                                         err ?: strerror(-r));
        r = ssh_target_known_hosts(host, t->net->server, &t->known_hosts, &t->n_host_keys);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot look up the host keys of %s with ssh-keygen -F: %s", host,
                                         strerror(-r));
        t->server_name = TAKE_PTR(host);
        t->fstype = strdup(KDUMP_SSH);
        t->path = strdup(c->path);
        t->sshkey = strdup(c->sshkey ?: KDUMP_CONF_DEFAULT_SSHKEY);
        if (!t->fstype || !t->path || !t->sshkey)
                return -ENOMEM;
        if (asprintf(&t->spec, t->net->family == AF_INET6 ? "%s@[%s]" : "%s@%s", t->user, t->net->server) < 0)
                return -ENOMEM;
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
        } else if (kdump_config_is_virtiofs(c)) {
                r = resolve_virtiofs(c, t, ret_error);
                if (r < 0)
                        return r;
        } else if (kdump_config_is_nfs(c)) {
                r = resolve_nfs(c, t, ret_error);
                if (r < 0)
                        return r;
        } else if (kdump_config_is_ssh(c)) {
                r = resolve_ssh(c, t, ret_error);
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
                if (!t->fstype || !t->spec || !t->path || (c->mount_options && !(t->options = strdup(c->mount_options))))
                        return -ENOMEM;
                r = resolve_stack(t, ret_error);
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
