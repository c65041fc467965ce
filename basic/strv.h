/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* NULL-terminated string lists ("strv", as systemd calls them) with their
 * length kept by the caller: module names, library names, key names. */

#include <stdbool.h>
#include <stddef.h>

/* Appends a copy of s; *v may be NULL (an empty list).  -ENOMEM. */
int strv_push(char ***v, size_t *n, const char *s);
/* The same, unless s is there already (0 then too). */
int strv_push_unique(char ***v, size_t *n, const char *s);

bool strv_has(char *const *v, const char *s);

/* Splits s into words as a shell would without expanding anything: blanks
 * separate words, '...' and "..." quote (\" and \\ inside "..."), a
 * backslash outside quotes takes the next character.  An empty list for a
 * blank s; -EINVAL for an unterminated quote. */
int strv_split_words(const char *s, char ***ret);
char **strv_free(char **v);
static inline void strv_freep(char ***v) {
        strv_free(*v);
}
