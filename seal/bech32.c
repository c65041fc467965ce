/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bech32 for age's keys, written from BIP-173 (see bech32.h). */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "seal/bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

#define CHECKSUM_LEN 6

static char tolower_ascii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

static char toupper_ascii(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
}

static uint32_t polymod_step(uint32_t chk, uint8_t v) {
        static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
        uint32_t top = chk >> 25;

        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (unsigned i = 0; i < 5; i++)
                if ((top >> i) & 1)
                        chk ^= gen[i];
        return chk;
}

/* The checksum state after the expanded HRP (high bits, 0, low bits),
 * always over the lowercase HRP. */
static uint32_t polymod_hrp(const char *hrp, size_t len) {
        uint32_t chk = 1;

        for (size_t i = 0; i < len; i++)
                chk = polymod_step(chk, (uint8_t) (tolower_ascii(hrp[i]) >> 5));
        chk = polymod_step(chk, 0);
        for (size_t i = 0; i < len; i++)
                chk = polymod_step(chk, (uint8_t) (tolower_ascii(hrp[i]) & 31));
        return chk;
}

static int charset_index(char c) {
        const char *p;

        if (c == 0)
                return -1;
        p = strchr(charset, tolower_ascii(c));
        return p ? (int) (p - charset) : -1;
}

/* 0: no letters; 1: lower; 2: upper; 3: both. */
static unsigned letter_cases(const char *s, size_t len) {
        unsigned cases = 0;

        for (size_t i = 0; i < len; i++) {
                if (s[i] >= 'a' && s[i] <= 'z')
                        cases |= 1;
                else if (s[i] >= 'A' && s[i] <= 'Z')
                        cases |= 2;
        }
        return cases;
}

static bool printable(const char *s, size_t len, size_t *ret_bad) {
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) s[i] < 33 || (unsigned char) s[i] > 126) {
                        *ret_bad = i;
                        return false;
                }
        return true;
}

static int bytes_to_words(const uint8_t *data, size_t len, uint8_t **ret, size_t *ret_n) {
        size_t n = DIV_ROUND_UP(len * 8, 5), k = 0;
        uint8_t *w = malloc(n ? n : 1);
        uint32_t acc = 0;
        unsigned bits = 0;

        if (!w)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                acc = ((acc << 8) | data[i]) & 0x1fff;
                bits += 8;
                while (bits >= 5) {
                        bits -= 5;
                        w[k++] = (acc >> bits) & 31;
                }
        }
        if (bits > 0)
                w[k++] = (acc << (5 - bits)) & 31;
        *ret = w;
        *ret_n = k;
        return 0;
}

int bech32_encode(const char *hrp, const uint8_t *data, size_t len, char **ret) {
        _cleanup_free_ uint8_t *words = NULL;
        size_t hrp_len = strlen(hrp), n, bad, k;
        bool upper = letter_cases(hrp, hrp_len) == 2;
        uint32_t chk;
        char *s;
        int r;

        if (hrp_len == 0 || !printable(hrp, hrp_len, &bad) || letter_cases(hrp, hrp_len) == 3)
                return -EINVAL;
        r = bytes_to_words(data, len, &words, &n);
        if (r < 0)
                return r;

        s = malloc(hrp_len + 1 + n + CHECKSUM_LEN + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, hrp, hrp_len);
        k = hrp_len;
        s[k++] = '1';
        chk = polymod_hrp(hrp, hrp_len);
        for (size_t i = 0; i < n; i++) {
                chk = polymod_step(chk, words[i]);
                s[k++] = charset[words[i]];
        }
        for (unsigned i = 0; i < CHECKSUM_LEN; i++)
                chk = polymod_step(chk, 0);
        chk ^= 1;
        for (unsigned i = 0; i < CHECKSUM_LEN; i++)
                s[k++] = charset[(chk >> (5 * (5 - i))) & 31];
        s[k] = 0;
        if (upper)
                for (size_t i = hrp_len; i < k; i++)
                        s[i] = toupper_ascii(s[i]);
        *ret = s;
        return 0;
}

static int check_shape(const char *s, size_t len, size_t *ret_sep, char **ret_error) {
        const char *sep;
        size_t bad;

        if (len == 0)
                return set_error_message(ret_error, EINVAL, "is empty");
        if (!printable(s, len, &bad))
                return set_error_message(ret_error, EINVAL,
                                         "has a space, control or non-ASCII character at position %zu", bad + 1);
        if (letter_cases(s, len) == 3)
                return set_error_message(ret_error, EINVAL, "mixes upper and lower case");
        sep = strrchr(s, '1');
        if (!sep)
                return set_error_message(ret_error, EINVAL, "has no '1' separator");
        if (sep == s)
                return set_error_message(ret_error, EINVAL, "has an empty prefix before its '1' separator");
        if (len - (size_t) (sep - s) - 1 < CHECKSUM_LEN)
                return set_error_message(ret_error, EINVAL, "is too short to hold its 6-character checksum");
        *ret_sep = (size_t) (sep - s);
        return 0;
}

int bech32_decode_words(const char *s, char **ret_hrp, uint8_t **ret_words, size_t *ret_n, char **ret_error) {
        _cleanup_free_ uint8_t *words = NULL;
        _cleanup_free_ char *hrp = NULL;
        size_t len = strlen(s), sep = 0, n;
        uint32_t chk;
        int r;

        r = check_shape(s, len, &sep, ret_error);
        if (r < 0)
                return r;

        n = len - sep - 1;
        words = malloc(n);
        hrp = strndup(s, sep);
        if (!words || !hrp)
                return -ENOMEM;
        chk = polymod_hrp(s, sep);
        for (size_t i = 0; i < n; i++) {
                int v = charset_index(s[sep + 1 + i]);

                if (v < 0)
                        return set_error_message(ret_error, EINVAL,
                                                 "has '%c' at position %zu, which is not a Bech32 character",
                                                 s[sep + 1 + i], sep + 2 + i);
                words[i] = (uint8_t) v;
                chk = polymod_step(chk, words[i]);
        }
        if (chk != 1)
                return set_error_message(ret_error, EBADMSG, "wrong checksum");

        *ret_hrp = TAKE_PTR(hrp);
        *ret_words = TAKE_PTR(words);
        *ret_n = n - CHECKSUM_LEN;
        return 0;
}

int bech32_words_to_bytes(const uint8_t *words, size_t n, uint8_t **ret, size_t *ret_len) {
        size_t k = 0;
        uint8_t *out = malloc(n * 5 / 8 + 1);
        uint32_t acc = 0;
        unsigned bits = 0;

        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (words[i] > 31) {
                        free(out);
                        return -EINVAL;
                }
                acc = ((acc << 5) | words[i]) & 0xfff;
                bits += 5;
                if (bits >= 8) {
                        bits -= 8;
                        out[k++] = (uint8_t) (acc >> bits);
                }
        }
        /* Leftover bits: fewer than 5, and zero. */
        if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) {
                free(out);
                return -EINVAL;
        }
        *ret = out;
        *ret_len = k;
        return 0;
}

int bech32_decode(const char *s, char **ret_hrp, uint8_t **ret_data, size_t *ret_len, char **ret_error) {
        _cleanup_free_ uint8_t *words = NULL, *data = NULL;
        _cleanup_free_ char *hrp = NULL;
        size_t n, len;
        int r;

        r = bech32_decode_words(s, &hrp, &words, &n, ret_error);
        if (r < 0)
                return r;
        r = bech32_words_to_bytes(words, n, &data, &len);
        if (r == -EINVAL)
                return set_error_message(ret_error, EINVAL, "does not encode whole bytes (bad padding)");
        if (r < 0)
                return r;

        *ret_hrp = TAKE_PTR(hrp);
        *ret_data = TAKE_PTR(data);
        *ret_len = len;
        return 0;
}
