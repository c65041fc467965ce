/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kdumpctl's verbs for what the capture sealed and hashed (seal/):
 *
 *   verify ID                 every file of the dump against its SHA256SUMS
 *                             (sha256sum's format: sha256sum -c checks it too)
 *   decrypt ID --identity F   a sealed dump opened with the age identity F:
 *                             vmcore (rebuilt from the flattened stream) and
 *                             vmcore-dmesg.txt, 0600, next to it (or --output)
 *
 * Both fail loudly on a changed, truncated or swapped file. */

#include <stdbool.h>
#include <stdio.h>

#include "kdumpd/verbs-catalog.h"

bool seal_verb_known(const char *verb);
/* Logs errors; returns -errno. */
int seal_verb_run(const char *verb, const struct catalog_verb_opts *o, char *const *args, int n_args, FILE *out);
