/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
