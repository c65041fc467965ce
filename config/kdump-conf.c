/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "config/kdump-conf.h"

const char *const kdump_config_fstypes[] = { "ext4", "xfs", "btrfs", "ext2", "ext3", KDUMP_VIRTIOFS, NULL };

#define SUPPORTED_KEYS \
        "ext4, xfs, btrfs, ext2, ext3, virtiofs, raw, nfs, ssh, sshkey, path, mount_options, core_collector, failure_action, " \
        "final_action, kdump_pre, kdump_post, extra_bins, extra_modules, encrypt_to, force_rebuild, force_no_rebuild, " \
        "auto_reset_crashkernel, loader, initramfs_builder, dracut_args, capture_cpus, capture_stall_timeout"

/* Keys of kdump-utils' kdump.conf that we know but do not implement yet:
 * rejected by name, never silently ignored, since a user who wrote them
 * expects them to take effect. */
static const char *const known_unimplemented[] = {
        "fence_kdump_args",
        "fence_kdump_nodes", "vfat", "nfs4", NULL,
};

static const char *const builder_names[_KDUMP_BUILDER_MAX] = {
        [KDUMP_BUILDER_KDUMPD] = "kdumpd",
        [KDUMP_BUILDER_DRACUT] = "dracut",
};

const char *kdump_builder_to_string(enum kdump_builder b) {
        return b >= 0 && b < _KDUMP_BUILDER_MAX ? builder_names[b] : NULL;
}

static const char *const action_names[_KDUMP_ACTION_MAX] = {
        [KDUMP_ACTION_REBOOT] = "reboot",
        [KDUMP_ACTION_HALT] = "halt",
        [KDUMP_ACTION_POWEROFF] = "poweroff",
        [KDUMP_ACTION_SHELL] = "shell",
        [KDUMP_ACTION_DUMP_TO_ROOTFS] = "dump_to_rootfs",
};

/* final_action ends the capture: only these (kdump-utils). */
static bool final_action_valid(enum kdump_action a) {
        return a == KDUMP_ACTION_REBOOT || a == KDUMP_ACTION_HALT || a == KDUMP_ACTION_POWEROFF;
}

const char *kdump_action_to_string(enum kdump_action a) {
        return (size_t) a < ELEMENTSOF(action_names) ? action_names[a] : NULL;
}

kdump_config *kdump_config_free(kdump_config *c) {
        if (!c)
                return NULL;
        free(c->fstype);
        free(c->device);
        free(c->path);
        free(c->mount_options);
        free(c->core_collector);
        free(c->loader);
        free(c->sshkey);
        free(c->kdump_pre);
        free(c->kdump_post);
        strv_free(c->extra_bins);
        strv_free(c->extra_modules);
        strv_free(c->encrypt_to);
        strv_free(c->dracut_args);
        free(c);
        return NULL;
}

static bool strv_contains(const char *const *l, const char *s) {
        for (; *l; l++)
                if (strcmp(*l, s) == 0)
                        return true;
        return false;
}

static size_t strv_length(char *const *l) {
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

static int strv_append(char ***l, const char *s) {
        size_t n = strv_length(*l);
        char **t, *d;

        d = strdup(s);
        if (!d)
                return -ENOMEM;
        t = realloc(*l, (n + 2) * sizeof(char *));
        if (!t) {
                free(d);
                return -ENOMEM;
        }
        t[n] = d;
        t[n + 1] = NULL;
        *l = t;
        return 0;
}

/* Every message: "<file>:<line>: <key>: what is wrong; what would be valid". */
_printf_(5, 6)
static int fail(char **ret_error, const char *filename, unsigned line, const char *key, const char *fmt, ...) {
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
                        r = asprintf(&s, "%s:%u: %s%s%s", filename, line, key ? key : "", key ? ": " : "", msg);
                else
                        r = asprintf(&s, "%s: %s%s%s", filename, key ? key : "", key ? ": " : "", msg);
                if (r < 0)
                        return -ENOMEM;
                free(*ret_error);
                *ret_error = s;
        }
        return -EINVAL;
}

static int parse_device(const char *key, const char *v, const char *filename, unsigned line, char **ret_error) {
        if (string_has_prefix(v, "/dev/") && v[5])
                return 0;
        if ((string_has_prefix(v, "UUID=") && v[5]) || (string_has_prefix(v, "LABEL=") && v[6]))
                return 0;
        return fail(ret_error, filename, line, key,
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

/* "<fstype> <device>" or "raw /dev/<name>": the one dump target. */
static int parse_target(kdump_config *c, const char *key, const char *value, const char *filename, unsigned line,
                        unsigned *seen_target, char **ret_error) {
        bool raw = strcmp(key, KDUMP_RAW) == 0;
        int r;

        if (raw && (!string_has_prefix(value, "/dev/") || value[5] == 0))
                return fail(ret_error, filename, line, key,
                            "needs a block device without a filesystem, /dev/<name> (e.g. /dev/disk/by-id/...), "
                            "got '%s'", value);
        if (*value == 0)
                return fail(ret_error, filename, line, key, "needs a device: /dev/<name>, UUID=<uuid> or LABEL=<label>");
        if (strpbrk(value, " \t"))
                return fail(ret_error, filename, line, key, "takes exactly one device, got '%s'", value);
        if (*seen_target)
                return fail(ret_error, filename, line, key,
                            "a dump target was already set on line %u; only one target is allowed", *seen_target);
        if (strcmp(key, KDUMP_NFS) == 0) {
                _cleanup_free_ char *host = NULL, *export = NULL;

                r = kdump_config_nfs_split(value, &host, &export);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return fail(ret_error, filename, line, key,
                                    "needs <server>:/<export>, e.g. 'nfs nfs.example.com:/srv/crash' or "
                                    "'nfs [2001:db8::1]:/srv/crash' (IPv6 addresses in brackets), got '%s'", value);
        } else if (strcmp(key, KDUMP_SSH) == 0) {
                r = kdump_config_ssh_split(value, NULL, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return fail(ret_error, filename, line, key,
                                    "needs <user>@<server>, e.g. 'ssh root@dumps.example.com' or "
                                    "'ssh root@2001:db8::1', got '%s'", value);
        } else if (strcmp(key, KDUMP_VIRTIOFS) == 0) {
                /* the tag the host gave the share (QEMU's vhost-user-fs-pci tag=) */
                if (strlen(value) > 36 || value[strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789._-")] != 0)
                        return fail(ret_error, filename, line, key,
                                    "needs the share's tag (letters, digits, '.', '_', '-', at most 36), got '%s'", value);
        } else if (!raw) {
                r = parse_device(key, value, filename, line, ret_error);
                if (r < 0)
                        return r;
        }
        if (set_string(&c->fstype, key) < 0 || set_string(&c->device, value) < 0)
                return -ENOMEM;
        *seen_target = c->target_line = line;
        return 0;
}

static bool is_module_name(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
                      *s == '-'))
                        return false;
        return true;
}

/* Where each single-valued key was set in the file being parsed (0: not),
 * for "already set on line N". */
struct seen_lines {
        unsigned target, path, mount_options, collector, loader, sshkey, failure_action, final_action, kdump_pre, kdump_post,
                force_rebuild, force_no_rebuild, auto_reset, builder, capture_cpus, stall_timeout;
};

/* Across files: where the force flags were last set, to name both in the
 * conflict message. */
struct load_ctx {
        char collector_at[512];
        char force_rebuild_at[512];
        char force_no_rebuild_at[512];
        char dracut_args_at[512];
};

static int once(unsigned *seen, unsigned line, const char *key, const char *filename, char **ret_error) {
        if (*seen)
                return fail(ret_error, filename, line, key, "already set on line %u; give it once per file", *seen);
        *seen = line;
        return 0;
}

static int parse_action(const char *key, const char *value, bool failure, const char *filename, unsigned line,
                        enum kdump_action *ret, char **ret_error) {
        for (size_t i = 0; i < ELEMENTSOF(action_names); i++)
                if (strcmp(value, action_names[i]) == 0) {
                        if (!failure && !final_action_valid((enum kdump_action) i))
                                break;
                        *ret = (enum kdump_action) i;
                        return 0;
                }
        if (failure)
                return fail(ret_error, filename, line, key,
                            "invalid action '%s'; valid: reboot, halt, poweroff, shell, dump_to_rootfs", value);
        return fail(ret_error, filename, line, key, "invalid action '%s'; valid: reboot, halt, poweroff", value);
}

static int parse_bool01(const char *key, const char *value, const char *filename, unsigned line, bool *ret,
                        char **ret_error) {
        if (strcmp(value, "1") == 0)
                *ret = true;
        else if (strcmp(value, "0") == 0)
                *ret = false;
        else
                return fail(ret_error, filename, line, key, "invalid value '%s'; valid: 0 or 1", value);
        return 0;
}

static int parse_program(const char *key, const char *value, const char *filename, unsigned line, char **field,
                         char **ret_error) {
        if (*value == 0)
                return fail(ret_error, filename, line, key, "needs the absolute path of a program, e.g. '%s /usr/local/bin/%s'",
                            key, strcmp(key, "kdump_pre") == 0 ? "before-dump" : "after-dump");
        if (*value != '/')
                return fail(ret_error, filename, line, key, "'%s' is not an absolute path; valid: /path/to/program", value);
        if (strpbrk(value, " \t"))
                return fail(ret_error, filename, line, key,
                            "takes one program without arguments, got '%s'; valid: /path/to/program", value);
        return set_string(field, value) < 0 ? -ENOMEM : 0;
}

/* The list keys: what each entry must be. */
enum list_kind { LIST_PROGRAMS, LIST_MODULES, LIST_RECIPIENTS };

/* 0 when w is a valid entry, else the error naming it. */
static int check_list_entry(enum list_kind kind, const char *w, const char *key, const char *filename, unsigned line,
                            char **ret_error) {
        switch (kind) {
        case LIST_MODULES:
                if (!is_module_name(w))
                        return fail(ret_error, filename, line, key,
                                    "'%s' is not a module name; valid: names as modprobe takes them (e.g. 'dm_crypt "
                                    "nvme'), without .ko or a path", w);
                break;
        case LIST_PROGRAMS:
                if (strchr(w, '/') && *w != '/')
                        return fail(ret_error, filename, line, key,
                                    "'%s' is a relative path; valid: absolute paths or program names found in PATH", w);
                break;
        case LIST_RECIPIENTS:
                /* the keys themselves are checked at kdumpctl start
                 * (seal/age-key.h), where the files are read too; a private
                 * key is not echoed */
                if (string_has_prefix(w, "AGE-SECRET-KEY-"))
                        return fail(ret_error, filename, line, key,
                                    "this is a private key (identity); give its public key (age-keygen -y FILE), "
                                    "never the private one: it must not reach this machine");
                if (!string_has_prefix(w, "age1") && *w != '/')
                        return fail(ret_error, filename, line, key,
                                    "'%s' is neither an age public key (age1...) nor the absolute path of a file of "
                                    "them", w);
                break;
        }
        return 0;
}

static int parse_list(const char *key, const char *value, enum list_kind kind, const char *filename, unsigned line,
                      char ***field, char **ret_error) {
        static const char *const what[] = {
                [LIST_PROGRAMS] = "program",
                [LIST_MODULES] = "module name",
                [LIST_RECIPIENTS] = "recipient: an age public key (age1...) or a file of them",
        };
        _cleanup_free_ char *copy = strdup(value);
        char *save = NULL;
        unsigned n = 0;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                int r = check_list_entry(kind, w, key, filename, line, ret_error);

                if (r < 0)
                        return r;
                if (strv_length(*field) >= KDUMP_CONF_LIST_MAX)
                        return fail(ret_error, filename, line, key, "more than %u entries", KDUMP_CONF_LIST_MAX);
                if (strv_append(field, w) < 0)
                        return -ENOMEM;
                n++;
        }
        if (n == 0)
                return fail(ret_error, filename, line, key, "needs at least one %s", what[kind]);
        return 0;
}

/* dracut options kdumpd sets itself, or that would make an image no
 * reservation holds: refused with the reason. */
static const char *dracut_arg_refused(const char *a) {
        if (strcmp(a, "-m") == 0 || strcmp(a, "--modules") == 0 || string_has_prefix(a, "--modules="))
                return "kdumpd chooses the dracut modules (kdumpd and what it depends on); use --add or --add-drivers";
        if (strcmp(a, "--kver") == 0 || string_has_prefix(a, "--kver="))
                return "kdumpd builds one image per kernel release and gives --kver itself";
        if (strcmp(a, "-N") == 0 || strcmp(a, "--no-hostonly") == 0)
                return "without host-only mode dracut puts every module of the kernel in (over 100 MiB), more than a "
                       "crash reservation holds";
        if (strcmp(a, "-f") == 0 || strcmp(a, "--force") == 0)
                return "kdumpd writes the image itself";
        return NULL;
}

static int parse_dracut_args(const char *key, const char *value, const char *filename, unsigned line, char ***field,
                             char **ret_error) {
        _cleanup_(strv_freep) char **words = NULL;
        int r;

        r = strv_split_words(value, &words);
        if (r == -EINVAL)
                return fail(ret_error, filename, line, key, "has an unterminated quote in '%s'", value);
        if (r < 0)
                return r;
        if (!words[0])
                return fail(ret_error, filename, line, key, "needs dracut options, e.g. 'dracut_args --add-drivers \"nvme\"'");
        for (char **w = words; *w; w++) {
                const char *why = dracut_arg_refused(*w);

                if (why)
                        return fail(ret_error, filename, line, key, "%s: %s", *w, why);
                if (strv_length(*field) >= KDUMP_CONF_LIST_MAX)
                        return fail(ret_error, filename, line, key, "more than %u entries", KDUMP_CONF_LIST_MAX);
                if (strv_append(field, *w) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* One kdump.conf line being applied: what each key's handler needs. */
struct conf_line {
        kdump_config *c;
        struct load_ctx *ctx;
        struct seen_lines *seen;
        const char *filename;
        unsigned line_no;
        const char *key, *value;
        char **ret_error;
};

#define LINE_FAIL(l, ...) fail((l)->ret_error, (l)->filename, (l)->line_no, (l)->key, __VA_ARGS__)

static int line_once(const struct conf_line *l, unsigned *seen) {
        return once(seen, l->line_no, l->key, l->filename, l->ret_error);
}

static void line_where(const struct conf_line *l, char *buf, size_t size) {
        snprintf(buf, size, "%s:%u", l->filename, l->line_no);
}

static bool key_is(const struct conf_line *l, const char *key) {
        return strcmp(l->key, key) == 0;
}

static int key_path(struct conf_line *l) {
        int r;

        if (*l->value != '/')
                return LINE_FAIL(l, "must be an absolute directory on the dump target, got '%s'", l->value);
        if (strpbrk(l->value, " \t"))
                return LINE_FAIL(l, "must not contain white space: '%s'", l->value);
        if ((r = line_once(l, &l->seen->path)) < 0)
                return r;
        return set_string(&l->c->path, l->value);
}

static int key_core_collector(struct conf_line *l) {
        int r;

        if (*l->value == 0)
                return LINE_FAIL(l, "needs a command, e.g. 'core_collector %s'", KDUMP_CONF_DEFAULT_COLLECTOR);
        if ((r = line_once(l, &l->seen->collector)) < 0)
                return r;
        line_where(l, l->ctx->collector_at, sizeof(l->ctx->collector_at));
        return set_string(&l->c->core_collector, l->value);
}

static int key_mount_options(struct conf_line *l) {
        int r;

        /* mount -o's syntax: comma-separated, no white space */
        if (*l->value == 0 || strpbrk(l->value, " \t"))
                return LINE_FAIL(l, "takes mount options separated by commas, e.g. 'mount_options subvol=/@crash', "
                                 "got '%s'", l->value);
        if ((r = line_once(l, &l->seen->mount_options)) < 0)
                return r;
        return set_string(&l->c->mount_options, l->value);
}

static int key_sshkey(struct conf_line *l) {
        int r;

        if (*l->value != '/' || strpbrk(l->value, " \t"))
                return LINE_FAIL(l, "needs the absolute path of a private key without a passphrase, e.g. 'sshkey %s', "
                                 "got '%s'", KDUMP_CONF_DEFAULT_SSHKEY, l->value);
        if ((r = line_once(l, &l->seen->sshkey)) < 0)
                return r;
        return set_string(&l->c->sshkey, l->value);
}

/* kdumpctl start --loader: kexec_file_load, kexec_load, or the first
 * falling back to the second. */
static int key_loader(struct conf_line *l) {
        int r;

        if (!strv_contains((const char *const[]) { "file", "classic", "auto", NULL }, l->value))
                return LINE_FAIL(l, "must be file, classic or auto, got '%s'", l->value);
        if ((r = line_once(l, &l->seen->loader)) < 0)
                return r;
        return set_string(&l->c->loader, l->value);
}

/* failure_action, and "default", kdump-utils' older name for it; final_action. */
static int key_action(struct conf_line *l) {
        bool failure = !key_is(l, "final_action");
        int r;

        if ((r = line_once(l, failure ? &l->seen->failure_action : &l->seen->final_action)) < 0)
                return r;
        return parse_action(l->key, l->value, failure, l->filename, l->line_no,
                            failure ? &l->c->failure_action : &l->c->final_action, l->ret_error);
}

static int key_hook(struct conf_line *l) {
        bool pre = key_is(l, "kdump_pre");
        int r;

        if ((r = line_once(l, pre ? &l->seen->kdump_pre : &l->seen->kdump_post)) < 0)
                return r;
        return parse_program(l->key, l->value, l->filename, l->line_no, pre ? &l->c->kdump_pre : &l->c->kdump_post,
                             l->ret_error);
}

static int key_extra(struct conf_line *l) {
        bool modules = key_is(l, "extra_modules");

        return parse_list(l->key, l->value, modules ? LIST_MODULES : LIST_PROGRAMS, l->filename, l->line_no,
                          modules ? &l->c->extra_modules : &l->c->extra_bins, l->ret_error);
}

static int key_encrypt_to(struct conf_line *l) {
        return parse_list(l->key, l->value, LIST_RECIPIENTS, l->filename, l->line_no, &l->c->encrypt_to, l->ret_error);
}

static int key_force(struct conf_line *l) {
        bool no = key_is(l, "force_no_rebuild");
        int r;

        if ((r = line_once(l, no ? &l->seen->force_no_rebuild : &l->seen->force_rebuild)) < 0)
                return r;
        r = parse_bool01(l->key, l->value, l->filename, l->line_no, no ? &l->c->force_no_rebuild : &l->c->force_rebuild,
                         l->ret_error);
        if (r < 0)
                return r;
        if (no)
                line_where(l, l->ctx->force_no_rebuild_at, sizeof(l->ctx->force_no_rebuild_at));
        else
                line_where(l, l->ctx->force_rebuild_at, sizeof(l->ctx->force_rebuild_at));
        return 0;
}

static int key_initramfs_builder(struct conf_line *l) {
        int r;

        if ((r = line_once(l, &l->seen->builder)) < 0)
                return r;
        if (strcmp(l->value, "kdumpd") == 0)
                l->c->initramfs_builder = KDUMP_BUILDER_KDUMPD;
        else if (strcmp(l->value, "dracut") == 0)
                l->c->initramfs_builder = KDUMP_BUILDER_DRACUT;
        else
                return LINE_FAIL(l, "must be kdumpd or dracut, got '%s'", l->value);
        return 0;
}

static int key_dracut_args(struct conf_line *l) {
        int r;

        r = parse_dracut_args(l->key, l->value, l->filename, l->line_no, &l->c->dracut_args, l->ret_error);
        if (r < 0)
                return r;
        line_where(l, l->ctx->dracut_args_at, sizeof(l->ctx->dracut_args_at));
        return 0;
}

/* A number from min to max, once. */
static int line_number(struct conf_line *l, unsigned *seen, unsigned min, unsigned max, const char *unit,
                       unsigned *ret) {
        unsigned v;
        int r;

        if ((r = line_once(l, seen)) < 0)
                return r;
        if (safe_atou(l->value, &v) < 0 || v < min || v > max)
                return LINE_FAIL(l, "invalid value '%s'; a number of %s from %u to %u", l->value, unit, min, max);
        *ret = v;
        return 0;
}

static int key_capture_cpus(struct conf_line *l) {
        return line_number(l, &l->seen->capture_cpus, 1, KDUMP_CAPTURE_CPUS_MAX, "CPUs", &l->c->capture_cpus);
}

static int key_capture_stall_timeout(struct conf_line *l) {
        return line_number(l, &l->seen->stall_timeout, 10, KDUMP_STALL_TIMEOUT_MAX, "seconds",
                           &l->c->capture_stall_timeout);
}

static int key_auto_reset_crashkernel(struct conf_line *l) {
        int r;

        if ((r = line_once(l, &l->seen->auto_reset)) < 0)
                return r;
        if (strcmp(l->value, "yes") == 0)
                l->c->auto_reset_crashkernel = true;
        else if (strcmp(l->value, "no") == 0)
                l->c->auto_reset_crashkernel = false;
        else
                return LINE_FAIL(l, "invalid value '%s'; valid: yes or no", l->value);
        return 0;
}

static int key_target(struct conf_line *l) {
        return parse_target(l->c, l->key, l->value, l->filename, l->line_no, &l->seen->target, l->ret_error);
}

static const struct {
        const char *key;
        int (*apply)(struct conf_line *l);
} conf_keys[] = {
        { KDUMP_RAW, key_target },
        { KDUMP_NFS, key_target },
        { KDUMP_SSH, key_target },
        { "path", key_path },
        { "core_collector", key_core_collector },
        { "mount_options", key_mount_options },
        { "sshkey", key_sshkey },
        { "loader", key_loader },
        { "failure_action", key_action },
        { "default", key_action },
        { "final_action", key_action },
        { "kdump_pre", key_hook },
        { "kdump_post", key_hook },
        { "extra_bins", key_extra },
        { "extra_modules", key_extra },
        { "encrypt_to", key_encrypt_to },
        { "force_rebuild", key_force },
        { "force_no_rebuild", key_force },
        { "initramfs_builder", key_initramfs_builder },
        { "dracut_args", key_dracut_args },
        { "capture_cpus", key_capture_cpus },
        { "capture_stall_timeout", key_capture_stall_timeout },
        { "auto_reset_crashkernel", key_auto_reset_crashkernel },
};

static int apply_line(struct conf_line *l) {
        /* dracut_args is shell words, as kdump-utils passes it on */
        if ((strchr(l->value, '"') || strchr(l->value, '\'')) && !key_is(l, "dracut_args"))
                return LINE_FAIL(l, "quotes are not supported; write the value without them");
        if (strv_contains(kdump_config_fstypes, l->key))
                return key_target(l);
        for (size_t i = 0; i < ELEMENTSOF(conf_keys); i++)
                if (key_is(l, conf_keys[i].key))
                        return conf_keys[i].apply(l);
        if (strv_contains(known_unimplemented, l->key))
                return LINE_FAIL(l, "a kdump.conf option that kdumpd does not support yet; remove the line "
                                 "(supported: " SUPPORTED_KEYS ")");
        return LINE_FAIL(l, "unknown option (supported: " SUPPORTED_KEYS ")");
}

/* The next line of *p into buf (NUL-terminated, *p moved past it, *line_no
 * counted); 0 at the end of the text. */
static int next_line(const char **p, unsigned *line_no, char buf[static KDUMP_CONF_LINE_MAX + 1], const char *filename,
                     char **ret_error) {
        size_t n;

        if (!**p)
                return 0;
        n = strcspn(*p, "\n");
        (*line_no)++;
        if (n > KDUMP_CONF_LINE_MAX)
                return fail(ret_error, filename, *line_no, NULL, "line is longer than %u characters", KDUMP_CONF_LINE_MAX);
        memcpy(buf, *p, n);
        buf[n] = 0;
        *p += n;
        if (**p == '\n')
                (*p)++;
        return 1;
}

/* Trims buf and splits it into key and value (value "" when none); false
 * for a blank line or a whole-line comment, skipped as in kdump-utils. */
static bool split_line(char *buf, char **ret_key, char **ret_value) {
        char *key = buf + strspn(buf, " \t\r"), *e = key + strlen(key), *value;

        while (e > key && strchr(" \t\r", e[-1]))
                *--e = 0;
        if (*key == 0 || *key == '#')
                return false;
        value = key + strcspn(key, " \t");
        if (*value) {
                *value++ = 0;
                value += strspn(value, " \t");
        }
        *ret_key = key;
        *ret_value = value;
        return true;
}

/* text: len bytes (and a NUL after them).  A NUL inside would end the
 * text early and drop the lines after it: an error, naming its line. */
static int parse_into(kdump_config *c, struct load_ctx *ctx, const char *text, size_t len, const char *filename,
                      char **ret_error) {
        struct seen_lines seen = {};
        struct conf_line l = { .c = c, .ctx = ctx, .seen = &seen, .filename = filename, .ret_error = ret_error };
        char buf[KDUMP_CONF_LINE_MAX + 1];
        const char *p = text, *nul = memchr(text, 0, len);
        int r;

        if (nul) {
                unsigned line = 1;
                for (const char *q = text; q < nul; q++)
                        line += *q == '\n';
                return fail(ret_error, filename, line, NULL, "line contains a NUL byte (is this a text file?)");
        }

        while ((r = next_line(&p, &l.line_no, buf, filename, ret_error)) > 0) {
                char *key, *value;

                if (!split_line(buf, &key, &value))
                        continue;
                l.key = key;
                l.value = value;
                r = apply_line(&l);
                if (r < 0)
                        return r;
        }
        return r;
}

/* Whether core_collector's program (its first word, by any path) is name. */
static bool collector_program_is(const kdump_config *c, const char *name) {
        const char *collector = c->core_collector ?: KDUMP_CONF_DEFAULT_COLLECTOR;
        size_t n = strcspn(collector, " \t");
        const char *base = collector;

        for (const char *p = collector; p < collector + n; p++)
                if (*p == '/')
                        base = p + 1;
        return (size_t) (collector + n - base) == strlen(name) && strncmp(base, name, strlen(name)) == 0;
}

bool kdump_config_collector_is_scp(const kdump_config *c) {
        return collector_program_is(c, "scp");
}

bool kdump_config_collector_is_ours(const kdump_config *c) {
        return collector_program_is(c, "kdump-collect");
}

int kdump_config_ssh_split(const char *spec, char **ret_user, char **ret_host) {
        _cleanup_free_ char *user = NULL, *host = NULL;
        const char *at = strrchr(spec, '@'), *h;
        size_t hl;

        if (!at || at == spec || at[1] == 0)
                return -EINVAL;
        h = at + 1;
        hl = strlen(h);
        if (h[0] == '[') {
                /* [2001:db8::1] */
                if (hl < 3 || h[hl - 1] != ']')
                        return -EINVAL;
                h++;
                hl -= 2;
        }
        user = strndup(spec, (size_t) (at - spec));
        host = strndup(h, hl);
        if (!user || !host)
                return -ENOMEM;
        /* a user name as useradd takes it; a host name or address: no
         * shell or ssh option syntax gets through to a command line */
        if (user[0] == '-' || strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(user))
                return -EINVAL;
        if (host[0] == '-' || host[0] == 0 ||
            strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != strlen(host))
                return -EINVAL;
        /* a colon makes it an IPv6 address: nothing but hex digits then */
        if (strchr(host, ':') && strspn(host, "0123456789abcdefABCDEF:.") != strlen(host))
                return -EINVAL;
        if (ret_user)
                *ret_user = TAKE_PTR(user);
        if (ret_host)
                *ret_host = TAKE_PTR(host);
        return 0;
}

int kdump_config_nfs_split(const char *spec, char **ret_host, char **ret_export) {
        _cleanup_free_ char *host = NULL, *export = NULL;
        const char *colon;

        if (spec[0] == '[') {
                const char *close = strchr(spec, ']');

                if (!close || close == spec + 1 || close[1] != ':')
                        return -EINVAL;
                colon = close + 1;
                host = strndup(spec + 1, (size_t) (close - spec - 1));
                if (host && strspn(host, "0123456789abcdefABCDEF:.") != strlen(host))
                        return -EINVAL;
        } else {
                colon = strchr(spec, ':');
                if (!colon || colon == spec)
                        return -EINVAL;
                host = strndup(spec, (size_t) (colon - spec));
                /* a bare IPv6 address: its colons are ambiguous */
                if (host && strchr(colon + 1, ':'))
                        return -EINVAL;
        }
        if (!host)
                return -ENOMEM;
        if (colon[1] != '/' || strpbrk(host, "/@ \t"))
                return -EINVAL;
        export = strdup(colon + 1);
        if (!export)
                return -ENOMEM;
        if (ret_host)
                *ret_host = TAKE_PTR(host);
        if (ret_export)
                *ret_export = TAKE_PTR(export);
        return 0;
}

static int finish(kdump_config *c, const struct load_ctx *ctx, const char *filename, char **ret_error) {
        if (c->force_rebuild && c->force_no_rebuild)
                return fail(ret_error, filename, 0, "force_rebuild",
                            "force_rebuild 1 (%s) and force_no_rebuild 1 (%s) contradict each other; set at most one to 1",
                            ctx->force_rebuild_at, ctx->force_no_rebuild_at);
        if (kdump_config_collector_is_scp(c) && !kdump_config_is_ssh(c))
                /* kdump-utils copies the whole vmcore with scp only to an
                 * ssh target: anywhere else scp would copy it nowhere. */
                return fail(ret_error, ctx->collector_at, 0, "core_collector",
                            "scp copies the dump over SSH and works only with an ssh target ('ssh user@server'); "
                            "for this target use kdump-collect (e.g. 'core_collector %s')",
                            KDUMP_CONF_DEFAULT_COLLECTOR);
        if (c->dracut_args && c->initramfs_builder != KDUMP_BUILDER_DRACUT)
                return fail(ret_error, ctx->dracut_args_at, 0, "dracut_args",
                            "takes effect only when dracut builds the capture initramfs: add 'initramfs_builder dracut' "
                            "(kdumpd's own builder takes extra_modules and extra_bins)");
        if (kdump_config_is_ssh(c) && !c->sshkey && set_string(&c->sshkey, KDUMP_CONF_DEFAULT_SSHKEY) < 0)
                return -ENOMEM;
        if (!c->path && set_string(&c->path, KDUMP_CONF_DEFAULT_PATH) < 0)
                return -ENOMEM;
        if (!c->core_collector && set_string(&c->core_collector, KDUMP_CONF_DEFAULT_COLLECTOR) < 0)
                return -ENOMEM;
        return 0;
}

int kdump_config_parse(const char *text, const char *filename, kdump_config **ret, char **ret_error) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        struct load_ctx ctx = {};
        int r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        r = parse_into(c, &ctx, text, strlen(text), filename, ret_error);
        if (r < 0)
                return r;
        r = finish(c, &ctx, filename, ret_error);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The *.conf names in dir, sorted (strcmp: lexical in the C locale). */
static int list_dropins(const char *dir, char ***ret, size_t *ret_n) {
        char **names = NULL;
        size_t n = 0;
        DIR *d;
        struct dirent *de;
        int r = 0;

        d = opendir(dir);
        if (!d) {
                *ret = NULL;
                *ret_n = 0;
                return errno == ENOENT || errno == ENOTDIR ? 0 : negative_errno();
        }
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                char **t;

                if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
                        continue;
                if (n >= KDUMP_CONF_LIST_MAX) {
                        r = -E2BIG;
                        break;
                }
                t = realloc(names, (n + 2) * sizeof(char *));
                if (!t || !(t[n] = strdup(de->d_name))) {
                        if (t)
                                names = t;
                        r = -ENOMEM;
                        break;
                }
                names = t;
                names[++n] = NULL;
        }
        closedir(d);
        if (r < 0) {
                if (names)
                        names[n] = NULL;
                strv_free(names);
                return r;
        }
        if (n > 1)
                qsort(names, n, sizeof(char *), cmp_names);
        *ret = names;
        *ret_n = n;
        return 0;
}

static int read_error(const char *filename, int r, char **ret_error) {
        if (ret_error) {
                free(*ret_error);
                if (asprintf(ret_error, "%s: cannot read: %s", filename, strerror(-r)) < 0)
                        *ret_error = NULL;
        }
        return r;
}

int kdump_config_load_with_dropins(const char *filename, const char *dropin_dir, kdump_config **ret, char **ret_error) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *text = NULL;
        struct load_ctx ctx = {};
        char **names = NULL;
        size_t n = 0, len = 0;
        int r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;

        r = read_full_file(filename, &text, &len);
        if (r < 0 && r != -ENOENT) /* no file: all defaults */
                return read_error(filename, r, ret_error);
        if (r >= 0) {
                r = parse_into(c, &ctx, text, len, filename, ret_error);
                if (r < 0)
                        return r;
        }

        if (dropin_dir) {
                r = list_dropins(dropin_dir, &names, &n);
                if (r < 0)
                        return read_error(dropin_dir, r, ret_error);
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL, *t = NULL;
                size_t tlen = 0;

                if (asprintf(&path, "%s/%s", dropin_dir, names[i]) < 0) {
                        r = -ENOMEM;
                        break;
                }
                r = read_full_file(path, &t, &tlen);
                if (r < 0) {
                        r = read_error(path, r, ret_error);
                        break;
                }
                /* A drop-in's target replaces the main file's: the one
                 * target rule applies per file. */
                r = parse_into(c, &ctx, t, tlen, path, ret_error);
                if (r < 0)
                        break;
        }
        strv_free(names);
        if (r < 0)
                return r;

        r = finish(c, &ctx, filename, ret_error);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

int kdump_config_load(const char *filename, kdump_config **ret, char **ret_error) {
        _cleanup_free_ char *dropins = NULL;

        if (asprintf(&dropins, "%s.d", filename) < 0)
                return -ENOMEM;
        return kdump_config_load_with_dropins(filename, dropins, ret, ret_error);
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

unsigned kdump_config_capture_cpus(const kdump_config *c) {
        return c && c->capture_cpus ? c->capture_cpus : 1;
}
