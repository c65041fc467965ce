/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* One dump directory against the SHA256SUMS the capture wrote next to it:
 * what `kdumpctl verify` prints file by file, `kdumpctl list --verify`
 * sums up in a column, and kdumpd checks once when it records a new dump.
 * The full check reads every file it names whole (seal/'s sha256_fd()) and
 * remembers what it found in a verify_record; the quick state a plain
 * `kdumpctl list` shows reads no dump data: stat() and that record.
 * Nothing is logged here. */

#include <stddef.h>

#include "kdumpd/catalog.h"
#include "kdumpd/verify-record.h"
#include "seal/sha256-manifest.h"

enum dump_files_state {
        DUMP_FILES_OK,          /* every file matched, and none changed since */
        DUMP_FILES_CHANGED,     /* a file is missing, did not match, or is not what matched */
        DUMP_FILES_UNCHECKED,   /* not checked in the state the files are in now */
        DUMP_FILES_NO_SUMS,     /* no SHA256SUMS */
        DUMP_FILES_UNREADABLE,  /* SHA256SUMS or the directory cannot be read */
};

/* "ok", "CHANGED", "unchecked", "no-sums", "unreadable" */
const char *dump_files_state_to_string(enum dump_files_state s);

/* Checks the files e's SHA256SUMS names; one result each, in the
 * manifest's order (their names are the manifest's: *ret_manifest keeps
 * them).  Each file whose state did not change while it was read goes into
 * record (NULL: none).  Returns how many are not OK; -ENOENT without a
 * SHA256SUMS; another -errno with *ret_error saying why (a bad line, an
 * unreadable directory). */
int dump_manifest_check(const struct dump_entry *e, verify_record *record, sha256_manifest **ret_manifest,
                        struct sha256_check_result **ret, size_t *ret_n, char **ret_error);

/* The full check's outcome as a state: ok, CHANGED, no-sums, unreadable. */
enum dump_files_state dump_files_state_from_check(int r);

/* e's state from stat() and record alone (NULL: nothing checked yet). */
enum dump_files_state dump_manifest_quick(const struct dump_entry *e, const verify_record *record);

/* The full check, summed up for a message: the state, and "; its 2 files
 * match SHA256SUMS", "; 1 of its 2 files do NOT match SHA256SUMS
 * (vmcore: FAILED; ...)" or "; its files cannot be checked: why" in
 * *ret_note (NULL without a manifest, or out of memory). */
enum dump_files_state dump_manifest_check_summary(const struct dump_entry *e, verify_record *record, char **ret_note);
