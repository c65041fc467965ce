/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SHA256SUMS manifest against the real sha256sum: the same text for
 * the same files, `sha256sum -c` accepting ours, our checker accepting
 * sha256sum's, and each way a directory can differ from its manifest. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "seal/sha256-manifest.h"
#include "seal-test.h"

static const char *const names[] = { "vmcore", "vmcore-dmesg.txt", "empty", "sub/part 2" };

static size_t file_size(size_t i) {
        static const size_t sizes[] = { 3 * 1024 * 1024 + 17, 12345, 0, 65536 };
        return sizes[i];
}

static const char *dir_path(const char *rel) {
        return test_tmp(rel);
}

/* Writes the files, hashing them as a collector would, in odd pieces. */
static sha256_manifest *make_dump_dir(const char *dir) {
        sha256_manifest *m = NULL;
        sha256_hasher *h = NULL;
        char path[4096];

        snprintf(path, sizeof(path), "%s/sub", dir_path(dir));
        ASSERT_OK(mkdir_p(path, 0755));
        ASSERT_OK(sha256_manifest_new(&m));
        ASSERT_OK(sha256_hasher_new(&h));
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                size_t len = file_size(i);
                uint8_t *data = malloc(len + 1), digest[32];
                uint64_t size;
                int fd;

                fill_pattern(data, len, (uint32_t) i);
                snprintf(path, sizeof(path), "%s/%s", dir_path(dir), names[i]);
                fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                ASSERT_TRUE(fd >= 0);
                for (size_t done = 0; done < len; done += 9999) {
                        size_t n = MIN((size_t) 9999, len - done);

                        ASSERT_OK(loop_write(fd, data + done, n));
                        sha256_hasher_update(h, data + done, n);
                }
                close(fd);
                sha256_hasher_final(h, digest, &size);
                ASSERT_EQ(size, len);
                ASSERT_OK(sha256_manifest_add(m, names[i], digest, size));
                free(data);
        }
        sha256_hasher_free(h);
        return m;
}

static char *run_output(const char *cmd) {
        FILE *p = popen(cmd, "re");
        char *buf = calloc(1, 65536);
        size_t n;

        ASSERT_TRUE(p && buf);
        n = fread(buf, 1, 65535, p);
        buf[n] = 0;
        ASSERT_EQ(pclose(p), 0);
        return buf;
}

TEST(same_text_as_sha256sum) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = make_dump_dir("d1");
        _cleanup_free_ char *ours = NULL, *theirs = NULL;
        char cmd[8192];
        size_t len;

        ASSERT_OK(sha256_manifest_format(m, &ours, &len));
        ASSERT_EQ(len, strlen(ours));
        snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum vmcore vmcore-dmesg.txt empty 'sub/part 2'", dir_path("d1"));
        theirs = run_output(cmd);
        ASSERT_STREQ(ours, theirs);
}

TEST(sha256sum_checks_ours) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = make_dump_dir("d2");
        _cleanup_free_ char *text = NULL, *out = NULL;
        char path[4096], cmd[8192];
        size_t len;

        ASSERT_OK(sha256_manifest_format(m, &text, &len));
        snprintf(path, sizeof(path), "%s/SHA256SUMS", dir_path("d2"));
        ASSERT_OK(write_file_atomic(path, text, len, 0644));
        snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum --strict -c SHA256SUMS", dir_path("d2"));
        out = run_output(cmd);
        ASSERT_STREQ(out, "vmcore: OK\nvmcore-dmesg.txt: OK\nempty: OK\nsub/part 2: OK\n");
}

static int check_dir(const sha256_manifest *m, const char *dir, struct sha256_check_result **ret, size_t *ret_n) {
        int fd = open(dir_path(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

        ASSERT_TRUE(fd >= 0);
        r = sha256_manifest_check(m, fd, ret, ret_n);
        close(fd);
        return r;
}

TEST(we_check_sha256sums_output) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *parsed = NULL;
        _cleanup_free_ char *theirs = NULL, *msg = NULL;
        _cleanup_free_ struct sha256_check_result *res = NULL;
        char cmd[8192];
        size_t n;

        sha256_manifest_free(make_dump_dir("d3"));
        snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum vmcore vmcore-dmesg.txt empty 'sub/part 2'", dir_path("d3"));
        theirs = run_output(cmd);
        ASSERT_OK(sha256_manifest_parse(theirs, strlen(theirs), &parsed, &msg));
        ASSERT_EQ(sha256_manifest_count(parsed), 4);
        ASSERT_EQ(check_dir(parsed, "d3", &res, &n), 0);
        ASSERT_EQ(n, 4);
        for (size_t i = 0; i < n; i++) {
                ASSERT_EQ(res[i].status, SHA256_CHECK_OK);
                ASSERT_EQ(res[i].size, file_size(i));
                ASSERT_STREQ(res[i].name, names[i]);
        }
}

TEST(differences_reported) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = make_dump_dir("d4"), *parsed = NULL;
        _cleanup_free_ struct sha256_check_result *res = NULL, *res2 = NULL;
        _cleanup_free_ char *text = NULL, *msg = NULL;
        char path[4096];
        size_t n, len;
        int fd;

        /* vmcore: one byte changed; vmcore-dmesg.txt: gone; empty: grown; sub/part 2: a directory. */
        snprintf(path, sizeof(path), "%s/vmcore", dir_path("d4"));
        fd = open(path, O_WRONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0 && pwrite(fd, "X", 1, 1000) == 1);
        close(fd);
        snprintf(path, sizeof(path), "%s/vmcore-dmesg.txt", dir_path("d4"));
        ASSERT_OK(unlink(path));
        snprintf(path, sizeof(path), "%s/empty", dir_path("d4"));
        ASSERT_OK(write_file_atomic(path, "abc", 3, 0644));
        snprintf(path, sizeof(path), "%s/sub/part 2", dir_path("d4"));
        ASSERT_OK(unlink(path));
        ASSERT_OK(mkdir(path, 0755));

        ASSERT_EQ(check_dir(m, "d4", &res, &n), 4);
        ASSERT_EQ(res[0].status, SHA256_CHECK_MISMATCH);
        ASSERT_EQ(res[0].size, file_size(0));
        ASSERT_EQ(res[1].status, SHA256_CHECK_MISSING);
        ASSERT_EQ(res[2].status, SHA256_CHECK_SIZE);    /* sizes recorded while hashing */
        ASSERT_EQ(res[2].size, 3);
        ASSERT_EQ(res[3].status, SHA256_CHECK_UNREADABLE);
        ASSERT_EQ(res[3].error, -EISDIR);
        ASSERT_STREQ(sha256_check_status_to_string(res[0].status), "FAILED");
        ASSERT_STREQ(sha256_check_status_to_string(res[1].status), "MISSING");

        /* Read back from text there are no sizes: the grown file is hashed, FAILED. */
        ASSERT_OK(sha256_manifest_format(m, &text, &len));
        ASSERT_OK(sha256_manifest_parse(text, len, &parsed, &msg));
        ASSERT_EQ(check_dir(parsed, "d4", &res2, &n), 4);
        ASSERT_EQ(res2[2].status, SHA256_CHECK_MISMATCH);
}

TEST(names_refused) {
        static const char *const bad[] = { "", "a\nb", "a\rb", "a\\b", "/etc/passwd", "..", "../x", "a/../b", "a/.." };
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        uint8_t d[32] = {};

        ASSERT_OK(sha256_manifest_new(&m));
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                ASSERT_TRUE(!sha256_manifest_name_valid(bad[i]));
                ASSERT_ERR(sha256_manifest_add(m, bad[i], d, 0), EINVAL);
        }
        ASSERT_OK(sha256_manifest_add(m, "..hidden", d, 0));
        ASSERT_OK(sha256_manifest_add(m, "a/b..c", d, 0));
        ASSERT_ERR(sha256_manifest_add(m, "a/b..c", d, 0), EEXIST);
}

static void expect_parse_error(const char *text, const char *message) {
        sha256_manifest *m = NULL;
        char *msg = NULL;

        ASSERT_ERR(sha256_manifest_parse(text, strlen(text), &m, &msg), EINVAL);
        ASSERT_STREQ(msg, message);
        ASSERT_TRUE(m == NULL);
        free(msg);
}

#define H "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

TEST(parse_errors) {
        expect_parse_error(H " vmcore\n", "line 1: not \"<64 hex digits>  <name>\" as sha256sum writes");
        expect_parse_error(H "  a\n" H "\n", "line 2: not \"<64 hex digits>  <name>\" as sha256sum writes");
        expect_parse_error("e3b0  vmcore\n", "line 1: not \"<64 hex digits>  <name>\" as sha256sum writes");
        expect_parse_error("\n", "line 1: not \"<64 hex digits>  <name>\" as sha256sum writes");
        expect_parse_error("SHA256 (vmcore) = " H "\n", "line 1: not \"<64 hex digits>  <name>\" as sha256sum writes");
        expect_parse_error("x" H "  vmcore\n", "line 1: not \"<64 hex digits>  <name>\" as sha256sum writes");
        expect_parse_error(H "  a\n" H "  a\n", "line 2: \"a\" is listed twice");
        expect_parse_error(H "  /etc/shadow\n", "line 1: the name is empty or absolute, or has a \"..\", a carriage "
                           "return or a backslash");
        expect_parse_error(H "  vmcore\r\n", "line 1: the name is empty or absolute, or has a \"..\", a carriage "
                           "return or a backslash");
        expect_parse_error("\\" H "  a\\nb\n", "line 1: an escaped name (sha256sum's '\\' form) is not supported");
}

TEST(parse_accepts) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ char *msg = NULL;
        const char *text = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 *bin\n" H "  no newline";
        const uint8_t *digest;
        const char *name;
        uint64_t size;

        ASSERT_OK(sha256_manifest_parse(text, strlen(text), &m, &msg));
        ASSERT_EQ(sha256_manifest_count(m), 2);
        ASSERT_OK(sha256_manifest_get(m, 0, &name, &digest, &size));
        ASSERT_STREQ(name, "bin");
        ASSERT_STREQ(tohex(digest, 32), H);
        ASSERT_EQ(size, SHA256_SIZE_UNKNOWN);
        ASSERT_OK(sha256_manifest_get(m, 1, &name, NULL, NULL));
        ASSERT_STREQ(name, "no newline");
        ASSERT_ERR(sha256_manifest_get(m, 2, &name, NULL, NULL), ERANGE);
}

/* What sha256sum writes for a name with a backslash, and that we refuse it. */
TEST(sha256sum_escaped_names_refused) {
        _cleanup_free_ char *theirs = NULL;
        char path[4096], cmd[8192], expected[256];
        sha256_manifest *m = NULL;
        char *msg = NULL;

        snprintf(path, sizeof(path), "%s/back\\slash", test_tmp_dir);
        ASSERT_OK(write_file_atomic(path, "", 0, 0644));
        snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum 'back\\slash'", test_tmp_dir);
        theirs = run_output(cmd);
        snprintf(expected, sizeof(expected), "\\%s  back\\\\slash\n", H);
        ASSERT_STREQ(theirs, expected);
        ASSERT_ERR(sha256_manifest_parse(theirs, strlen(theirs), &m, &msg), EINVAL);
        ASSERT_CONTAINS(msg, "escaped name");
        free(msg);
}

TEST(load_names_the_file) {
        sha256_manifest *m = NULL;
        char *msg = NULL, expected[4096];
        const char *path = write_tmp("BADSUMS", H "  ok\nnonsense\n", strlen(H "  ok\nnonsense\n"));

        ASSERT_ERR(sha256_manifest_load(path, &m, &msg), EINVAL);
        snprintf(expected, sizeof(expected), "%s:2: not \"<64 hex digits>  <name>\" as sha256sum writes", path);
        ASSERT_STREQ(msg, expected);
        free(msg);
        msg = NULL;
        ASSERT_ERR(sha256_manifest_load(test_tmp("nope"), &m, &msg), ENOENT);
        ASSERT_CONTAINS(msg, "nope: cannot read: No such file or directory");
        free(msg);
}

TEST_MAIN();
