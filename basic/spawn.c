/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/spawn.h"

#define CAPTURE_DEFAULT (64u * 1024u)

void spawn_result_done(struct spawn_result *r) {
        free(r->out);
        free(r->err);
        *r = (struct spawn_result) {};
}

static int status_of(int wstatus) {
        if (WIFEXITED(wstatus))
                return WEXITSTATUS(wstatus);
        return 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
}

static int wait_pid(pid_t pid) {
        int wstatus;

        while (waitpid(pid, &wstatus, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        return status_of(wstatus);
}

/* In the child: fd onto target (or /dev/null for -1 when null_if_none);
 * then exec.  127 when it cannot, as a shell says. */
static void child_fd(int fd, int target, int null_if_none) {
        if (fd < 0 && null_if_none)
                fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fd >= 0 && fd != target && dup2(fd, target) < 0)
                _exit(127);
}

_noreturn_ static void child_exec(char *const argv[]) {
        (void) signal(SIGPIPE, SIG_DFL);
        execvp(argv[0], argv);
        _exit(errno == ENOENT ? 127 : 126);
}

int spawn_wait(char *const argv[], int stdin_fd, int stdout_fd) {
        pid_t pid = fork();

        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                child_fd(stdin_fd, STDIN_FILENO, 0);
                child_fd(stdout_fd, STDOUT_FILENO, 0);
                child_exec(argv);
        }
        return wait_pid(pid);
}

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct sink {
        int fd;
        char *buf;
        size_t n, max;
};

/* Reads what is there; the fd is closed (-1) at EOF.  Beyond max, the
 * rest is read and dropped, so the program never blocks on a full pipe. */
static int sink_read(struct sink *s) {
        char tmp[4096];
        ssize_t k = read(s->fd, tmp, sizeof(tmp));

        if (k < 0)
                return errno == EINTR || errno == EAGAIN ? 0 : negative_errno();
        if (k == 0) {
                close(s->fd);
                s->fd = -1;
                return 0;
        }
        if (s->n < s->max) {
                size_t take = MIN((size_t) k, s->max - s->n);
                memcpy(s->buf + s->n, tmp, take);
                s->n += take;
        }
        return 0;
}

static int collect(struct sink *s, size_t ns, pid_t pid, unsigned timeout_ms, int *ret_timed_out) {
        long long deadline = timeout_ms ? now_ms() + timeout_ms : 0;

        for (;;) {
                struct pollfd p[2];
                size_t np = 0;
                int wait_ms = -1, r;

                for (size_t i = 0; i < ns; i++)
                        if (s[i].fd >= 0)
                                p[np++] = (struct pollfd) { .fd = s[i].fd, .events = POLLIN };
                if (np == 0)
                        return 0;
                if (deadline) {
                        long long left = deadline - now_ms();
                        if (left <= 0) {
                                (void) kill(pid, SIGKILL);
                                *ret_timed_out = 1;
                                return 0;
                        }
                        wait_ms = (int) left;
                }
                r = poll(p, np, wait_ms);
                if (r < 0 && errno != EINTR)
                        return negative_errno();
                for (size_t i = 0; r > 0 && i < ns; i++)
                        if (s[i].fd >= 0 && (r = sink_read(&s[i])) < 0)
                                return r;
        }
}

int spawn_capture(char *const argv[], const struct spawn_opts *o, struct spawn_result *ret) {
        size_t max = o && o->capture_max ? o->capture_max : CAPTURE_DEFAULT;
        bool own_out = !o || o->stdout_fd < 0;
        struct sink s[2] = { { .fd = -1, .max = max }, { .fd = -1, .max = max } };
        struct spawn_result res = {};
        int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, r, status;
        pid_t pid;

        s[0].buf = own_out ? malloc(max + 1) : NULL;
        s[1].buf = malloc(max + 1);
        if ((own_out && !s[0].buf) || !s[1].buf) {
                free(s[0].buf);
                free(s[1].buf);
                return -ENOMEM;
        }
        if ((own_out && pipe2(outp, O_CLOEXEC) < 0) || pipe2(errp, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
                r = negative_errno();
                for (int i = 0; i < 2; i++) {
                        if (outp[i] >= 0)
                                close(outp[i]);
                        if (errp[i] >= 0)
                                close(errp[i]);
                }
                free(s[0].buf);
                free(s[1].buf);
                return r;
        }
        if (pid == 0) {
                (void) setpgid(0, 0);
                child_fd(o ? o->stdin_fd : -1, STDIN_FILENO, 1);
                child_fd(own_out ? outp[1] : o->stdout_fd, STDOUT_FILENO, 0);
                child_fd(errp[1], STDERR_FILENO, 0);
                child_exec(argv);
        }
        if (own_out) {
                close(outp[1]);
                s[0].fd = outp[0];
        }
        close(errp[1]);
        s[1].fd = errp[0];
        r = collect(s, 2, pid, o ? o->timeout_ms : 0, &res.timed_out);
        for (int i = 0; i < 2; i++)
                if (s[i].fd >= 0)
                        close(s[i].fd);
        status = wait_pid(pid);
        if (r >= 0 && status < 0)
                r = status;
        if (r < 0) {
                free(s[0].buf);
                free(s[1].buf);
                return r;
        }
        if (s[0].buf)
                s[0].buf[s[0].n] = 0;
        s[1].buf[s[1].n] = 0;
        res.status = status;
        res.out = s[0].buf;
        res.err = s[1].buf;
        if (res.status == 127 && !res.timed_out && s[1].n == 0 && access(argv[0], X_OK) < 0 && strchr(argv[0], '/')) {
                spawn_result_done(&res);
                return -ENOENT;
        }
        *ret = res;
        return 0;
}

int spawn_pipeline(char *const a[], char *const b[], int b_stdout_fd, int *ret_status_a, int *ret_status_b) {
        int p[2], err_a = 0, err_b = 0;
        pid_t pa, pb = -1;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        pa = fork();
        if (pa == 0) {
                child_fd(p[1], STDOUT_FILENO, 0);
                child_exec(a);
        }
        if (pa < 0)
                err_a = err_b = -errno;
        else {
                pb = fork();
                if (pb < 0)
                        err_b = -errno;
        }
        if (pb == 0) {
                child_fd(p[0], STDIN_FILENO, 0);
                child_fd(b_stdout_fd, STDOUT_FILENO, 0);
                child_exec(b);
        }
        /* b gone (or never there): a gets EPIPE/SIGPIPE rather than
         * blocking, since no one else holds the read end. */
        close(p[0]);
        close(p[1]);
        *ret_status_a = pa < 0 ? err_a : wait_pid(pa);
        *ret_status_b = pb < 0 ? err_b : wait_pid(pb);
        return 0;
}
