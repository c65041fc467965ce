/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "initramfs/stack/storage-stack.h"

static void node_done(struct stack_node *n) {
        free(n->id);
        free(n->kname);
        free(n->tag);
        free(n->value);
        free(n->level);
        free(n->metadata);
        free(n->md_uuid);
        free(n->members);
        free(n->dm_name);
        free(n->dm_uuid);
        for (size_t i = 0; i < n->n_tables; i++) {
                free(n->tables[i].type);
                free(n->tables[i].params);
        }
        free(n->tables);
        free(n->below);
}

storage_stack *storage_stack_free(storage_stack *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_nodes; i++)
                node_done(&s->nodes[i]);
        free(s->nodes);
        free(s);
        return NULL;
}

int storage_stack_new(storage_stack **ret) {
        storage_stack *s = calloc(1, sizeof(*s));

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int storage_stack_find(const storage_stack *s, const char *id, size_t *ret_index) {
        for (size_t i = 0; i < s->n_nodes; i++)
                if (strcmp(s->nodes[i].id, id) == 0) {
                        if (ret_index)
                                *ret_index = i;
                        return 0;
                }
        return -ENOENT;
}

/* A word of the record: no white space, not empty. */
static bool word_ok(const char *w) {
        return w && *w && !strpbrk(w, " \t\n\r");
}

static int node_append(storage_stack *s, enum stack_kind kind, const char *id, const char *kname, size_t *ret_index) {
        struct stack_node *p;

        if (!word_ok(id) || !word_ok(kname))
                return -EINVAL;
        if (storage_stack_find(s, id, NULL) == 0)
                return -EEXIST;
        p = reallocarray(s->nodes, s->n_nodes + 1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        s->nodes = p;
        p = &s->nodes[s->n_nodes];
        *p = (struct stack_node) { .kind = kind, .id = strdup(id), .kname = strdup(kname) };
        s->n_nodes++;
        if (!p->id || !p->kname)
                return -ENOMEM;
        *ret_index = s->n_nodes - 1;
        return 0;
}

int storage_stack_add_leaf(storage_stack *s, const char *id, const char *kname, const char *tag, const char *value,
                           size_t *ret_index) {
        size_t i;
        int r;

        if (!word_ok(tag) || !word_ok(value) || strchr(tag, '='))
                return -EINVAL;
        r = node_append(s, STACK_LEAF, id, kname, &i);
        if (r < 0)
                return r;
        s->nodes[i].tag = strdup(tag);
        s->nodes[i].value = strdup(value);
        if (!s->nodes[i].tag || !s->nodes[i].value)
                return -ENOMEM;
        if (ret_index)
                *ret_index = i;
        return 0;
}

int storage_stack_add_md(storage_stack *s, const char *id, const char *kname, const char *level, const char *metadata,
                         unsigned raid_disks, const char *md_uuid, const size_t *members, size_t n_members,
                         size_t *ret_index) {
        struct stack_node *n;
        size_t i;
        int r;

        if (!word_ok(level) || !word_ok(metadata) || !word_ok(md_uuid) || n_members == 0)
                return -EINVAL;
        for (size_t k = 0; k < n_members; k++)
                if (members[k] >= s->n_nodes)
                        return -ENOENT;
        r = node_append(s, STACK_MD, id, kname, &i);
        if (r < 0)
                return r;
        n = &s->nodes[i];
        n->level = strdup(level);
        n->metadata = strdup(metadata);
        n->md_uuid = strdup(md_uuid);
        n->raid_disks = raid_disks;
        n->members = calloc(n_members, sizeof(size_t));
        if (n->members)
                memcpy(n->members, members, n_members * sizeof(size_t));
        n->n_members = n_members;
        if (!n->level || !n->metadata || !n->md_uuid || !n->members)
                return -ENOMEM;
        if (ret_index)
                *ret_index = i;
        return 0;
}

int storage_stack_add_dm(storage_stack *s, const char *id, const char *kname, const char *dm_name, const char *dm_uuid,
                         size_t *ret_index) {
        size_t i;
        int r;

        if (!word_ok(dm_name) || (dm_uuid && *dm_uuid && !word_ok(dm_uuid)))
                return -EINVAL;
        r = node_append(s, STACK_DM, id, kname, &i);
        if (r < 0)
                return r;
        s->nodes[i].dm_name = strdup(dm_name);
        s->nodes[i].dm_uuid = strdup(dm_uuid ? dm_uuid : "");
        if (!s->nodes[i].dm_name || !s->nodes[i].dm_uuid)
                return -ENOMEM;
        if (ret_index)
                *ret_index = i;
        return 0;
}

/* Every "@<id>" word of params must name a node before `self`. */
static int params_refs(const storage_stack *s, size_t self, const char *params, struct stack_node *record_in) {
        _cleanup_free_ char *copy = strdup(params);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                size_t k;
                bool seen = false;

                if (w[0] != '@')
                        continue;
                if (storage_stack_find(s, w + 1, &k) < 0 || k >= self)
                        return -ENOENT;
                if (!record_in)
                        continue;
                for (size_t j = 0; j < record_in->n_below; j++)
                        seen = seen || record_in->below[j] == k;
                if (!seen) {
                        size_t *p = reallocarray(record_in->below, record_in->n_below + 1, sizeof(size_t));
                        if (!p)
                                return -ENOMEM;
                        record_in->below = p;
                        p[record_in->n_below++] = k;
                }
        }
        return 0;
}

int storage_stack_add_table(storage_stack *s, size_t index, uint64_t start, uint64_t length, const char *type,
                            const char *params) {
        struct stack_node *n;
        struct stack_table *t;
        int r;

        if (index >= s->n_nodes || s->nodes[index].kind != STACK_DM || !word_ok(type) || !params ||
            strpbrk(params, "\n\r"))
                return -EINVAL;
        n = &s->nodes[index];
        r = params_refs(s, index, params, n);
        if (r < 0)
                return r;
        t = reallocarray(n->tables, n->n_tables + 1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        n->tables = t;
        t = &n->tables[n->n_tables];
        *t = (struct stack_table) { .start = start, .length = length, .type = strdup(type), .params = strdup(params) };
        n->n_tables++;
        if (!t->type || !t->params)
                return -ENOMEM;
        return 0;
}

int stack_params_map(const char *params, int (*map)(const char *word, char **ret, void *userdata), void *userdata,
                     char **ret) {
        _cleanup_free_ char *copy = strdup(params), *out = NULL;
        size_t size = 0;
        char *save = NULL;
        bool first = true;
        FILE *f;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        f = open_memstream(&out, &size);
        if (!f)
                return -ENOMEM;
        for (char *t = strtok_r(copy, " ", &save); t && r >= 0; t = strtok_r(NULL, " ", &save)) {
                _cleanup_free_ char *with = NULL;

                r = map(t, &with, userdata);
                if (r >= 0)
                        fprintf(f, "%s%s", first ? "" : " ", with ?: t);
                first = false;
        }
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        return 0;
}

int storage_stack_render(const storage_stack *s, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        fputs("# kdumpd storage stack, bottom-up; the last device holds the dump target.\n", f);
        for (size_t i = 0; i < s->n_nodes; i++) {
                const struct stack_node *n = &s->nodes[i];

                switch (n->kind) {
                case STACK_LEAF:
                        fprintf(f, "leaf %s %s %s=%s\n", n->id, n->kname, n->tag, n->value);
                        break;
                case STACK_MD:
                        fprintf(f, "md %s %s level=%s metadata=%s raid_disks=%u uuid=%s members=", n->id, n->kname,
                                n->level, n->metadata, n->raid_disks, n->md_uuid);
                        for (size_t k = 0; k < n->n_members; k++)
                                fprintf(f, "%s%s", k ? "," : "", s->nodes[n->members[k]].id);
                        fputc('\n', f);
                        break;
                case STACK_DM:
                        fprintf(f, "dm %s %s name=%s", n->id, n->kname, n->dm_name);
                        if (n->dm_uuid[0])
                                fprintf(f, " uuid=%s", n->dm_uuid);
                        fputc('\n', f);
                        for (size_t k = 0; k < n->n_tables; k++)
                                fprintf(f, "table %s %" PRIu64 " %" PRIu64 " %s %s\n", n->id, n->tables[k].start,
                                        n->tables[k].length, n->tables[k].type, n->tables[k].params);
                        break;
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* "key=value" among words: the value, or NULL. */
static const char *kv(char **words, size_t n, const char *key) {
        size_t l = strlen(key);

        for (size_t i = 0; i < n; i++)
                if (strncmp(words[i], key, l) == 0 && words[i][l] == '=')
                        return words[i] + l + 1;
        return NULL;
}

static int parse_md(storage_stack *s, char **w, size_t nw, char **ret_reason) {
        const char *level = kv(w, nw, "level"), *meta = kv(w, nw, "metadata"), *disks = kv(w, nw, "raid_disks"),
                   *uuid = kv(w, nw, "uuid"), *members = kv(w, nw, "members");
        _cleanup_free_ size_t *idx = NULL;
        _cleanup_free_ char *copy = NULL;
        char *save = NULL;
        size_t n = 0;
        unsigned nd;
        int r;

        if (!level || !meta || !disks || !uuid || !members || safe_atou(disks, &nd) < 0) {
                *ret_reason = strdup("an md line needs level=, metadata=, raid_disks=, uuid= and members=");
                return -EINVAL;
        }
        copy = strdup(members);
        idx = calloc(strlen(members) + 1, sizeof(size_t));
        if (!copy || !idx)
                return -ENOMEM;
        for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
                if (storage_stack_find(s, m, &idx[n]) < 0) {
                        if (asprintf(ret_reason, "member %s is not a device of an earlier line", m) < 0)
                                *ret_reason = NULL;
                        return -EINVAL;
                }
                n++;
        }
        r = storage_stack_add_md(s, w[1], w[2], level, meta, nd, uuid, idx, n, NULL);
        if (r == -EINVAL)
                *ret_reason = strdup("an md line without members");
        return r;
}

static int parse_table(storage_stack *s, char *line, char **ret_reason) {
        char id[64], type[64];
        uint64_t start, length;
        size_t index;
        int n = 0, r;

        /* "table <id> <start> <length> <type> <params...>" */
        if (sscanf(line, "table %63s %" SCNu64 " %" SCNu64 " %63s %n", id, &start, &length, type, &n) != 4 || n == 0) {
                *ret_reason = strdup("a table line is 'table <id> <start> <length> <type> <parameters>'");
                return -EINVAL;
        }
        if (storage_stack_find(s, id, &index) < 0 || s->nodes[index].kind != STACK_DM) {
                if (asprintf(ret_reason, "table for %s, which is not a dm device of an earlier line", id) < 0)
                        *ret_reason = NULL;
                return -EINVAL;
        }
        r = storage_stack_add_table(s, index, start, length, type, line + n);
        if (r == -ENOENT && asprintf(ret_reason, "the table of %s uses a device that no earlier line defines", id) < 0)
                *ret_reason = NULL;
        return r == -ENOENT ? -EINVAL : r;
}

static int parse_line(char *line, char **ret_reason, void *userdata) {
        storage_stack *s = userdata;
        _cleanup_free_ char *copy = strdup(line);
        char *w[16], *save = NULL;
        size_t nw = 0;
        int r;

        if (!copy)
                return -ENOMEM;
        if (string_has_prefix(line, "table "))
                return parse_table(s, line, ret_reason);
        for (char *t = strtok_r(copy, " \t", &save); t && nw < ELEMENTSOF(w); t = strtok_r(NULL, " \t", &save))
                w[nw++] = t;
        if (nw < 3) {
                *ret_reason = strdup("expected '<kind> <id> <name> ...'");
                return -EINVAL;
        }
        if (strcmp(w[0], "leaf") == 0) {
                char *eq = nw == 4 ? strchr(w[3], '=') : NULL;

                if (!eq || eq == w[3] || !eq[1]) {
                        *ret_reason = strdup("a leaf line is 'leaf <id> <name> <TAG>=<value>'");
                        return -EINVAL;
                }
                *eq = 0;
                r = storage_stack_add_leaf(s, w[1], w[2], w[3], eq + 1, NULL);
        } else if (strcmp(w[0], "md") == 0)
                r = parse_md(s, w, nw, ret_reason);
        else if (strcmp(w[0], "dm") == 0) {
                const char *name = kv(w, nw, "name");

                if (!name) {
                        *ret_reason = strdup("a dm line needs name=");
                        return -EINVAL;
                }
                r = storage_stack_add_dm(s, w[1], w[2], name, kv(w, nw, "uuid"), NULL);
        } else {
                if (asprintf(ret_reason, "unknown kind '%s' (leaf, md, dm or table)", w[0]) < 0)
                        *ret_reason = NULL;
                return -EINVAL;
        }
        if (r == -EEXIST && !*ret_reason && asprintf(ret_reason, "id %s is defined twice", w[1]) < 0)
                *ret_reason = NULL;
        return r == -EEXIST ? -EINVAL : r;
}

int storage_stack_parse(const char *text, storage_stack **ret, char **ret_error) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        int r;

        r = storage_stack_new(&s);
        if (r < 0)
                return r;
        r = parse_record_lines(text, "storage stack record", parse_line, s, ret_error);
        if (r < 0)
                return r;
        if (s->n_nodes == 0)
                return set_error_message(ret_error, ENODATA, "the storage stack record names no device");
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].kind == STACK_DM && s->nodes[i].n_tables == 0)
                        return set_error_message(ret_error, EINVAL, "storage stack record: dm device %s (%s) has no table",
                                                 s->nodes[i].id, s->nodes[i].dm_name);
        *ret = TAKE_PTR(s);
        return 0;
}

int lvm_dm_name_split(const char *dm_name, char **ret_vg_lv) {
        _cleanup_free_ char *out = malloc(strlen(dm_name) + 1);
        size_t k = 0;
        bool split = false;

        if (!out)
                return -ENOMEM;
        for (const char *p = dm_name; *p; p++) {
                if (*p != '-') {
                        out[k++] = *p;
                        continue;
                }
                if (p[1] == '-') {
                        out[k++] = '-';
                        p++;
                        continue;
                }
                if (split || k == 0 || !p[1])
                        return -EINVAL;
                out[k++] = '/';
                split = true;
        }
        if (!split)
                return -EINVAL;
        out[k] = 0;
        *ret_vg_lv = TAKE_PTR(out);
        return 0;
}

static bool is_lvm(const struct stack_node *n) {
        return n->kind == STACK_DM && string_has_prefix(n->dm_uuid, "LVM-");
}

static void label(const storage_stack *s, size_t i, FILE *f);

/* The md arrays and disks under dm node i, through other dm nodes. */
static void dm_bottom(const storage_stack *s, size_t i, bool *seen) {
        const struct stack_node *n = &s->nodes[i];

        for (size_t k = 0; k < n->n_below; k++) {
                size_t b = n->below[k];

                if (s->nodes[b].kind == STACK_DM)
                        dm_bottom(s, b, seen);
                else
                        seen[b] = true;
        }
}

static void label(const storage_stack *s, size_t i, FILE *f) {
        const struct stack_node *n = &s->nodes[i];

        switch (n->kind) {
        case STACK_LEAF:
                fputs(n->kname, f);
                break;
        case STACK_MD:
                fprintf(f, "%s (%s: ", n->kname, n->level);
                for (size_t k = 0; k < n->n_members; k++) {
                        if (k)
                                fputs(", ", f);
                        label(s, n->members[k], f);
                }
                fputc(')', f);
                break;
        case STACK_DM: {
                _cleanup_free_ char *vglv = NULL;
                const char *type = n->n_tables ? n->tables[0].type : "?";

                if (is_lvm(n) && lvm_dm_name_split(n->dm_name, &vglv) >= 0)
                        fprintf(f, "LV %s", vglv);
                else
                        fprintf(f, "dm %s", n->dm_name);
                if (strcmp(type, "raid") == 0) {
                        /* "raid <level> ...": the level is what a person knows */
                        size_t l = strcspn(n->tables[0].params, " ");
                        fprintf(f, " (%.*s)", (int) l, n->tables[0].params);
                } else if (strcmp(type, "linear") != 0)
                        fprintf(f, " (%s)", type);
                break;
        }
        }
}

int storage_stack_summary(const storage_stack *s, char **ret) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_free_ bool *seen = NULL;
        size_t size = 0, top;
        bool first = true;
        FILE *f;

        if (s->n_nodes == 0)
                return -ENODATA;
        top = s->n_nodes - 1;
        seen = calloc(s->n_nodes, sizeof(bool));
        f = open_memstream(&buf, &size);
        if (!seen || !f) {
                if (f)
                        fclose(f);
                return -ENOMEM;
        }
        label(s, top, f);
        if (s->nodes[top].kind == STACK_DM) {
                dm_bottom(s, top, seen);
                for (size_t i = 0; i < s->n_nodes; i++) {
                        if (!seen[i])
                                continue;
                        fputs(first ? " on " : " + ", f);
                        label(s, i, f);
                        first = false;
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

int storage_stack_device_names(const storage_stack *s, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_nodes; i++)
                fprintf(f, "%s%s", i ? " " : "", s->nodes[i].kname);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* The module of a dm target type; NULL for the ones dm_mod has built in. */
static const char *dm_type_module(const char *type) {
        static const struct {
                const char *type, *module;
        } map[] = {
                { "raid", "dm_raid" },
                { "thin-pool", "dm_thin_pool" },
                { "thin", "dm_thin_pool" },
                { "mirror", "dm_mirror" },
                { "crypt", "dm_crypt" },
        };

        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (strcmp(map[i].type, type) == 0)
                        return map[i].module;
        return NULL;
}

/* md's personalities: raid4, raid5 and raid6 share one module. */
static const char *md_level_module(const char *level) {
        if (strcmp(level, "raid4") == 0 || strcmp(level, "raid5") == 0 || strcmp(level, "raid6") == 0)
                return "raid456";
        return level;   /* raid0, raid1, raid10, linear */
}

int storage_stack_modules(const storage_stack *s, char ***ret) {
        char **v = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < s->n_nodes; i++) {
                const struct stack_node *node = &s->nodes[i];

                if (node->kind == STACK_MD) {
                        r = strv_push_unique(&v, &n, "md_mod");
                        if (r >= 0)
                                r = strv_push_unique(&v, &n, md_level_module(node->level));
                } else if (node->kind == STACK_DM) {
                        r = strv_push_unique(&v, &n, "dm_mod");
                        for (size_t k = 0; r >= 0 && k < node->n_tables; k++) {
                                const char *m = dm_type_module(node->tables[k].type);
                                if (m)
                                        r = strv_push_unique(&v, &n, m);
                        }
                }
        }
        if (r >= 0 && !v)
                v = calloc(1, sizeof(char *));
        if (r < 0 || !v) {
                strv_free(v);
                return r < 0 ? r : -ENOMEM;
        }
        *ret = v;
        return 0;
}

int storage_stack_collect_crypt(const storage_stack *s, int (*each)(const char *params, char ***v, size_t *n),
                                char ***ret) {
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n_nodes; i++)
                for (size_t k = 0; r >= 0 && k < s->nodes[i].n_tables; k++)
                        if (strcmp(s->nodes[i].tables[k].type, "crypt") == 0)
                                r = each(s->nodes[i].tables[k].params, &v, &n);
        if (r < 0) {
                strv_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

/* "<cipher>-<chainmode>-<iv>" (not the capi: form): crypto-<cipher>,
 * crypto-<chainmode>. */
static int cipher_aliases(const char *params, char ***v, size_t *n) {
        _cleanup_free_ char *spec = strndup(params, strcspn(params, " "));
        char *save = NULL;
        int r = 0;

        if (!spec)
                return -ENOMEM;
        for (char *w = strtok_r(spec, "-", &save); r >= 0 && w; w = strtok_r(NULL, "-", &save)) {
                char alias[80];

                if (strchr(w, ':') || strlen(w) > 64)
                        break;
                snprintf(alias, sizeof(alias), "crypto-%s", w);
                r = strv_push_unique(v, n, alias);
                if (save && !strchr(save, '-'))
                        break;  /* the last word is the IV generator */
        }
        return r;
}

int storage_stack_optional_modules(const storage_stack *s, char ***ret) {
        return storage_stack_collect_crypt(s, cipher_aliases, ret);
}
