/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bech32 as age uses it: BIP-173's test vectors (those that apply with
 * age's length limit lifted) and round trips of age-sized keys. */

#include <errno.h>

#include "basic/macro.h"
#include "seal/bech32.h"
#include "seal-test.h"

static const char *const bip173_valid[] = {
        "A12UEL5L",
        "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
};

static void check_reencodes(const char *s) {
        _cleanup_free_ char *hrp = NULL, *again = NULL;
        _cleanup_free_ uint8_t *data = NULL;
        _cleanup_free_ char *msg = NULL;
        size_t len;

        ASSERT_OK(bech32_decode(s, &hrp, &data, &len, &msg));
        ASSERT_OK(bech32_encode(hrp, data, len, &again));
        ASSERT_STREQ(again, s);
}

TEST(bip173_valid) {
        for (size_t i = 0; i < ELEMENTSOF(bip173_valid); i++) {
                _cleanup_free_ char *hrp = NULL, *msg = NULL;
                _cleanup_free_ uint8_t *words = NULL;
                size_t n;

                ASSERT_OK(bech32_decode_words(bip173_valid[i], &hrp, &words, &n, &msg));
                /* These all happen to hold whole bytes, so they also round-trip. */
                check_reencodes(bip173_valid[i]);
        }
}

TEST(bip173_abcdef_data) {
        _cleanup_free_ char *hrp = NULL, *msg = NULL;
        _cleanup_free_ uint8_t *words = NULL;
        size_t n;

        ASSERT_OK(bech32_decode_words("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", &hrp, &words, &n, &msg));
        ASSERT_STREQ(hrp, "abcdef");
        ASSERT_EQ(n, 32);
        for (size_t i = 0; i < n; i++)
                ASSERT_EQ(words[i], i);         /* the charset in order */
}

struct invalid {
        const char *s;
        int error;
        const char *phrase;
};

TEST(bip173_invalid) {
        static const struct invalid cases[] = {
                { "\x20" "1nwldj5", EINVAL, "space, control or non-ASCII" },
                { "\x7f" "1axkwrx", EINVAL, "space, control or non-ASCII" },
                { "\x80" "1eym55h", EINVAL, "space, control or non-ASCII" },
                { "pzry9x0s0muk", EINVAL, "no '1' separator" },
                { "1pzry9x0s0muk", EINVAL, "empty prefix" },
                { "x1b4n0q5v", EINVAL, "not a Bech32 character" },
                { "li1dgmt3", EINVAL, "too short" },
                { "de1lg7wt" "\xff", EINVAL, "space, control or non-ASCII" },
                { "A1G7SGD8", EBADMSG, "wrong checksum" },
                { "10a06t8", EINVAL, "empty prefix" },
                { "1qzzfhee", EINVAL, "empty prefix" },
                { "a12UEL5L", EINVAL, "mixes upper and lower case" },
                { "A12uEL5L", EINVAL, "mixes upper and lower case" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *hrp = NULL, *msg = NULL;
                _cleanup_free_ uint8_t *words = NULL;
                size_t n;

                ASSERT_ERR(bech32_decode_words(cases[i].s, &hrp, &words, &n, &msg), cases[i].error);
                ASSERT_CONTAINS(msg, cases[i].phrase);
                ASSERT_TRUE(!hrp && !words);
        }
}

/* BIP-173 rejects this one for its length only (91 > 90); age lifts the limit. */
TEST(no_length_limit) {
        check_reencodes("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx");
}

TEST(age_spec_keys_decode) {
        _cleanup_free_ char *hrp = NULL, *hrp2 = NULL, *msg = NULL;
        _cleanup_free_ uint8_t *data = NULL, *data2 = NULL;
        size_t len, len2;

        ASSERT_OK(bech32_decode("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj",
                                &hrp, &data, &len, &msg));
        ASSERT_STREQ(hrp, "age");
        ASSERT_EQ(len, 32);
        ASSERT_OK(bech32_decode("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
                                &hrp2, &data2, &len2, &msg));
        ASSERT_STREQ(hrp2, "AGE-SECRET-KEY-");
        ASSERT_EQ(len2, 32);
        for (size_t i = 0; i < len2; i++)
                ASSERT_EQ(data2[i], 0x42);
}

TEST(encode_case_follows_hrp) {
        _cleanup_free_ char *lower = NULL, *upper = NULL;
        uint8_t key[32];

        fill_pattern(key, sizeof(key), 1);
        ASSERT_OK(bech32_encode("age", key, sizeof(key), &lower));
        ASSERT_OK(bech32_encode("AGE-SECRET-KEY-", key, sizeof(key), &upper));
        ASSERT_EQ(strlen(lower), 62);
        ASSERT_EQ(strlen(upper), 74);
        for (size_t i = 0; lower[i]; i++)
                ASSERT_TRUE(!(lower[i] >= 'A' && lower[i] <= 'Z'));
        for (size_t i = 0; upper[i]; i++)
                ASSERT_TRUE(!(upper[i] >= 'a' && upper[i] <= 'z'));
        check_reencodes(lower);
        check_reencodes(upper);
        ASSERT_ERR(bech32_encode("Mixed", key, sizeof(key), &lower), EINVAL);
        ASSERT_ERR(bech32_encode("", key, sizeof(key), &lower), EINVAL);
}

TEST(every_single_character_typo_is_caught) {
        _cleanup_free_ char *s = NULL;
        uint8_t key[32];

        fill_pattern(key, sizeof(key), 2);
        ASSERT_OK(bech32_encode("age", key, sizeof(key), &s));
        for (size_t i = 4; s[i]; i++) {
                char saved = s[i];

                for (const char *c = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"; *c; c++) {
                        _cleanup_free_ char *hrp = NULL, *msg = NULL;
                        _cleanup_free_ uint8_t *data = NULL;
                        size_t len;

                        if (*c == saved)
                                continue;
                        s[i] = *c;
                        ASSERT_ERR(bech32_decode(s, &hrp, &data, &len, &msg), EBADMSG);
                }
                s[i] = saved;
        }
}

TEST(padding_must_be_zero_and_short) {
        _cleanup_free_ uint8_t *out = NULL;
        uint8_t words[2] = { 31, 31 };  /* 10 bits: 1 byte and 2 set spare bits */
        uint8_t ok[2] = { 31, 28 };     /* 11111 11100: 0xff, spare bits 00 */
        size_t len;

        ASSERT_ERR(bech32_words_to_bytes(words, 2, &out, &len), EINVAL);
        ASSERT_OK(bech32_words_to_bytes(ok, 2, &out, &len));
        ASSERT_EQ(len, 1);
        ASSERT_EQ(out[0], 0xff);
        free(out);
        out = NULL;
        /* 5 spare bits are a whole group too many. */
        ASSERT_ERR(bech32_words_to_bytes((const uint8_t[]) { 0 }, 1, &out, &len), EINVAL);
}

TEST_MAIN();
