/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What full checks found, by file state: a file is known good only in the
 * exact state it was read in; the same digest at another size is a change;
 * another digest on the same inode is another file; the record keeps one
 * line a file, the newest, and survives damage by forgetting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "kdumpd/verify-record.h"
#include "tests.h"

static const struct verify_key K = { .dev = 2049, .ino = 131, .size = 4096, .mtime_ns = 1764669600123456789,
                                     .ctime_ns = 1764669600223456789 };

static void digest_of(uint8_t d[SHA256_DIGEST_SIZE], uint8_t seed) {
        for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++)
                d[i] = (uint8_t) (seed + i * 7);
}

TEST(lookup_by_exact_state) {
        _cleanup_(verify_record_freep) verify_record *v = NULL;
        uint8_t d[SHA256_DIGEST_SIZE], other[SHA256_DIGEST_SIZE];
        struct verify_key k = K;

        digest_of(d, 1);
        digest_of(other, 2);
        ASSERT_OK(verify_record_new(&v));
        ASSERT_EQ(verify_record_lookup(v, &K, d), VERIFY_UNKNOWN);
        ASSERT_OK(verify_record_set(v, &K, d, true, "/var/crash/2026-12-04-10:00:00/vmcore"));
        ASSERT_EQ(verify_record_lookup(v, &K, d), VERIFY_GOOD);
        /* written to since (same size): unknown until read again */
        k.mtime_ns++;
        ASSERT_EQ(verify_record_lookup(v, &k, d), VERIFY_UNKNOWN);
        k = K;
        k.ctime_ns++;
        ASSERT_EQ(verify_record_lookup(v, &k, d), VERIFY_UNKNOWN);
        /* cut short: not the bytes that matched */
        k = K;
        k.size = 1024;
        k.mtime_ns++;
        ASSERT_EQ(verify_record_lookup(v, &k, d), VERIFY_CHANGED);
        /* the inode now holds another dump's file */
        ASSERT_EQ(verify_record_lookup(v, &k, other), VERIFY_UNKNOWN);
        ASSERT_EQ(verify_record_lookup(v, &K, other), VERIFY_UNKNOWN);
        /* another device */
        k = K;
        k.dev++;
        ASSERT_EQ(verify_record_lookup(v, &k, d), VERIFY_UNKNOWN);
        /* a failed check in this state */
        ASSERT_OK(verify_record_set(v, &K, d, false, "/var/crash/2026-12-04-10:00:00/vmcore"));
        ASSERT_EQ(verify_record_count(v), 1u);
        ASSERT_EQ(verify_record_lookup(v, &K, d), VERIFY_BAD);
        ASSERT_ERR(verify_record_set(v, &K, d, true, "a\nb"), EINVAL);
}

TEST(format_parse_round_trip_and_damage) {
        _cleanup_(verify_record_freep) verify_record *v = NULL, *w = NULL, *x = NULL;
        _cleanup_free_ char *text = NULL, *again = NULL, *damaged = NULL;
        uint8_t d[SHA256_DIGEST_SIZE];
        struct verify_key k = K;

        digest_of(d, 9);
        ASSERT_OK(verify_record_new(&v));
        ASSERT_OK(verify_record_set(v, &K, d, true, "/srv/crash/a dir with spaces/vmcore"));
        k.ino++;
        ASSERT_OK(verify_record_set(v, &k, d, false, "/srv/crash/b/vmcore"));
        ASSERT_OK(verify_record_format(v, &text));
        ASSERT_CONTAINS(text, " ok 2049 131 4096 1764669600123456789 1764669600223456789 "
                              "/srv/crash/a dir with spaces/vmcore\n");
        ASSERT_CONTAINS(text, " bad 2049 132 ");
        ASSERT_TRUE(strncmp(text, "09101", 5) == 0);
        ASSERT_OK(verify_record_parse(text, &w));
        ASSERT_OK(verify_record_format(w, &again));
        ASSERT_STREQ(again, text);
        ASSERT_EQ(verify_record_lookup(w, &K, d), VERIFY_GOOD);
        ASSERT_EQ(verify_record_lookup(w, &k, d), VERIFY_BAD);

        /* lines that do not parse are forgotten, never read as "ok" */
        ASSERT_TRUE(asprintf(&damaged, "garbage\n%.*s\nZZ%s", 70, text, text + 2) > 0);
        ASSERT_OK(verify_record_parse(damaged, &x));
        ASSERT_EQ(verify_record_count(x), 1u);          /* only the last, "bad" line, is whole */
        ASSERT_EQ(verify_record_lookup(x, &K, d), VERIFY_UNKNOWN);
}

TEST(one_line_a_file_newest_kept) {
        _cleanup_(verify_record_freep) verify_record *v = NULL;
        uint8_t d[SHA256_DIGEST_SIZE];
        struct verify_key k = K;

        digest_of(d, 3);
        ASSERT_OK(verify_record_new(&v));
        for (unsigned i = 0; i < VERIFY_RECORD_MAX + 10; i++) {
                k.ino = 1000 + i;
                ASSERT_OK(verify_record_set(v, &k, d, true, "/x"));
        }
        ASSERT_EQ(verify_record_count(v), (size_t) VERIFY_RECORD_MAX);
        k.ino = 1000;
        ASSERT_EQ(verify_record_lookup(v, &k, d), VERIFY_UNKNOWN);
        k.ino = 1000 + VERIFY_RECORD_MAX + 9;
        ASSERT_EQ(verify_record_lookup(v, &k, d), VERIFY_GOOD);
}

TEST(load_and_save) {
        _cleanup_(verify_record_freep) verify_record *v = NULL, *w = NULL, *none = NULL;
        _cleanup_free_ char *dir = NULL, *path = NULL;
        uint8_t d[SHA256_DIGEST_SIZE];
        struct stat st;

        digest_of(d, 5);
        ASSERT_TRUE(asprintf(&dir, "%s/state/kdumpd", test_tmp_dir) > 0);
        ASSERT_OK(verify_record_load(dir, &none));      /* no directory yet */
        ASSERT_EQ(verify_record_count(none), 0u);
        ASSERT_OK(verify_record_new(&v));
        ASSERT_OK(verify_record_set(v, &K, d, true, "/var/crash/x/vmcore"));
        ASSERT_OK(verify_record_save(dir, v));
        ASSERT_TRUE(asprintf(&path, "%s/%s", dir, VERIFY_RECORD_FILE) > 0);
        ASSERT_OK(stat(path, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600u);
        ASSERT_OK(stat(dir, &st));
        ASSERT_EQ(st.st_mode & 07777, 0700u);
        ASSERT_OK(verify_record_load(dir, &w));
        ASSERT_EQ(verify_record_lookup(w, &K, d), VERIFY_GOOD);
}

TEST_MAIN()
