/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sealing, and opening what was sealed: round trips at the sizes around
 * the 64 KiB chunk, the exact sealed size, several recipients, a kernel
 * random pool that is not ready, write errors, and tampering of every kind
 * (header bytes, payload bytes, truncation, appended data) refused. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "basic/macro.h"
#include "seal/age-format.h"
#include "seal/age-key.h"
#include "seal/age-open.h"
#include "seal/age-seal.h"
#include "seal/seal-random.h"
#include "seal-test.h"

#define MiB (1024u * 1024u)

static void make_identity(uint32_t seed, age_identities **ret_ids, age_recipients **ret_r) {
        uint8_t secret[32], pub[32];

        fill_pattern(secret, sizeof(secret), seed);
        ASSERT_OK(age_identity_to_recipient(secret, pub));
        if (ret_ids) {
                ASSERT_OK(age_identities_new(ret_ids));
                ASSERT_OK(age_identities_add(*ret_ids, secret));
        }
        if (ret_r) {
                if (!*ret_r)
                        ASSERT_OK(age_recipients_new(ret_r));
                ASSERT_OK(age_recipients_add(*ret_r, pub));
        }
}

/* Seals data, handed over in pieces of step bytes (0: all at once). */
static void seal_to(const age_recipients *r, const uint8_t *data, size_t len, size_t step, struct sink *out) {
        age_seal *s = NULL;

        ASSERT_OK(age_seal_new(r, sink_write, out, &s));
        for (size_t done = 0; done < len; ) {
                size_t n = step ? MIN(step, len - done) : len;

                ASSERT_OK(age_seal_write(s, data + done, n));
                done += n;
        }
        ASSERT_OK(age_seal_finish(s));
        age_seal_free(s);
}

/* Opens data fed in pieces of step bytes; the result, *ret_msg set on failure. */
static int open_from(const age_identities *ids, const uint8_t *data, size_t len, size_t step, struct sink *out,
                     char **ret_msg) {
        age_open *o = NULL;
        int r = 0;

        ASSERT_OK(age_open_new(ids, sink_write, out, &o));
        for (size_t done = 0; r >= 0 && done < len; ) {
                size_t n = step ? MIN(step, len - done) : len;

                r = age_open_write(o, data + done, n, ret_msg);
                done += n;
        }
        if (r >= 0)
                r = age_open_finish(o, ret_msg);
        age_open_free(o);
        return r;
}

static void round_trip(size_t len, size_t seal_step, size_t open_step) {
        age_identities *ids = NULL;
        age_recipients *r = NULL;
        struct sink sealed = {}, opened = {};
        _cleanup_free_ char *msg = NULL;
        uint8_t *data = malloc(len + 1);

        ASSERT_TRUE(data);
        fill_pattern(data, len, (uint32_t) len);
        make_identity(1, &ids, &r);
        seal_to(r, data, len, seal_step, &sealed);
        ASSERT_EQ(sealed.len, age_sealed_size(1, len));
        ASSERT_TRUE(memcmp(sealed.data, AGE_VERSION_LINE, strlen(AGE_VERSION_LINE)) == 0);
        if (open_from(ids, sealed.data, sealed.len, open_step, &opened, &msg) < 0)
                TEST_FAIL("size %zu: %s", len, msg);
        ASSERT_EQ(opened.len, len);
        ASSERT_TRUE(len == 0 || memcmp(opened.data, data, len) == 0);
        sink_reset(&sealed);
        sink_reset(&opened);
        age_identities_free(ids);
        age_recipients_free(r);
        free(data);
}

TEST(round_trip_sizes) {
        static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 1, 5 * MiB + 3 };

        for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
                round_trip(sizes[i], 0, 0);             /* one write each way */
                round_trip(sizes[i], 4093, 65552);      /* odd pieces; exactly a chunk */
                round_trip(sizes[i], 65536, 7);         /* chunk-sized writes; small reads */
        }
}

TEST(round_trip_byte_by_byte) {
        round_trip(2 * 65536 + 5, 1, 1);
}

TEST(sealed_size_formula) {
        ASSERT_EQ(age_sealed_size(1, 0), 86 + 98 + 16);
        ASSERT_EQ(age_sealed_size(1, 1), 86 + 98 + 1 + 16);
        ASSERT_EQ(age_sealed_size(2, 65536), 86 + 2 * 98 + 65536 + 16);
        ASSERT_EQ(age_sealed_size(2, 65537), 86 + 2 * 98 + 65537 + 32);
        ASSERT_EQ(age_sealed_size(3, 1ull << 40), 86 + 3 * 98 + (1ull << 40) + 16 * (1ull << 24));
        ASSERT_EQ(age_sealed_size(1, UINT64_MAX - 10), UINT64_MAX);
        for (unsigned n = 1; n <= 4; n++) {
                age_recipients *r = NULL;
                struct sink out = {};

                for (unsigned k = 0; k < n; k++)
                        make_identity(10 + k, NULL, &r);
                seal_to(r, (const uint8_t *) "hello", 5, 0, &out);
                ASSERT_EQ(out.len, age_sealed_size(n, 5));
                sink_reset(&out);
                age_recipients_free(r);
        }
}

TEST(only_the_second_recipient_key) {
        age_identities *second = NULL, *other = NULL;
        age_recipients *r = NULL;
        struct sink sealed = {}, opened = {};
        char *msg = NULL;

        make_identity(21, NULL, &r);
        make_identity(22, &second, &r);
        make_identity(23, &other, NULL);
        seal_to(r, (const uint8_t *) "two keys", 8, 0, &sealed);
        ASSERT_OK(open_from(second, sealed.data, sealed.len, 0, &opened, &msg));
        ASSERT_EQ(opened.len, 8);
        sink_reset(&opened);
        ASSERT_ERR(open_from(other, sealed.data, sealed.len, 0, &opened, &msg), ENOKEY);
        ASSERT_STREQ(msg, "no identity opens the file: it is sealed to 2 other X25519 keys (1 identity tried)");
        ASSERT_EQ(opened.len, 0);
        free(msg);
}

static int rng_not_ready(void *buf, size_t n) {
        return -EAGAIN;
}

static uint32_t replay_seed;

static int rng_replay(void *buf, size_t n) {
        fill_pattern(buf, n, replay_seed);
        return 0;
}

TEST(random_pool_not_ready) {
        age_recipients *r = NULL;
        struct sink out = {};
        age_seal *s = NULL;

        make_identity(1, NULL, &r);
        seal_random_set_source(rng_not_ready);
        ASSERT_ERR(age_seal_new(r, sink_write, &out, &s), EAGAIN);
        seal_random_set_source(NULL);
        ASSERT_TRUE(s == NULL);
        ASSERT_EQ(out.calls, 0);
        age_recipients_free(r);
}

TEST(fresh_keys_every_file) {
        age_recipients *r = NULL;
        struct sink a = {}, b = {}, c = {};

        make_identity(1, NULL, &r);
        seal_to(r, (const uint8_t *) "same", 4, 0, &a);
        seal_to(r, (const uint8_t *) "same", 4, 0, &b);
        ASSERT_EQ(a.len, b.len);
        ASSERT_TRUE(memcmp(a.data, b.data, a.len) != 0);
        /* Given the same randomness the output is the same: nothing else varies. */
        replay_seed = 99;
        seal_random_set_source(rng_replay);
        sink_reset(&a);
        seal_to(r, (const uint8_t *) "same", 4, 0, &a);
        seal_to(r, (const uint8_t *) "same", 4, 0, &c);
        seal_random_set_source(NULL);
        ASSERT_TRUE(a.len == c.len && memcmp(a.data, c.data, a.len) == 0);
        sink_reset(&a);
        sink_reset(&b);
        sink_reset(&c);
        age_recipients_free(r);
}

TEST(nothing_written_before_data_or_finish) {
        age_recipients *r = NULL;
        struct sink out = {};
        age_seal *s = NULL;
        uint8_t buf[65536] = {};

        make_identity(1, NULL, &r);
        ASSERT_OK(age_seal_new(r, sink_write, &out, &s));
        ASSERT_EQ(out.calls, 0);
        ASSERT_OK(age_seal_write(s, buf, sizeof(buf)));
        ASSERT_EQ(out.calls, 0);        /* a full chunk waits: it may be the last */
        ASSERT_OK(age_seal_write(s, buf, 1));
        ASSERT_EQ(out.calls, 2);        /* header, chunk 0 */
        ASSERT_OK(age_seal_finish(s));
        ASSERT_EQ(out.calls, 3);
        ASSERT_EQ(out.len, age_sealed_size(1, 65537));
        ASSERT_ERR(age_seal_write(s, buf, 1), EINVAL);
        ASSERT_ERR(age_seal_finish(s), EINVAL);
        age_seal_free(s);
        sink_reset(&out);
        age_recipients_free(r);
}

TEST(write_errors_stick) {
        age_recipients *r = NULL;
        struct sink out = { .fail_after = 1000 };
        age_seal *s = NULL;
        static uint8_t buf[3 * 65536];

        make_identity(1, NULL, &r);
        ASSERT_OK(age_seal_new(r, sink_write, &out, &s));
        ASSERT_ERR(age_seal_write(s, buf, sizeof(buf)), ENOSPC);
        ASSERT_ERR(age_seal_write(s, buf, 1), ENOSPC);
        ASSERT_ERR(age_seal_finish(s), ENOSPC);
        age_seal_free(s);
        sink_reset(&out);
        age_recipients_free(r);
}

TEST(open_write_error) {
        age_identities *ids = NULL;
        age_recipients *r = NULL;
        struct sink sealed = {}, opened = { .fail_after = 100000 };
        static uint8_t buf[3 * 65536];
        _cleanup_free_ char *msg = NULL;

        make_identity(1, &ids, &r);
        seal_to(r, buf, sizeof(buf), 0, &sealed);
        ASSERT_ERR(open_from(ids, sealed.data, sealed.len, 0, &opened, &msg), ENOSPC);
        ASSERT_STREQ(msg, "writing the plaintext of chunk 1: No space left on device");
        sink_reset(&sealed);
        sink_reset(&opened);
}

/* A sealed file of len bytes and its opener, for the tampering tests. */
struct fixture {
        age_identities *ids;
        struct sink sealed;
        uint8_t *plain;
        size_t len;
};

static void fixture_make(struct fixture *f, size_t len) {
        age_recipients *r = NULL;

        *f = (struct fixture) { .len = len, .plain = malloc(len + 1) };
        fill_pattern(f->plain, len, 5);
        make_identity(3, &f->ids, &r);
        seal_to(r, f->plain, len, 0, &f->sealed);
        age_recipients_free(r);
}

static size_t header_len(const struct fixture *f) {
        return age_sealed_size(1, f->len) - f->len - 16 * MAX(1, DIV_ROUND_UP(f->len, 65536)) - 16;
}

TEST(every_header_byte_flip_refused) {
        struct fixture f;
        size_t h;

        fixture_make(&f, 100);
        h = header_len(&f) + 16;    /* the nonce too */
        ASSERT_EQ(h, 22 + 98 + 48 + 16);
        for (size_t i = 0; i < h; i++)
                for (unsigned bit = 0; bit < 8; bit++) {
                        struct sink out = {};
                        char *msg = NULL;
                        int r;

                        f.sealed.data[i] ^= (uint8_t) (1u << bit);
                        r = open_from(f.ids, f.sealed.data, f.sealed.len, 0, &out, &msg);
                        f.sealed.data[i] ^= (uint8_t) (1u << bit);
                        if (r >= 0)
                                TEST_FAIL("flipping bit %u of header byte %zu went unnoticed", bit, i);
                        /* The nonce is not in the header: its damage shows in the payload. */
                        ASSERT_TRUE(i >= h - 16 ? r == -EPROTO : r != -EPROTO);
                        ASSERT_EQ(out.len, 0);
                        sink_reset(&out);
                        free(msg);
                }
}

/* Another character of the base64 alphabet ('A', or 'B' for an 'A'); not
 * for the last character of an encoding (whose low bits must be zero).
 * Returns the old one, to put back. */
static uint8_t swap_b64(uint8_t *c) {
        uint8_t old = *c;

        *c = old == 'A' ? 'B' : 'A';
        return old;
}

TEST(header_flip_messages) {
        struct fixture f;
        uint8_t old;
        struct sink out = {};
        char *msg = NULL;

        fixture_make(&f, 10);
        f.sealed.data[5] ^= 1;          /* the version line */
        ASSERT_ERR(open_from(f.ids, f.sealed.data, f.sealed.len, 0, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "not an age file: it does not start with \"age-encryption.org/\"");
        f.sealed.data[5] ^= 1;
        free(msg);
        msg = NULL;
        /* One base64 character changed to another valid one: flipping a
         * bit could make it invalid (a syntax error, not a MAC failure),
         * depending on the random key. */
        old = swap_b64(&f.sealed.data[22 + 98 + 10]);  /* in the MAC */
        ASSERT_ERR(open_from(f.ids, f.sealed.data, f.sealed.len, 0, &out, &msg), EKEYREJECTED);
        ASSERT_STREQ(msg, "the header MAC does not match: the header was altered, or the file is corrupt");
        f.sealed.data[22 + 98 + 10] = old;
        free(msg);
        msg = NULL;
        swap_b64(&f.sealed.data[22 + 60]);              /* in the wrapped file key */
        ASSERT_ERR(open_from(f.ids, f.sealed.data, f.sealed.len, 0, &out, &msg), ENOKEY);
        free(msg);
}

TEST(payload_flips_refused) {
        struct fixture f;
        size_t h;

        fixture_make(&f, 3 * 65536 + 100);
        h = header_len(&f) + 16;
        for (size_t off = h; off < f.sealed.len; off += 9973) {
                struct sink out = {};
                char *msg = NULL;
                size_t chunk = (off - h) / AGE_ENC_CHUNK_SIZE;

                f.sealed.data[off] ^= 0x80;
                ASSERT_ERR(open_from(f.ids, f.sealed.data, f.sealed.len, 65536, &out, &msg), EPROTO);
                f.sealed.data[off] ^= 0x80;
                /* What went out is exactly the chunks before the damaged one. */
                ASSERT_EQ(out.len, chunk * 65536);
                ASSERT_TRUE(out.len == 0 || memcmp(out.data, f.plain, out.len) == 0);
                sink_reset(&out);
                free(msg);
        }
}

TEST(truncation_refused) {
        struct fixture f;
        struct sink out = {};
        char *msg = NULL;
        size_t h;

        fixture_make(&f, 3 * 65536);
        h = header_len(&f) + 16;
        /* At a chunk boundary: two whole chunks, no last one. */
        ASSERT_ERR(open_from(f.ids, f.sealed.data, h + 2 * AGE_ENC_CHUNK_SIZE, 0, &out, &msg), EPROTO);
        ASSERT_STREQ(msg, "the file is truncated: it ends after chunk 1 without the last chunk");
        ASSERT_EQ(out.len, 2 * 65536);
        sink_reset(&out);
        free(msg);
        msg = NULL;
        /* Right after the nonce. */
        ASSERT_ERR(open_from(f.ids, f.sealed.data, h, 0, &out, &msg), EPROTO);
        ASSERT_STREQ(msg, "the payload has no chunk: the file was cut after its header");
        free(msg);
        msg = NULL;
        /* Mid-chunk, mid-nonce, mid-header, nothing. */
        ASSERT_ERR(open_from(f.ids, f.sealed.data, h + 1000, 0, &out, &msg), EPROTO);
        free(msg);
        msg = NULL;
        ASSERT_ERR(open_from(f.ids, f.sealed.data, h - 3, 0, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "the file ends inside the payload nonce, right after the header");
        free(msg);
        msg = NULL;
        ASSERT_ERR(open_from(f.ids, f.sealed.data, 50, 0, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "the file ends inside the age header");
        free(msg);
        msg = NULL;
        ASSERT_ERR(open_from(f.ids, f.sealed.data, 0, 0, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "the file is empty");
        free(msg);
}

TEST(appended_data_refused) {
        struct fixture f;
        static const size_t extra[] = { 1, 16, 17, 65552, 100000 };

        fixture_make(&f, 65536 + 10);
        for (size_t i = 0; i < ELEMENTSOF(extra); i++) {
                struct sink file = {}, out = {};
                char *msg = NULL;

                sink_write(&file, f.sealed.data, f.sealed.len);
                for (size_t k = 0; k < extra[i]; k++)
                        sink_write(&file, "x", 1);
                ASSERT_ERR(open_from(f.ids, file.data, file.len, 4096, &out, &msg), EPROTO);
                sink_reset(&file);
                sink_reset(&out);
                free(msg);
        }
}

TEST(appended_after_full_last_chunk) {
        struct fixture f;
        struct sink file = {}, out = {};
        char *msg = NULL;

        fixture_make(&f, 2 * 65536);
        sink_write(&file, f.sealed.data, f.sealed.len);
        sink_write(&file, "garbage", 7);
        ASSERT_ERR(open_from(f.ids, file.data, file.len, 0, &out, &msg), EPROTO);
        ASSERT_STREQ(msg, "trailing data after the last chunk: the file was altered or is two files run together");
        /* Both chunks authenticated (the second as the last) before the garbage showed. */
        ASSERT_EQ(out.len, 2 * 65536);
        free(msg);
}

TEST(errors_are_final) {
        struct fixture f;
        struct sink out = {};
        age_open *o = NULL;
        char *msg = NULL, *msg2 = NULL;

        fixture_make(&f, 10);
        ASSERT_OK(age_open_new(f.ids, sink_write, &out, &o));
        ASSERT_ERR(age_open_write(o, "not age\n", 8, &msg), EBADMSG);
        ASSERT_ERR(age_open_write(o, f.sealed.data, f.sealed.len, &msg2), EBADMSG);
        ASSERT_ERR(age_open_finish(o, NULL), EBADMSG);
        ASSERT_TRUE(msg2 != NULL);
        age_open_free(o);
        free(msg);
        free(msg2);
}

TEST(age_open_fd_reads_a_file) {
        struct fixture f;
        struct sink out = {};
        _cleanup_free_ char *msg = NULL;
        const char *path;
        int fd;

        fixture_make(&f, 200000);
        path = write_tmp("sealed.age", f.sealed.data, f.sealed.len);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(age_open_fd(f.ids, fd, sink_write, &out, &msg));
        close(fd);
        ASSERT_EQ(out.len, 200000);
        ASSERT_TRUE(memcmp(out.data, f.plain, out.len) == 0);
}

TEST(seal_to_fd) {
        age_identities *ids = NULL;
        age_recipients *r = NULL;
        struct sink out = {};
        _cleanup_free_ char *msg = NULL;
        age_seal *s = NULL;
        int fd;

        make_identity(8, &ids, &r);
        fd = open(test_tmp("fd.age"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(age_seal_new(r, age_write_fd, &fd, &s));
        ASSERT_OK(age_seal_write(s, "via an fd", 9));
        ASSERT_OK(age_seal_finish(s));
        age_seal_free(s);
        close(fd);
        fd = open(test_tmp("fd.age"), O_RDONLY | O_CLOEXEC);
        ASSERT_OK(age_open_fd(ids, fd, sink_write, &out, &msg));
        close(fd);
        ASSERT_EQ(out.len, 9);
        ASSERT_TRUE(memcmp(out.data, "via an fd", 9) == 0);
}

TEST(bad_arguments) {
        age_recipients *none = NULL;
        age_identities *no_ids = NULL;
        struct sink out = {};
        age_seal *s = NULL;
        age_open *o = NULL;

        ASSERT_OK(age_recipients_new(&none));
        ASSERT_ERR(age_seal_new(none, sink_write, &out, &s), EINVAL);
        ASSERT_OK(age_identities_new(&no_ids));
        ASSERT_ERR(age_open_new(no_ids, sink_write, &out, &o), EINVAL);
        age_recipients_free(none);
        age_identities_free(no_ids);
}

TEST_MAIN();
