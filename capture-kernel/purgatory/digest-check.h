/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The purgatory's one decision, as a function of its inputs only, so that
 * it is the same code in the image and in the host's unit test. */

#include <stdbool.h>
#include <stdint.h>

#include "purgatory-abi.h"
#include "sha256.h"

bool purgatory_digest_matches(const struct purgatory_region regions[PURGATORY_MAX_REGIONS],
                              const uint8_t digest[SHA256_DIGEST_SIZE]);
