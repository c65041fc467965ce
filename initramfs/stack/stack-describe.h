/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Describing the storage stack under a block device on the running system,
 * for the capture kernel to recreate (storage-stack.h).  From
 * /sys/dev/block/MAJ:MIN the walk goes down through dm/ and md/ devices and
 * their slaves/ to the disks, reading each device-mapper table and each
 * disk's identity through the caller's ops (libdevmapper and blkid in
 * production, fixtures in the tests).
 *
 * A LUKS volume is recorded with a reference to the key the kernel hands
 * to the capture kernel (crash-keys.h), never with a key.  What the capture
 * kernel could not reproduce, or could only reproduce by writing where it
 * would do harm, is refused here, at "kdumpctl start", with the reason:
 * dm-crypt without the kernel's key hand-over or the key in the keyring, snapshots
 * and their origins, a partially activated VG (error targets), read-only
 * devices, multipath, unknown target types, loop, nbd, iSCSI and RAM disks.
 */

#include <stddef.h>
#include <sys/types.h>

#include "initramfs/stack/storage-stack.h"

/* Bounds the walk (dm on md on dm ...). */
#define STACK_DEPTH_MAX 16u

/* Where a kernel with CONFIG_CRASH_DM_CRYPT (6.16+) takes the keys of
 * dm-crypt volumes for the capture kernel. */
#define CRASH_DM_CRYPT_KEYS_DIR "/sys/kernel/config/crash_dm_crypt_keys"

struct stack_host_ops {
        size_t sz;
        const char *sysfs;              /* NULL: "/sys" */
        const char *crash_dm_crypt_dir; /* NULL: CRASH_DM_CRYPT_KEYS_DIR */
        /* The live table of a dm device as "dmsetup table" prints it: a
         * line "<start> <length> <type> <parameters>" per target. */
        int (*dm_table)(dev_t dev, char **ret_table, void *userdata);
        /* A blkid value of the device (TYPE, UUID, UUID_SUB,
         * PART_ENTRY_UUID); -ENOENT when it has none. */
        int (*probe)(dev_t dev, const char *tag, char **ret_value, void *userdata);
        /* 1 if the user keyring has a logon key of that description. */
        int (*key_present)(const char *description, void *userdata);
        void *userdata;
};

/* 0 and *ret = NULL: the device is a disk or partition, no stack.  0 and a
 * record: the stack, bottom-up, with the device itself last.
 * -EOPNOTSUPP (refused), -ENOENT (not in sysfs), -ELOOP (too deep), with
 * *ret_error saying which device and why, and what to do instead. */
int storage_stack_describe(const struct stack_host_ops *ops, dev_t dev, storage_stack **ret, char **ret_error);

/* ops for this system: libdevmapper for the tables, blkid for identities. */
extern const struct stack_host_ops stack_host_ops_system;
