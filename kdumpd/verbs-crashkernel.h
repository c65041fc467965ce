/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kdumpctl's reservation verbs:
 *
 *   showmem                  the reservation (/proc/iomem, kexec_crash_size)
 *                            and what the command line asked for
 *   estimate                 what the capture environment needs on this
 *                            machine, item by item, beside the reservation
 *   get-default-crashkernel  the recommended crashkernel= value
 *   reset-crashkernel        writes it to /etc/default/grub and/or
 *                            /etc/kernel/cmdline (effective at next boot)
 *
 * They read /proc and /sys only, and write boot loader files only for
 * reset-crashkernel.  Every path can be redirected for tests through the
 * environment (not meant for users): KDUMPD_IOMEM, KDUMPD_SYSFS_KERNEL,
 * KDUMPD_PROC_CMDLINE, KDUMPD_CPU_POSSIBLE, KDUMPD_GRUB_DEFAULTS,
 * KDUMPD_KERNEL_CMDLINE.  With any boot loader path redirected,
 * update-grub is not run. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/kernel-arch.h"

struct crashkernel_paths {
        size_t sz;
        const char *iomem;            /* /proc/iomem */
        const char *sysfs_kernel;     /* /sys/kernel */
        const char *proc_cmdline;     /* /proc/cmdline */
        const char *cpu_possible;     /* /sys/devices/system/cpu/possible */
        const char *grub_defaults;    /* /etc/default/grub */
        const char *kernel_cmdline;   /* /etc/kernel/cmdline */
        const char *state_dir;        /* where the capture initramfs is cached; NULL: KDUMP_STATEDIR */
        const char *kernel;           /* --kernel=PATH; NULL: /boot/vmlinuz-$(uname -r) */
        const char *config;           /* kdump.conf (its capture_cpus); NULL: KDUMP_CONF_PATH */
        bool run_update_grub;         /* after changing /etc/default/grub */
        /* The capture kernel's architecture, for the kernel file's format
         * and the sizing figures; KERNEL_ARCH_NATIVE (0): this build's.
         * Tests set it to size for the other architecture. */
        enum kernel_arch arch;
};

/* Defaults, then the KDUMPD_* environment overrides. */
void crashkernel_paths_init(struct crashkernel_paths *p, const char *config, const char *state_dir, const char *kernel);

int verb_showmem(const struct crashkernel_paths *p, FILE *out);
int verb_estimate(const struct crashkernel_paths *p, FILE *out);
int verb_get_default_crashkernel(const struct crashkernel_paths *p, FILE *out);
int verb_reset_crashkernel(const struct crashkernel_paths *p, FILE *out);

/* The reservation and what the estimate says this machine's capture
 * environment needs (with headroom) and recommends (rounded).  Logs. */
struct crash_reservation;
int crashkernel_needed(const struct crashkernel_paths *p, struct crash_reservation *ret_res, uint64_t *ret_needed,
                       uint64_t *ret_recommended);

/* For kdumpctl's dispatch: true for the four verbs above. */
bool crashkernel_verb_known(const char *verb);
/* Runs one on stdout; logs errors; returns -errno. */
int crashkernel_verb_run(const char *verb, const char *config, const char *state_dir, const char *kernel);
