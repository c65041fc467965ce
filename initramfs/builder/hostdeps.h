/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Which kernel modules a block device needs, read from sysfs: the capture
 * kernel must reach the dump disk without udev or modprobe.
 *
 * From /sys/dev/block/MAJ:MIN the device's real sysfs directory is walked up
 * to /sys/devices, collecting each directory's "modalias" (for the bus
 * drivers that would be autoloaded: virtio:..., pci:..., scsi:t-0x00) and
 * the module behind each "driver" link (driver/module -> .../module/NAME).
 * A partition's directory lies below its disk's, so the walk covers both.
 * Stacked devices (dm, md) are followed through their "slaves" directories.
 * Everything works under another sysfs root, for the tests. */

#include <stddef.h>
#include <sys/types.h>

/* Bounds the walk through slaves/ (dm on md on ...). */
#define HOSTDEPS_DEPTH_MAX 16u

struct hostdeps {
        char **modules;         /* module names from driver/module, NULL-terminated, no duplicates */
        char **modaliases;      /* modalias strings, NULL-terminated, no duplicates */
        size_t n_modules, n_modaliases;
};

void hostdeps_done(struct hostdeps *d);

/* "/dev/vdb" (stat()ed, must be a block device: else -ENOTBLK) or "253:16". */
int hostdeps_parse_device(const char *devnode, dev_t *ret);

/* sysfs_root: NULL for "/sys".  -ENOENT if the device is unknown to sysfs.
 * On success *ret owns its lists (free with hostdeps_done()). */
int hostdeps_for_device(const char *sysfs_root, dev_t devnum, struct hostdeps *ret);

/* The same for a network interface's device (/sys/class/net/IFNAME/device
 * and up): its driver and the bus drivers under it.  -ENOENT for an
 * interface without a device (virtual ones). */
int hostdeps_for_netdev(const char *sysfs_root, const char *ifname, struct hostdeps *ret);

/* The same for a watchdog device ("watchdog0": /sys/class/watchdog/NAME/
 * device and up).  -ENOENT for one registered without a device (softdog,
 * i6300esb). */
int hostdeps_for_watchdog(const char *sysfs_root, const char *name, struct hostdeps *ret);
