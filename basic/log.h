/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Logging for the programs (never for library code: a library returns
 * -errno and its caller logs once, with context).  Messages go to stderr, or
 * to /dev/kmsg inside the capture environment where stderr is the console. */

#include <stdarg.h>
#include "basic/macro.h"

enum {
        LOG_LEVEL_ERR = 3,
        LOG_LEVEL_WARNING = 4,
        LOG_LEVEL_NOTICE = 5,
        LOG_LEVEL_INFO = 6,
        LOG_LEVEL_DEBUG = 7,
};

void log_set_max_level(int level);
int log_get_max_level(void);
void log_set_prefix(const char *prefix);

/* Returns -abs(error) when error != 0, else 0, so that callers can write
 * "return log_error_errno(r, ...)".  With error != 0, %m prints strerror(error). */
int log_internal(int level, int error, const char *format, ...) _printf_(3, 4);

#define log_full_errno(level, error, ...) log_internal(level, error, __VA_ARGS__)
#define log_error_errno(error, ...) log_internal(LOG_LEVEL_ERR, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_internal(LOG_LEVEL_WARNING, error, __VA_ARGS__)
#define log_error(...) ((void) log_internal(LOG_LEVEL_ERR, 0, __VA_ARGS__))
#define log_warning(...) ((void) log_internal(LOG_LEVEL_WARNING, 0, __VA_ARGS__))
#define log_notice(...) ((void) log_internal(LOG_LEVEL_NOTICE, 0, __VA_ARGS__))
#define log_info(...) ((void) log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__))
#define log_debug(...) ((void) log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__))

/* The standard out-of-memory message. */
int log_oom(void);
