/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the loader writes into the purgatory's variables, by symbol name,
 * after relocating it.  Shared by the purgatory (freestanding) and the
 * loader (capture-kernel/purgatory-load.c). */

#include <stdint.h>

#define PURGATORY_MAX_REGIONS 16

struct purgatory_region {
        uint64_t start;          /* physical address */
        uint64_t len;            /* the segment's memsz: hashed as loaded, zero padding included */
};

/* Symbols:
 *   purgatory_start          entry point (the kexec_load entry)
 *   purgatory_sha256_digest  uint8_t[32]
 *   purgatory_sha_regions    struct purgatory_region[PURGATORY_MAX_REGIONS]
 *   purgatory_entry_rip      uint64_t: the kernel's 64-bit entry (load address + 0x200)
 *   purgatory_entry_rsi      uint64_t: boot_params
 *   purgatory_serial_port    uint16_t: I/O port of a 16550 to report on, 0 for none
 */
