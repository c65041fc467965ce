/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opens files that the real age 1.1.1 sealed (tests/fixtures/age/), so age
 * compatibility is checked even where age is not installed. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sodium.h>

#include "basic/macro.h"
#include "seal/age-key.h"
#include "seal/age-open.h"
#include "seal/age-seal.h"
#include "seal-test.h"

static void open_fixture(const char *name, size_t expected_len, const char *expected_sha256) {
        _cleanup_(age_identities_freep) age_identities *ids = NULL;
        _cleanup_free_ char *msg = NULL;
        struct sink out = {};
        uint8_t digest[32];
        int fd;

        ASSERT_OK(age_identities_new(&ids));
        if (age_identities_add_file(ids, test_fixture("age/age-1.1.1-key.txt"), &msg) < 0)
                TEST_FAIL("%s", msg);
        fd = open(test_fixture(name), O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        if (age_open_fd(ids, fd, sink_write, &out, &msg) < 0)
                TEST_FAIL("%s: %s", name, msg);
        close(fd);
        ASSERT_EQ(out.len, expected_len);
        for (size_t i = 0; i < out.len; i++)
                if (out.data[i] != (uint8_t) (i * 131 + (i >> 16)))
                        TEST_FAIL("%s: byte %zu differs", name, i);
        crypto_hash_sha256(digest, out.data ? out.data : (const uint8_t *) "", out.len);
        ASSERT_STREQ(tohex(digest, 32), expected_sha256);
        sink_reset(&out);
}

TEST(age_empty) {
        open_fixture("age/age-1.1.1-empty.age", 0,
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(age_one_full_chunk) {
        open_fixture("age/age-1.1.1-65536.age", 65536,
                     "0c23493796ed952152d9e0c5f1afcae3940d22f0882411a2b88698a9aef2824b");
}

TEST(age_second_of_two_recipients) {
        open_fixture("age/age-1.1.1-two-recipients-100003.age", 100003,
                     "1c579cfa602df3b6fd0eabf2423f62c5ed5ef7f18a7cfba4ae86ff0871812607");
}

/* age's files have exactly the size age_sealed_size() predicts. */
TEST(age_sizes_match_the_formula) {
        static const struct { const char *name; size_t n, plain; } files[] = {
                { "age/age-1.1.1-empty.age", 1, 0 },
                { "age/age-1.1.1-65536.age", 1, 65536 },
                { "age/age-1.1.1-two-recipients-100003.age", 2, 100003 },
        };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                int fd = open(test_fixture(files[i].name), O_RDONLY | O_CLOEXEC);
                off_t size;

                ASSERT_TRUE(fd >= 0);
                size = lseek(fd, 0, SEEK_END);
                close(fd);
                ASSERT_EQ(size, age_sealed_size(files[i].n, files[i].plain));
        }
}

TEST_MAIN();
