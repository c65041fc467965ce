/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The output chain: hashing gives the digest of exactly the bytes that
 * reached the file, sealing gives an age file that opens to what was
 * written (and nothing before its first chunk), a random pool that is not
 * ready is waited for with a bound, errors are final, the stdio stream and
 * the flattened stream go through it unchanged. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/byte-sink.h"
#include "initramfs/collect/flatten.h"
#include "initramfs/collect/random-wait.h"
#include "initramfs/collect/sink-seal.h"
#include "initramfs/collect/sink-sha256.h"
#include "seal/age-open.h"
#include "seal/age-seal.h"
#include "seal/seal-random.h"
#include "tests.h"

static void fill(uint8_t *p, size_t n, uint32_t seed) {
        for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                p[i] = (uint8_t) (seed >> 16);
        }
}

static int create(const char *name) {
        int fd = open(test_tmp(name), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        ASSERT_TRUE(fd >= 0);
        return fd;
}

/* Writes n bytes of p into s in pieces of 1, 2, ... 997 bytes. */
static void write_pieces(byte_sink *s, const uint8_t *p, size_t n) {
        for (size_t done = 0, step = 1; done < n; done += step, step = step % 997 + 1) {
                step = MIN(step, n - done);
                ASSERT_OK(byte_sink_write(s, p + done, step));
        }
}

static void keys(age_identities **ret_ids, age_recipients **ret_r) {
        uint8_t secret[AGE_X25519_KEY_SIZE], pub[AGE_X25519_KEY_SIZE];

        fill(secret, sizeof(secret), 42);
        ASSERT_OK(age_identity_to_recipient(secret, pub));
        ASSERT_OK(age_identities_new(ret_ids));
        ASSERT_OK(age_identities_add(*ret_ids, secret));
        ASSERT_OK(age_recipients_new(ret_r));
        ASSERT_OK(age_recipients_add(*ret_r, pub));
}

TEST(sha256_of_the_bytes_written) {
        _cleanup_close_ int fd = create("hashed");
        _cleanup_byte_sink_ byte_sink *s = NULL;
        _cleanup_free_ uint8_t *data = malloc(300000);
        _cleanup_free_ char *back = NULL, *line = NULL;
        uint8_t digest[HASH_SHA256_SIZE], want[HASH_SHA256_SIZE];
        char expect[128];
        byte_sink *end;
        uint64_t size;
        size_t n;

        ASSERT_TRUE(data);
        fill(data, 300000, 1);
        ASSERT_OK(byte_sink_fd_new(fd, &end));
        ASSERT_OK(sha256_sink_new(end, &s));
        write_pieces(s, data, 300000);
        ASSERT_ERR(sha256_sink_digest(s, digest, NULL), EBUSY);
        ASSERT_OK(byte_sink_finish(s));
        ASSERT_ERR(byte_sink_finish(s), EINVAL);
        ASSERT_ERR(byte_sink_write(s, "x", 1), EINVAL);
        ASSERT_OK(sha256_sink_digest(s, digest, &size));
        ASSERT_EQ(size, 300000);
        ASSERT_EQ(byte_sink_bytes(s), 300000);
        ASSERT_EQ(byte_sink_bytes(end), 300000);

        ASSERT_OK(read_full_file(test_tmp("hashed"), &back, &n));
        ASSERT_EQ(n, 300000);
        ASSERT_TRUE(memcmp(back, data, n) == 0);
        crypto_hash_sha256(want, (const uint8_t *) back, n);
        ASSERT_TRUE(memcmp(digest, want, sizeof(want)) == 0);

        ASSERT_OK(sha256sum_line(digest, "vmcore.age", &line));
        sodium_bin2hex(expect, 65, want, sizeof(want));
        strcat(expect, "  vmcore.age\n");
        ASSERT_STREQ(line, expect);
        ASSERT_ERR(sha256sum_line(digest, "a\nb", &line), EINVAL);
        ASSERT_ERR(sha256sum_line(digest, "../vmcore", &line), EINVAL);
        ASSERT_ERR(sha256sum_line(digest, "/vmcore", &line), EINVAL);
        ASSERT_ERR(sha256sum_line(digest, "", &line), EINVAL);
        /* Not a hashing sink. */
        ASSERT_ERR(sha256_sink_digest(end, digest, NULL), EINVAL);
}

TEST(sealed_opens_to_what_was_written) {
        _cleanup_close_ int fd = create("sealed"), out = create("opened");
        _cleanup_age_identities_ age_identities *ids = NULL;
        _cleanup_age_recipients_ age_recipients *r = NULL;
        _cleanup_byte_sink_ byte_sink *s = NULL;
        _cleanup_free_ uint8_t *data = malloc(200001);
        _cleanup_free_ char *sealed = NULL, *opened = NULL, *err = NULL;
        uint8_t digest[HASH_SHA256_SIZE], want[HASH_SHA256_SIZE];
        byte_sink *end, *hash;
        struct stat st;
        size_t n;

        ASSERT_TRUE(data);
        fill(data, 200001, 2);
        keys(&ids, &r);
        ASSERT_OK(byte_sink_fd_new(fd, &end));
        ASSERT_OK(sha256_sink_new(end, &hash));
        ASSERT_OK(seal_sink_new(r, hash, &s));

        /* Nothing reaches the file before a whole chunk is there. */
        ASSERT_OK(byte_sink_write(s, data, 1000));
        ASSERT_OK(fstat(fd, &st));
        ASSERT_EQ(st.st_size, 0);
        write_pieces(s, data + 1000, 200001 - 1000);
        ASSERT_OK(byte_sink_finish(s));
        ASSERT_EQ(byte_sink_bytes(s), 200001);
        ASSERT_EQ(byte_sink_bytes(end), age_sealed_size(1, 200001));

        /* The digest is the ciphertext's: the file on disk. */
        ASSERT_OK(read_full_file(test_tmp("sealed"), &sealed, &n));
        ASSERT_EQ(n, age_sealed_size(1, 200001));
        ASSERT_TRUE(memcmp(sealed, "age-encryption.org/v1\n", 22) == 0);
        crypto_hash_sha256(want, (const uint8_t *) sealed, n);
        ASSERT_OK(sha256_sink_digest(hash, digest, NULL));
        ASSERT_TRUE(memcmp(digest, want, sizeof(want)) == 0);
        ASSERT_TRUE(memmem(sealed, n, data, 64) == NULL);

        ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
        ASSERT_OK(age_open_fd(ids, fd, age_write_fd, &out, &err));
        ASSERT_OK(read_full_file(test_tmp("opened"), &opened, &n));
        ASSERT_EQ(n, 200001);
        ASSERT_TRUE(memcmp(opened, data, n) == 0);
}

static unsigned not_ready_left;

static int source_not_ready(void *buf, size_t n) {
        if (not_ready_left > 0) {
                not_ready_left--;
                return -EAGAIN;
        }
        memset(buf, 0x5a, n);
        return 0;
}

static void count_waiting(void *userdata) {
        (*(unsigned *) userdata)++;
}

static double now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

TEST(random_pool_not_ready) {
        _cleanup_age_identities_ age_identities *ids = NULL;
        _cleanup_age_recipients_ age_recipients *r = NULL;
        _cleanup_byte_sink_ byte_sink *end = NULL;
        _cleanup_close_ int fd = create("never");
        byte_sink *s = NULL;
        unsigned waited = 0;
        double t0;

        keys(&ids, &r);
        ASSERT_OK(byte_sink_fd_new(fd, &end));
        seal_random_set_source(source_not_ready);

        /* No key while the pool is not ready; next stays the caller's. */
        not_ready_left = 1000000;
        ASSERT_ERR(seal_sink_new(r, end, &s), EAGAIN);
        ASSERT_TRUE(s == NULL);

        /* The wait gives up after its bound, having said so once. */
        t0 = now();
        ASSERT_ERR(random_wait_ready(100000, 10000, count_waiting, &waited), ETIME);
        ASSERT_TRUE(now() - t0 >= 0.099);
        ASSERT_TRUE(now() - t0 < 2.0);
        ASSERT_EQ(waited, 1);

        /* Ready after a few polls: 0, said once. */
        waited = 0;
        not_ready_left = 3;
        ASSERT_OK(random_wait_ready(10000000, 1000, count_waiting, &waited));
        ASSERT_EQ(waited, 1);
        ASSERT_EQ(not_ready_left, 0);

        /* Ready at once: nothing said. */
        waited = 0;
        ASSERT_OK(random_wait_ready(10000000, 1000, count_waiting, &waited));
        ASSERT_EQ(waited, 0);
        ASSERT_OK(seal_sink_new(r, end, &s));
        TAKE_PTR(end);                  /* s owns it now */
        byte_sink_free(s);
        seal_random_set_source(NULL);
}

TEST(errors_are_final) {
        _cleanup_close_ int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
        _cleanup_age_identities_ age_identities *ids = NULL;
        _cleanup_age_recipients_ age_recipients *r = NULL;
        _cleanup_byte_sink_ byte_sink *s = NULL, *sealed = NULL;
        _cleanup_free_ uint8_t *data = malloc(200000);
        byte_sink *end;

        ASSERT_TRUE(full >= 0 && data);
        fill(data, 200000, 3);
        ASSERT_OK(byte_sink_fd_new(full, &s));
        ASSERT_ERR(byte_sink_write(s, "x", 1), ENOSPC);
        ASSERT_ERR(byte_sink_write(s, "x", 1), ENOSPC);
        ASSERT_ERR(byte_sink_finish(s), ENOSPC);
        ASSERT_EQ(byte_sink_bytes(s), 0);

        /* Through the sealer: buffered until a chunk goes out. */
        keys(&ids, &r);
        ASSERT_OK(byte_sink_fd_new(full, &end));
        ASSERT_OK(seal_sink_new(r, end, &sealed));
        ASSERT_OK(byte_sink_write(sealed, data, 1000));
        ASSERT_ERR(byte_sink_write(sealed, data, 200000), ENOSPC);
        ASSERT_ERR(byte_sink_write(sealed, data, 10), ENOSPC);
        ASSERT_ERR(byte_sink_finish(sealed), ENOSPC);
        ASSERT_ERR(byte_sink_fd_new(-1, &end), EBADF);
}

TEST(stdio_stream) {
        _cleanup_close_ int fd = create("stdio"), full = open("/dev/full", O_WRONLY | O_CLOEXEC);
        _cleanup_byte_sink_ byte_sink *s = NULL, *f_full = NULL;
        _cleanup_free_ char *back = NULL;
        FILE *f;
        size_t n;

        ASSERT_OK(byte_sink_fd_new(fd, &s));
        f = byte_sink_fopen(s);
        ASSERT_TRUE(f);
        for (unsigned i = 0; i < 2000; i++)
                fprintf(f, "[%5u.000000] line %u\n", i, i);
        ASSERT_EQ(fflush(f), 0);
        ASSERT_EQ(fclose(f), 0);
        ASSERT_OK(byte_sink_finish(s));
        ASSERT_OK(read_full_file(test_tmp("stdio"), &back, &n));
        ASSERT_EQ(n, byte_sink_bytes(s));
        ASSERT_TRUE(strncmp(back, "[    0.000000] line 0\n[    1.000000] line 1\n", 44) == 0);

        ASSERT_TRUE(full >= 0);
        ASSERT_OK(byte_sink_fd_new(full, &f_full));
        f = byte_sink_fopen(f_full);
        ASSERT_TRUE(f);
        fprintf(f, "lost\n");
        errno = 0;
        ASSERT_EQ(fflush(f), EOF);
        ASSERT_EQ(errno, ENOSPC);
        ASSERT_TRUE(ferror(f));
        fclose(f);
}

/* The same records through dump_sink_new(fd, true) and through a byte sink
 * chain: the same stream, and the chain's hash is the stream's. */
TEST(flattened_stream_through_a_chain) {
        _cleanup_close_ int a = create("flat-a"), b = create("flat-b");
        _cleanup_byte_sink_ byte_sink *chain = NULL;
        _cleanup_free_ char *x = NULL, *y = NULL;
        uint8_t buf[10000], digest[HASH_SHA256_SIZE], want[HASH_SHA256_SIZE];
        struct dump_sink *da, *db;
        byte_sink *end;
        size_t nx, ny;

        fill(buf, sizeof(buf), 4);
        ASSERT_OK(dump_sink_new(a, true, &da));
        ASSERT_OK(byte_sink_fd_new(b, &end));
        ASSERT_OK(sha256_sink_new(end, &chain));
        ASSERT_OK(dump_sink_new_stream(chain, &db));
        ASSERT_TRUE(dump_sink_is_flat(db));
        for (unsigned k = 0; k < 2; k++) {
                struct dump_sink *d = k ? db : da;

                ASSERT_OK(dump_sink_write(d, 0, buf, 464));
                ASSERT_OK(dump_sink_write(d, 20000, buf, sizeof(buf)));
                ASSERT_OK(dump_sink_reserve(d, 40000, 4096));
                ASSERT_OK(dump_sink_extend(d, 50000));
                ASSERT_OK(dump_sink_finish(d));
        }
        ASSERT_EQ(dump_sink_bytes(da), dump_sink_bytes(db));
        dump_sink_free(da);
        dump_sink_free(db);
        ASSERT_OK(byte_sink_finish(chain));

        ASSERT_OK(read_full_file(test_tmp("flat-a"), &x, &nx));
        ASSERT_OK(read_full_file(test_tmp("flat-b"), &y, &ny));
        ASSERT_EQ(nx, ny);
        ASSERT_EQ(nx, 4096 + 16 + 464 + 16 + sizeof(buf) + 16 + 1 + 16);
        ASSERT_TRUE(memcmp(x, y, nx) == 0);
        crypto_hash_sha256(want, (const uint8_t *) y, ny);
        ASSERT_OK(sha256_sink_digest(chain, digest, NULL));
        ASSERT_TRUE(memcmp(digest, want, sizeof(want)) == 0);
        ASSERT_ERR(dump_sink_new_stream(NULL, &da), EINVAL);
}

TEST_MAIN()
