/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "config/kdump-conf.h"

const char *const kdump_config_fstypes[] = { "ext4", "xfs", NULL };

/* Keys of kdump-utils' kdump.conf that we know but do not implement yet:
 * rejected by name, never silently ignored, since a user who wrote them
 * expects them to take effect. */
static const char *const known_unimplemented[] = {
        "raw", "nfs", "ssh", "sshkey", "kdump_pre", "kdump_post", "extra_bins",
        "extra_modules", "failure_action", "default", "final_action",
        "force_rebuild", "force_no_rebuild", "dracut_args", "fence_kdump_args",
        "fence_kdump_nodes", "auto_reset_crashkernel", "btrfs",
        "ext2", "ext3", "vfat", "nfs4", "virtiofs", NULL,
};

kdump_config *kdump_config_free(kdump_config *c) {
        if (!c)
                return NULL;
        free(c->fstype);
        free(c->device);
        free(c->path);
        free(c->core_collector);
        free(c->loader);
        free(c);
        return NULL;
}

static bool strv_contains(const char *const *l, const char *s) {
        for (; *l; l++)
                if (strcmp(*l, s) == 0)
                        return true;
        return false;
}

_printf_(4, 5)
static int fail(char **ret_error, const char *filename, unsigned line, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (ret_error) {
                char *s;
                if (line > 0)
                        r = asprintf(&s, "%s:%u: %s", filename, line, msg);
                else
                        r = asprintf(&s, "%s: %s", filename, msg);
                if (r < 0)
                        return -ENOMEM;
                *ret_error = s;
        }
        return -EINVAL;
}

static int parse_device(const char *v, const char *filename, unsigned line, char **ret_error) {
        if (string_has_prefix(v, "/dev/") && v[5])
                return 0;
        if ((string_has_prefix(v, "UUID=") && v[5]) || (string_has_prefix(v, "LABEL=") && v[6]))
                return 0;
        return fail(ret_error, filename, line,
                    "invalid device '%s': expected /dev/<name>, UUID=<uuid> or LABEL=<label>", v);
}

static int set_string(char **field, const char *v) {
        char *s = strdup(v);
        if (!s)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

int kdump_config_parse(const char *text, const char *filename, kdump_config **ret, char **ret_error) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        unsigned line_no = 0, path_line = 0, collector_line = 0;
        const char *p = text;
        int r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;

        while (*p) {
                char buf[KDUMP_CONF_LINE_MAX + 1];
                size_t n = strcspn(p, "\n");
                char *key, *value, *e;

                line_no++;
                if (n > KDUMP_CONF_LINE_MAX)
                        return fail(ret_error, filename, line_no, "line is longer than %u characters", KDUMP_CONF_LINE_MAX);
                memcpy(buf, p, n);
                buf[n] = 0;
                p += n;
                if (*p == '\n')
                        p++;

                if (memchr(buf, 0, n) || strlen(buf) != n)
                        return fail(ret_error, filename, line_no, "line contains a NUL byte");

                /* Trim; blank lines and whole-line comments are skipped,
                 * as in kdump-utils. */
                key = buf + strspn(buf, " \t\r");
                e = key + strlen(key);
                while (e > key && strchr(" \t\r", e[-1]))
                        *--e = 0;
                if (*key == 0 || *key == '#')
                        continue;

                value = key + strcspn(key, " \t");
                if (*value) {
                        *value++ = 0;
                        value += strspn(value, " \t");
                }

                if (strchr(value, '"') || strchr(value, '\''))
                        return fail(ret_error, filename, line_no,
                                    "quotes are not supported in '%s': write the value without them", key);

                if (strv_contains(kdump_config_fstypes, key)) {
                        if (*value == 0)
                                return fail(ret_error, filename, line_no,
                                            "'%s' needs a device: /dev/<name>, UUID=<uuid> or LABEL=<label>", key);
                        if (strpbrk(value, " \t"))
                                return fail(ret_error, filename, line_no,
                                            "'%s' takes exactly one device, got '%s'", key, value);
                        if (c->target_line)
                                return fail(ret_error, filename, line_no,
                                            "a dump target was already set on line %u; only one target is allowed",
                                            c->target_line);
                        r = parse_device(value, filename, line_no, ret_error);
                        if (r < 0)
                                return r;
                        if (set_string(&c->fstype, key) < 0 || set_string(&c->device, value) < 0)
                                return -ENOMEM;
                        c->target_line = line_no;
                } else if (strcmp(key, "path") == 0) {
                        if (*value != '/')
                                return fail(ret_error, filename, line_no,
                                            "path must be an absolute directory on the dump target, got '%s'", value);
                        if (strpbrk(value, " \t"))
                                return fail(ret_error, filename, line_no, "path must not contain white space: '%s'", value);
                        if (path_line)
                                return fail(ret_error, filename, line_no, "path was already set on line %u", path_line);
                        if (set_string(&c->path, value) < 0)
                                return -ENOMEM;
                        path_line = line_no;
                } else if (strcmp(key, "core_collector") == 0) {
                        if (*value == 0)
                                return fail(ret_error, filename, line_no,
                                            "core_collector needs a command, e.g. 'core_collector %s'",
                                            KDUMP_CONF_DEFAULT_COLLECTOR);
                        if (collector_line)
                                return fail(ret_error, filename, line_no, "core_collector was already set on line %u",
                                            collector_line);
                        if (set_string(&c->core_collector, value) < 0)
                                return -ENOMEM;
                        collector_line = line_no;
                } else if (strcmp(key, "loader") == 0) {
                        /* kdumpctl start --loader: kexec_file_load, kexec_load, or the first falling back to the second */
                        if (!strv_contains((const char *const[]) { "file", "classic", "auto", NULL }, value))
                                return fail(ret_error, filename, line_no, "loader must be file, classic or auto, got '%s'", value);
                        if (set_string(&c->loader, value) < 0)
                                return -ENOMEM;
                } else if (strv_contains(known_unimplemented, key))
                        return fail(ret_error, filename, line_no,
                                    "'%s' is a kdump.conf option that kdumpd does not support yet; remove the line "
                                    "(supported: ext4, xfs, path, core_collector)", key);
                else
                        return fail(ret_error, filename, line_no,
                                    "unknown option '%s' (supported: ext4, xfs, path, core_collector)", key);
        }

        if (!c->path && set_string(&c->path, KDUMP_CONF_DEFAULT_PATH) < 0)
                return -ENOMEM;
        if (!c->core_collector && set_string(&c->core_collector, KDUMP_CONF_DEFAULT_COLLECTOR) < 0)
                return -ENOMEM;

        *ret = TAKE_PTR(c);
        return 0;
}

int kdump_config_load(const char *filename, kdump_config **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_full_file(filename, &text, NULL);
        if (r == -ENOENT)
                /* No file is a valid configuration: all defaults. */
                return kdump_config_parse("", filename, ret, ret_error);
        if (r < 0) {
                if (ret_error && asprintf(ret_error, "%s: cannot read: %s", filename, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        return kdump_config_parse(text, filename, ret, ret_error);
}

void kdump_config_argv_free(char **argv) {
        if (!argv)
                return;
        for (char **a = argv; *a; a++)
                free(*a);
        free(argv);
}

int kdump_config_collector_argv(const kdump_config *c, char ***ret_argv) {
        const char *p = c->core_collector;
        char **argv = NULL;
        size_t n = 0;

        for (;;) {
                size_t len;
                char **t;

                p += strspn(p, " \t");
                if (!*p)
                        break;
                len = strcspn(p, " \t");
                t = realloc(argv, (n + 2) * sizeof(char *));
                if (!t)
                        goto oom;
                argv = t;
                argv[n] = strndup(p, len);
                if (!argv[n])
                        goto oom;
                argv[++n] = NULL;
                p += len;
        }
        if (n == 0) {
                free(argv);
                return -EINVAL;
        }
        *ret_argv = argv;
        return 0;
oom:
        if (argv) {
                argv[n] = NULL;
                kdump_config_argv_free(argv);
        }
        return -ENOMEM;
}
