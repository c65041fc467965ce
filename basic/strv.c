/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strv.h"

int strv_push(char ***v, size_t *n, const char *s) {
        char **p = reallocarray(*v, *n + 2, sizeof(char *));

        if (!p)
                return -ENOMEM;
        *v = p;
        p[*n] = strdup(s);
        if (!p[*n])
                return -ENOMEM;
        p[++*n] = NULL;
        return 0;
}

int strv_push_unique(char ***v, size_t *n, const char *s) {
        return strv_has(*v, s) ? 0 : strv_push(v, n, s);
}

bool strv_has(char *const *v, const char *s) {
        for (; v && *v; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

char **strv_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
        return NULL;
}

int strv_split_words(const char *s, char ***ret) {
        _cleanup_free_ char *w = malloc(strlen(s) + 1);
        char **v = NULL;
        size_t n = 0, len;
        int r;

        if (!w)
                return -ENOMEM;
        for (;;) {
                bool in_word = false;
                char quote = 0;

                while (*s == ' ' || *s == '\t')
                        s++;
                if (!*s)
                        break;
                len = 0;
                for (; *s; s++) {
                        if (quote) {
                                if (*s == quote)
                                        quote = 0;
                                else if (quote == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\'))
                                        w[len++] = *++s;
                                else
                                        w[len++] = *s;
                        } else if (*s == '\'' || *s == '"')
                                quote = *s;
                        else if (*s == '\\' && s[1])
                                w[len++] = *++s;
                        else if (*s == ' ' || *s == '\t')
                                break;
                        else
                                w[len++] = *s;
                        in_word = true;
                }
                if (quote) {
                        strv_free(v);
                        return -EINVAL;
                }
                w[len] = 0;
                if (in_word && (r = strv_push(&v, &n, w)) < 0) {
                        strv_free(v);
                        return r;
                }
        }
        if (!v && !(v = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = v;
        return 0;
}
