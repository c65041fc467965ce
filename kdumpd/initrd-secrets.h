/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Secrets the capture kernel needs (the SSH target's private key) never go
 * into the initramfs file under /var/lib/kdumpd, which backups, package
 * tools and other readers of the disk see.  At load, kdumpctl hands the
 * kernel the file followed by a second archive built in memory (a memfd)
 * with the secrets; the kernel unpacks both, one after the other, into the
 * capture kernel's rootfs (the initramfs buffer format allows concatenated
 * archives, each starting 4-byte aligned).  The copy lives only in the
 * crash reservation.
 */

#include <stddef.h>
#include <sys/types.h>

struct initrd_secret {
        const char *src;        /* the file on this system */
        const char *dest;       /* where the capture kernel finds it */
};

/* A memfd holding image + the secrets' archive (files 0600, their
 * directories 0700); *ret_path is "/proc/self/fd/<n>", for a loader that
 * opens a path.  Closing the fd frees it. */
int initrd_with_secrets(const char *image, const struct initrd_secret *secrets, size_t n, int *ret_fd,
                        char **ret_path);
