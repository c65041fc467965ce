/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initramfs/collect/vmci.h"

static int vmci_find(const struct vmci *v, const char *key, const char **ret_val, size_t *ret_len) {
        size_t klen = strlen(key), i = 0;

        while (i < v->len) {
                const char *line = v->text + i;
                const char *nl = memchr(line, '\n', v->len - i);
                size_t llen = nl ? (size_t) (nl - line) : v->len - i;

                if (llen > klen && line[klen] == '=' && memcmp(line, key, klen) == 0) {
                        *ret_val = line + klen + 1;
                        *ret_len = llen - klen - 1;
                        return 0;
                }
                i += llen + 1;
        }
        return -ENOENT;
}

int vmci_string(const struct vmci *v, const char *key, char *buf, size_t size) {
        const char *val;
        size_t len;
        int r;

        r = vmci_find(v, key, &val, &len);
        if (r < 0)
                return r;
        if (len + 1 > size)
                return -ENAMETOOLONG;
        memcpy(buf, val, len);
        buf[len] = 0;
        return 0;
}

/* The text of KIND(NAME) ("SYMBOL(swapper_pg_dir)"), non-empty, into buf. */
static int vmci_value(const struct vmci *v, const char *kind, const char *name, char *buf, size_t size) {
        char key[128];
        int r;

        if ((size_t) snprintf(key, sizeof(key), "%s(%s)", kind, name) >= sizeof(key))
                return -ENAMETOOLONG;
        r = vmci_string(v, key, buf, size);
        if (r < 0)
                return r == -ENAMETOOLONG ? -EINVAL : r;
        if (buf[0] == 0)
                return -EINVAL;
        return 0;
}

static int vmci_parse(const struct vmci *v, const char *kind, const char *name, int base, bool is_signed, uint64_t *ret) {
        char buf[64], *end;
        int r;

        r = vmci_value(v, kind, name, buf, sizeof(buf));
        if (r < 0)
                return r;
        errno = 0;
        if (is_signed) {
                long long x = strtoll(buf, &end, base);
                *ret = (uint64_t) x;
        } else {
                if (buf[0] == '-')
                        return -EINVAL;
                *ret = strtoull(buf, &end, base);
        }
        if (errno != 0 || *end != 0)
                return -EINVAL;
        return 0;
}

int vmci_symbol(const struct vmci *v, const char *name, uint64_t *ret) {
        return vmci_parse(v, "SYMBOL", name, 16, false, ret);
}

int vmci_number(const struct vmci *v, const char *name, int64_t *ret) {
        uint64_t x;
        int r = vmci_parse(v, "NUMBER", name, 0, true, &x);
        if (r < 0)
                return r;
        *ret = (int64_t) x;
        return 0;
}

int vmci_number_u64(const struct vmci *v, const char *name, uint64_t *ret) {
        char buf[64], *end;
        uint64_t x;
        int r;

        r = vmci_value(v, "NUMBER", name, buf, sizeof(buf));
        if (r < 0)
                return r;
        errno = 0;
        if (buf[0] == '-')
                x = (uint64_t) strtoll(buf, &end, 10);
        else
                x = strtoull(buf, &end, 0);
        if (errno != 0 || *end != 0)
                return -EINVAL;
        *ret = x;
        return 0;
}

int vmci_size(const struct vmci *v, const char *name, uint64_t *ret) {
        return vmci_parse(v, "SIZE", name, 10, false, ret);
}

int vmci_offset(const struct vmci *v, const char *name, uint64_t *ret) {
        return vmci_parse(v, "OFFSET", name, 10, false, ret);
}

int vmci_length(const struct vmci *v, const char *name, uint64_t *ret) {
        return vmci_parse(v, "LENGTH", name, 10, false, ret);
}
