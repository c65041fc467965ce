/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/net/ssh-command.h"
#include "kdumpd/ssh-dumps.h"

int ssh_dumps_command(const char *path, char *const *addresses, char **ret) {
        _cleanup_free_ char *qp = NULL, *globs = NULL;
        size_t len = 0;
        FILE *f;

        if (!addresses || !addresses[0])
                return -EINVAL;
        if (shell_quote(path, &qp) < 0)
                return -ENOMEM;
        f = open_memstream(&globs, &len);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; addresses[i]; i++) {
                _cleanup_free_ char *qa = NULL;

                if (shell_quote(addresses[i], &qa) < 0) {
                        fclose(f);
                        return -ENOMEM;
                }
                fprintf(f, "%s%s-*", i > 0 ? " " : "", qa);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        /* wc -c < file: the size from fstat, nothing read */
        return asprintf(ret,
                        "cd -- %s 2>/dev/null || exit 0; "
                        "for d in %s; do [ -d \"$d\" ] || continue; echo \"dir $d\"; "
                        "for f in vmcore.flat vmcore vmcore-incomplete vmcore-dmesg.txt vmcore.age vmcore-incomplete.age "
                        "vmcore-dmesg.txt.age; do "
                        "[ -f \"$d/$f\" ] && echo \"file $f $(wc -c < \"$d/$f\")\"; done; "
                        "[ -f \"$d/vmcore-dmesg.txt\" ] || continue; "
                        "echo \"release $(sed -n 's/.*Linux version \\([^ ]*\\) .*/\\1/p' \"$d/vmcore-dmesg.txt\" | head -n 1)\"; "
                        "echo \"panic $(grep -m 1 'Kernel panic - not syncing: ' \"$d/vmcore-dmesg.txt\")\"; done",
                        qp, globs) < 0 ? -ENOMEM : 0;
}

static int entry_add(dump_catalog *c, const char *name, const char *shown_prefix) {
        struct dump_entry *e, *n;

        n = realloc(c->entries, (c->n + 1) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        c->entries = n;
        e = &c->entries[c->n];
        *e = (struct dump_entry) { .info_error = -ENODATA, .info.dump_level = -1 };
        e->id = strdup(name);
        if (!e->id || asprintf(&e->dir, "%s/%s", shown_prefix, name) < 0) {
                free(e->id);
                return -ENOMEM;
        }
        c->n++;
        e->have_time = dump_time_from_name(name, &e->time) >= 0;
        if (e->have_time)
                e->time_source = "the directory name";
        (void) dump_host_from_name(name, &e->host);
        return 0;
}

/* file <name> <bytes>: the dump (the final name wins over
 * vmcore-incomplete) or the log. */
static int entry_file(struct dump_entry *e, const char *rest) {
        char name[32];
        unsigned long long size;
        bool final;

        if (sscanf(rest, "%31s %llu", name, &size) != 2)
                return -EBADMSG;
        /* sealed (encrypt_to): the same names with ".age" */
        if (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".age") == 0) {
                e->sealed = true;
                e->info_error = -ENOKEY;
        }
        if (string_has_prefix(name, "vmcore-dmesg.txt"))
                return asprintf(&e->dmesg, "%s/%s", e->dir, name) < 0 ? -ENOMEM : 0;
        final = !string_has_prefix(name, "vmcore-incomplete");
        if (e->vmcore && !final)
                return 0;
        free(e->vmcore);
        if (asprintf(&e->vmcore, "%s/%s", e->dir, name) < 0)
                return -ENOMEM;
        e->size = e->disk_size = size;
        e->complete = final;
        e->incomplete_reason = final ? NULL : "only vmcore-incomplete: the transfer did not finish";
        e->info.format = strcmp(name, "vmcore.flat") == 0 ? DUMP_FORMAT_FLATTENED : DUMP_FORMAT_UNKNOWN;
        return 0;
}

static int parse_line(dump_catalog *c, const char *line, const char *shown_prefix) {
        struct dump_entry *e = c->n ? &c->entries[c->n - 1] : NULL;

        if (string_has_prefix(line, "dir "))
                return entry_add(c, line + 4, shown_prefix);
        if (!e)
                return -EBADMSG;
        if (string_has_prefix(line, "file "))
                return entry_file(e, line + 5);
        if (string_has_prefix(line, "release ")) {
                snprintf(e->info.release, sizeof(e->info.release), "%s", line + 8);
                if (e->info.release[0])
                        e->info_error = 0;
                return 0;
        }
        if (string_has_prefix(line, "panic ")) {
                int r = dump_panic_from_dmesg(line + 6, strlen(line + 6), &e->panic);
                return r == -ENOENT ? 0 : r;
        }
        return -EBADMSG;
}

static int cmp_time(const void *a, const void *b) {
        const struct dump_entry *x = a, *y = b;

        return (x->time > y->time) - (x->time < y->time);
}

int ssh_dumps_parse(const char *listing, const char *shown_prefix, dump_catalog **ret) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = calloc(1, sizeof(dump_catalog));
        int r;

        if (!c)
                return -ENOMEM;
        for (const char *p = listing; p && *p;) {
                const char *end = strchrnul(p, '\n');
                _cleanup_free_ char *line = strndup(p, (size_t) (end - p));

                if (!line)
                        return -ENOMEM;
                if (*line) {
                        r = parse_line(c, line, shown_prefix);
                        if (r < 0)
                                return r;
                }
                p = *end ? end + 1 : NULL;
        }
        /* a directory with neither dump nor log is not a dump */
        for (size_t i = 0; i < c->n;) {
                if (c->entries[i].vmcore || c->entries[i].dmesg) {
                        i++;
                        continue;
                }
                dump_catalog_entry_drop(c, i);
        }
        qsort(c->entries, c->n, sizeof(c->entries[0]), cmp_time);
        *ret = TAKE_PTR(c);
        return 0;
}
