/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm64 purgatory's C half: the variables the loader fills in, and the
 * decision whether to start the capture kernel.  Behaves as the x86_64 one
 * (capture-kernel/purgatory/purgatory.c): on a match it returns and entry.S
 * branches to the kernel; on a mismatch it says so on the UART, if any, and
 * never returns (wfe forever, as x86's cli; hlt).
 */
#include "purgatory-arm64-abi.h"
#include "capture-kernel/purgatory/digest-check.h"
#include "pl011.h"

/* Written by the loader into the image bytes: .data, never .bss (and the
 * build checks the image has no .bss at all). */
#define LOADER_SET __attribute__((section(".data"), used, aligned(8)))

LOADER_SET uint8_t purgatory_sha256_digest[SHA256_DIGEST_SIZE] = { 0 };
LOADER_SET struct purgatory_region purgatory_sha_regions[PURGATORY_MAX_REGIONS] = { { 0, 0 } };
LOADER_SET uint64_t purgatory_kernel_entry = 0;
LOADER_SET uint64_t purgatory_dtb = 0;
LOADER_SET uint64_t purgatory_uart = 0;

void purgatory_main(void);

void purgatory_main(void) {
        if (purgatory_digest_matches(purgatory_sha_regions, purgatory_sha256_digest))
                return;
        pl011_puts(purgatory_uart, PURGATORY_ARM64_MISMATCH_MSG "\r\n");
        for (;;)
                __asm__ volatile("wfe" ::: "memory");
}
