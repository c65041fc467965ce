/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The capture initramfs built by dracut (kdump.conf: initramfs_builder
 * dracut), for systems whose storage or network needs dracut's modules, or
 * whose admins want dracut's resolution.  kdumpd builds its own image first
 * without kernel modules (the stage), then runs dracut with kdumpd's module
 * alone (initramfs/dracut/99kdumpd): host-only for the target's devices,
 * the modules kdumpd's resolver named, and the stage unpacked over it, so
 * /init is kdumpd's own either way and the cache, fingerprint and rebuild
 * logic are the same for both builders. */

#include <stdbool.h>
#include <stddef.h>

struct capture_dracut_opts {
        size_t sz;                    /* sizeof(struct capture_dracut_opts) */
        const char *program;          /* dracut; NULL: "dracut" from PATH */
        const char *kernel_release;
        const char *modules_dir;      /* given as --kmoddir unless it is /lib/modules/<release>; NULL: default */
        const char *stage;            /* kdumpd's image without modules (KDUMPD_DRACUT_STAGE) */
        char *const *drivers;         /* module names for --add-drivers; NULL: none */
        char *const *devices;         /* the targets' block devices for --add-device; NULL: none */
        bool zstd;                    /* --compress zstd, else --no-compress */
        char *const *extra_args;      /* kdump.conf's dracut_args; NULL: none */
        const char *output;
};

/* Pure: dracut's command line (the stage goes in the environment). */
int capture_dracut_argv(const struct capture_dracut_opts *o, char ***ret);

/* Runs dracut, bounded (CAPTURE_DRACUT_TIMEOUT_S).  On failure ret_error
 * says what to do, with the end of dracut's output. */
#define CAPTURE_DRACUT_TIMEOUT_S 600
int capture_dracut_run(const struct capture_dracut_opts *o, char **ret_error);
