/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/error-message.h"

int set_error_message(char **ret_error, int error, const char *fmt, ...) {
        va_list ap;

        if (ret_error) {
                char *s = NULL;

                va_start(ap, fmt);
                if (vasprintf(&s, fmt, ap) < 0)
                        s = NULL;
                va_end(ap);
                free(*ret_error);
                *ret_error = s;
        }
        return error < 0 ? error : -error;
}
