/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The dump target as the capture kernel will see it: a filesystem type, a
 * device spec it can find without udev, and a directory on that filesystem.
 * Resolved on the running system when the capture initramfs is built. */

#include "config/kdump-conf.h"
#include "initramfs/stack/storage-stack.h"

typedef struct dump_target {
        char *fstype;     /* "ext4", "xfs" */
        char *spec;       /* "UUID=...", "LABEL=...", "/dev/..." */
        char *devnode;    /* the device on this system, e.g. "/dev/vdb" */
        char *path;       /* directory relative to the target's root */
        storage_stack *stack;   /* dm/md under devnode, NULL for a disk or partition */
        char *stack_summary;    /* "LV vg0/crash on md0 (raid1: vdc, vdd)", or NULL */
} dump_target;

dump_target *dump_target_free(dump_target *t);
static inline void dump_target_freep(dump_target **t) {
        if (*t)
                dump_target_free(*t);
}

/* -ENODEV with a message when the configured device is not there;
 * -EOPNOTSUPP when the default target's filesystem is not one we support,
 * or the storage stack under it is one the capture kernel cannot recreate
 * (stack-describe.h: dm-crypt, snapshots, multipath, loop, ...). */
int dump_target_resolve(const kdump_config *c, dump_target **ret, char **ret_error);

/* For failure_action dump_to_rootfs: the root filesystem, with c->path on
 * it.  -EOPNOTSUPP when / is on a filesystem kdumpd cannot write to. */
int dump_target_resolve_rootfs(const kdump_config *c, dump_target **ret, char **ret_error);

/* "ext4 UUID=...:/var/crash on LV vg0/crash on md0 (raid1: vdc, vdd)": the
 * target as status shows it. */
int dump_target_describe(const dump_target *t, char **ret);

/* Pure: finds the mount that holds st_dev "maj:min" in a mountinfo text
 * (proc_pid_mountinfo(5)); returns its mount point, source and fstype. */
int mountinfo_find_dev(const char *mountinfo, unsigned major, unsigned minor,
                       char **ret_mountpoint, char **ret_source, char **ret_fstype);
