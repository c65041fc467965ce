/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HKDF-SHA256, written from RFC 5869 sections 2.2 and 2.3. */

#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "basic/macro.h"
#include "seal/hkdf.h"

void hkdf_sha256_extract(const void *salt, size_t salt_len, const void *ikm, size_t ikm_len,
                         uint8_t ret_prk[HKDF_SHA256_PRK_SIZE]) {
        static const uint8_t none[1];
        crypto_auth_hmacsha256_state st;

        crypto_auth_hmacsha256_init(&st, salt_len ? salt : none, salt_len);
        crypto_auth_hmacsha256_update(&st, ikm_len ? ikm : none, ikm_len);
        crypto_auth_hmacsha256_final(&st, ret_prk);
        sodium_memzero(&st, sizeof(st));
}

int hkdf_sha256_expand(const uint8_t prk[HKDF_SHA256_PRK_SIZE], const void *info, size_t info_len,
                       void *ret_okm, size_t okm_len) {
        static const uint8_t none[1];
        uint8_t t[crypto_auth_hmacsha256_BYTES], *out = ret_okm;
        crypto_auth_hmacsha256_state st;
        size_t done = 0;

        if (okm_len > HKDF_SHA256_MAX_OKM)
                return -EINVAL;

        for (unsigned i = 1; done < okm_len; i++) {
                uint8_t counter = (uint8_t) i;
                size_t n = MIN(sizeof(t), okm_len - done);

                crypto_auth_hmacsha256_init(&st, prk, HKDF_SHA256_PRK_SIZE);
                if (i > 1)
                        crypto_auth_hmacsha256_update(&st, t, sizeof(t));
                crypto_auth_hmacsha256_update(&st, info_len ? info : none, info_len);
                crypto_auth_hmacsha256_update(&st, &counter, 1);
                crypto_auth_hmacsha256_final(&st, t);
                memcpy(out + done, t, n);
                done += n;
        }
        sodium_memzero(&st, sizeof(st));
        sodium_memzero(t, sizeof(t));
        return 0;
}

int hkdf_sha256(const void *salt, size_t salt_len, const void *ikm, size_t ikm_len,
                const void *info, size_t info_len, void *ret_okm, size_t okm_len) {
        uint8_t prk[HKDF_SHA256_PRK_SIZE];
        int r;

        if (okm_len > HKDF_SHA256_MAX_OKM)
                return -EINVAL;
        hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, prk);
        r = hkdf_sha256_expand(prk, info, info_len, ret_okm, okm_len);
        sodium_memzero(prk, sizeof(prk));
        return r;
}
