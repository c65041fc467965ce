/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where a kernel release's image (and build configuration) is.  Debian up to 12 (and most distributions)
 * install it as /boot/vmlinuz-<release>; Fedora, and Debian's newest kernel
 * packages, ship it only as /usr/lib/modules/<release>/vmlinuz (the
 * kernel-install layout), and kdump-utils looks there too.  kdumpctl start,
 * estimate, the crashkernel verbs, the kernel hooks and kdumpd's watch all
 * ask here, so they agree on one file. */

#include <stddef.h>

/* The places tried, in order: the file the boot loader boots on Debian
 * first, then the kernel-install layout (/lib/modules for systems whose /lib
 * is not merged into /usr). */
#define KERNEL_IMAGE_PLACES "/boot/vmlinuz-<release>, /usr/lib/modules/<release>/vmlinuz, /lib/modules/<release>/vmlinuz"

/* Finds the image of `release` under `root` ("" or NULL for "/").  On
 * success *ret_path is the image's path (without root's prefix); -ENOENT
 * when none of KERNEL_IMAGE_PLACES exists, -EINVAL for a release that is
 * empty or holds '/'. */
int kernel_image_find(const char *root, const char *release, char **ret_path);

/* The kernel's build configuration, found the same way: /boot/config-<release>,
 * then /usr/lib/modules/<release>/config, /lib/modules/<release>/config. */
int kernel_config_find(const char *root, const char *release, char **ret_path);

/* The release a kernel image's path names: "/boot/vmlinuz-6.1.0-56-amd64" and
 * "/usr/lib/modules/6.1.0-56-amd64/vmlinuz" give "6.1.0-56-amd64", written
 * into buf; NULL when the path is in neither form. */
const char *kernel_image_release(const char *path, char *buf, size_t size);
