/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Opening an age v1 file with X25519 identities: the other half of
 * age-seal.h, for reading sealed dumps back (kdump-age decrypt) and for
 * testing the sealer.  It is fed the file as it comes (age_open_write()),
 * parses the header strictly as c2sp.org/age says, unwraps the file key
 * with the first identity that opens a stanza, checks the header MAC, then
 * decrypts the payload a 64 KiB chunk at a time to a callback.  Only
 * authenticated plaintext is handed on; whatever went out before an error
 * is authentic, but the caller must treat the output as incomplete.
 *
 * Errors, each with a sentence in *ret_error:
 *   -EBADMSG       the header is malformed, not age v1, or cut short
 *   -ENOKEY        no identity opens any stanza
 *   -EKEYREJECTED  a stanza opened, but the header MAC is wrong
 *   -EPROTO        the payload does not authenticate, is truncated, has
 *                  an empty last chunk after others, or trailing data
 *   other          the write callback's -errno, -ENOMEM
 * An error is final: later calls return it again. */

#include <stddef.h>

#include "basic/macro.h"
#include "seal/age-key.h"
#include "seal/age-seal.h"

/* The header may hold many stanzas, but not more than this. */
#define AGE_OPEN_HEADER_MAX (1024u * 1024u)

typedef struct age_open age_open;

/* The identities are copied (and wiped on free). */
int age_open_new(const age_identities *ids, age_write_fn write, void *userdata, age_open **ret);
int age_open_write(age_open *o, const void *buf, size_t len, char **ret_error);
/* The end of the input: the last chunk must have been seen. */
int age_open_finish(age_open *o, char **ret_error);
age_open *age_open_free(age_open *o);

/* Reads fd to its end through an age_open. */
int age_open_fd(const age_identities *ids, int fd, age_write_fn write, void *userdata, char **ret_error);

DEFINE_TRIVIAL_CLEANUP_FUNC(age_open *, age_open_free);
#define _cleanup_age_open_ _cleanup_(age_open_freep)
