/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/major.h>
#include <linux/raid/md_u.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "initramfs/stack/crash-keys.h"
#include "initramfs/stack/dm-ioctl.h"
#include "initramfs/stack/stack-activate.h"

#define TIMEOUT_MS_DEFAULT (90u * 1000u)
#define GRACE_MS_DEFAULT (10u * 1000u)
#define STEP_MS 100u

struct activation {
        const storage_stack *s;
        struct stack_activate_opts o;
        dev_t *devs;                    /* the device of each node in this kernel, 0: not (yet) there */
        char **error;
};

static void event(struct activation *a, enum stack_event_level level, const char *fmt, ...) _printf_(3, 4);
static void event(struct activation *a, enum stack_event_level level, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        if (!a->o.event)
                return;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (msg)
                a->o.event(level, msg, a->o.userdata);
}

struct resolve_ctx {
        const storage_stack *s;
        const dev_t *devs;
};

static int resolve_word(const char *word, char **ret, void *userdata) {
        const struct resolve_ctx *c = userdata;
        size_t k;

        if (word[0] != '@')
                return 0;
        if (storage_stack_find(c->s, word + 1, &k) < 0)
                return -ENOENT;
        if (c->devs[k] == 0)
                return -ENODEV;
        return asprintf(ret, "%u:%u", major(c->devs[k]), minor(c->devs[k])) < 0 ? -ENOMEM : 0;
}

int stack_params_resolve(const storage_stack *s, const dev_t *devs, const char *params, char **ret) {
        return stack_params_map(params, resolve_word, &(struct resolve_ctx) { s, devs }, ret);
}

bool stack_md_can_run(const struct stack_node *md, const bool *found) {
        unsigned have = 0, need;

        for (size_t k = 0; k < md->n_members; k++)
                have += found[k];
        if (strcmp(md->level, "raid1") == 0)
                need = 1;
        else if (strcmp(md->level, "raid4") == 0 || strcmp(md->level, "raid5") == 0)
                need = md->raid_disks > 1 ? md->raid_disks - 1 : 1;
        else if (strcmp(md->level, "raid6") == 0)
                need = md->raid_disks > 2 ? md->raid_disks - 2 : 1;
        else if (strcmp(md->level, "raid10") == 0)
                need = (md->raid_disks + 1) / 2;
        else
                need = md->raid_disks;
        return have >= need && have > 0;
}

/* One probe of a block device: which of the unfound leaves it is. */
static void match_device(struct activation *a, const char *node, dev_t dev) {
        blkid_probe pr = blkid_new_probe_from_filename(node);

        if (!pr)
                return;
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        if (blkid_do_safeprobe(pr) == 0)
                for (size_t i = 0; i < a->s->n_nodes; i++) {
                        const struct stack_node *n = &a->s->nodes[i];
                        const char *tag = n->kind == STACK_LEAF && strcmp(n->tag, "PARTUUID") == 0 ? "PART_ENTRY_UUID"
                                                                                                     : n->tag;
                        const char *v = NULL;

                        if (n->kind != STACK_LEAF || a->devs[i])
                                continue;
                        if (blkid_probe_lookup_value(pr, tag, &v, NULL) == 0 && v && strcasecmp(v, n->value) == 0) {
                                a->devs[i] = dev;
                                event(a, STACK_EVENT_INFO, "Found %s=%s (%s on the build host) as %s.", n->tag,
                                      n->value, n->kname, node);
                        }
                }
        blkid_free_probe(pr);
}

static void scan_devices(struct activation *a) {
        _cleanup_free_ char *dirpath = NULL;
        struct dirent *de;
        DIR *d;

        if (asprintf(&dirpath, "%s/class/block", a->o.sysfs) < 0)
                return;
        d = opendir(dirpath);
        if (!d)
                return;
        while ((de = readdir(d))) {
                _cleanup_free_ char *node = NULL;
                struct stat st;
                bool known = false;

                if (de->d_name[0] == '.' || string_has_prefix(de->d_name, "dm-") || string_has_prefix(de->d_name, "md"))
                        continue;
                if (asprintf(&node, "%s/%s", a->o.dev, de->d_name) < 0)
                        break;
                if (stat(node, &st) < 0 || !S_ISBLK(st.st_mode))
                        continue;
                for (size_t i = 0; i < a->s->n_nodes; i++)
                        known = known || a->devs[i] == st.st_rdev;
                if (!known)
                        match_device(a, node, st.st_rdev);
        }
        closedir(d);
}

/* Whether the stack can be built with the disks found: every leaf that is
 * not an md member, and enough members of every array. */
static bool stack_complete(struct activation *a, bool *ret_all) {
        bool all = true, can = true;

        for (size_t i = 0; i < a->s->n_nodes; i++) {
                const struct stack_node *n = &a->s->nodes[i];

                if (n->kind == STACK_LEAF && !a->devs[i]) {
                        bool member = false;

                        all = false;
                        for (size_t j = i + 1; j < a->s->n_nodes; j++)
                                for (size_t k = 0; a->s->nodes[j].kind == STACK_MD && k < a->s->nodes[j].n_members; k++)
                                        member = member || a->s->nodes[j].members[k] == i;
                        if (!member)
                                can = false;
                } else if (n->kind == STACK_MD) {
                        _cleanup_free_ bool *found = calloc(n->n_members, sizeof(bool));

                        if (!found)
                                return false;
                        for (size_t k = 0; k < n->n_members; k++)
                                found[k] = a->devs[n->members[k]] != 0;
                        can = can && stack_md_can_run(n, found);
                }
        }
        *ret_all = all;
        return can;
}

static void say_missing(struct activation *a, enum stack_event_level level, const char *what) {
        for (size_t i = 0; i < a->s->n_nodes; i++) {
                const struct stack_node *n = &a->s->nodes[i];

                if (n->kind == STACK_LEAF && !a->devs[i])
                        event(a, level, "%s %s=%s (%s on the build host).", what, n->tag, n->value, n->kname);
        }
}

/* Waits, bounded, for the disks: all of them, or after the grace period
 * enough of them for every array to run degraded. */
static int find_leaves(struct activation *a) {
        unsigned waited = 0, grace_start = 0, next_report = 5000;
        bool all = false, can, grace = false;

        for (;;) {
                scan_devices(a);
                can = stack_complete(a, &all);
                if (all)
                        return 0;
                if (can && !grace) {
                        char what[80];

                        grace = true;
                        grace_start = waited;
                        snprintf(what, sizeof(what), "The arrays can run; waiting up to %us more for",
                                 a->o.member_grace_ms / 1000);
                        say_missing(a, STACK_EVENT_WARNING, what);
                }
                if (can && waited - grace_start >= a->o.member_grace_ms) {
                        say_missing(a, STACK_EVENT_WARNING, "Going on without");
                        return 0;
                }
                if (waited >= a->o.timeout_ms) {
                        say_missing(a, STACK_EVENT_WARNING, "Not found:");
                        return set_error_message(a->error, ETIMEDOUT, "the disks of the storage stack did not appear "
                                                 "within %us (see the devices named above): is their driver in the "
                                                 "capture initramfs?", a->o.timeout_ms / 1000);
                }
                if (waited >= next_report) {
                        event(a, STACK_EVENT_INFO, "Still waiting for the disks of the storage stack (%us of %us) ...",
                              waited / 1000, a->o.timeout_ms / 1000);
                        next_report += 5000;
                }
                nanosleep(&(struct timespec) { .tv_nsec = STEP_MS * 1000000L }, NULL);
                waited += STEP_MS;
        }
}

/* The node of a device devtmpfs creates asynchronously: waits up to 2 s. */
static int wait_node(const char *node, dev_t *ret) {
        struct stat st;

        for (unsigned i = 0; i < 20; i++) {
                if (stat(node, &st) == 0 && S_ISBLK(st.st_mode)) {
                        if (ret)
                                *ret = st.st_rdev;
                        return 0;
                }
                nanosleep(&(struct timespec) { .tv_nsec = STEP_MS * 1000000L }, NULL);
        }
        return -ENODEV;
}

static int md_attr(struct activation *a, const char *kname, const char *attr, char **ret) {
        _cleanup_free_ char *p = NULL;

        if (asprintf(&p, "%s/block/%s/md/%s", a->o.sysfs, kname, attr) < 0)
                return -ENOMEM;
        return read_one_line_file(p, ret);
}

/* SET_ARRAY_INFO with only the superblock version (the kernel reads the
 * rest from the members), ADD_NEW_DISK per member found, RUN_ARRAY: what
 * mdadm --assemble does for native metadata. */
static int md_assemble_fd(struct activation *a, const struct stack_node *n, int fd) {
        mdu_array_info_t info = {};
        unsigned added = 0;

        if (sscanf(n->metadata, "%d.%d", &info.major_version, &info.minor_version) != 2)
                return set_error_message(a->error, EINVAL, "md array %s: metadata '%s' is not a version", n->kname,
                                         n->metadata);
        if (ioctl(fd, SET_ARRAY_INFO, &info) < 0)
                return set_error_message(a->error, errno, "md array %s: SET_ARRAY_INFO (metadata %s) failed: %s",
                                         n->kname, n->metadata, strerror(errno));
        for (size_t k = 0; k < n->n_members; k++) {
                dev_t d = a->devs[n->members[k]];
                mdu_disk_info_t disk = { .major = (int) major(d), .minor = (int) minor(d) };

                if (!d)
                        continue;
                if (ioctl(fd, ADD_NEW_DISK, &disk) < 0) {
                        event(a, STACK_EVENT_WARNING, "md array %s: the kernel refused member %u:%u (%s=%s): %s.",
                              n->kname, major(d), minor(d), a->s->nodes[n->members[k]].tag,
                              a->s->nodes[n->members[k]].value, strerror(errno));
                        continue;
                }
                added++;
        }
        if (added == 0)
                return set_error_message(a->error, ENODEV, "md array %s: no member could be added", n->kname);
        if (ioctl(fd, RUN_ARRAY, NULL) < 0)
                return set_error_message(a->error, errno, "md array %s (%s, %u of %u devices) did not start: %s",
                                         n->kname, n->level, added, n->raid_disks, strerror(errno));
        return 0;
}

static int md_assemble(struct activation *a, size_t i) {
        const struct stack_node *n = &a->s->nodes[i];
        _cleanup_free_ char *node = NULL, *state = NULL, *degraded = NULL, *newarray = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&node, "%s/%s", a->o.dev, n->kname) < 0 ||
            asprintf(&newarray, "%s/module/md_mod/parameters/new_array", a->o.sysfs) < 0)
                return -ENOMEM;
        if (md_attr(a, n->kname, "array_state", &state) >= 0 && strcmp(state, "clear") != 0 &&
            strcmp(state, "inactive") != 0) {
                event(a, STACK_EVENT_INFO, "md array %s is already running (%s).", n->kname, state);
                return wait_node(node, &a->devs[i]);
        }
        if (!state) {
                r = write_string_file(newarray, n->kname);
                if (r < 0 && r != -EEXIST)
                        return set_error_message(a->error, -r, "cannot create the md array %s (%s): %s", n->kname,
                                                 newarray, strerror(-r));
        }
        if (wait_node(node, &a->devs[i]) < 0)
                return set_error_message(a->error, ENODEV, "md array %s: %s did not appear", n->kname, node);
        fd = open(node, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return set_error_message(a->error, errno, "cannot open %s: %s", node, strerror(errno));
        r = md_assemble_fd(a, n, fd);
        if (r < 0)
                return r;
        if (md_attr(a, n->kname, "degraded", &degraded) >= 0 && strcmp(degraded, "0") != 0)
                event(a, STACK_EVENT_WARNING, "md array %s (%s) assembled degraded: %s of %u devices missing.",
                      n->kname, n->level, degraded, n->raid_disks);
        else
                event(a, STACK_EVENT_INFO, "md array %s (%s) assembled from %zu devices.", n->kname, n->level,
                      n->n_members);
        return 0;
}

static int dm_create(struct activation *a, size_t i) {
        const struct stack_node *n = &a->s->nodes[i];
        _cleanup_free_ struct dm_ioctl_target *targets = calloc(n->n_tables, sizeof(struct dm_ioctl_target));
        _cleanup_free_ char **params = calloc(n->n_tables + 1, sizeof(char *));
        _cleanup_free_ char *node = NULL;
        int r = 0;

        if (!targets || !params)
                return -ENOMEM;
        if (dm_ioctl_lookup(a->o.dm_control, n->dm_name, &a->devs[i]) == 0) {
                event(a, STACK_EVENT_INFO, "Device-mapper device %s exists already.", n->dm_name);
                return 0;
        }
        for (size_t k = 0; r >= 0 && k < n->n_tables; k++) {
                r = stack_params_resolve(a->s, a->devs, n->tables[k].params, &params[k]);
                if (r < 0)
                        r = set_error_message(a->error, -r, "the table of %s refers to a device that is not there",
                                              n->dm_name);
                targets[k] = (struct dm_ioctl_target) { n->tables[k].start, n->tables[k].length, n->tables[k].type,
                                                        params[k] };
        }
        if (r >= 0) {
                r = dm_ioctl_create(a->o.dm_control, n->dm_name, n->dm_uuid, targets, n->n_tables, &a->devs[i]);
                if (r < 0)
                        r = set_error_message(a->error, -r, "creating the device-mapper device %s (%s) failed: %s",
                                              n->dm_name, n->tables[0].type, strerror(-r));
        }
        for (size_t k = 0; k < n->n_tables; k++)
                free(params[k]);
        if (r < 0)
                return r;
        if (asprintf(&node, "%s/dm-%u", a->o.dev, minor(a->devs[i])) < 0)
                return -ENOMEM;
        (void) wait_node(node, NULL);
        event(a, STACK_EVENT_INFO, "Created %s (%s) as %s.", n->dm_name, n->tables[0].type, node);
        return 0;
}

/* LUKS volumes: the keys the crashed kernel kept for this one go into the
 * user keyring, where the crypt tables' key references find them. */
static int restore_keys(struct activation *a) {
        char **descs = NULL;
        int r;

        r = crash_keys_of_stack(a->s, &descs);
        if (r < 0)
                return r;
        if (!descs[0]) {
                strv_free(descs);
                return 0;
        }
        strv_free(descs);
        if (!a->o.crash_keys_dir) {
                /* configfs is not mounted in the capture initramfs */
                (void) mount("configfs", "/sys/kernel/config", "configfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        }
        r = crash_keys_restore(a->o.crash_keys_dir);
        if (r < 0)
                return set_error_message(a->error, -r, "the LUKS volume keys the crashed kernel kept could not be "
                                         "restored (%s/restore: %s); was the capture kernel loaded with "
                                         "kexec_file_load by kdumpctl?", a->o.crash_keys_dir ?: CRASH_KEYS_DIR,
                                         strerror(-r));
        event(a, STACK_EVENT_INFO, "Restored the LUKS volume keys the crashed kernel kept.");
        return 0;
}

static int top_node(struct activation *a, char **ret) {
        const struct stack_node *n = &a->s->nodes[a->s->n_nodes - 1];
        dev_t d = a->devs[a->s->n_nodes - 1];
        char *node;
        int r;

        if (n->kind == STACK_DM)
                r = asprintf(&node, "%s/dm-%u", a->o.dev, minor(d));
        else
                r = asprintf(&node, "%s/%s", a->o.dev, n->kname);
        if (r < 0)
                return -ENOMEM;
        if (wait_node(node, NULL) < 0) {
                r = set_error_message(a->error, ENODEV, "%s, the top of the storage stack, did not appear", node);
                free(node);
                return r;
        }
        *ret = node;
        return 0;
}

int storage_stack_activate(const storage_stack *s, const struct stack_activate_opts *opts, char **ret_top,
                           char **ret_error) {
        _cleanup_free_ dev_t *devs = calloc(s->n_nodes ?: 1, sizeof(dev_t));
        struct activation a = { .s = s, .error = ret_error };
        int r;

        if (opts)
                memcpy(&a.o, opts, MIN(opts->sz ? opts->sz : sizeof(a.o), sizeof(a.o)));
        a.o.timeout_ms = a.o.timeout_ms ?: TIMEOUT_MS_DEFAULT;
        a.o.member_grace_ms = a.o.member_grace_ms ?: GRACE_MS_DEFAULT;
        a.o.sysfs = a.o.sysfs ?: "/sys";
        a.o.dev = a.o.dev ?: "/dev";
        if (!devs)
                return -ENOMEM;
        if (s->n_nodes == 0)
                return -ENODATA;
        a.devs = devs;

        r = find_leaves(&a);
        if (r < 0)
                return r;
        r = restore_keys(&a);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_nodes; i++) {
                if (s->nodes[i].kind == STACK_MD)
                        r = md_assemble(&a, i);
                else if (s->nodes[i].kind == STACK_DM)
                        r = dm_create(&a, i);
                if (r < 0)
                        return r;
        }
        return top_node(&a, ret_top);
}
