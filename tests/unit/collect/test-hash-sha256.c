/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The collector's SHA-256, SHA-NI and portable: FIPS 180-4's examples, and
 * libsodium's digest for every length around the block and for any split
 * of the input into updates. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "seal/hash-sha256.h"
#include "tests.h"

static const char *hex(const uint8_t d[HASH_SHA256_SIZE]) {
        static char buf[2 * HASH_SHA256_SIZE + 1];

        for (unsigned i = 0; i < HASH_SHA256_SIZE; i++)
                snprintf(buf + 2 * i, 3, "%02x", d[i]);
        return buf;
}

static const char *digest_of(const void *p, size_t n) {
        struct hash_sha256 c;
        uint8_t d[HASH_SHA256_SIZE];

        hash_sha256_init(&c);
        hash_sha256_update(&c, p, n);
        hash_sha256_final(&c, d);
        return hex(d);
}

static void fill(uint8_t *p, size_t n, uint32_t seed) {
        for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                p[i] = (uint8_t) (seed >> 16);
        }
}

/* Each case once with SHA-NI (where the CPU has it) and once without. */
static void both(void (*fn)(void)) {
        hash_sha256_set_portable(false);
        fn();
        hash_sha256_set_portable(true);
        fn();
        hash_sha256_set_portable(false);
}

static void vectors(void) {
        static char million[1000000];

        ASSERT_STREQ(digest_of("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        ASSERT_STREQ(digest_of("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ASSERT_STREQ(digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56),
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        memset(million, 'a', sizeof(million));
        ASSERT_STREQ(digest_of(million, sizeof(million)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(fips_vectors) {
        both(vectors);
}

static void lengths_and_splits(void) {
        _cleanup_free_ uint8_t *buf = malloc(70000);
        uint8_t want[HASH_SHA256_SIZE];
        char expect[2 * HASH_SHA256_SIZE + 1];

        ASSERT_TRUE(buf);
        fill(buf, 70000, 7);
        for (size_t n = 0; n <= 300; n++) {
                crypto_hash_sha256(want, buf, n);
                ASSERT_STREQ(digest_of(buf, n), hex(want));
        }
        crypto_hash_sha256(want, buf, 70000);
        snprintf(expect, sizeof(expect), "%s", hex(want));
        /* The same input in pieces of every size from 1 to 130 bytes. */
        for (size_t step = 1; step <= 130; step++) {
                struct hash_sha256 c;
                uint8_t d[HASH_SHA256_SIZE];

                hash_sha256_init(&c);
                for (size_t done = 0; done < 70000; done += step)
                        hash_sha256_update(&c, buf + done, MIN(step, 70000 - done));
                hash_sha256_final(&c, d);
                ASSERT_STREQ(hex(d), expect);
        }
}

TEST(libsodium_agrees) {
        both(lengths_and_splits);
}

TEST(portable_switch) {
        struct hash_sha256 c;

        hash_sha256_set_portable(true);
        hash_sha256_init(&c);
        ASSERT_TRUE(!c.ni);
        ASSERT_TRUE(!hash_sha256_accelerated());
        hash_sha256_set_portable(false);
        hash_sha256_init(&c);
        ASSERT_EQ(c.ni, hash_sha256_accelerated());
        printf("# SHA-NI %s on this CPU\n", c.ni ? "used" : "not available");
}

TEST_MAIN()
