/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the last full check of a dump's files found, by the state each file
 * was in when it was read, so that a plain `kdumpctl list` can mark a dump
 * whose files no longer match without reading it again (git's index and
 * rsync make the same bet): a file is known good only while its device,
 * inode, size, mtime and ctime are what they were when its bytes matched
 * SHA256SUMS.  Anything else is unknown, except that a file that claims
 * the same digest at another size has certainly changed.
 *
 * The record is <state_dir>/verified (0600), a line a file, the newest
 * last, at most VERIFY_RECORD_MAX:
 *   <64 hex digest> ok|bad <dev> <ino> <size> <mtime ns> <ctime ns> <path>
 * The path is for a reader of the file; lookups go by the rest.  Writers:
 * kdumpctl verify, list --verify, and kdumpd when it records a new dump. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "seal/sha256-manifest.h"

#define VERIFY_RECORD_FILE "verified"
#define VERIFY_RECORD_MAX 4096

struct verify_key {
        uint64_t dev, ino, size;
        int64_t mtime_ns, ctime_ns;
};

enum verify_state {
        VERIFY_UNKNOWN,         /* never checked in this state */
        VERIFY_GOOD,            /* checked in exactly this state: it matched */
        VERIFY_BAD,             /* checked in exactly this state: it did not */
        VERIFY_CHANGED,         /* the file checked under this digest has another size now */
};

typedef struct verify_record verify_record;

void verify_key_from_stat(const struct stat *st, struct verify_key *ret);
bool verify_key_equal(const struct verify_key *a, const struct verify_key *b);

int verify_record_new(verify_record **ret);
verify_record *verify_record_free(verify_record *v);
DEFINE_TRIVIAL_CLEANUP_FUNC(verify_record *, verify_record_free);

/* Pure: the record's text (NULL: empty); lines that do not parse are
 * skipped, so a damaged record costs checks, never a wrong "ok". */
int verify_record_parse(const char *text, verify_record **ret);
int verify_record_format(const verify_record *v, char **ret_text);

/* What is known of the file in state k whose manifest says digest. */
enum verify_state verify_record_lookup(const verify_record *v, const struct verify_key *k,
                                       const uint8_t digest[SHA256_DIGEST_SIZE]);
/* Remembers a check: replaces what was known of the same device and inode,
 * drops the oldest past VERIFY_RECORD_MAX.  -EINVAL for a path with a
 * newline. */
int verify_record_set(verify_record *v, const struct verify_key *k, const uint8_t digest[SHA256_DIGEST_SIZE],
                      bool good, const char *path);
size_t verify_record_count(const verify_record *v);

/* <state_dir>/verified; no file (or no state directory) is an empty record. */
int verify_record_load(const char *state_dir, verify_record **ret);
/* Written atomically, 0600, the directory made 0700 if missing. */
int verify_record_save(const char *state_dir, const verify_record *v);
