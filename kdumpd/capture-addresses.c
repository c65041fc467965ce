/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "kdumpd/capture-addresses.h"

static bool address_valid(const char *a, size_t len) {
        if (len == 0 || len > 64)
                return false;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) a[i] <= ' ' || a[i] == 0x7f || a[i] == '/')
                        return false;
        return true;
}

/* The lines of text that are addresses, oldest first. */
static int lines(const char *text, char ***ret, size_t *ret_n) {
        _cleanup_(strv_freep) char **v = NULL;
        size_t n = 0;

        for (const char *p = text ?: ""; *p;) {
                size_t len = strcspn(p, "\n");
                _cleanup_free_ char *a = strndup(p, len);

                if (!a)
                        return -ENOMEM;
                if (address_valid(a, len) && strv_push(&v, &n, a) < 0)
                        return -ENOMEM;
                p += len;
                if (*p == '\n')
                        p++;
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

int capture_addresses_add(const char *text, const char *address, char **ret_text) {
        _cleanup_(strv_freep) char **v = NULL;
        char *out = NULL;
        size_t n, others = 0, skip, len = 0;
        FILE *f;
        int r;

        if (!address || !address_valid(address, strlen(address)))
                return -EINVAL;
        r = lines(text, &v, &n);
        if (r < 0)
                return r;
        /* the others, oldest first, then address; the oldest go past the
         * maximum */
        for (size_t i = 0; i < n; i++)
                others += strcmp(v[i], address) != 0;
        skip = others >= CAPTURE_ADDRESSES_MAX ? others - (CAPTURE_ADDRESSES_MAX - 1) : 0;
        f = open_memstream(&out, &len);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (strcmp(v[i], address) == 0)
                        continue;
                if (skip > 0) {
                        skip--;
                        continue;
                }
                fprintf(f, "%s\n", v[i]);
        }
        fprintf(f, "%s\n", address);
        if (fclose(f) != 0) {
                free(out);
                return -ENOMEM;
        }
        *ret_text = out;
        return 0;
}

int capture_addresses_parse(const char *text, char ***ret) {
        _cleanup_(strv_freep) char **v = NULL;
        size_t n;
        int r;

        r = lines(text, &v, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n / 2; i++) {
                char *t = v[i];
                v[i] = v[n - 1 - i];
                v[n - 1 - i] = t;
        }
        if (!v) {
                v = calloc(1, sizeof(char *));
                if (!v)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(v);
        return 0;
}

/* The list's path and text (NULL when there is no file yet). */
static int read_list(const char *state_dir, char **ret_path, char **ret_text) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, "%s/" CAPTURE_ADDRESSES_FILE, state_dir) < 0)
                return -ENOMEM;
        r = read_full_file(path, &text, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        *ret_path = TAKE_PTR(path);
        *ret_text = TAKE_PTR(text);
        return 0;
}

int capture_addresses_remember(const char *state_dir, const char *address) {
        _cleanup_free_ char *path = NULL, *text = NULL, *out = NULL;
        int r;

        r = read_list(state_dir, &path, &text);
        if (r < 0)
                return r;
        r = capture_addresses_add(text, address, &out);
        if (r < 0)
                return r;
        r = mkdir_p(state_dir, 0700);
        if (r < 0)
                return r;
        return write_file_atomic(path, out, strlen(out), 0600);
}

int capture_addresses_lookup(const char *state_dir, const char *current, char ***ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_(strv_freep) char **remembered = NULL, **v = NULL;
        size_t n = 0;
        int r;

        r = read_list(state_dir, &path, &text);
        if (r >= 0)
                r = capture_addresses_parse(text, &remembered);
        if (r < 0)
                return r;
        if (current && strv_push(&v, &n, current) < 0)
                return -ENOMEM;
        for (char **a = remembered; *a; a++)
                if (strv_push_unique(&v, &n, *a) < 0)
                        return -ENOMEM;
        if (!v) {
                v = calloc(1, sizeof(char *));
                if (!v)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(v);
        return 0;
}

char *capture_addresses_describe(char *const *addresses) {
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);

        if (!f)
                return NULL;
        for (size_t i = 0; addresses && addresses[i]; i++)
                fprintf(f, "%s%s", i == 0 ? "" : i == 1 ? ", earlier " : " ", addresses[i]);
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}
