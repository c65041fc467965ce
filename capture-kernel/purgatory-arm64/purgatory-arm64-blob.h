/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The arm64 purgatory as the build embeds it (embed-arm64.py, generated
 * purgatory-arm64-blob.c): the flat image bytes, to be copied, patched at
 * the layout's offsets, and loaded 4 KiB-aligned. */

#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/purgatory-arm64/purgatory-arm64-abi.h"

extern const uint8_t kdump_purgatory_arm64[];
extern const size_t kdump_purgatory_arm64_size;
extern const struct purgatory_arm64_layout kdump_purgatory_arm64_layout;
