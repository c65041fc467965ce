/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The arm64 purgatory's digest check (capture-kernel/purgatory-arm64/
 * digest-check.c), compiled for the host as ordinary C: the same source the
 * image runs, with regions that point at this program's buffers. */
#include "capture-kernel/purgatory/digest-check.h"
#include "tests.h"

static void digest_of(const struct purgatory_region *r, uint8_t out[SHA256_DIGEST_SIZE]) {
        struct sha256_ctx c;

        sha256_init(&c);
        for (unsigned i = 0; i < PURGATORY_MAX_REGIONS; i++)
                if (r[i].len)
                        sha256_update(&c, (const void *) (uintptr_t) r[i].start, r[i].len);
        sha256_final(&c, out);
}

static uint8_t kernel[70001], initrd[4096], dtb[333];

static void fill(struct purgatory_region *r) {
        for (size_t i = 0; i < sizeof(kernel); i++)
                kernel[i] = (uint8_t) (i * 7 + 3);
        memset(initrd, 0x5a, sizeof(initrd));
        memset(dtb, 0xd0, sizeof(dtb));
        memset(r, 0, sizeof(struct purgatory_region) * PURGATORY_MAX_REGIONS);
        r[0] = (struct purgatory_region) { (uintptr_t) kernel, sizeof(kernel) };
        /* r[1] unused: skipped, not the end of the table */
        r[2] = (struct purgatory_region) { (uintptr_t) initrd, sizeof(initrd) };
        r[PURGATORY_MAX_REGIONS - 1] = (struct purgatory_region) { (uintptr_t) dtb, sizeof(dtb) };
}

TEST(no_regions_is_the_empty_digest) {
        struct purgatory_region r[PURGATORY_MAX_REGIONS] = { { 0, 0 } };
        static const uint8_t empty[SHA256_DIGEST_SIZE] = {
                0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
                0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
        };
        uint8_t zero[SHA256_DIGEST_SIZE] = { 0 };

        ASSERT_TRUE(purgatory_digest_matches(r, empty));
        ASSERT_TRUE(!purgatory_digest_matches(r, zero));
}

TEST(matching_segments_pass) {
        struct purgatory_region r[PURGATORY_MAX_REGIONS];
        uint8_t d[SHA256_DIGEST_SIZE];

        fill(r);
        digest_of(r, d);
        ASSERT_TRUE(purgatory_digest_matches(r, d));
}

TEST(any_changed_byte_fails) {
        struct purgatory_region r[PURGATORY_MAX_REGIONS];
        uint8_t d[SHA256_DIGEST_SIZE];

        fill(r);
        digest_of(r, d);
        kernel[sizeof(kernel) - 1] ^= 1;
        ASSERT_TRUE(!purgatory_digest_matches(r, d));
        kernel[sizeof(kernel) - 1] ^= 1;
        dtb[0]++;
        ASSERT_TRUE(!purgatory_digest_matches(r, d));
        dtb[0]--;
        ASSERT_TRUE(purgatory_digest_matches(r, d));
        d[31] ^= 0x80;
        ASSERT_TRUE(!purgatory_digest_matches(r, d));
}

TEST(region_order_and_length_count) {
        struct purgatory_region r[PURGATORY_MAX_REGIONS], t;
        uint8_t d[SHA256_DIGEST_SIZE];

        fill(r);
        digest_of(r, d);
        t = r[0], r[0] = r[2], r[2] = t;
        ASSERT_TRUE(!purgatory_digest_matches(r, d));
        t = r[0], r[0] = r[2], r[2] = t;
        r[2].len--;
        ASSERT_TRUE(!purgatory_digest_matches(r, d));
}

TEST_MAIN()
