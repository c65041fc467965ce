/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Recreating a described storage stack in the capture kernel, bottom-up:
 * the disks are found by their blkid identity (waiting, bounded, for them
 * to appear), md arrays are assembled from the members found with the md
 * ioctls (degraded when a member is missing and the level allows it), and
 * the device-mapper tables are loaded through the dm ioctls (dm-ioctl.h)
 * with each "@<id>" replaced by the device number it has in this kernel.
 *
 * Devices that already exist (a second pass for failure_action
 * dump_to_rootfs over the same volume group) are used as they are.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "initramfs/stack/storage-stack.h"

enum stack_event_level {
        STACK_EVENT_INFO,
        STACK_EVENT_WARNING,
};

struct stack_activate_opts {
        size_t sz;
        unsigned timeout_ms;            /* for the disks to appear; 0: 90 s */
        unsigned member_grace_ms;       /* for a missing md member once the array could run; 0: 10 s */
        const char *sysfs;              /* NULL: /sys */
        const char *dev;                /* NULL: /dev */
        const char *dm_control;         /* NULL: /dev/mapper/control */
        const char *crash_keys_dir;     /* NULL: configfs' crash_dm_crypt_keys, mounted when needed */
        /* What a person watching the console should know (a member missing,
         * an array degraded, progress while waiting). */
        void (*event)(enum stack_event_level level, const char *message, void *userdata);
        void *userdata;
};

/* *ret_top gets the device node of the top device ("/dev/dm-4").  On
 * failure *ret_error says which device is missing or which step failed. */
int storage_stack_activate(const storage_stack *s, const struct stack_activate_opts *opts, char **ret_top,
                           char **ret_error);

/* Pure: the table parameters with every "@<id>" replaced by "MAJ:MIN" of
 * that node in devs[] (indexed like s->nodes).  -ENOENT for an unknown id,
 * -ENODEV for a node with no device (devs[i] == 0). */
int stack_params_resolve(const storage_stack *s, const dev_t *devs, const char *params, char **ret);

/* Pure: whether md node i can run with the members found (found[k] for
 * member k): raid1 with one, raid4/5 missing one, raid6 missing two, raid10
 * missing at most half, raid0 and linear with all. */
bool stack_md_can_run(const struct stack_node *md, const bool *found);
