/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/stack/crash-keys.h"
#include "initramfs/stack/stack-describe.h"

struct walk {
        const struct stack_host_ops *ops;
        const char *sysfs;
        storage_stack *s;
        dev_t *devs;                    /* devs[i] is node i's device */
        char **error;
};

static int walk_dev(struct walk *w, dev_t dev, unsigned depth, size_t *ret_index);

static int sysfs_attr(const char *dir, const char *attr, char **ret) {
        _cleanup_free_ char *p = NULL;

        if (asprintf(&p, "%s/%s", dir, attr) < 0)
                return -ENOMEM;
        return read_one_line_file(p, ret);
}

static bool sysfs_has(const char *dir, const char *rel) {
        _cleanup_free_ char *p = NULL;

        return asprintf(&p, "%s/%s", dir, rel) >= 0 && access(p, F_OK) == 0;
}

static int parse_devnum(const char *s, dev_t *ret) {
        unsigned a, b;
        char tail;

        if (sscanf(s, "%u:%u%c", &a, &b, &tail) != 2)
                return -EINVAL;
        *ret = makedev(a, b);
        return 0;
}

static int cmp_dev(const void *a, const void *b) {
        dev_t x = *(const dev_t *) a, y = *(const dev_t *) b;

        return x < y ? -1 : x > y;
}

/* The devices below dir (its slaves/), as device numbers, in order. */
static int read_slaves(const char *dir, dev_t **ret, size_t *ret_n) {
        _cleanup_free_ char *slaves = NULL;
        _cleanup_free_ dev_t *v = NULL;
        struct dirent *de;
        size_t n = 0;
        DIR *d;
        int r = 0;

        if (asprintf(&slaves, "%s/slaves", dir) < 0)
                return -ENOMEM;
        d = opendir(slaves);
        if (!d)
                return negative_errno();
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *devattr = NULL, *num = NULL;
                dev_t *p;

                if (de->d_name[0] == '.')
                        continue;
                if (asprintf(&devattr, "%s/%s/dev", slaves, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                r = read_one_line_file(devattr, &num);
                if (r < 0)
                        break;
                p = reallocarray(v, n + 1, sizeof(dev_t));
                if (!p) {
                        r = -ENOMEM;
                        break;
                }
                v = p;
                r = parse_devnum(num, &v[n++]);
        }
        closedir(d);
        if (r < 0)
                return r;
        /* readdir's order is the filesystem's: sorted, the record (an
         * input of the cached image) is the same every time. */
        if (n > 1)
                qsort(v, n, sizeof(dev_t), cmp_dev);
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

static int refuse(struct walk *w, const char *fmt, const char *a, const char *b) _printf_(2, 0);
static int refuse(struct walk *w, const char *fmt, const char *a, const char *b) {
        return set_error_message(w->error, EOPNOTSUPP, fmt, a, b);
}

/* Disks the capture kernel cannot reach, whatever is stacked on them. */
static int leaf_refuse(struct walk *w, const char *dir, const char *kname) {
        if (sysfs_has(dir, "loop"))
                return refuse(w, "the dump target is on the loop device %s%s: the capture kernel cannot reach the "
                              "file behind it. Dump to the filesystem that holds that file instead.", kname, "");
        if (string_has_prefix(kname, "nbd") || string_has_prefix(kname, "rbd"))
                return refuse(w, "the dump target is on the network block device %s%s, which the capture kernel "
                              "does not connect. Use a local disk or a raw device as the dump target.", kname, "");
        if (string_has_prefix(kname, "zram") || (string_has_prefix(kname, "ram") && kname[3] >= '0' && kname[3] <= '9'))
                return refuse(w, "the dump target is on the RAM disk %s%s, which does not survive the crash. Use "
                              "a disk.", kname, "");
        if (strstr(dir, "/session"))
                return refuse(w, "the dump target is on the iSCSI disk %s%s, which the capture kernel does not log "
                              "in to. Use a local disk or a raw device as the dump target.", kname, "");

        return 0;
}

static int walk_leaf(struct walk *w, dev_t dev, const char *dir, const char *kname, size_t *ret_index) {
        static const char *const tags[][2] = {
                /* the probe's TYPE, the tag that tells this device apart */
                { "linux_raid_member", "UUID_SUB" },
                { "LVM2_member", "UUID" },
        };
        _cleanup_free_ char *type = NULL, *value = NULL, *id = NULL;
        const char *tag = NULL;
        int r;

        r = leaf_refuse(w, dir, kname);
        if (r < 0)
                return r;
        r = w->ops->probe(dev, "TYPE", &type, w->ops->userdata);
        if (r < 0 && r != -ENOENT)
                return set_error_message(w->error, -r, "cannot probe %s (%u:%u): %s", kname, major(dev), minor(dev),
                                         strerror(-r));
        for (size_t i = 0; type && i < ELEMENTSOF(tags); i++)
                if (strcmp(type, tags[i][0]) == 0)
                        tag = tags[i][1];
        if (tag)
                r = w->ops->probe(dev, tag, &value, w->ops->userdata);
        if (!tag || r == -ENOENT) {
                tag = "PARTUUID";
                r = w->ops->probe(dev, "PART_ENTRY_UUID", &value, w->ops->userdata);
        }
        if (r == -ENOENT)
                return set_error_message(w->error, EOPNOTSUPP,
                                         "%s (%u:%u) under the dump target has no identity the capture kernel can find "
                                         "it by (no md member UUID, LVM PV UUID or partition UUID); its kernel name "
                                         "may differ there. Put the stack on partitions or whole disks with a PV or "
                                         "md superblock.", kname, major(dev), minor(dev));
        if (r < 0)
                return set_error_message(w->error, -r, "cannot probe %s (%u:%u): %s", kname, major(dev), minor(dev),
                                         strerror(-r));
        if (asprintf(&id, "n%zu", w->s->n_nodes) < 0)
                return -ENOMEM;
        return storage_stack_add_leaf(w->s, id, kname, tag, value, ret_index);
}

static int walk_md(struct walk *w, dev_t dev, const char *dir, const char *kname, unsigned depth, size_t *ret_index) {
        _cleanup_free_ char *level = NULL, *meta = NULL, *disks = NULL, *state = NULL, *uuid = NULL, *id = NULL;
        _cleanup_free_ dev_t *slaves = NULL;
        _cleanup_free_ size_t *members = NULL;
        size_t n = 0;
        unsigned nd;
        int r;

        if (sysfs_attr(dir, "md/level", &level) < 0 || sysfs_attr(dir, "md/metadata_version", &meta) < 0 ||
            sysfs_attr(dir, "md/raid_disks", &disks) < 0 || safe_atou(disks, &nd) < 0)
                return set_error_message(w->error, EIO, "cannot read the md array %s from %s/md/", kname, dir);
        if (!string_has_prefix(meta, "1.") && strcmp(meta, "0.90") != 0)
                return refuse(w, "the md array %s has %s metadata, which the capture kernel cannot assemble "
                              "(mdmon's external metadata); dump to a native md array (metadata 1.x or 0.90) or a "
                              "plain partition.", kname, meta);
        if (sysfs_attr(dir, "md/array_state", &state) >= 0 && strcmp(state, "readonly") == 0)
                return refuse(w, "the md array %s is %s: the capture kernel would assemble it writable. Make it "
                              "writable (mdadm --readwrite) or choose another target.", kname, state);
        r = read_slaves(dir, &slaves, &n);
        if (r < 0 || n == 0)
                return set_error_message(w->error, r < 0 ? -r : ENODEV, "cannot list the members of the md array %s "
                                         "(%s/slaves)", kname, dir);
        members = calloc(n, sizeof(size_t));
        if (!members)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                r = walk_dev(w, slaves[i], depth + 1, &members[i]);
                if (r < 0)
                        return r;
                if (i == 0) {
                        /* a member's superblock carries the array's UUID */
                        r = w->ops->probe(slaves[i], "UUID", &uuid, w->ops->userdata);
                        if (r < 0)
                                return set_error_message(w->error, -r, "cannot read the array UUID of %s from its "
                                                         "member %u:%u", kname, major(slaves[i]), minor(slaves[i]));
                }
        }
        if (asprintf(&id, "n%zu", w->s->n_nodes) < 0)
                return -ENOMEM;
        return storage_stack_add_md(w->s, id, kname, level, meta, nd, uuid, members, n, ret_index);
}

static int refuse_dm_type(struct walk *w, const char *name, const char *type) {
        const char *keys = w->ops->crash_dm_crypt_dir ?: CRASH_DM_CRYPT_KEYS_DIR;

        if (strcmp(type, "crypt") == 0)
                return set_error_message(w->error, EOPNOTSUPP,
                                         "the dump target is on the dm-crypt (LUKS) volume %s, and this kernel "
                                         "cannot hand its key to the capture kernel (it lacks "
                                         "CONFIG_CRASH_DM_CRYPT, Linux 6.16 and later: no %s), so the capture "
                                         "could not open it. Dump to an unencrypted partition, a raw device "
                                         "or a network target instead.", name, keys);
        if (string_has_prefix(type, "snapshot"))
                return set_error_message(w->error, EOPNOTSUPP,
                                         "the dump target %s is an LVM snapshot or the origin of one (dm target "
                                         "'%s'): writing it without the snapshot's copy-on-write would corrupt the "
                                         "snapshot. Remove the snapshot (lvremove) or dump to another volume.",
                                         name, type);
        if (strcmp(type, "error") == 0)
                return set_error_message(w->error, EOPNOTSUPP,
                                         "the volume %s maps part of itself to the error target: its volume group is "
                                         "missing a physical volume (activated partially). Restore the missing PV "
                                         "(or vgreduce --removemissing) before using it as the dump target.", name);
        if (strcmp(type, "multipath") == 0)
                return set_error_message(w->error, EOPNOTSUPP,
                                         "the dump target is on the multipath device %s, which the capture kernel "
                                         "does not set up. Use a raw device or a network target.", name);
        return set_error_message(w->error, EOPNOTSUPP,
                                 "the dump target is on the device-mapper device %s of type '%s', which the capture "
                                 "kernel cannot recreate (it knows linear, striped, zero, raid, thin-pool and thin). "
                                 "Use a plain partition or LV as the dump target.", name, type);
}

static bool dm_type_known(const char *type) {
        static const char *const known[] = { "linear", "striped", "zero", "raid", "thin-pool", "thin" };

        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                if (strcmp(known[i], type) == 0)
                        return true;
        return false;
}

/* The parameters with each "MAJ:MIN" of a slave replaced by "@<id>"; any
 * other device number is an error (a device the walk did not see). */
struct rewrite_ctx {
        struct walk *w;
        const char *name;
        const dev_t *slaves;
        const size_t *slave_index;
        size_t n_slaves;
};

static int rewrite_word(const char *word, char **ret, void *userdata) {
        const struct rewrite_ctx *c = userdata;
        dev_t d;

        if (parse_devnum(word, &d) < 0)
                return 0;
        for (size_t i = 0; i < c->n_slaves; i++)
                if (c->slaves[i] == d)
                        return asprintf(ret, "@%s", c->w->s->nodes[c->slave_index[i]].id) < 0 ? -ENOMEM : 0;
        return set_error_message(c->w->error, EIO, "the table of %s uses device %s, which is not among its slaves "
                                 "in sysfs", c->name, word);
}

static int rewrite_params(struct walk *w, const char *name, const char *params, const dev_t *slaves,
                          const size_t *slave_index, size_t n_slaves, char **ret) {
        return stack_params_map(params, rewrite_word,
                                &(struct rewrite_ctx) { w, name, slaves, slave_index, n_slaves }, ret);
}

/* The devices below a dm device, in the order its table uses them (so
 * the record reads like the table). */
static int walk_dm_slaves(struct walk *w, const char *table, const dev_t *slaves, size_t *idx, size_t n,
                          unsigned depth) {
        _cleanup_free_ char *copy = strdup(table);
        _cleanup_free_ bool *done = calloc(n + 1, sizeof(bool));
        char *save = NULL;
        int r;

        if (!copy || !done)
                return -ENOMEM;
        for (char *t = strtok_r(copy, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
                dev_t d;

                if (parse_devnum(t, &d) < 0)
                        continue;
                for (size_t i = 0; i < n; i++)
                        if (slaves[i] == d && !done[i]) {
                                r = walk_dev(w, d, depth + 1, &idx[i]);
                                if (r < 0)
                                        return r;
                                done[i] = true;
                        }
        }
        for (size_t i = 0; i < n; i++)
                if (!done[i]) {
                        r = walk_dev(w, slaves[i], depth + 1, &idx[i]);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static void erase_and_freep(char **p) {
        if (*p)
                explicit_bzero(*p, strlen(*p));
        free(*p);
}

/* "CRYPT-LUKS2-<32 hex digits>-<name>": the LUKS UUID, with its dashes. */
static int luks_uuid(const char *dm_uuid, char **ret) {
        const char *h;

        if (!dm_uuid || (!string_has_prefix(dm_uuid, "CRYPT-LUKS2-") && !string_has_prefix(dm_uuid, "CRYPT-LUKS1-")))
                return -EINVAL;
        h = dm_uuid + 12;
        if (strlen(h) < 32 || strspn(h, "0123456789abcdef") < 32)
                return -EINVAL;
        return asprintf(ret, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20) < 0 ? -ENOMEM : 0;
}

/* A dm-crypt volume the capture kernel can open: the kernel hands keys over
 * (CRASH_DM_CRYPT) and this volume's key is in the user keyring under the
 * name kdumpctl gives the kernel.  *ret_desc: that name. */
static int crypt_key(struct walk *w, const char *name, const char *dm_uuid, char **ret_desc) {
        const char *keys = w->ops->crash_dm_crypt_dir ?: CRASH_DM_CRYPT_KEYS_DIR;
        _cleanup_free_ char *uuid = NULL, *desc = NULL;

        if (access(keys, F_OK) < 0)
                return refuse_dm_type(w, name, "crypt");
        if (luks_uuid(dm_uuid, &uuid) < 0)
                return set_error_message(w->error, EOPNOTSUPP,
                                         "the dump target is on the dm-crypt volume %s, which is not a LUKS volume "
                                         "(its device-mapper UUID is '%s'); only LUKS volumes' keys can be handed to "
                                         "the capture kernel. Dump to an unencrypted partition, a raw device or a "
                                         "network target instead.", name, dm_uuid ?: "");
        if (asprintf(&desc, CRASH_KEY_PREFIX "%s", uuid) < 0)
                return -ENOMEM;
        if (!w->ops->key_present || w->ops->key_present(desc, w->ops->userdata) <= 0)
                return set_error_message(w->error, ENOKEY,
                                         "the dump target is on the LUKS volume %s, and its volume key is not in the "
                                         "user keyring as the logon key %s, which the kernel hands to the capture "
                                         "kernel. Open the volume with cryptsetup open --link-vk-to-keyring "
                                         "'@u::%%logon:%s' (cryptsetup 2.7 or later; in /etc/crypttab: "
                                         "link-volume-key=@u::%%logon:%s), then start again.", name, desc, desc, desc);
        *ret_desc = TAKE_PTR(desc);
        return 0;
}

/* Types first: what is refused is said before anything below the device
 * is looked at.  *ret_crypt_desc: the key name if the table is dm-crypt. */
static int check_dm_types(struct walk *w, const char *name, const char *uuid, const char *table,
                          char **ret_crypt_desc) {
        for (const char *l = table; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                char type[64];
                int r;

                if (sscanf(l, "%*u %*u %63s", type) != 1 || dm_type_known(type))
                        continue;
                if (strcmp(type, "crypt") != 0)
                        return refuse_dm_type(w, name, type);
                if (!*ret_crypt_desc) {
                        r = crypt_key(w, name, uuid, ret_crypt_desc);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The table's lines into the record, devices as "@<id>"; a crypt table's
 * key (whatever the running table has, even the key itself in hex) is
 * replaced by a reference to the key the capture kernel restores. */
static int add_dm_tables(struct walk *w, size_t self, const char *name, const char *table, const char *crypt_desc,
                         const dev_t *slaves, const size_t *idx, size_t n) {
        unsigned lineno = 0;
        int r;

        for (const char *l = table; l && *l;) {
                const char *end = strchr(l, '\n');
                _cleanup_(erase_and_freep) char *line = strndup(l, end ? (size_t) (end - l) : strlen(l)), *params = NULL;
                _cleanup_free_ char *safe = NULL;
                uint64_t start, length;
                char type[64];
                int k = 0;

                l = end ? end + 1 : NULL;
                lineno++;
                if (!line)
                        return -ENOMEM;
                if (!line[0])
                        continue;
                if (sscanf(line, "%" SCNu64 " %" SCNu64 " %63s %n", &start, &length, type, &k) != 3)
                        return set_error_message(w->error, EIO, "cannot read line %u of the table of %s", lineno, name);
                r = rewrite_params(w, name, k ? line + k : "", slaves, idx, n, &params);
                if (r < 0)
                        return r;
                if (strcmp(type, "crypt") == 0) {
                        r = crash_key_table_with(params, crypt_desc, &safe);
                        if (r < 0)
                                return set_error_message(w->error, -r, "cannot read the key field of the dm-crypt "
                                                         "table of %s", name);
                }
                r = storage_stack_add_table(w->s, self, start, length, type, safe ?: params);
                if (r < 0)
                        return r;
        }
        if (w->s->nodes[self].n_tables == 0)
                return set_error_message(w->error, ENODATA, "the device-mapper device %s has no table loaded", name);
        return 0;
}

static int walk_dm(struct walk *w, dev_t dev, const char *dir, const char *kname, unsigned depth, size_t *ret_index) {
        _cleanup_free_ char *name = NULL, *uuid = NULL, *ro = NULL, *id = NULL, *crypt_desc = NULL;
        _cleanup_(erase_and_freep) char *table = NULL;
        _cleanup_free_ dev_t *slaves = NULL;
        _cleanup_free_ size_t *idx = NULL;
        size_t n = 0, self;
        int r;

        if (sysfs_attr(dir, "dm/name", &name) < 0)
                return set_error_message(w->error, EIO, "cannot read the name of %s from %s/dm/name", kname, dir);
        (void) sysfs_attr(dir, "dm/uuid", &uuid);
        r = w->ops->dm_table(dev, &table, w->ops->userdata);
        if (r < 0)
                return set_error_message(w->error, -r, "cannot read the device-mapper table of %s (%s): %s", name,
                                         kname, strerror(-r));
        r = check_dm_types(w, name, uuid, table, &crypt_desc);
        if (r < 0)
                return r;
        if (sysfs_attr(dir, "ro", &ro) >= 0 && strcmp(ro, "1") == 0)
                return refuse(w, "the device %s (%s) is active read-only; the capture kernel would write to it. "
                              "Activate it writable (lvchange -prw) or choose another target.", name, kname);

        r = read_slaves(dir, &slaves, &n);
        if (r < 0)
                return set_error_message(w->error, -r, "cannot list the devices below %s (%s/slaves)", name, dir);
        idx = calloc(n + 1, sizeof(size_t));
        if (!idx)
                return -ENOMEM;
        r = walk_dm_slaves(w, table, slaves, idx, n, depth);
        if (r < 0)
                return r;
        if (asprintf(&id, "n%zu", w->s->n_nodes) < 0)
                return -ENOMEM;
        r = storage_stack_add_dm(w->s, id, kname, name, uuid, &self);
        if (r == -EINVAL)
                return set_error_message(w->error, EINVAL, "the device-mapper name or UUID of %s contains white space", kname);
        if (r < 0)
                return r;
        r = add_dm_tables(w, self, name, table, crypt_desc, slaves, idx, n);
        if (r < 0)
                return r;
        *ret_index = self;
        return 0;
}

static int walk_dev(struct walk *w, dev_t dev, unsigned depth, size_t *ret_index) {
        _cleanup_free_ char *link = NULL, *dir = NULL;
        const char *kname;
        dev_t *p;
        size_t index;
        int r;

        for (size_t i = 0; i < w->s->n_nodes; i++)
                if (w->devs[i] == dev) {
                        *ret_index = i;
                        return 0;
                }
        if (depth > STACK_DEPTH_MAX)
                return set_error_message(w->error, ELOOP, "the storage stack under the dump target is deeper than %u "
                                         "devices", STACK_DEPTH_MAX);
        if (asprintf(&link, "%s/dev/block/%u:%u", w->sysfs, major(dev), minor(dev)) < 0)
                return -ENOMEM;
        dir = realpath(link, NULL);
        if (!dir)
                return set_error_message(w->error, ENOENT, "device %u:%u is not in sysfs (%s)", major(dev), minor(dev),
                                         link);
        kname = strrchr(dir, '/') + 1;

        if (sysfs_has(dir, "dm/name"))
                r = walk_dm(w, dev, dir, kname, depth, &index);
        else if (sysfs_has(dir, "md/level"))
                r = walk_md(w, dev, dir, kname, depth, &index);
        else
                r = walk_leaf(w, dev, dir, kname, &index);
        if (r < 0)
                return r;
        /* nodes only grow at the end: index is the last one added */
        p = reallocarray(w->devs, w->s->n_nodes, sizeof(dev_t));
        if (!p)
                return -ENOMEM;
        w->devs = p;
        w->devs[index] = dev;
        *ret_index = index;
        return 0;
}

int storage_stack_describe(const struct stack_host_ops *ops, dev_t dev, storage_stack **ret, char **ret_error) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_free_ char *link = NULL, *dir = NULL;
        struct walk w = { .ops = ops, .sysfs = ops->sysfs ?: "/sys", .error = ret_error };
        size_t top;
        int r;

        if (asprintf(&link, "%s/dev/block/%u:%u", w.sysfs, major(dev), minor(dev)) < 0)
                return -ENOMEM;
        dir = realpath(link, NULL);
        if (!dir)
                return set_error_message(ret_error, ENOENT, "device %u:%u is not in sysfs (%s)", major(dev), minor(dev),
                                         link);
        /* A disk or partition that nothing is stacked under: no record,
         * but the same refusals for what the capture kernel cannot reach. */
        if (!sysfs_has(dir, "dm/name") && !sysfs_has(dir, "md/level")) {
                r = leaf_refuse(&w, dir, strrchr(dir, '/') + 1);
                if (r < 0)
                        return r;
                *ret = NULL;
                return 0;
        }

        r = storage_stack_new(&s);
        if (r < 0)
                return r;
        w.s = s;
        r = walk_dev(&w, dev, 0, &top);
        free(w.devs);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}
