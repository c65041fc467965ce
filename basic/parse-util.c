/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "basic/parse-util.h"

int safe_atou64_base(const char *s, int base, uint64_t *ret) {
        unsigned long long v;
        char *end = NULL;

        if (!s || !*s || isspace((unsigned char) *s) || *s == '-' || *s == '+')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, base);
        if (errno == ERANGE)
                return -ERANGE;
        if (errno > 0)
                return -errno;
        if (!end || *end != 0)
                return -EINVAL;
        *ret = (uint64_t) v;
        return 0;
}

int safe_atou(const char *s, unsigned *ret) {
        uint64_t v;
        int r;

        r = safe_atou64_base(s, 10, &v);
        if (r < 0)
                return r;
        if (v > 0xffffffffu)
                return -ERANGE;
        *ret = (unsigned) v;
        return 0;
}

/* lib/cmdline.c memparse(): a number in base 0, then one optional suffix
 * letter; unlike memparse(), an overflow is an error. */
int parse_size_prefix(const char *s, const char **ret_end, uint64_t *ret) {
        unsigned long long v;
        unsigned shift = 0;
        char *end = NULL;

        if (!s || !isdigit((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 0);
        if (errno == ERANGE)
                return -ERANGE;
        switch (*end) {
        case 'E': case 'e': shift = 60; break;
        case 'P': case 'p': shift = 50; break;
        case 'T': case 't': shift = 40; break;
        case 'G': case 'g': shift = 30; break;
        case 'M': case 'm': shift = 20; break;
        case 'K': case 'k': shift = 10; break;
        }
        if (shift) {
                if (v > (~0ULL >> shift))
                        return -ERANGE;
                v <<= shift;
                end++;
        }
        *ret_end = end;
        *ret = (uint64_t) v;
        return 0;
}

int parse_size(const char *s, uint64_t *ret) {
        const char *end;
        uint64_t v;
        int r;

        r = parse_size_prefix(s, &end, &v);
        if (r < 0)
                return r;
        if (*end != 0)
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_cpu_list(const char *s, unsigned limit, uint64_t **ret, size_t *ret_n) {
        uint64_t *v = NULL;
        size_t n = 0;

        while (*s && *s != '\n') {
                char *end;
                unsigned long a = strtoul(s, &end, 10), b = a;

                if (end == s || !isdigit((unsigned char) *s))
                        goto invalid;
                s = end;
                if (*s == '-') {
                        b = strtoul(s + 1, &end, 10);
                        if (end == s + 1 || b < a)
                                goto invalid;
                        s = end;
                }
                if (b >= limit || n + (b - a + 1) > limit) {
                        free(v);
                        return -E2BIG;
                }
                uint64_t *t = realloc(v, (n + (b - a + 1)) * sizeof(*v));
                if (!t) {
                        free(v);
                        return -ENOMEM;
                }
                v = t;
                for (unsigned long c = a; c <= b; c++)
                        v[n++] = c;
                if (*s == ',')
                        s++;
                else if (*s && *s != '\n')
                        goto invalid;
        }
        *ret = v;
        *ret_n = n;
        return 0;
invalid:
        free(v);
        return -EINVAL;
}

const char *format_bytes(char *buf, unsigned len, uint64_t bytes) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        double v = (double) bytes;
        unsigned i = 0;

        while (v >= 1024.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
                v /= 1024.0;
                i++;
        }
        if (i == 0)
                snprintf(buf, len, "%llu B", (unsigned long long) bytes);
        else
                snprintf(buf, len, "%.1f %s", v, units[i]);
        return buf;
}

bool string_has_prefix(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_octal(char c) {
        return c >= '0' && c <= '7';
}

char *octal_unescape(const char *s, size_t n) {
        char *out = malloc(n + 1), *o = out;

        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && is_octal(s[i + 2]) &&
                    is_octal(s[i + 3])) {
                        *o++ = (char) ((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
                        i += 3;
                } else
                        *o++ = s[i];
        }
        *o = 0;
        return out;
}

bool string_list_contains(const char *list, char sep, const char *item) {
        size_t n = strlen(item);

        for (const char *e = list; e && *e;) {
                const char *end = strchr(e, sep);
                size_t len = end ? (size_t) (end - e) : strlen(e);

                if (len == n && memcmp(e, item, n) == 0)
                        return true;
                e = end ? end + 1 : NULL;
        }
        return false;
}

int parse_record_lines(const char *text, const char *what, int (*parse)(char *line, char **ret_reason, void *userdata),
                       void *userdata, char **ret_error) {
        unsigned lineno = 0;
        int r;

        for (const char *l = text; l && *l;) {
                const char *end = strchr(l, '\n');
                _cleanup_free_ char *line = strndup(l, end ? (size_t) (end - l) : strlen(l)), *copy = NULL;
                _cleanup_free_ char *reason = NULL;

                l = end ? end + 1 : NULL;
                lineno++;
                if (!line)
                        return -ENOMEM;
                if (line[0] == '#' || line[strspn(line, " \t")] == 0)
                        continue;
                copy = strdup(line);
                if (!copy)
                        return -ENOMEM;
                r = parse(copy, &reason, userdata);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return set_error_message(ret_error, EINVAL, "%s, line %u: %s: '%s'", what, lineno,
                                                 reason ? reason : "invalid", line);
        }
        return 0;
}
