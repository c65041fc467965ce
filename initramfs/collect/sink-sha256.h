/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A byte-sink filter that hashes what passes through it (SHA-256) and hands
 * it on unchanged: the digest of exactly the bytes written, taken while
 * writing, so a 100 GiB dump is never read back to be checked.  Put after
 * the sealing filter, it hashes the ciphertext, i.e. the file on disk.
 * Memory: the hash state. */

#include <stdint.h>

#include "initramfs/collect/byte-sink.h"
#include "seal/hash-sha256.h"

/* next becomes owned on success. */
int sha256_sink_new(byte_sink *next, byte_sink **ret);

/* The digest and byte count of everything written, once the chain is
 * finished (-EBUSY before). */
int sha256_sink_digest(const byte_sink *s, uint8_t ret_digest[HASH_SHA256_SIZE], uint64_t *ret_size);

/* "<64 lowercase hex>  <name>\n", sha256sum's line for a file called name
 * (seal/sha256-manifest.h's format and name rules: -EINVAL for a name with
 * a newline, a backslash, a leading '/' or a ".." component). */
int sha256sum_line(const uint8_t digest[HASH_SHA256_SIZE], const char *name, char **ret);
