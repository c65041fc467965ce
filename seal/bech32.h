/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Bech32 (BIP-173), the text form of age's keys: "age1…" recipients and
 * "AGE-SECRET-KEY-1…" identities.  age lifts BIP-173's 90-character limit
 * (its own strings are 62 and 74 characters, plugin ones longer), so this
 * has none; everything else is BIP-173: a human-readable part (HRP) of
 * printable ASCII, the last '1' as separator, data in the 32-character
 * alphabet, a 6-character checksum computed over the lowercase string, and
 * one case for the whole string.  Pure code: no I/O, no logging. */

#include <stddef.h>
#include <stdint.h>

/* Encodes bytes under hrp (printable ASCII, one case); the result has the
 * case of hrp, as age writes "AGE-SECRET-KEY-1…" in upper case.
 * -EINVAL for an empty, non-printable or mixed-case hrp; -ENOMEM. */
int bech32_encode(const char *hrp, const uint8_t *data, size_t len, char **ret);

/* Decodes a string into its HRP (in the string's case) and its 5-bit
 * groups, checksum verified.  -EBADMSG for a wrong checksum, -EINVAL for
 * every other malformation, with a phrase in *ret_error ("wrong checksum",
 * "mixes upper and lower case", …) for the caller to put in a sentence. */
int bech32_decode_words(const char *s, char **ret_hrp, uint8_t **ret_words, size_t *ret_n, char **ret_error);

/* 5-bit groups to bytes, BIP-173's "convertbits(data, 5, 8, false)": at most
 * 4 bits of padding, all zero; else -EINVAL. */
int bech32_words_to_bytes(const uint8_t *words, size_t n, uint8_t **ret, size_t *ret_len);

/* bech32_decode_words() and bech32_words_to_bytes() together. */
int bech32_decode(const char *s, char **ret_hrp, uint8_t **ret_data, size_t *ret_len, char **ret_error);
