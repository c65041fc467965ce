/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The embedded arm64 purgatory as the loader sees it: a flat image whose
 * layout offsets lie inside it, apart, aligned for the 64-bit loads of the
 * entry code, with the loader's variables zero until the loader writes them.
 * (No relocations or absolute addresses: capture-kernel/purgatory-arm64/
 * embed.py refuses to build an image with any.) */
#include "capture-kernel/purgatory-arm64/purgatory-arm64-blob.h"
#include "tests.h"

static const struct purgatory_arm64_layout *L = &kdump_purgatory_arm64_layout;

struct field {
        const char *name;
        size_t off, len;
};

static void fields(struct field f[5]) {
        f[0] = (struct field) { "sha256_digest", L->sha256_digest, 32 };
        f[1] = (struct field) { "sha_regions", L->sha_regions,
                                PURGATORY_MAX_REGIONS * sizeof(struct purgatory_region) };
        f[2] = (struct field) { "kernel_entry", L->kernel_entry, 8 };
        f[3] = (struct field) { "dtb", L->dtb, 8 };
        f[4] = (struct field) { "uart", L->uart, 8 };
}

TEST(layout_inside_and_apart) {
        struct field f[5];

        fields(f);
        ASSERT_TRUE(kdump_purgatory_arm64_size > 0);
        ASSERT_EQ(kdump_purgatory_arm64_size % 16, 0);
        ASSERT_EQ(sizeof(struct purgatory_region), 16);
        for (unsigned i = 0; i < 5; i++) {
                ASSERT_TRUE(f[i].off + f[i].len <= kdump_purgatory_arm64_size);
                ASSERT_EQ(f[i].off % 8, 0);             /* ldr x, [xN, :lo12:] */
                ASSERT_TRUE(f[i].off > L->start);       /* code first, data after */
                for (unsigned j = 0; j < i; j++)
                        ASSERT_TRUE(f[i].off + f[i].len <= f[j].off || f[j].off + f[j].len <= f[i].off);
        }
}

TEST(variables_are_image_bytes_and_zero) {
        struct field f[5];

        fields(f);
        for (unsigned i = 0; i < 5; i++)
                for (size_t k = 0; k < f[i].len; k++)
                        if (kdump_purgatory_arm64[f[i].off + k] != 0)
                                TEST_FAIL("%s byte %zu is not 0", f[i].name, k);
}

static uint32_t insn(size_t off) {
        const uint8_t *p = kdump_purgatory_arm64 + off;
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* entry.S begins by taking its stack PC-relatively: adrp x9; add x9, x9; mov sp, x9. */
TEST(entry_at_start) {
        ASSERT_EQ(L->start % 4, 0);
        ASSERT_TRUE(L->start + 12 <= kdump_purgatory_arm64_size);
        ASSERT_EQ(insn(L->start) & 0x9f00001f, 0x90000009);        /* adrp x9, ... */
        ASSERT_EQ(insn(L->start + 4) & 0xffc003ff, 0x91000129);    /* add x9, x9, #lo12 */
        ASSERT_EQ(insn(L->start + 8), 0x9100013f);                  /* mov sp, x9 */
}

TEST(says_why_it_stops) {
        const char *msg = PURGATORY_ARM64_MISMATCH_MSG "\r\n";

        ASSERT_TRUE(memmem(kdump_purgatory_arm64, kdump_purgatory_arm64_size, msg, strlen(msg)) != NULL);
}

TEST_MAIN()
