/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Creating device-mapper devices in the capture kernel through the kernel's
 * own interface (/dev/mapper/control, linux/dm-ioctl.h): DM_DEV_CREATE,
 * DM_TABLE_LOAD, DM_DEV_SUSPEND (resume).  Written here instead of calling
 * libdevmapper because in the capture initramfs that library and what it
 * pulls in (libselinux, libpcre2, libudev, libm) are 2.3 MB of memory the
 * crash reservation would have to hold, for three ioctls; the running
 * system still reads its tables through libdevmapper (stack-host.c).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct dm_ioctl_target {
        uint64_t start, length;         /* 512-byte sectors */
        const char *type;
        const char *params;             /* devices as MAJ:MIN */
};

/* Pure: the DM_TABLE_LOAD argument for device `name`: struct dm_ioctl,
 * then per target a struct dm_target_spec and its NUL-terminated
 * parameters, each padded to 8 bytes.  -EINVAL for a name or type too long
 * for the kernel's fields. */
int dm_ioctl_table_buffer(const char *name, const struct dm_ioctl_target *t, size_t n, void **ret, size_t *ret_size);

/* Creates, loads and resumes; *ret_dev gets the new device's number.  The
 * half-made device is removed again on failure.  control: NULL for
 * /dev/mapper/control (made from sysfs' misc device when missing). */
int dm_ioctl_create(const char *control, const char *name, const char *uuid, const struct dm_ioctl_target *t, size_t n,
                    dev_t *ret_dev);

/* The device called name: 0 and its number, -ENXIO when there is none. */
int dm_ioctl_lookup(const char *control, const char *name, dev_t *ret_dev);
