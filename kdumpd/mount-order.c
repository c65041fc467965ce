/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "kdumpd/mount-order.h"

/* A device spec in its /dev/disk/by-* form when it is a tag, so that
 * LABEL=x and /dev/disk/by-label/x compare equal.  Quotes around the value
 * (LABEL="x", which libmount accepts) are dropped. */
static char *spec_normalize(const char *spec) {
        static const struct { const char *tag, *dir; } tags[] = {
                { "LABEL=", "/dev/disk/by-label/" },
                { "UUID=", "/dev/disk/by-uuid/" },
                { "PARTLABEL=", "/dev/disk/by-partlabel/" },
                { "PARTUUID=", "/dev/disk/by-partuuid/" },
        };
        char *out = NULL;

        for (size_t i = 0; i < ELEMENTSOF(tags); i++) {
                size_t tl = strlen(tags[i].tag), vl;
                const char *v;

                if (strncmp(spec, tags[i].tag, tl) != 0)
                        continue;
                v = spec + tl;
                vl = strlen(v);
                if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
                        v++;
                        vl -= 2;
                }
                if (asprintf(&out, "%s%.*s", tags[i].dir, (int) vl, v) < 0)
                        return NULL;
                return out;
        }
        return strdup(spec);
}

static bool spec_equal(const char *a, const char *b) {
        /* UUIDs are printed in either case (blkid lower, some tools upper). */
        if (string_has_prefix(a, "/dev/disk/by-uuid/") || string_has_prefix(a, "/dev/disk/by-partuuid/"))
                return strcasecmp(a, b) == 0;
        return strcmp(a, b) == 0;
}

/* Whether the mount point holds path: equal, or a parent by whole
 * components. */
static size_t holds(const char *where, const char *path) {
        size_t n = strlen(where);

        while (n > 1 && where[n - 1] == '/')
                n--;
        if (strncmp(where, path, n) != 0 || (path[n] != '/' && path[n] != 0))
                return 0;
        return n;
}

int dump_target_mount_point(const kdump_config *c, const char *fstab, char **ret_where) {
        _cleanup_free_ char *want = NULL, *best = NULL;
        size_t best_len = 0;
        bool by_device = c->device && !kdump_config_is_raw(c);

        if (by_device) {
                want = spec_normalize(c->device);
                if (!want)
                        return -ENOMEM;
        } else if (!c->path || c->path[0] != '/')
                return 0;

        for (const char *line = fstab; line && *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                _cleanup_free_ char *copy = strndup(line, len);
                char *fields[4] = {}, *save = NULL, *tok;
                unsigned nf = 0;

                line = nl ? nl + 1 : NULL;
                if (!copy)
                        return -ENOMEM;
                for (tok = strtok_r(copy, " \t", &save); tok && nf < ELEMENTSOF(fields); tok = strtok_r(NULL, " \t", &save))
                        fields[nf++] = tok;
                if (nf < 3 || fields[0][0] == '#' || strlen(fields[0]) > FSTAB_FIELD_MAX || strlen(fields[1]) > FSTAB_FIELD_MAX)
                        continue;
                if (strcmp(fields[2], "swap") == 0 || fields[1][0] != '/' || string_list_contains(fields[3], ',', "noauto"))
                        continue;

                _cleanup_free_ char *where = octal_unescape(fields[1], strlen(fields[1]));
                _cleanup_free_ char *spec = octal_unescape(fields[0], strlen(fields[0]));
                if (!where || !spec)
                        return -ENOMEM;

                if (by_device) {
                        _cleanup_free_ char *norm = spec_normalize(spec);
                        if (!norm)
                                return -ENOMEM;
                        /* The first matching entry, as mount(8) would use. */
                        if (spec_equal(want, norm)) {
                                *ret_where = TAKE_PTR(where);
                                return 1;
                        }
                } else {
                        size_t n = holds(where, c->path);
                        /* "/" is always mounted before any service. */
                        if (n > 1 && n > best_len) {
                                free(best);
                                best = TAKE_PTR(where);
                                best_len = n;
                        }
                }
        }
        if (!best)
                return 0;
        *ret_where = TAKE_PTR(best);
        return 1;
}

static bool unit_char_ok(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
               c == '.';
}

int mount_unit_from_path(const char *where, char **ret) {
        _cleanup_free_ char *out = NULL;
        const char *p = where;
        size_t o = 0;

        if (!where || where[0] != '/')
                return -EINVAL;
        /* Each input byte becomes at most 4 ("\xNN"), plus ".mount". */
        out = malloc(strlen(where) * 4 + sizeof(".mount") + 1);
        if (!out)
                return -ENOMEM;

        while (*p == '/')
                p++;
        if (!*p) {
                strcpy(out, "-.mount");
                *ret = TAKE_PTR(out);
                return 0;
        }
        while (*p) {
                const char *slash = strchr(p, '/');
                size_t n = slash ? (size_t) (slash - p) : strlen(p);

                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return -EINVAL;
                if (o > 0)
                        out[o++] = '-';
                for (size_t i = 0; i < n; i++) {
                        char ch = p[i];
                        /* systemd escapes "-" (it is the separator), a
                         * leading "." (hidden) and anything unusual. */
                        if (unit_char_ok(ch) && !(o == 0 && ch == '.'))
                                out[o++] = ch;
                        else
                                o += (size_t) sprintf(out + o, "\\x%02x", (unsigned char) ch);
                }
                p += n;
                while (*p == '/')
                        p++;
        }
        strcpy(out + o, ".mount");
        *ret = TAKE_PTR(out);
        return 0;
}

int mount_order_dropin(const char *unit, char **ret) {
        char *s;

        if (asprintf(&s,
                     "# Generated by kdumpd-generator from kdump.conf and /etc/fstab: the dump\n"
                     "# target is mounted before kdumpd looks for dumps on it.  Wants=, not\n"
                     "# Requires=: a target that fails to mount must not keep the capture\n"
                     "# kernel from being loaded.\n"
                     "[Unit]\n"
                     "Wants=%s\n"
                     "After=%s\n",
                     unit, unit) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int network_order_dropin(char **ret) {
        char *s = strdup("# Generated by kdumpd-generator from kdump.conf: the dump target is an NFS\n"
                         "# export, which kdumpd checks and reads over the network, so kdumpd starts once\n"
                         "# the network is configured.  Wants=, not Requires=: no network must not keep\n"
                         "# kdumpd from saying so.\n"
                         "[Unit]\n"
                         "Wants=network-online.target\n"
                         "After=network-online.target\n");

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
