/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "crashkernel-reserve/bootloader.h"
#include "crashkernel-reserve/crashkernel-param.h"

#define CK_WORD "crashkernel="
#define MAX_EDITS 64u

const char *bootloader_kind_to_string(enum bootloader_kind k) {
        switch (k) {
        case BOOTLOADER_GRUB_DEFAULTS: return "GRUB (" BOOTLOADER_GRUB_DEFAULTS_PATH ")";
        case BOOTLOADER_KERNEL_CMDLINE: return "kernel-install (" BOOTLOADER_KERNEL_CMDLINE_PATH ")";
        default: return NULL;
        }
}

_printf_(2, 3)
static int set_error(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (!ret_error)
                return -EINVAL;
        free(*ret_error);
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return -EINVAL;
}

static unsigned line_of(const char *text, size_t off) {
        unsigned n = 1;

        for (size_t i = 0; i < off; i++)
                n += text[i] == '\n';
        return n;
}

struct edit {
        size_t start, end;              /* replaced span */
        char *with;                     /* owned */
};

struct word {
        size_t start, end;
};

struct editor {
        const char *text;
        struct edit edits[MAX_EDITS];
        size_t n_edits;
        struct word words[MAX_EDITS];   /* crashkernel= words to replace or drop */
        size_t n_words;
};

static void editor_done(struct editor *e) {
        for (size_t i = 0; i < e->n_edits; i++)
                free(e->edits[i].with);
}

static int editor_add(struct editor *e, size_t start, size_t end, const char *with) {
        char *w;

        if (e->n_edits >= MAX_EDITS)
                return -E2BIG;
        w = strdup(with);
        if (!w)
                return -ENOMEM;
        e->edits[e->n_edits++] = (struct edit) { start, end, w };
        return 0;
}

static int editor_add_word(struct editor *e, size_t start, size_t end) {
        if (e->n_words >= MAX_EDITS)
                return -E2BIG;
        e->words[e->n_words++] = (struct word) { start, end };
        return 0;
}

/* A crashkernel= word the editor replaces: plain, ",high", ",low"; not
 * ",cma", which adds to the others. */
static bool is_replaceable(const char *w, size_t n) {
        size_t l = strlen(CK_WORD), cl = strlen(",cma");

        if (n < l || strncmp(w, CK_WORD, l) != 0)
                return false;
        return !(n >= cl && strncmp(w + n - cl, ",cma", cl) == 0);
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\n';
}

/* Finds the crashkernel= words in text[start, end) (the inside of a value).
 * With shell_dq, words with expansions or escapes are refused. */
static int scan_words(struct editor *e, size_t start, size_t end, bool shell_dq, char **ret_error) {
        const char *t = e->text;
        size_t p = start;
        int r;

        while (p < end) {
                size_t w;

                while (p < end && is_blank(t[p]))
                        p++;
                w = p;
                while (p < end && !is_blank(t[p]))
                        p++;
                if (p > w && is_replaceable(t + w, p - w)) {
                        if (shell_dq && strcspn(t + w, "$`\\") < p - w)
                                return set_error(ret_error,
                                                 "line %u: \"%.*s\" uses shell expansion; edit it by hand or drop it",
                                                 line_of(t, w), (int) (p - w), t + w);
                        r = editor_add_word(e, w, p);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* Replaces the last word with "crashkernel=value" and drops the others with
 * the blanks before them (after them for a word first on its line). */
static int edit_words(struct editor *e, size_t lo_bound[], size_t hi_bound[], const char *value, char **ret_old) {
        _cleanup_free_ char *word = NULL, *old = NULL;
        const char *t = e->text;
        int r;

        if (asprintf(&word, CK_WORD "%s", value) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < e->n_words; i++) {
                struct word w = e->words[i];

                if (i + 1 == e->n_words) {
                        old = strndup(t + w.start + strlen(CK_WORD), w.end - w.start - strlen(CK_WORD));
                        if (!old)
                                return -ENOMEM;
                        r = editor_add(e, w.start, w.end, word);
                } else {
                        size_t s = w.start, en = w.end;

                        while (s > lo_bound[i] && is_blank(t[s - 1]) && t[s - 1] != '\n')
                                s--;
                        /* First on its line: keep the indentation, take the
                         * blanks after the word instead. */
                        if (s == lo_bound[i] || t[s - 1] == '\n') {
                                s = w.start;
                                while (en < hi_bound[i] && is_blank(t[en]) && t[en] != '\n')
                                        en++;
                        }
                        r = editor_add(e, s, en, "");
                }
                if (r < 0)
                        return r;
        }
        if (ret_old)
                *ret_old = TAKE_PTR(old);
        return 0;
}

static int cmp_edit(const void *a, const void *b) {
        const struct edit *x = a, *y = b;
        return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
}

static int editor_apply(struct editor *e, char **ret) {
        size_t len = strlen(e->text), total = len;
        char *out, *o;
        size_t at;

        qsort(e->edits, e->n_edits, sizeof(e->edits[0]), cmp_edit);
        for (size_t i = 0; i < e->n_edits; i++)
                total += strlen(e->edits[i].with);
        out = malloc(total + 1);
        if (!out)
                return -ENOMEM;
        /* Edits are sorted last first and do not overlap: build front to back. */
        o = out;
        at = 0;
        for (size_t i = e->n_edits; i-- > 0;) {
                const struct edit *ed = &e->edits[i];
                memcpy(o, e->text + at, ed->start - at);
                o += ed->start - at;
                o = stpcpy(o, ed->with);
                at = ed->end;
        }
        memcpy(o, e->text + at, len - at);
        o[len - at] = 0;
        *ret = out;
        return 0;
}

static int check_value(const char *value, char **ret_error) {
        struct crashkernel_value v;
        int r;

        r = crashkernel_value_parse(value, &v, ret_error);
        if (r < 0)
                return r;
        if (v.form != CRASHKERNEL_FORM_SIMPLE && v.form != CRASHKERNEL_FORM_RANGES)
                return set_error(ret_error, "crashkernel=%s: only the size[@offset] and the range form can be written",
                                 value);
        return 0;
}

/* One shell assignment NAME=VALUE of /etc/default/grub. */
struct assignment {
        bool linux_default;             /* GRUB_CMDLINE_LINUX_DEFAULT */
        size_t value_start, value_end;  /* the whole shell word */
        char quote;                     /* '"', '\'' or 0 for unquoted */
        bool simple;                    /* one quoted string, or one unquoted word without specials */
        size_t in_start, in_end;        /* inside the quotes */
};

#define ASSIGNMENTS_MAX 64u

/* Reads one shell word at p.  Returns the end. */
static int read_shell_word(const char *t, size_t p, struct assignment *a, char **ret_error) {
        size_t start = p;
        unsigned segments = 0;
        bool specials = false;

        a->value_start = p;
        while (t[p] && !is_blank(t[p]) && t[p] != ';' && t[p] != '#') {
                segments++;
                if (t[p] == '"' || t[p] == '\'') {
                        char q = t[p];
                        size_t s = ++p;

                        while (t[p] && t[p] != q) {
                                if (q == '"' && t[p] == '\\' && t[p + 1])
                                        p++;
                                p++;
                        }
                        if (!t[p])
                                return set_error(ret_error, "line %u: unterminated %c quote", line_of(t, s - 1), q);
                        a->quote = q;
                        a->in_start = s;
                        a->in_end = p;
                        p++;
                } else {
                        size_t s = p;

                        while (t[p] && !is_blank(t[p]) && !strchr(";#\"'", t[p])) {
                                if (strchr("$`\\", t[p]))
                                        specials = true;
                                p++;
                        }
                        a->quote = 0;
                        a->in_start = s;
                        a->in_end = p;
                }
        }
        a->value_end = p;
        if (segments == 0) {
                a->quote = 0;
                a->in_start = a->in_end = start;
        }
        a->simple = segments <= 1 && !specials;
        return (int) p;
}

int grub_defaults_set_crashkernel(const char *text, const char *value, char **ret_text, char **ret_old,
                                  char **ret_error) {
        _cleanup_(editor_done) struct editor e = { .text = text };
        struct assignment as[ASSIGNMENTS_MAX];
        size_t n_as = 0, lo[MAX_EDITS], hi[MAX_EDITS];
        const char *t = text;
        size_t p = 0;
        int r;

        if (!text || !value || !ret_text)
                return -EINVAL;
        r = check_value(value, ret_error);
        if (r < 0)
                return r;

        while (t[p]) {
                size_t q = p, name;

                while (t[q] == ' ' || t[q] == '\t')
                        q++;
                if (strncmp(t + q, "export", 6) == 0 && (t[q + 6] == ' ' || t[q + 6] == '\t')) {
                        q += 6;
                        while (t[q] == ' ' || t[q] == '\t')
                                q++;
                }
                name = q;
                while (isalnum((unsigned char) t[q]) || t[q] == '_')
                        q++;
                if (t[q] == '=' &&
                    ((q - name == strlen("GRUB_CMDLINE_LINUX") && strncmp(t + name, "GRUB_CMDLINE_LINUX", q - name) == 0) ||
                     (q - name == strlen("GRUB_CMDLINE_LINUX_DEFAULT") &&
                      strncmp(t + name, "GRUB_CMDLINE_LINUX_DEFAULT", q - name) == 0))) {
                        struct assignment a = { .linux_default = q - name > strlen("GRUB_CMDLINE_LINUX") };
                        size_t before = e.n_words;

                        if (n_as >= ASSIGNMENTS_MAX)
                                return -E2BIG;
                        r = read_shell_word(t, q + 1, &a, ret_error);
                        if (r < 0)
                                return r;
                        q = (size_t) r;
                        if (a.simple) {
                                r = scan_words(&e, a.in_start, a.in_end, a.quote == '"', ret_error);
                                if (r < 0)
                                        return r;
                        } else if (memmem(t + a.value_start, a.value_end - a.value_start, CK_WORD, strlen(CK_WORD)))
                                return set_error(ret_error,
                                                 "line %u: the value of %.*s is not one quoted string; set crashkernel= "
                                                 "there by hand", line_of(t, name), (int) (q - name), t + name);
                        for (size_t i = before; i < e.n_words; i++) {
                                lo[i] = a.in_start;
                                hi[i] = a.in_end;
                        }
                        as[n_as++] = a;
                }
                /* On to the next line. */
                while (t[q] && t[q] != '\n')
                        q++;
                p = t[q] ? q + 1 : q;
        }

        if (e.n_words > 0) {
                r = edit_words(&e, lo, hi, value, ret_old);
                if (r < 0)
                        return r;
        } else {
                struct assignment *target = NULL;
                _cleanup_free_ char *add = NULL;

                if (ret_old)
                        *ret_old = NULL;
                for (size_t i = 0; i < n_as; i++)
                        if (!as[i].linux_default)
                                target = &as[i];
                if (!target) {
                        /* No GRUB_CMDLINE_LINUX: add one at the end. */
                        size_t len = strlen(t);
                        if (asprintf(&add, "%sGRUB_CMDLINE_LINUX=\"" CK_WORD "%s\"\n",
                                     len > 0 && t[len - 1] != '\n' ? "\n" : "", value) < 0)
                                return -ENOMEM;
                        r = editor_add(&e, len, len, add);
                } else if (!target->simple) {
                        return set_error(ret_error,
                                         "line %u: the value of GRUB_CMDLINE_LINUX is not one quoted string; add "
                                         CK_WORD "%s there by hand", line_of(t, target->value_start), value);
                } else if (target->quote) {
                        bool sep = target->in_end > target->in_start && !is_blank(t[target->in_end - 1]);
                        if (asprintf(&add, "%s" CK_WORD "%s", sep ? " " : "", value) < 0)
                                return -ENOMEM;
                        r = editor_add(&e, target->in_end, target->in_end, add);
                } else if (target->in_end == target->in_start) {
                        /* GRUB_CMDLINE_LINUX= */
                        if (asprintf(&add, "\"" CK_WORD "%s\"", value) < 0)
                                return -ENOMEM;
                        r = editor_add(&e, target->in_start, target->in_start, add);
                } else {
                        /* GRUB_CMDLINE_LINUX=quiet: quote it to add a word. */
                        if (asprintf(&add, "\"%.*s " CK_WORD "%s\"", (int) (target->in_end - target->in_start),
                                     t + target->in_start, value) < 0)
                                return -ENOMEM;
                        r = editor_add(&e, target->in_start, target->in_end, add);
                }
                if (r < 0)
                        return r;
        }
        return editor_apply(&e, ret_text);
}

int kernel_cmdline_set_crashkernel(const char *text, const char *value, char **ret_text, char **ret_old,
                                   char **ret_error) {
        _cleanup_(editor_done) struct editor e = { .text = text };
        size_t len, lo[MAX_EDITS], hi[MAX_EDITS];
        int r;

        if (!text || !value || !ret_text)
                return -EINVAL;
        r = check_value(value, ret_error);
        if (r < 0)
                return r;
        len = strlen(text);

        r = scan_words(&e, 0, len, false, ret_error);
        if (r < 0)
                return r;
        if (e.n_words > 0) {
                for (size_t i = 0; i < e.n_words; i++) {
                        lo[i] = 0;
                        hi[i] = len;
                }
                r = edit_words(&e, lo, hi, value, ret_old);
        } else {
                _cleanup_free_ char *add = NULL;
                size_t end = len;

                if (ret_old)
                        *ret_old = NULL;
                /* Before the trailing newline(s), after the last word. */
                while (end > 0 && is_blank(text[end - 1]))
                        end--;
                if (asprintf(&add, "%s" CK_WORD "%s%s", end > 0 ? " " : "", value, len == 0 ? "\n" : "") < 0)
                        return -ENOMEM;
                r = editor_add(&e, end, end, add);
        }
        if (r < 0)
                return r;
        return editor_apply(&e, ret_text);
}

int bootloader_file_set_crashkernel(enum bootloader_kind kind, const char *path, const char *value,
                                    bool *ret_changed, char **ret_old, char **ret_error) {
        _cleanup_free_ char *text = NULL, *out = NULL, *old = NULL;
        struct stat st;
        size_t size;
        int r;

        if (kind < 0 || kind >= _BOOTLOADER_KIND_MAX || !path)
                return -EINVAL;
        r = read_full_file(path, &text, &size);
        if (r < 0)
                return r;
        if (strlen(text) != size)
                return set_error(ret_error, "%s contains a NUL byte; not a text file", path);
        if (stat(path, &st) < 0)
                return negative_errno();

        if (kind == BOOTLOADER_GRUB_DEFAULTS)
                r = grub_defaults_set_crashkernel(text, value, &out, &old, ret_error);
        else
                r = kernel_cmdline_set_crashkernel(text, value, &out, &old, ret_error);
        if (r < 0)
                return r;

        if (strcmp(out, text) != 0) {
                r = write_file_atomic(path, out, strlen(out), st.st_mode & 07777);
                if (r < 0)
                        return r;
        }
        if (ret_changed)
                *ret_changed = strcmp(out, text) != 0;
        if (ret_old)
                *ret_old = TAKE_PTR(old);
        return 0;
}
