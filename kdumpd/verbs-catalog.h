/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kdumpctl's catalog verbs, after coredumpctl:
 *
 *   list [--json]   one row per saved dump: time, kernel, size, complete, panic
 *   info ID         everything known about one dump, and the crash(8) command
 *   dmesg ID        the crashed kernel's log
 *
 * ID: the row number of "list" (1 = oldest), the directory name or a unique
 * prefix of it, or "last".  The dumps are looked for under --dump-dir, else
 * where the configured target's path is on this system. */

#include <stdbool.h>
#include <stdio.h>

struct catalog_verb_opts {
        size_t sz;
        const char *config_path;   /* NULL: KDUMP_CONF_PATH */
        const char *dump_dir;      /* NULL: from the configuration */
        bool json;
};

bool catalog_verb_known(const char *verb);
/* args: the verb's arguments (after the verb).  Logs errors; returns -errno. */
int catalog_verb_run(const char *verb, const struct catalog_verb_opts *o, char *const *args, int n_args, FILE *out);
