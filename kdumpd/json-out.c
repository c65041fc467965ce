/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <string.h>

#include "kdumpd/json-out.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
        size_t len;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0) { len = 2; cp = s[0] & 0x1f; }
        else if ((s[0] & 0xf0) == 0xe0) { len = 3; cp = s[0] & 0x0f; }
        else if ((s[0] & 0xf8) == 0xf0) { len = 4; cp = s[0] & 0x07; }
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;
        return len;
}

void json_string(FILE *f, const char *s) {
        const unsigned char *p = (const unsigned char *) s;
        size_t n;

        if (!s) {
                fputs("null", f);
                return;
        }
        n = strlen(s);
        fputc('"', f);
        while (n > 0) {
                size_t l;

                if (*p == '"' || *p == '\\') {
                        fputc('\\', f);
                        fputc(*p, f);
                } else if (*p == '\n')
                        fputs("\\n", f);
                else if (*p == '\t')
                        fputs("\\t", f);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\u%04x", *p);
                else if ((l = utf8_len(p, n)) > 0) {
                        fwrite(p, 1, l, f);
                        p += l;
                        n -= l;
                        continue;
                } else
                        fputs("\\ufffd", f);
                p++;
                n--;
        }
        fputc('"', f);
}

void json_key(FILE *f, bool *first, const char *key) {
        if (!*first)
                fputc(',', f);
        *first = false;
        json_string(f, key);
        fputc(':', f);
}

void json_kv_string(FILE *f, bool *first, const char *key, const char *value) {
        json_key(f, first, key);
        json_string(f, value);
}

void json_kv_u64(FILE *f, bool *first, const char *key, uint64_t value) {
        json_key(f, first, key);
        fprintf(f, "%" PRIu64, value);
}

void json_kv_i64(FILE *f, bool *first, const char *key, int64_t value) {
        json_key(f, first, key);
        fprintf(f, "%" PRId64, value);
}

void json_kv_bool(FILE *f, bool *first, const char *key, bool value) {
        json_key(f, first, key);
        fputs(value ? "true" : "false", f);
}

void json_kv_null(FILE *f, bool *first, const char *key) {
        json_key(f, first, key);
        fputs("null", f);
}
