/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "initramfs/builder/kmod-closure.h"

/* Deeper than any real dependency chain; guards the recursion. */
#define KMOD_CLOSURE_DEPTH_MAX 64u

struct entry {
        char *name;
        char *path;
};

struct kmod_closure {
        struct kmod_ctx *ctx;
        char *modules_dir;
        struct entry *modules;          /* load order */
        size_t n, allocated;
        char **visiting;                /* stack of the current walk */
        size_t n_visiting;
        char *failed_name;
        char *missing_dep;              /* set by the log hook, see below */
};

/* Library code does not log; errors come back as return values.  One error
 * libkmod only logs: kmod_module_parse_depline() drops a dependency whose
 * file does not exist (a stale modules.dep) and goes on.  The capture kernel
 * would then fail to load the dependent module, so catch it here. */
static void log_hook(void *data, int priority, const char *file, int line, const char *fn,
                     const char *format, va_list args) {
        kmod_closure *c = data;
        char msg[4096];
        const char *p, *slash;
        size_t k;

        if (!fn || strcmp(fn, "kmod_module_parse_depline") != 0 || c->missing_dep)
                return;
        vsnprintf(msg, sizeof(msg), format, args);
        p = strstr(msg, "path=");
        if (!p)
                return;
        p += 5;
        k = strcspn(p, " ");
        slash = memrchr(p, '/', k);
        if (slash) {
                k -= (size_t) (slash + 1 - p);
                p = slash + 1;
        }
        for (size_t i = 0; i + 3 <= k; i++)
                if (memcmp(p + i, ".ko", 3) == 0) {
                        k = i;
                        break;
                }
        c->missing_dep = strndup(p, k);
}

int kmod_closure_new(const char *modules_dir, const char *const *config_paths, kmod_closure **ret) {
        kmod_closure *c;
        char *index;
        int r;

        if (asprintf(&index, "%s/modules.dep.bin", modules_dir) < 0)
                return -ENOMEM;
        r = access(index, R_OK) < 0 ? negative_errno() : 0;
        free(index);
        if (r < 0)
                return r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->modules_dir = strdup(modules_dir);
        c->visiting = calloc(KMOD_CLOSURE_DEPTH_MAX, sizeof(char *));
        if (!c->modules_dir || !c->visiting) {
                kmod_closure_free(c);
                return -ENOMEM;
        }
        c->ctx = kmod_new(modules_dir, config_paths);
        if (!c->ctx) {
                kmod_closure_free(c);
                return -ENOMEM;
        }
        kmod_set_log_fn(c->ctx, log_hook, c);
        kmod_set_log_priority(c->ctx, 3 /* LOG_ERR */);
        r = kmod_load_resources(c->ctx);
        if (r < 0) {
                kmod_closure_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

kmod_closure *kmod_closure_free(kmod_closure *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n; i++) {
                free(c->modules[i].name);
                free(c->modules[i].path);
        }
        free(c->modules);
        free(c->visiting);
        free(c->failed_name);
        free(c->missing_dep);
        free(c->modules_dir);
        kmod_unref(c->ctx);
        free(c);
        return NULL;
}

static int set_failed(kmod_closure *c, const char *name, int r) {
        free(c->failed_name);
        c->failed_name = strdup(name);
        return r;
}

const char *kmod_closure_failed_name(const kmod_closure *c) {
        return c->failed_name;
}

const char *kmod_closure_modules_dir(const kmod_closure *c) {
        return c->modules_dir;
}

size_t kmod_closure_count(const kmod_closure *c) {
        return c->n;
}

const struct kmod_closure_module *kmod_closure_get(const kmod_closure *c, size_t i) {
        /* struct entry and struct kmod_closure_module share their layout */
        return i < c->n ? (const struct kmod_closure_module *) &c->modules[i] : NULL;
}

const struct kmod_closure_module *kmod_closure_find(const kmod_closure *c, const char *name) {
        for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->modules[i].name, name) == 0)
                        return kmod_closure_get(c, i);
        return NULL;
}

static bool is_visiting(const kmod_closure *c, const char *name) {
        for (size_t i = 0; i < c->n_visiting; i++)
                if (strcmp(c->visiting[i], name) == 0)
                        return true;
        return false;
}

static int append(kmod_closure *c, const char *name, const char *path) {
        struct entry e = {};

        if (c->n == c->allocated) {
                size_t a = c->allocated ? c->allocated * 2 : 32;
                struct entry *p = reallocarray(c->modules, a, sizeof(*p));

                if (!p)
                        return -ENOMEM;
                c->modules = p;
                c->allocated = a;
        }
        e.name = strdup(name);
        e.path = path ? strdup(path) : NULL;
        if (!e.name || (path && !e.path)) {
                free(e.name);
                free(e.path);
                return -ENOMEM;
        }
        c->modules[c->n++] = e;
        return 0;
}

static int visit(kmod_closure *c, struct kmod_module *mod);

static int visit_list(kmod_closure *c, struct kmod_list *list) {
        struct kmod_list *l;
        int r, n = 0;

        kmod_list_foreach(l, list) {
                struct kmod_module *m = kmod_module_get_module(l);

                r = visit(c, m);
                kmod_module_unref(m);
                if (r < 0)
                        return r;
                n += r;
        }
        return n;
}

/* Returns the number of modules appended. */
static int visit(kmod_closure *c, struct kmod_module *mod) {
        const char *name = kmod_module_get_name(mod);
        const char *path;
        struct kmod_list *pre = NULL, *post = NULL, *deps = NULL;
        int r, n = 0;

        if (kmod_closure_find(c, name) || is_visiting(c, name))
                return 0;
        if (c->n_visiting >= KMOD_CLOSURE_DEPTH_MAX)
                return set_failed(c, name, -ELOOP);
        c->visiting[c->n_visiting++] = (char *) name;

        r = kmod_module_get_softdeps(mod, &pre, &post);
        if (r < 0) {
                r = set_failed(c, name, r);
                goto finish;
        }

        r = visit_list(c, pre);
        if (r < 0)
                goto finish;
        n += r;

        deps = kmod_module_get_dependencies(mod);
        if (c->missing_dep) {
                r = set_failed(c, c->missing_dep, -ENOENT);
                goto finish;
        }
        r = visit_list(c, deps);
        if (r < 0)
                goto finish;
        n += r;

        /* Still appended by its own visit if a softdep cycle reached it. */
        if (!kmod_closure_find(c, name)) {
                path = kmod_module_get_path(mod);
                /* modules.dep may be stale: a listed file that is gone would
                 * only fail in the capture kernel, so fail here. */
                if (path && access(path, R_OK) < 0) {
                        r = set_failed(c, name, negative_errno());
                        goto finish;
                }
                r = append(c, name, path);
                if (r < 0)
                        goto finish;
                n++;
        }

        c->n_visiting--;
        r = visit_list(c, post);
        if (r < 0)
                goto finish_popped;
        n += r;
        r = n;
        goto finish_popped;

finish:
        c->n_visiting--;
finish_popped:
        kmod_module_unref_list(pre);
        kmod_module_unref_list(post);
        kmod_module_unref_list(deps);
        return r;
}

int kmod_closure_add(kmod_closure *c, const char *name_or_alias, unsigned flags) {
        struct kmod_list *list = NULL;
        int r;

        free(c->failed_name);
        c->failed_name = NULL;
        free(c->missing_dep);
        c->missing_dep = NULL;

        r = kmod_module_new_from_lookup(c->ctx, name_or_alias, &list);
        if (r < 0)
                return set_failed(c, name_or_alias, r);
        if (!list)
                return (flags & KMOD_CLOSURE_OPTIONAL) ? 0 : set_failed(c, name_or_alias, -ENOENT);

        r = visit_list(c, list);
        kmod_module_unref_list(list);
        return r;
}
