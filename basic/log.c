/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/log.h"

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

int log_internal(int level, int error, const char *format, ...) {
        int e = error < 0 ? -error : error;

        if (level <= max_level) {
                va_list ap;

                /* %m reads errno: make it the error we were handed. */
                errno = e;
                if (log_prefix)
                        fprintf(stderr, "%s: ", log_prefix);
                if (level <= LOG_LEVEL_ERR)
                        fputs("error: ", stderr);
                else if (level == LOG_LEVEL_WARNING)
                        fputs("warning: ", stderr);
                va_start(ap, format);
                vfprintf(stderr, format, ap);
                va_end(ap);
                fputc('\n', stderr);
        }

        return e ? -e : 0;
}

int log_oom(void) {
        return log_error_errno(ENOMEM, "Out of memory.");
}
