/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* /etc/kdump.conf: kdump-utils' syntax, one "key value" per line.
 *
 *   ext4 UUID=...          the dump target: <fstype> <device>
 *   path /var/crash        directory on the target
 *   core_collector kdump-collect -l -d 31
 *
 * The parser is pure: it works on text, so that it can be tested on fixture
 * files, and it never logs; a bad line yields -EINVAL and a message that
 * names the file, the line and what would be valid. */

#include <stdbool.h>
#include <stddef.h>

#define KDUMP_CONF_DEFAULT_PATH "/var/crash"
/* lzo (fast) kdump-compressed, without zero, cache, user and free pages:
 * what kdump-utils ships as makedumpfile's default. */
#define KDUMP_CONF_DEFAULT_COLLECTOR "kdump-collect -l -d 31"
/* A sanity bound, not a kernel limit: kdump.conf is a short hand-written file. */
#define KDUMP_CONF_LINE_MAX 4096

typedef struct kdump_config {
        /* Dump target; both NULL when none is configured, which means "the
         * filesystem that holds path on this machine". */
        char *fstype;
        char *device;          /* "/dev/...", "UUID=...", "LABEL=..." */
        unsigned target_line;  /* where it was set, for messages; 0 = default */

        char *path;            /* absolute, on the target */
        char *core_collector;  /* command line, split on white space when run */
        char *loader;          /* "file", "classic", "auto"; NULL = not set (auto) */
} kdump_config;

int kdump_config_parse(const char *text, const char *filename, kdump_config **ret, char **ret_error);
int kdump_config_load(const char *filename, kdump_config **ret, char **ret_error);
kdump_config *kdump_config_free(kdump_config *c);

static inline void kdump_config_freep(kdump_config **c) {
        if (*c)
                kdump_config_free(*c);
}

/* The filesystem types whose capture we support; NULL-terminated. */
extern const char *const kdump_config_fstypes[];

/* Splits core_collector into an argv (NULL-terminated, caller frees with
 * strv_free-like kdump_config_argv_free()). Quoting is not supported: the
 * parser has already refused quotes. */
int kdump_config_collector_argv(const kdump_config *c, char ***ret_argv);
void kdump_config_argv_free(char **argv);
