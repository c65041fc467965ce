/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* age's X25519 keys in their text forms: a recipient (public key)
 * "age1…" and an identity (private key) "AGE-SECRET-KEY-1…", both Bech32,
 * and the files that hold them, read as `age -R` and `age -i` read theirs:
 * one key a line, lines starting with '#' and empty lines skipped, a CR
 * before the LF ignored.  Only X25519 keys: SSH, post-quantum and plugin
 * keys are refused with a sentence saying so.  Error messages never quote
 * a line of a file or a private key, only say what is wrong with it and
 * what would be right; a file's messages start "FILE:LINE: ". */

#include <stddef.h>
#include <stdint.h>

#include "basic/macro.h"

#define AGE_X25519_KEY_SIZE 32

/* One key, no file: -EINVAL (-EBADMSG for a wrong checksum) and a sentence. */
int age_recipient_parse(const char *s, uint8_t ret_key[AGE_X25519_KEY_SIZE], char **ret_error);
int age_identity_parse(const char *s, uint8_t ret_secret[AGE_X25519_KEY_SIZE], char **ret_error);
/* "age1…" (lowercase, 62 characters). */
int age_recipient_format(const uint8_t key[AGE_X25519_KEY_SIZE], char **ret);
/* The public key of an identity: X25519(secret, basepoint). */
int age_identity_to_recipient(const uint8_t secret[AGE_X25519_KEY_SIZE], uint8_t ret_key[AGE_X25519_KEY_SIZE]);

/* A list of recipients to seal to. */
typedef struct age_recipients age_recipients;

int age_recipients_new(age_recipients **ret);
age_recipients *age_recipients_free(age_recipients *r);
/* -EINVAL for a low-order point (nothing could be sealed to it). */
int age_recipients_add(age_recipients *r, const uint8_t key[AGE_X25519_KEY_SIZE]);
int age_recipients_add_string(age_recipients *r, const char *s, char **ret_error);
/* The recipients of a file as `age -R FILE` reads it; a file with none is
 * an error (-ENOKEY), as is an unreadable one (its errno). */
int age_recipients_add_file(age_recipients *r, const char *path, char **ret_error);
size_t age_recipients_count(const age_recipients *r);
const uint8_t *age_recipients_get(const age_recipients *r, size_t i);

/* A list of identities to open with; the secrets are wiped when freed. */
typedef struct age_identities age_identities;

int age_identities_new(age_identities **ret);
age_identities *age_identities_free(age_identities *ids);
int age_identities_add(age_identities *ids, const uint8_t secret[AGE_X25519_KEY_SIZE]);
int age_identities_add_string(age_identities *ids, const char *s, char **ret_error);
/* The identities of a file as `age -i FILE` reads it (age-keygen's output);
 * passphrase-protected and SSH key files are refused. */
int age_identities_add_file(age_identities *ids, const char *path, char **ret_error);
size_t age_identities_count(const age_identities *ids);
const uint8_t *age_identities_get_secret(const age_identities *ids, size_t i);
const uint8_t *age_identities_get_public(const age_identities *ids, size_t i);

DEFINE_TRIVIAL_CLEANUP_FUNC(age_recipients *, age_recipients_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(age_identities *, age_identities_free);
#define _cleanup_age_recipients_ _cleanup_(age_recipients_freep)
#define _cleanup_age_identities_ _cleanup_(age_identities_freep)
