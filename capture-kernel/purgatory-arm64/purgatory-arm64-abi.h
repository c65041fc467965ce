/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The arm64 purgatory's contract with the loader, in one place: which
 * variables the loader fills in (at byte offsets into a copy of the flat
 * image, before it hands that copy to kexec_load as a segment), and where
 * the image is entered.  The region table is the x86_64 purgatory's
 * (purgatory-abi.h is plain C with nothing x86 in it), so both loaders hash
 * segments the same way.
 *
 * The image is position independent (linked at 0, PC-relative addressing
 * only, no relocations): load it at any 4 KiB-aligned physical address P
 * (adrp keeps page offsets) and make P + start the kexec entry.  It hashes
 * every region with len != 0, in table order, compares with the digest,
 * and on a match branches to kernel_entry with x0 = dtb, x1 = x2 = x3 = 0
 * (Documentation/arch/arm64/booting.rst).  On a mismatch it writes one line
 * to the PL011 at uart (if not 0) and waits in wfe forever.
 */

#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/purgatory/purgatory-abi.h"

/* Symbols of the linked image (their offsets are in the layout below):
 *   purgatory_start          entry point
 *   purgatory_sha256_digest  uint8_t[32]
 *   purgatory_sha_regions    struct purgatory_region[PURGATORY_MAX_REGIONS]
 *   purgatory_kernel_entry   uint64_t: physical address of the Image's entry
 *   purgatory_dtb            uint64_t: physical address of the device tree (x0)
 *   purgatory_uart           uint64_t: PL011 MMIO base to report on, 0 for none
 * All little-endian, all in .data, i.e. bytes of the image. */

struct purgatory_arm64_layout {
        size_t start;
        size_t sha256_digest;
        size_t sha_regions;
        size_t kernel_entry;
        size_t dtb;
        size_t uart;
};

/* The message on a mismatch (followed by "\r\n"). */
#define PURGATORY_ARM64_MISMATCH_MSG "purgatory: sha256 digest mismatch, not starting the capture kernel"
