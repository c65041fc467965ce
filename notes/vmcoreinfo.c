/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/parse-util.h"
#include "notes/vmcoreinfo.h"

struct vmcoreinfo_entry {
        char *key;
        char *value;
};

struct vmcoreinfo {
        struct vmcoreinfo_entry *entries;
        size_t n;
        char *storage;          /* one copy of the text; keys and values point into it */
};

vmcoreinfo *vmcoreinfo_free(vmcoreinfo *info) {
        if (!info)
                return NULL;
        free(info->entries);
        free(info->storage);
        free(info);
        return NULL;
}

int vmcoreinfo_parse(const char *text, size_t len, vmcoreinfo **ret) {
        _cleanup_vmcoreinfo_ vmcoreinfo *info = NULL;
        const char *nul;
        size_t n_lines = 0, i;
        char *p, *end;

        if (!text && len > 0)
                return -EINVAL;
        /* The note is zero-padded to 4 bytes; anything after the first NUL
         * is padding, not text. */
        nul = len > 0 ? memchr(text, 0, len) : NULL;
        if (nul)
                len = (size_t) (nul - text);
        if (len > VMCOREINFO_TEXT_MAX)
                return -EFBIG;

        info = calloc(1, sizeof(*info));
        if (!info)
                return -ENOMEM;
        info->storage = malloc(len + 1);
        if (!info->storage)
                return -ENOMEM;
        if (len > 0)
                memcpy(info->storage, text, len);
        info->storage[len] = 0;

        for (i = 0; i < len; i++)
                if (info->storage[i] == '\n')
                        n_lines++;
        n_lines++;
        info->entries = calloc(n_lines, sizeof(struct vmcoreinfo_entry));
        if (!info->entries)
                return -ENOMEM;

        for (p = info->storage, end = info->storage + len; p < end; ) {
                char *eol = memchr(p, '\n', (size_t) (end - p)), *eq, *c;

                if (!eol)
                        eol = end;
                if ((size_t) (eol - p) > VMCOREINFO_LINE_MAX)
                        return -EFBIG;
                *eol = 0;
                if (eol > p && eol[-1] == '\r')
                        eol[-1] = 0;
                if (*p != 0) {
                        for (c = p; *c; c++)
                                if ((unsigned char) *c < 0x20 && *c != '\t')
                                        return -EBADMSG;
                        eq = strchr(p, '=');
                        if (!eq || eq == p)
                                return -EBADMSG;
                        *eq = 0;
                        info->entries[info->n++] = (struct vmcoreinfo_entry) { .key = p, .value = eq + 1 };
                }
                p = eol + 1;
        }

        *ret = TAKE_PTR(info);
        return 0;
}

size_t vmcoreinfo_count(const vmcoreinfo *info) {
        return info ? info->n : 0;
}

const char *vmcoreinfo_get(const vmcoreinfo *info, const char *key) {
        if (!info || !key)
                return NULL;
        for (size_t i = 0; i < info->n; i++)
                if (strcmp(info->entries[i].key, key) == 0)
                        return info->entries[i].value;
        return NULL;
}

static const char *lookup_wrapped(const vmcoreinfo *info, const char *kind, const char *name) {
        char key[VMCOREINFO_LINE_MAX + 16];
        int k;

        if (!name)
                return NULL;
        k = snprintf(key, sizeof(key), "%s(%s)", kind, name);
        if (k < 0 || (size_t) k >= sizeof(key))
                return NULL;
        return vmcoreinfo_get(info, key);
}

static int parse_unsigned(const char *v, int base, uint64_t *ret) {
        uint64_t u;
        int r;

        if (!v)
                return -ENOENT;
        /* SYMBOL() is printed with %lx: no 0x prefix; accept one anyway, as
         * hand-written VMCOREINFO files (makedumpfile -g) may carry it. */
        r = safe_atou64_base(v, base, &u);
        if (r < 0)
                return r;
        *ret = u;
        return 0;
}

int vmcoreinfo_get_u64(const vmcoreinfo *info, const char *key, int base, uint64_t *ret) {
        return parse_unsigned(vmcoreinfo_get(info, key), base, ret);
}

int vmcoreinfo_symbol(const vmcoreinfo *info, const char *name, uint64_t *ret) {
        return parse_unsigned(lookup_wrapped(info, "SYMBOL", name), 16, ret);
}

static int layout_value(const vmcoreinfo *info, const char *kind, const char *name, uint64_t *ret) {
        uint64_t u;
        int r;

        r = parse_unsigned(lookup_wrapped(info, kind, name), 10, &u);
        if (r < 0)
                return r;
        if (u > VMCOREINFO_LAYOUT_MAX)
                return -ERANGE;
        *ret = u;
        return 0;
}

int vmcoreinfo_size(const vmcoreinfo *info, const char *name, uint64_t *ret) {
        return layout_value(info, "SIZE", name, ret);
}

int vmcoreinfo_offset(const vmcoreinfo *info, const char *name, uint64_t *ret) {
        return layout_value(info, "OFFSET", name, ret);
}

int vmcoreinfo_length(const vmcoreinfo *info, const char *name, uint64_t *ret) {
        return parse_unsigned(lookup_wrapped(info, "LENGTH", name), 10, ret);
}

int vmcoreinfo_number(const vmcoreinfo *info, const char *name, int64_t *ret) {
        const char *v = lookup_wrapped(info, "NUMBER", name);
        long long n;
        char *end = NULL;

        if (!v)
                return -ENOENT;
        if (!*v || *v == ' ' || *v == '+')
                return -EINVAL;
        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (errno > 0 || !end || *end != 0)
                return -EINVAL;
        *ret = (int64_t) n;
        return 0;
}
