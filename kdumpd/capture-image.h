/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The capture initramfs for one kernel release, cached under the state
 * directory and rebuilt only when one of its inputs changed: the
 * configuration, the kernel, its modules, or the programs that go in. */

#include <stdbool.h>
#include <stdint.h>

#include "config/kdump-conf.h"
#include "kdumpd/dump-target.h"

struct capture_image_opts {
        size_t sz;
        const char *kernel_release;
        const char *kernel_image;     /* /boot/vmlinuz-<release> */
        const char *modules_dir;      /* /lib/modules/<release> */
        const char *state_dir;        /* KDUMP_STATEDIR */
        const char *init_program;     /* kdump-init */
        const char *collect_program;  /* kdump-collect */
        const char *stack_program;    /* kdump-stack: added when a target is on dm or md */
        const char *net_program;      /* kdump-net: added for a network target */
        const char *dhcp_program;     /* busybox, added as udhcpc for a network target; NULL: none */
        const char *watchdog_record;  /* CAPTURE_WATCHDOG's text (watchdog-record.h); NULL: no watchdog runs */
        char *const *watchdogs;       /* the running watchdogs ("watchdog0"), NULL-terminated: their devices' drivers */
        char *const *watchdog_modules; /* and watchdog drivers by name (a class device without a device), NULL-terminated */
        bool force_rebuild;
        const dump_target *rootfs;    /* failure_action dump_to_rootfs: the root filesystem; else NULL */
};

struct capture_image {
        char *path;                   /* the initramfs file */
        uint64_t size;                /* its size */
        bool rebuilt;                 /* false: the cached one was up to date */
        unsigned n_modules;
        char *summary;                /* human summary from the builder, may be NULL */
};

void capture_image_done(struct capture_image *img);

/* The capture.conf text that goes in: kdump.conf syntax with the target
 * resolved.  Pure. */
int capture_conf_render(const kdump_config *c, const dump_target *t, char **ret);

/* The rootfs.conf for failure_action dump_to_rootfs: the root filesystem
 * as a target, the same path and core_collector.  Pure. */
int capture_rootfs_conf_render(const kdump_config *c, const dump_target *rootfs, char **ret);

/* Pure: whether a kdump-collect command line asks for snappy (-p, also in a
 * cluster of short options as getopt reads it: "-Ep", "-pd31"; not the
 * value of -d or of a long option).  kdump-collect opens
 * libsnappy with dlopen(), so the builder adds it only then. */
bool capture_collector_needs_snappy(char *const *argv);

/* ret_error gets a message for errors a user can fix (a missing module,
 * program or library). */
int capture_image_ensure(const struct capture_image_opts *opts, const kdump_config *c, const dump_target *t,
                         struct capture_image *ret, char **ret_error);

/* The fingerprint capture_image_ensure() compares with the cached one:
 * everything the image depends on, as text (equal text, equal image).
 * Reads the inputs (the programs, kernel and modules.dep are stat()ed)
 * but writes nothing. */
int capture_image_fingerprint(const struct capture_image_opts *opts, const kdump_config *c, const dump_target *t,
                              char **ret, char **ret_error);

/* Where the cached capture initramfs of a release is: <state_dir>/
 * initramfs-<release>.img (malloc'ed). */
int capture_image_path(const char *state_dir, const char *kernel_release, char **ret);

/* Forgets the cached capture initramfs of a release in state_dir: its
 * image, the fingerprint of its inputs, the image's notes and leftovers of
 * a build; nothing else (another release's cache, a dump).  Returns how
 * many files went (0: none was there, also without state_dir);
 * ret_removed, if not NULL, gets their paths.  -EINVAL for a release that
 * is not a file name.  A file that cannot be removed does not keep the
 * others; the first such is named in ret_error. */
int capture_image_forget(const char *state_dir, const char *kernel_release, char ***ret_removed, char **ret_error);
