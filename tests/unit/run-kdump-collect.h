/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* For the tests that run the kdump-collect program itself ($KDUMP_COLLECT,
 * set by meson): its standard input and output from and to files when
 * given (else /dev/null for output), its standard error into a static
 * buffer (*ret_err); fsize_limit > 0 sets RLIMIT_FSIZE, so writes past it
 * fail with EFBIG: a full disk without mounting anything.  Its exit
 * status. */

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests.h"

/* The same, with the child's resource usage (ru_maxrss: its peak RSS). */
static inline int run_kdump_collect_usage(const char *const *args, const char *in_path, const char *out_path,
                                          uint64_t fsize_limit, char **ret_err, struct rusage *ret_usage) {
        static char errbuf[8192];
        const char *exe = getenv("KDUMP_COLLECT"), *errpath = test_tmp("stderr");
        char *argv[24];
        size_t n = 0;
        int status, fd;
        ssize_t k;
        pid_t pid;

        if (!exe)
                TEST_FAIL("KDUMP_COLLECT not set");
        argv[n++] = (char *) "kdump-collect";
        for (; *args && n < 23; args++)
                argv[n++] = (char *) *args;
        argv[n] = NULL;
        pid = fork();
        if (pid < 0)
                TEST_FAIL("fork");
        if (pid == 0) {
                fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (fd >= 0)
                        dup2(fd, STDERR_FILENO);
                fd = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : open("/dev/null", O_WRONLY);
                if (fd >= 0)
                        dup2(fd, STDOUT_FILENO);
                if (in_path) {
                        fd = open(in_path, O_RDONLY);
                        if (fd >= 0)
                                dup2(fd, STDIN_FILENO);
                }
                if (fsize_limit) {
                        struct rlimit rl = { fsize_limit, fsize_limit };
                        signal(SIGXFSZ, SIG_IGN);
                        setrlimit(RLIMIT_FSIZE, &rl);
                }
                execv(exe, argv);
                _exit(127);
        }
        if (wait4(pid, &status, 0, ret_usage) < 0 || !WIFEXITED(status))
                TEST_FAIL("kdump-collect did not exit normally");
        fd = open(errpath, O_RDONLY);
        k = fd >= 0 ? read(fd, errbuf, sizeof(errbuf) - 1) : 0;
        errbuf[k > 0 ? k : 0] = 0;
        if (fd >= 0)
                close(fd);
        if (ret_err)
                *ret_err = errbuf;
        return WEXITSTATUS(status);
}

static inline int run_kdump_collect(const char *const *args, const char *in_path, const char *out_path,
                                    uint64_t fsize_limit, char **ret_err) {
        return run_kdump_collect_usage(args, in_path, out_path, fsize_limit, ret_err, NULL);
}
