/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Running another program and waiting for it: the capture /init runs the
 * collector, kdump-net, ssh and the user's hooks; kdumpctl runs ssh and
 * ssh-keygen.  No shell is involved, argv goes to execvp() as it is.  A
 * status is the exit code, or 128 + the signal that ended the program. */

#include <stddef.h>

struct spawn_opts {
        size_t sz;                /* sizeof(struct spawn_opts) */
        int stdin_fd;             /* its standard input; < 0: /dev/null */
        int stdout_fd;            /* its standard output; < 0: captured (spawn_capture) or inherited (spawn_wait) */
        unsigned timeout_ms;      /* spawn_capture: killed (SIGKILL) after this long; 0: no limit */
        size_t capture_max;       /* spawn_capture: bytes kept of stdout and of stderr each; 0: 64 KiB */
};

struct spawn_result {
        int status;               /* exit code, or 128 + signal */
        char *out, *err;          /* what it wrote, NUL-terminated (out is NULL when stdout_fd was given) */
        int timed_out;            /* 1: killed at timeout_ms */
};

void spawn_result_done(struct spawn_result *r);

/* The program's status (>= 0), or -errno when it could not be started;
 * stdin_fd and stdout_fd < 0: inherited. */
int spawn_wait(char *const argv[], int stdin_fd, int stdout_fd);

/* Runs argv with its stderr (and stdout unless o->stdout_fd is given)
 * captured, bounded by o->timeout_ms.  0 when it ran (look at
 * ret->status and ret->timed_out), -errno when it could not be started;
 * -ENOENT when the program does not exist. */
int spawn_capture(char *const argv[], const struct spawn_opts *o, struct spawn_result *ret);

/* a | b: a's standard output into b's standard input, b's output to
 * b_stdout_fd (< 0: inherited).  Waits for both; each status in its
 * out-parameter (-errno for one that could not be started). */
int spawn_pipeline(char *const a[], char *const b[], int b_stdout_fd, int *ret_status_a, int *ret_status_b);
