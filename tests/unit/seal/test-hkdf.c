/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HKDF-SHA256 against RFC 5869's test cases 1 to 3. */

#include <errno.h>

#include "seal/hkdf.h"
#include "seal-test.h"

struct rfc5869_case {
        const char *ikm, *salt, *info, *prk, *okm;
};

static const struct rfc5869_case cases[] = {
        {       /* A.1: basic */
                "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
                "000102030405060708090a0b0c",
                "f0f1f2f3f4f5f6f7f8f9",
                "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        },
        {       /* A.2: longer inputs and outputs */
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                "404142434445464748494a4b4c4d4e4f",
                "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
                "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
                "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
                "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
                "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                "cc30c58179ec3e87c14c01d5c1f3434f1d87",
        },
        {       /* A.3: zero-length salt and info */
                "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
                "",
                "",
                "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        },
};

static void run_case(const struct rfc5869_case *c) {
        size_t ikm_len, salt_len, info_len, okm_len;
        const uint8_t *ikm = unhex(c->ikm, &ikm_len), *salt = unhex(c->salt, &salt_len);
        const uint8_t *info = unhex(c->info, &info_len);
        uint8_t prk[HKDF_SHA256_PRK_SIZE], okm[128];

        okm_len = strlen(c->okm) / 2;
        hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, prk);
        ASSERT_STREQ(tohex(prk, sizeof(prk)), c->prk);
        ASSERT_OK(hkdf_sha256_expand(prk, info, info_len, okm, okm_len));
        ASSERT_STREQ(tohex(okm, okm_len), c->okm);
        memset(okm, 0, sizeof(okm));
        ASSERT_OK(hkdf_sha256(salt, salt_len, ikm, ikm_len, info, info_len, okm, okm_len));
        ASSERT_STREQ(tohex(okm, okm_len), c->okm);
}

TEST(rfc5869_case_1) {
        run_case(&cases[0]);
}

TEST(rfc5869_case_2) {
        run_case(&cases[1]);
}

TEST(rfc5869_case_3) {
        run_case(&cases[2]);
}

TEST(output_length_limit) {
        static uint8_t okm[HKDF_SHA256_MAX_OKM + 1];
        uint8_t prk[HKDF_SHA256_PRK_SIZE] = {};

        ASSERT_OK(hkdf_sha256_expand(prk, "x", 1, okm, HKDF_SHA256_MAX_OKM));
        ASSERT_ERR(hkdf_sha256_expand(prk, "x", 1, okm, HKDF_SHA256_MAX_OKM + 1), EINVAL);
        ASSERT_ERR(hkdf_sha256(NULL, 0, "k", 1, NULL, 0, okm, HKDF_SHA256_MAX_OKM + 1), EINVAL);
}

TEST(prefix_consistent) {
        uint8_t a[100], b[33];

        ASSERT_OK(hkdf_sha256("s", 1, "ikm", 3, "info", 4, a, sizeof(a)));
        ASSERT_OK(hkdf_sha256("s", 1, "ikm", 3, "info", 4, b, sizeof(b)));
        ASSERT_TRUE(memcmp(a, b, sizeof(b)) == 0);
}

TEST_MAIN();
