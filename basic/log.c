/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"

static int max_level = LOG_LEVEL_INFO;
static const char *log_prefix = NULL;

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

void log_set_prefix(const char *prefix) {
        log_prefix = prefix;
}

/* One write(2) for the whole line: on a console the kernel's own messages
 * come between two writes, and a reader (a person, the test harness)
 * would find "kdump: " and the rest of the line apart. */
static void write_line(const char *prefix, const char *level, const char *msg) {
        _cleanup_free_ char *line = NULL;
        int n;

        n = asprintf(&line, "%s%s%s%s\n", prefix ?: "", prefix ? ": " : "", level, msg);
        if (n < 0) {
                fprintf(stderr, "%s%s%s%s\n", prefix ?: "", prefix ? ": " : "", level, msg);
                return;
        }
        (void) loop_write(STDERR_FILENO, line, (size_t) n);
}

int log_internal(int level, int error, const char *format, ...) {
        int e = error < 0 ? -error : error;

        if (level <= max_level) {
                _cleanup_free_ char *msg = NULL;
                va_list ap;
                int r;

                /* %m reads errno: make it the error we were handed. */
                errno = e;
                va_start(ap, format);
                r = vasprintf(&msg, format, ap);
                va_end(ap);
                fflush(stderr);
                write_line(log_prefix, level <= LOG_LEVEL_ERR ? "error: " :
                                       level == LOG_LEVEL_WARNING ? "warning: " : "",
                           r >= 0 ? msg : format);
        }

        return e ? -e : 0;
}

int log_oom(void) {
        return log_error_errno(ENOMEM, "Out of memory.");
}
