/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running programs: what they print comes back, a limit kills, statuses
 * are the shell's. */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/spawn.h"
#include "tests.h"

#define OPTS(...) (&(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1, __VA_ARGS__ })
/* stdin_fd given (OPTS_STDIN(fd) would set it twice: -Woverride-init) */
#define OPTS_STDIN(fd) (&(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = (fd), .stdout_fd = -1 })

TEST(capture_out_err_status) {
        _cleanup_(spawn_result_done) struct spawn_result r = {};

        ASSERT_OK(spawn_capture((char *const[]) { (char *) "sh", (char *) "-c",
                                                  (char *) "echo out; echo err >&2; exit 3", NULL }, OPTS(), &r));
        ASSERT_EQ(r.status, 3);
        ASSERT_STREQ(r.out, "out\n");
        ASSERT_STREQ(r.err, "err\n");
        ASSERT_EQ(r.timed_out, 0);
}

TEST(stdin_from_fd_and_null) {
        _cleanup_(spawn_result_done) struct spawn_result r = {}, q = {};
        char path[] = "/tmp/test-spawn.XXXXXX";
        int fd = mkstemp(path);

        ASSERT_TRUE(fd >= 0);
        ASSERT_EQ(write(fd, "hello", 5), 5);
        ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "cat", NULL }, OPTS_STDIN(fd), &r));
        ASSERT_STREQ(r.out, "hello");
        close(fd);
        unlink(path);
        /* no stdin given: /dev/null, never the caller's terminal */
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "cat", NULL }, OPTS(), &q));
        ASSERT_EQ(q.status, 0);
        ASSERT_STREQ(q.out, "");
}

TEST(timeout_kills) {
        _cleanup_(spawn_result_done) struct spawn_result r = {};
        struct timespec a, b;

        clock_gettime(CLOCK_MONOTONIC, &a);
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "sleep", (char *) "30", NULL }, OPTS(.timeout_ms = 200), &r));
        clock_gettime(CLOCK_MONOTONIC, &b);
        ASSERT_EQ(r.timed_out, 1);
        ASSERT_EQ(r.status, 128 + 9);
        ASSERT_TRUE(b.tv_sec - a.tv_sec < 5);
}

TEST(capture_is_bounded) {
        _cleanup_(spawn_result_done) struct spawn_result r = {};

        /* 1 MiB printed, 100 bytes kept; the program is not blocked */
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "head", (char *) "-c", (char *) "1048576",
                                                  (char *) "/dev/zero", NULL }, OPTS(.capture_max = 100), &r));
        ASSERT_EQ(r.status, 0);
}

TEST(missing_program) {
        _cleanup_(spawn_result_done) struct spawn_result r = {};

        ASSERT_ERR(spawn_capture((char *const[]) { (char *) "/nonexistent/prog", NULL }, OPTS(), &r), ENOENT);
        ASSERT_EQ(spawn_wait((char *const[]) { (char *) "/nonexistent/prog", NULL }, -1, -1), 127);
}

TEST(pipeline) {
        char path[] = "/tmp/test-spawn.XXXXXX";
        int fd = mkstemp(path), a, b;
        char buf[16] = {};

        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(spawn_pipeline((char *const[]) { (char *) "printf", (char *) "abc", NULL },
                                 (char *const[]) { (char *) "tr", (char *) "a-z", (char *) "A-Z", NULL }, fd, &a, &b));
        ASSERT_EQ(a, 0);
        ASSERT_EQ(b, 0);
        ASSERT_EQ(pread(fd, buf, sizeof(buf) - 1, 0), 3);
        ASSERT_STREQ(buf, "ABC");
        /* each side's status on its own: a failing producer */
        ASSERT_OK(spawn_pipeline((char *const[]) { (char *) "sh", (char *) "-c", (char *) "echo x; exit 4", NULL },
                                 (char *const[]) { (char *) "cat", NULL }, fd, &a, &b));
        ASSERT_EQ(a, 4);
        ASSERT_EQ(b, 0);
        /* a consumer that goes away: the producer ends, not hangs */
        ASSERT_OK(spawn_pipeline((char *const[]) { (char *) "cat", (char *) "/dev/zero", NULL },
                                 (char *const[]) { (char *) "sh", (char *) "-c", (char *) "exit 255", NULL }, fd, &a, &b));
        ASSERT_EQ(b, 255);
        ASSERT_TRUE(a != 0);
        close(fd);
        unlink(path);
}

TEST_MAIN()
