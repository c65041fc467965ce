/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 over the loader's regions (physical addresses: the purgatory runs
 * with the MMU off, so they are also pointers), compared with the loader's
 * digest, as the kernel's own purgatory does.  Plain freestanding C: built
 * into the x86_64 and the arm64 images and, unchanged, into a host unit
 * test.
 */
#include "digest-check.h"

bool purgatory_digest_matches(const struct purgatory_region regions[PURGATORY_MAX_REGIONS],
                              const uint8_t digest[SHA256_DIGEST_SIZE]) {
        struct sha256_ctx ctx;
        uint8_t got[SHA256_DIGEST_SIZE];
        uint8_t diff = 0;

        sha256_init(&ctx);
        for (unsigned i = 0; i < PURGATORY_MAX_REGIONS; i++) {
                if (regions[i].len == 0)
                        continue;
                sha256_update(&ctx, (const void *) (uintptr_t) regions[i].start, regions[i].len);
        }
        sha256_final(&ctx, got);
        for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
                diff |= got[i] ^ digest[i];
        return diff == 0;
}
