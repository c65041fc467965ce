/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The storage stack under a dump target: the device-mapper devices (LVM
 * LVs, thin pools, dm-raid) and md arrays between the filesystem and the
 * disks, described on the running system when the capture initramfs is
 * built, and recreated by the capture kernel before it mounts the target.
 *
 * Nothing in the record names a device by major:minor or kernel name, which
 * can differ in the second kernel: the disks at the bottom ("leaves") are
 * found by a blkid identity (an md member's UUID_SUB, an LVM PV's UUID, a
 * partition's PARTUUID), md arrays are assembled from their members, and
 * device-mapper tables refer to the devices below them as "@<id>", replaced
 * by the capture kernel's major:minor when the table is loaded.
 *
 * The record is text, one device a line, bottom-up (a device's line comes
 * after the lines of every device below it; the last device holds the
 * filesystem):
 *
 *   leaf n0 vdc UUID_SUB=3f0c...
 *   leaf n1 vdd UUID_SUB=9a1b...
 *   md n2 md0 level=raid1 metadata=1.2 raid_disks=2 uuid=5d6e... members=n0,n1
 *   leaf n3 vde UUID=Xc3r-...
 *   dm n4 dm-0 name=vg0-crash uuid=LVM-...
 *   table n4 0 2097152 linear @n2 2048
 *   table n4 2097152 1048576 linear @n3 2048
 *
 * The third word is the kernel name on the system that built the record,
 * for messages only.  This file is the model and its text: pure.
 */

#include <stddef.h>
#include <stdint.h>

enum stack_kind {
        STACK_LEAF,
        STACK_MD,
        STACK_DM,
};

struct stack_table {
        uint64_t start, length;         /* in 512-byte sectors */
        char *type;                     /* "linear", "striped", "thin-pool", ... */
        char *params;                   /* devices as "@<id>" */
};

struct stack_node {
        enum stack_kind kind;
        char *id;                       /* "n0", unique within the record */
        char *kname;                    /* "vdc", "md0", "dm-3" where it was built */

        /* STACK_LEAF: the blkid tag and value that identify it */
        char *tag, *value;

        /* STACK_MD */
        char *level, *metadata, *md_uuid;
        unsigned raid_disks;
        size_t *members;                /* indexes of member nodes */
        size_t n_members;

        /* STACK_DM */
        char *dm_name, *dm_uuid;
        struct stack_table *tables;
        size_t n_tables;
        size_t *below;                  /* indexes of the nodes its tables use */
        size_t n_below;
};

typedef struct storage_stack {
        struct stack_node *nodes;       /* bottom-up; the last is the top */
        size_t n_nodes;
} storage_stack;

storage_stack *storage_stack_free(storage_stack *s);
static inline void storage_stack_freep(storage_stack **s) {
        if (*s)
                storage_stack_free(*s);
}

/* Building a record: the node is appended (its fields copied); ret_index
 * gets its position.  -EEXIST for a duplicate id. */
int storage_stack_new(storage_stack **ret);
int storage_stack_add_leaf(storage_stack *s, const char *id, const char *kname, const char *tag, const char *value,
                           size_t *ret_index);
int storage_stack_add_md(storage_stack *s, const char *id, const char *kname, const char *level, const char *metadata,
                         unsigned raid_disks, const char *md_uuid, const size_t *members, size_t n_members,
                         size_t *ret_index);
int storage_stack_add_dm(storage_stack *s, const char *id, const char *kname, const char *dm_name, const char *dm_uuid,
                         size_t *ret_index);
/* Appends a table line to dm node `index`; "@<id>" in params must name
 * nodes already in the record (-ENOENT otherwise). */
int storage_stack_add_table(storage_stack *s, size_t index, uint64_t start, uint64_t length, const char *type,
                            const char *params);

int storage_stack_find(const storage_stack *s, const char *id, size_t *ret_index);

/* Pure: the words of a table's parameters, each replaced by what map()
 * returns in *ret (kept when it leaves *ret NULL); map()'s error stops it. */
int stack_params_map(const char *params, int (*map)(const char *word, char **ret, void *userdata), void *userdata,
                     char **ret);

/* The record's text (format above). */
int storage_stack_render(const storage_stack *s, char **ret);

/* Parses a record.  -EINVAL for a malformed one, with *ret_error naming the
 * line and what is wrong; an empty record is -ENODATA. */
int storage_stack_parse(const char *text, storage_stack **ret, char **ret_error);

/* One line for people: "LV vg0/crash on md0 (raid1: vdc, vdd) + vde". */
int storage_stack_summary(const storage_stack *s, char **ret);

/* The kernel names of its devices on the system that built it, separated
 * by spaces ("vdc vdd md0 vde dm-0"): kdumpd reloads when one of them
 * changes (a table loaded by lvextend or pvmove, an md member replaced). */
int storage_stack_device_names(const storage_stack *s, char **ret);

/* The kernel modules the capture kernel needs to recreate the stack (dm_mod
 * and the target types' modules, md_mod and the RAID personalities), as a
 * NULL-terminated list of names libkmod resolves. */
int storage_stack_modules(const storage_stack *s, char ***ret);

/* Module aliases that may or may not exist on a kernel (built in, or in a
 * module): the crypto a dm-crypt table names ("aes-xts-plain64":
 * crypto-aes, crypto-xts), which the capture kernel cannot request itself
 * (no modprobe there). */
int storage_stack_optional_modules(const storage_stack *s, char ***ret);

/* A list made from the dm-crypt tables' parameters: each() adds to it. */
int storage_stack_collect_crypt(const storage_stack *s, int (*each)(const char *params, char ***v, size_t *n),
                                char ***ret);

/* LVM's dm names are "<vg>-<lv>" with '-' inside either doubled: splits one
 * into "vg/lv".  -EINVAL if it is not of that form. */
int lvm_dm_name_split(const char *dm_name, char **ret_vg_lv);
