/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/page-compress.h"
#include "tests.h"

/* Snappy only where the build has it (-p says so otherwise). */
static const enum page_compression algos[] = { PAGE_COMPRESS_ZLIB, PAGE_COMPRESS_LZO, PAGE_COMPRESS_ZSTD, PAGE_COMPRESS_SNAPPY };

TEST(roundtrip) {
        uint8_t page[4096], back[4096];
        _cleanup_free_ uint8_t *out = malloc(page_compress_bound(4096));

        for (size_t i = 0; i < sizeof(page); i++)
                page[i] = (uint8_t) ((i / 7) ^ (i % 13));

        for (size_t a = 0; a < ELEMENTSOF(algos); a++) {
                struct page_compressor *pc;
                size_t n = 0;
                int flag;

                if (!page_compression_supported(algos[a]))
                        continue;

                ASSERT_OK(page_compressor_new(algos[a], 4096, &pc));
                /* twice: the per-thread state is reset between pages */
                for (int k = 0; k < 2; k++) {
                        flag = page_compress(pc, page, out, &n);
                        ASSERT_EQ(flag, algos[a]);
                        ASSERT_TRUE(n > 0 && n < 4096);
                        memset(back, 0xaa, sizeof(back));
                        ASSERT_OK(page_decompress((unsigned) flag, out, n, back, 4096));
                        ASSERT_TRUE(memcmp(page, back, 4096) == 0);
                        /* truncated data must not decompress to a page */
                        ASSERT_TRUE(page_decompress((unsigned) flag, out, n / 2, back, 4096) < 0);
                }
                page_compressor_free(pc);
        }
}

TEST(incompressible_stored_raw) {
        uint8_t page[4096];
        _cleanup_free_ uint8_t *out = malloc(page_compress_bound(4096));
        uint64_t x = 0x9e3779b97f4a7c15;

        for (size_t i = 0; i < sizeof(page); i++) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                page[i] = (uint8_t) x;
        }
        for (size_t a = 0; a < ELEMENTSOF(algos); a++) {
                struct page_compressor *pc;
                size_t n = 0;

                if (!page_compression_supported(algos[a]))
                        continue;
                ASSERT_OK(page_compressor_new(algos[a], 4096, &pc));
                ASSERT_EQ(page_compress(pc, page, out, &n), 0);
                page_compressor_free(pc);
        }
}

TEST(snappy_flag) {
        /* DUMP_DH_COMPRESSED_SNAPPY in makedumpfile's diskdump_mod.h */
        ASSERT_EQ(PAGE_COMPRESS_SNAPPY, 0x4);
        ASSERT_STREQ(page_compression_name(PAGE_COMPRESS_SNAPPY), "snappy");
}

TEST(unsupported) {
        struct page_compressor *pc;
        if (!page_compression_supported(PAGE_COMPRESS_SNAPPY))
                ASSERT_ERR(page_compressor_new(PAGE_COMPRESS_SNAPPY, 4096, &pc), EOPNOTSUPP);
        ASSERT_ERR(page_compressor_new(PAGE_COMPRESS_LZO, 0, &pc), EINVAL);
}

TEST_MAIN()
