/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The capture kernel's command line, derived from the running kernel's.
 *
 * Dropped: parameters that describe the first boot (root=, resume=, init=,
 * BOOT_IMAGE=, initrd=, crashkernel=, ...) or that would break a kernel
 * running in a small reservation (hugepages=, cma=, nr_cpus=, ...).
 * Added: what a capture kernel needs (irqpoll nr_cpus=1 reset_devices ...),
 * as kdump-utils gives it on each architecture (x86_64, aarch64). */

#include <stddef.h>

#include "basic/kernel-arch.h"

/* x86's COMMAND_LINE_SIZE.  kexec_file_load prepends "elfcorehdr=0x%lx "
 * (arch/x86/kernel/kexec-bzimage64.c setup_cmdline()), up to 30 bytes, and
 * counts the NUL. */
#define CAPTURE_CMDLINE_MAX 2048u
#define CAPTURE_CMDLINE_ELFCOREHDR_RESERVE 30u

struct capture_cmdline_opts {
        size_t sz;
        const char *extra;          /* appended verbatim (user's additions) */
        int disable_cpu_apicid;     /* the boot CPU's APIC id, or -1 (x86 only: ignored on arm64) */
        enum kernel_arch arch;      /* whose parameter list; 0 (NATIVE): the build's */
        unsigned nr_cpus;           /* the capture kernel's CPUs (kdump.conf capture_cpus); 0: 1 */
};

/* Pure: from the running command line (as in /proc/cmdline) to the capture
 * kernel's.  -E2BIG when the result would not fit. */
int capture_cmdline_build(const char *running, const struct capture_cmdline_opts *opts, char **ret);
