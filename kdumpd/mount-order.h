/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Which mount kdumpd.service must come after, so that the dump target is
 * mounted when kdumpd starts (it lists and records the dumps on it):
 * kdumpd-generator writes After= and Wants= on that mount unit.  Wants=, not
 * Requires=: a target that fails to mount must not stop the capture kernel
 * from being loaded (the capture kernel mounts the device itself).
 *
 * Pure: fstab and the configuration are given as text and parsed values.
 *
 *  - "<fstype> <device>": the /etc/fstab entry whose source is that device,
 *    compared as written (LABEL=, UUID=, PARTLABEL=, PARTUUID= or a path),
 *    with LABEL=x equal to /dev/disk/by-label/x and so on (UUIDs ignoring
 *    case).  Generators run before devices are probed, so no blkid here.
 *  - no device (the dump goes to path on this machine), and raw (saved to
 *    path): the entry with the longest mount point that holds path, other
 *    than "/".
 * Entries with noauto, swap and mount point "none" are skipped: nothing
 * mounts them at boot. */

#include "config/kdump-conf.h"

/* Sanity bound for one fstab line's field. */
#define FSTAB_FIELD_MAX 4096u

/* Returns 1 with *ret_where = the mount point, 0 when no entry applies,
 * -ENOMEM. */
int dump_target_mount_point(const kdump_config *c, const char *fstab, char **ret_where);

/* The mount unit name of a mount point, as systemd-escape --path --suffix=mount
 * makes it (unit_name_from_path()): "/" is "-.mount", "/var/crash"
 * "var-crash.mount"; "-", a leading "." and bytes outside [A-Za-z0-9:_.]
 * become \xNN.  -EINVAL for a relative path or one with "." or ".."
 * components. */
int mount_unit_from_path(const char *where, char **ret);

/* The drop-in kdumpd-generator writes for that unit. */
int mount_order_dropin(const char *unit, char **ret);

/* The drop-in for a network target (nfs): after network-online.target. */
int network_order_dropin(char **ret);
