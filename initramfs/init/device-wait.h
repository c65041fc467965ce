/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Finds the block device a spec names: "/dev/vdb", "UUID=...", "LABEL=...".
 * Without udev there are no /dev/disk/by-* links, so UUID and LABEL are
 * found by probing each device in /sys/class/block with libblkid. */

/* One attempt: 0 and the device node, or -ENODEV if not (yet) there. */
int device_find(const char *spec, char **ret_devnode);

/* Retries until found or timeout_ms passes, calling progress every ~5 s. */
int device_wait(const char *spec, unsigned timeout_ms, void (*progress)(const char *spec, unsigned waited_ms),
                char **ret_devnode);

/* Whether devnode is what spec names: 1 yes, 0 no ("/dev/..." specs are
 * taken as they are).  For the top of a recreated storage stack, whose
 * legs (a raid1's images) carry the same filesystem UUID. */
int device_matches(const char *devnode, const char *spec);
