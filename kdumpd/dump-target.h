/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The dump target as the capture kernel will see it: a filesystem type, a
 * device spec it can find without udev, and a directory on that filesystem.
 * Resolved on the running system when the capture initramfs is built. */

#include "config/kdump-conf.h"
#include "initramfs/net/net-record.h"
#include "initramfs/stack/storage-stack.h"

typedef struct dump_target {
        char *fstype;     /* "ext4", "xfs", "nfs", "ssh" */
        char *spec;       /* "UUID=...", "LABEL=...", "/dev/..."; nfs: "192.168.77.1:/srv/crash" (numeric);
                           * ssh: "root@192.168.77.1" (numeric, IPv6 in brackets) */
        char *devnode;    /* the device on this system, e.g. "/dev/vdb"; virtiofs: NULL */
        char *path;       /* directory relative to the target's root */
        char *options;    /* mount options in the capture kernel ("subvol=/@crash"), or NULL */
        storage_stack *stack;   /* dm/md under devnode, NULL for a disk or partition */
        char *stack_summary;    /* "LV vg0/crash on md0 (raid1: vdc, vdd)", or NULL */
        /* nfs, ssh: the way to the server (initramfs/net/net-record.h),
         * the server as configured; nfs: the export; ssh: the user, the
         * key, and the server's host keys under its address (known_hosts) */
        net_record *net;
        char *server_name, *export;
        char *user, *sshkey, *known_hosts;
        unsigned n_host_keys;
} dump_target;

dump_target *dump_target_free(dump_target *t);
static inline void dump_target_freep(dump_target **t) {
        if (*t)
                dump_target_free(*t);
}

/* -ENODEV with a message when the configured device is not there; for nfs
 * and ssh,
 * -EADDRNOTAVAIL when the server's name does not resolve, -EHOSTUNREACH or
 * -EOPNOTSUPP (net-describe.h) when the capture kernel could not reach it;
 * -EOPNOTSUPP when the default target's filesystem is not one we support,
 * or the storage stack under it is one the capture kernel cannot recreate
 * (stack-describe.h: dm-crypt, snapshots, multipath, loop, ...).  For ssh,
 * the server's host keys are looked up (ssh-target.h); none is not an
 * error here (the check says what to do). */
int dump_target_resolve(const kdump_config *c, dump_target **ret, char **ret_error);

/* For failure_action dump_to_rootfs: the root filesystem, with c->path on
 * it.  -EOPNOTSUPP when / is on a filesystem kdumpd cannot write to. */
int dump_target_resolve_rootfs(const kdump_config *c, dump_target **ret, char **ret_error);

/* "ext4 UUID=...:/var/crash on LV vg0/crash on md0 (raid1: vdc, vdd)": the
 * target as status shows it. */
int dump_target_describe(const dump_target *t, char **ret);

/* One line of mountinfo. */
struct mount_entry {
        char *mountpoint, *root, *fstype, *source, *super_options;
};
void mount_entry_done(struct mount_entry *e);

/* Pure: the mount a path is on, as findmnt --target finds it: the longest
 * mount point above it (the last of equal ones).  Device numbers would not
 * do: btrfs gives each subvolume its own st_dev, which mountinfo does not
 * show.  -ENOENT if none. */
int mountinfo_find_path(const char *mountinfo, const char *path, struct mount_entry *ret);

/* The mount of a filesystem's root from a source: a device node (compared
 * after resolving the line's symlinks, so pass a realpath()) or a virtiofs
 * tag.  -ENOENT if none; the last one if several. */
int mountinfo_find_source(const char *mountinfo, const char *source, struct mount_entry *ret);

/* Pure: where path (under e's mount point) is on the filesystem, for the
 * capture kernel, which mounts the filesystem's root, or for btrfs the
 * subvolume the running system mounts (*ret_subvol, else NULL): a bind
 * mount's root and a subvolume are accounted for. */
int mount_entry_target_path(const struct mount_entry *e, const char *path, char **ret_path, char **ret_subvol);
