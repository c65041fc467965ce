/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kdumpctl's catalog verbs, after coredumpctl:
 *
 *   list [--json] [--verify]
 *                   one row per saved dump: time, kernel, size, complete,
 *                   whether its files still match SHA256SUMS, panic
 *   info ID         everything known about one dump, and the crash(8) command
 *   dmesg ID        the crashed kernel's log
 *
 * ID: the row number of "list" (1 = oldest), the directory name or a unique
 * prefix of it, or "last".  The dumps are looked for under --dump-dir, else
 * where the configured target's path is on this system. */

#include <stdbool.h>
#include <stdio.h>

#include "kdumpd/catalog.h"
#include "kdumpd/verify-record.h"

struct catalog_verb_opts {
        size_t sz;
        const char *config_path;   /* NULL: KDUMP_CONF_PATH */
        const char *dump_dir;      /* NULL: from the configuration */
        bool json;
        const char *identity;      /* decrypt, info, dmesg of a sealed dump: the age identity file */
        const char *output;        /* decrypt: where the dump goes; NULL: vmcore in its directory */
        bool verify;               /* list: check every dump against its SHA256SUMS (reads them whole) */
        const char *state_dir;     /* where what checks found is kept (verify-record.h); NULL: KDUMP_STATEDIR */
};

bool catalog_verb_known(const char *verb);

/* kdump-age, which opens sealed files: the installed one, or $KDUMPD_AGE
 * (a build tree's). */
const char *catalog_age_program(void);

/* The dumps where o says, and one of them by ID; both log their errors. */
int catalog_open(const struct catalog_verb_opts *o, char **ret_dir, dump_catalog **ret);
int catalog_find(const dump_catalog *c, const char *dir, const char *id, const struct dump_entry **ret);

/* What full checks found (verify-record.h), from o's state directory: an
 * empty record when it cannot be read (another user's list).  Saved back
 * after a full check; a failure to save only costs a later check, and is
 * said at debug level. */
int catalog_verify_record_load(const struct catalog_verb_opts *o, verify_record **ret);
void catalog_verify_record_save(const struct catalog_verb_opts *o, const verify_record *v);
/* args: the verb's arguments (after the verb).  Logs errors; returns -errno. */
int catalog_verb_run(const char *verb, const struct catalog_verb_opts *o, char *const *args, int n_args, FILE *out);
