/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* An integrity manifest for a dump directory, in sha256sum's own format,
 * "<64 lowercase hex>  <name>\n" (two spaces: text mode), so that
 * `sha256sum -c SHA256SUMS` in the directory checks it with no kdumpd
 * installed.  The collector hashes each file it writes front to back as it
 * writes it (a streaming hasher: no second read of a 100 GiB vmcore) and
 * reads a file written at offsets back once (sha256_fd()); the capture
 * writes the manifest's text; the checker verifies a directory against it.
 *
 * Names: relative, non-empty, no ".." component, and no newline, carriage
 * return or backslash.  sha256sum escapes such names (the line starts with
 * '\' and the name has "\\n", "\\\\"); rather than follow that rule this
 * code refuses them, in both directions: kdumpd names its files itself and
 * never needs them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/macro.h"

#define SHA256_DIGEST_SIZE 32
#define SHA256_SIZE_UNKNOWN UINT64_MAX

#define SHA256_HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

bool sha256_manifest_name_valid(const char *name);

/* digest as sha256sum writes it: 64 lowercase hex digits, NUL-terminated. */
void sha256_digest_to_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char ret[SHA256_HEX_SIZE]);
/* The 64 hex digits (either case) s starts with; -EINVAL when it does not. */
int sha256_digest_from_hex(const char *s, uint8_t ret[SHA256_DIGEST_SIZE]);

/* A streaming SHA-256 of one file, with its byte count. */
typedef struct sha256_hasher sha256_hasher;

int sha256_hasher_new(sha256_hasher **ret);
void sha256_hasher_update(sha256_hasher *h, const void *buf, size_t len);
/* The digest and size so far; the hasher starts over. */
void sha256_hasher_final(sha256_hasher *h, uint8_t ret_digest[SHA256_DIGEST_SIZE], uint64_t *ret_size);
sha256_hasher *sha256_hasher_free(sha256_hasher *h);

/* Hashes fd from offset 0 to its end with pread() (its file position is
 * left alone), 256 KiB at a time, telling the kernel the pages read need
 * not stay cached; progress (may be NULL) gets the bytes hashed after each
 * read.  -errno on a read error, -ENOMEM. */
int sha256_fd(int fd, void (*progress)(uint64_t done, void *userdata), void *userdata,
              uint8_t ret_digest[SHA256_DIGEST_SIZE], uint64_t *ret_size);

typedef struct sha256_manifest sha256_manifest;

int sha256_manifest_new(sha256_manifest **ret);
sha256_manifest *sha256_manifest_free(sha256_manifest *m);
/* size may be SHA256_SIZE_UNKNOWN.  -EINVAL for a name refused above,
 * -EEXIST for a name already there. */
int sha256_manifest_add(sha256_manifest *m, const char *name, const uint8_t digest[SHA256_DIGEST_SIZE], uint64_t size);
size_t sha256_manifest_count(const sha256_manifest *m);
/* The i-th entry, in the order added (or read). */
int sha256_manifest_get(const sha256_manifest *m, size_t i, const char **ret_name,
                        const uint8_t **ret_digest, uint64_t *ret_size);

/* The manifest file's contents, one line an entry, in order. */
int sha256_manifest_format(const sha256_manifest *m, char **ret_text, size_t *ret_len);

/* Reads sha256sum's format (digest in either case, "  " or " *" before
 * the name); sizes are unknown.  -EINVAL with "line N: …" in *ret_error. */
int sha256_manifest_parse(const char *text, size_t len, sha256_manifest **ret, char **ret_error);
/* The same from a file; messages start "PATH:N: ". */
int sha256_manifest_load(const char *path, sha256_manifest **ret, char **ret_error);

enum sha256_check_status {
        SHA256_CHECK_OK,
        SHA256_CHECK_MISMATCH,          /* read whole, digest differs */
        SHA256_CHECK_MISSING,           /* no such file */
        SHA256_CHECK_SIZE,              /* size differs from the one recorded: not hashed */
        SHA256_CHECK_UNREADABLE,        /* open/read failed, or a directory: error says why */
};

struct sha256_check_result {
        const char *name;               /* borrowed from the manifest */
        enum sha256_check_status status;
        uint64_t size;                  /* bytes in the file (0 when missing) */
        int error;                      /* -errno for UNREADABLE */
};

/* "OK", "FAILED" (sha256sum's word for a mismatch), "MISSING",
 * "SIZE DIFFERS", "UNREADABLE". */
const char *sha256_check_status_to_string(enum sha256_check_status s);

/* Checks every entry against the files under dir_fd; one result an entry,
 * in order.  Returns the number of entries that are not OK, or -ENOMEM. */
int sha256_manifest_check(const sha256_manifest *m, int dir_fd, struct sha256_check_result **ret, size_t *ret_n);

DEFINE_TRIVIAL_CLEANUP_FUNC(sha256_hasher *, sha256_hasher_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(sha256_manifest *, sha256_manifest_free);
#define _cleanup_sha256_hasher_ _cleanup_(sha256_hasher_freep)
#define _cleanup_sha256_manifest_ _cleanup_(sha256_manifest_freep)
