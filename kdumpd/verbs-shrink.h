/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kdumpctl shrink-crashkernel [SIZE]: gives the part of the crash
 * reservation above SIZE (default: this machine's recommendation, as
 * get-default-crashkernel computes it) back to the running system, through
 * kexec_crash_size.  The kernel shrinks only while no capture kernel is
 * loaded, so a loaded one is unloaded first (through systemd when kdumpd
 * runs) and loaded again after; if that reload fails, it says loudly that
 * the machine is not protected.  Effective until the next boot. */

#include <stdbool.h>
#include <stdio.h>

#include "kdumpd/capture-load.h"
#include "kdumpd/verbs-crashkernel.h"

struct shrink_verb_opts {
        size_t sz;
        const char *size;             /* "160M", or NULL for the recommendation */
        bool force;                   /* below what the estimate needs, or 0 */
};

/* Logs errors; returns -errno. */
int verb_shrink_crashkernel(const struct crashkernel_paths *p, const struct capture_settings *s,
                            const struct shrink_verb_opts *o, FILE *out);
