/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A sealed dump on a raw device ("raw <device>" with encrypt_to).  The
 * capture kernel cannot mount anything there, and an age file, unlike the
 * flattened stream, does not say where it ends without its key.  So the
 * device gets one envelope block before the age file, written last, when
 * the file is complete and synced:
 *
 *   offset 0     RAW_ENVELOPE_SIZE bytes of text, NUL-padded:
 *                  kdumpd-raw-sealed v1
 *                  length 123456789          bytes of the age file
 *                  sha256 <64 hex digits>    its SHA-256, hashed while written
 *                  recipient age1...         the keys it was sealed to (any
 *                                            number; left out when they do
 *                                            not fit)
 *   offset 4096  the age file (vmcore.age)
 *
 * The capture zeroes the block before it writes the file, so a cut capture
 * leaves no envelope; kdumpctl start copies `length` bytes back into
 * path/<date>/vmcore.age, checks the hash, and only then clears the block.
 * The machine never holds the private key: nothing is opened on the way.
 * Pure: the block from the facts and back.
 */

#include <stddef.h>
#include <stdint.h>

#define RAW_ENVELOPE_SIZE 4096u
#define RAW_ENVELOPE_SIGNATURE "kdumpd-raw-sealed v1\n"

struct raw_envelope {
        uint64_t length;
        char sha256[65];                /* lowercase hex */
        char *recipients;               /* "age1...\n" lines; NULL when none were recorded */
};

void raw_envelope_done(struct raw_envelope *e);

/* The block for an age file of length bytes with that SHA-256 (64 hex
 * digits), sealed to the keys in recipients ("age1..." lines, '#' comments
 * skipped; NULL: none); -EINVAL for a digest that is not 64 hex digits. */
int raw_envelope_format(uint64_t length, const char *sha256_hex, const char *recipients,
                        uint8_t ret[RAW_ENVELOPE_SIZE]);

/* -ENOMSG when the block does not start with the signature (no sealed dump
 * there), -EBADMSG when it does but a line is malformed or missing. */
int raw_envelope_parse(const uint8_t *block, size_t size, struct raw_envelope *ret);
