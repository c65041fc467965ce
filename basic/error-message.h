/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Libraries do not log: where a caller needs more than an errno to tell the
 * user what to fix (which segment, which line, which device), the library
 * hands back a sentence through a "char **ret_error" parameter. */

#include "basic/macro.h"

/* Replaces *ret_error (if ret_error is non-NULL) with the formatted
 * message; returns -abs(error), so callers can "return set_error_message(...)". */
int set_error_message(char **ret_error, int error, const char *fmt, ...) _printf_(3, 4);
