/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 with the x86 SHA extensions or portable C (see hash-sha256.h).
 * The SHA-NI rounds follow Intel's "New Instructions Supporting the Secure
 * Hash Algorithm on Intel Architecture Processors" (2013): state as ABEF
 * and CDGH, four rounds per message vector, the schedule by sha256msg1/2. */

#include <string.h>

#include "basic/macro.h"
#include "seal/hash-sha256.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_SHA_NI 1
#else
#define HAVE_SHA_NI 0
#endif

static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static bool force_portable;

void hash_sha256_set_portable(bool portable) {
        force_portable = portable;
}

bool hash_sha256_accelerated(void) {
#if HAVE_SHA_NI
        return !force_portable && __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#else
        return false;
#endif
}

static inline uint32_t ror(uint32_t x, unsigned n) {
        return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p) {
        return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v) {
        for (unsigned i = 0; i < 4; i++)
                p[i] = (uint8_t) (v >> (24 - 8 * i));
}

static void compress_portable(uint32_t h[8], const uint8_t *p, size_t blocks) {
        for (; blocks > 0; blocks--, p += 64) {
                uint32_t w[64], v[8];

                for (unsigned i = 0; i < 16; i++)
                        w[i] = load_be32(p + 4 * i);
                for (unsigned i = 16; i < 64; i++) {
                        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
                        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
                        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
                }
                memcpy(v, h, sizeof(v));
                for (unsigned i = 0; i < 64; i++) {
                        uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
                                      ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
                        uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
                                      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));

                        memmove(v + 1, v, 7 * sizeof(uint32_t));
                        v[4] += t1;
                        v[0] = t1 + t2;
                }
                for (unsigned i = 0; i < 8; i++)
                        h[i] += v[i];
        }
}

#if HAVE_SHA_NI
#define SHA_NI __attribute__((target("sha,sse4.1")))

/* Four rounds on message vector m[g % 4]; the schedule of the vectors after
 * it is advanced as Intel's paper interleaves it. */
SHA_NI static inline void rounds4(__m128i *abef, __m128i *cdgh, __m128i m[4], unsigned g) {
        __m128i msg = _mm_add_epi32(m[g % 4], _mm_loadu_si128((const __m128i *) &K[4 * g]));

        *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, msg);
        if (g >= 3 && g <= 14) {
                __m128i t = _mm_alignr_epi8(m[g % 4], m[(g + 3) % 4], 4);
                m[(g + 1) % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(m[(g + 1) % 4], t), m[g % 4]);
        }
        msg = _mm_shuffle_epi32(msg, 0x0e);
        *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, msg);
        if (g >= 1 && g <= 12)
                m[(g + 3) % 4] = _mm_sha256msg1_epu32(m[(g + 3) % 4], m[g % 4]);
}

SHA_NI static void compress_ni(uint32_t h[8], const uint8_t *p, size_t blocks) {
        const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
        __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &h[0]), 0xb1);     /* CDAB */
        __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &h[4]), 0x1b);  /* EFGH */
        __m128i abef = _mm_alignr_epi8(t, cdgh, 8);
        cdgh = _mm_blend_epi16(cdgh, t, 0xf0);

        for (; blocks > 0; blocks--, p += 64) {
                __m128i abef0 = abef, cdgh0 = cdgh, m[4];

                for (unsigned i = 0; i < 4; i++)
                        m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16 * i)), bswap);
#pragma GCC unroll 16
                for (unsigned g = 0; g < 16; g++)
                        rounds4(&abef, &cdgh, m, g);
                abef = _mm_add_epi32(abef, abef0);
                cdgh = _mm_add_epi32(cdgh, cdgh0);
        }

        t = _mm_shuffle_epi32(abef, 0x1b);                                                  /* FEBA */
        cdgh = _mm_shuffle_epi32(cdgh, 0xb1);                                               /* DCHG */
        _mm_storeu_si128((__m128i *) &h[0], _mm_blend_epi16(t, cdgh, 0xf0));               /* DCBA */
        _mm_storeu_si128((__m128i *) &h[4], _mm_alignr_epi8(cdgh, t, 8));                  /* HGFE */
}
#endif

static void compress(struct hash_sha256 *c, const uint8_t *p, size_t blocks) {
#if HAVE_SHA_NI
        if (c->ni) {
                compress_ni(c->h, p, blocks);
                return;
        }
#endif
        compress_portable(c->h, p, blocks);
}

void hash_sha256_init(struct hash_sha256 *c) {
        static const uint32_t iv[8] = {
                0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        };

        *c = (struct hash_sha256) { .ni = hash_sha256_accelerated() };
        memcpy(c->h, iv, sizeof(iv));
}

void hash_sha256_update(struct hash_sha256 *c, const void *buf, size_t len) {
        const uint8_t *p = buf;
        size_t fill = c->bytes % 64, n;

        c->bytes += len;
        if (fill > 0) {
                n = MIN(len, 64 - fill);
                memcpy(c->block + fill, p, n);
                p += n;
                len -= n;
                if (fill + n < 64)
                        return;
                compress(c, c->block, 1);
        }
        compress(c, p, len / 64);
        memcpy(c->block, p + (len & ~(size_t) 63), len % 64);
}

void hash_sha256_final(struct hash_sha256 *c, uint8_t ret[HASH_SHA256_SIZE]) {
        uint64_t bits = c->bytes * 8;
        size_t fill = c->bytes % 64;
        uint8_t pad[72] = { 0x80 };
        size_t npad = (fill < 56 ? 56 : 120) - fill;

        for (unsigned i = 0; i < 8; i++)
                pad[npad + i] = (uint8_t) (bits >> (56 - 8 * i));
        hash_sha256_update(c, pad, npad + 8);
        for (unsigned i = 0; i < 8; i++)
                store_be32(ret + 4 * i, c->h[i]);
}
