/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* One dump directory against the SHA256SUMS the capture wrote next to it:
 * what `kdumpctl verify` prints file by file and `kdumpctl list --verify`
 * sums up in a column.  Every file it names is read whole (seal/'s
 * sha256_fd()); nothing is logged here. */

#include <stddef.h>

#include "kdumpd/catalog.h"
#include "seal/sha256-manifest.h"

/* Checks the files e's SHA256SUMS names; one result each, in the
 * manifest's order (their names are the manifest's: *ret_manifest keeps
 * them).  Returns how many are not OK; -ENOENT without a SHA256SUMS;
 * another -errno with *ret_error saying why (a bad line, an unreadable
 * directory). */
int dump_manifest_check(const struct dump_entry *e, sha256_manifest **ret_manifest,
                        struct sha256_check_result **ret, size_t *ret_n, char **ret_error);
