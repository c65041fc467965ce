/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build-config.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "kdumpd/dump-manifest.h"
#include "kdumpd/verbs-seal.h"
#include "seal/sha256-manifest.h"

bool seal_verb_known(const char *verb) {
        return strcmp(verb, "verify") == 0 || strcmp(verb, "decrypt") == 0;
}

static int verb_verify(const struct catalog_verb_opts *o, const struct dump_entry *e, FILE *out) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_(verify_record_freep) verify_record *record = NULL;
        _cleanup_free_ char *err = NULL;
        _cleanup_free_ struct sha256_check_result *res = NULL;
        size_t n = 0;
        int bad;

        bad = catalog_verify_record_load(o, &record);
        if (bad < 0)
                return log_error_errno(bad, "Failed to read what earlier checks found: %m");
        bad = dump_manifest_check(e, record, &m, &res, &n, &err);
        if (bad >= 0)
                catalog_verify_record_save(o, record);
        if (bad == -ENOENT)
                return log_error_errno(ENOENT, "%s has no %s: the capture did not write one (a core_collector "
                                       "other than kdump-collect, or an older kdumpd); nothing to check against.",
                                       e->dir, CATALOG_MANIFEST);
        if (bad == -ENOMEM)
                return log_oom();
        if (bad < 0)
                return log_error_errno(bad, "%s", err ?: "Failed to check the dump against its manifest");
        for (size_t i = 0; i < n; i++)
                fprintf(out, "%s: %s\n", res[i].name, sha256_check_status_to_string(res[i].status));
        if (bad > 0)
                return log_error_errno(EBADMSG, "%d of %zu file%s in %s do%s not match %s: the dump was changed, "
                                       "truncated or replaced since the capture.", bad, n, n == 1 ? "" : "s", e->dir,
                                       bad == 1 ? "es" : "", CATALOG_MANIFEST);
        fprintf(out, "All %zu file%s match %s.\n", n, n == 1 ? "" : "s", CATALOG_MANIFEST);
        return 0;
}

/* kdump-age decrypt -i IDENTITY IN | kdump-collect -R OUT, or for the log
 * kdump-age decrypt alone; OUT is removed when either fails. */
static int open_file(const char *identity, const char *in, const char *out, bool rebuild) {
        _cleanup_close_ int fd = -EBADF;
        const char *age = catalog_age_program();
        int a = 0, b = 0, r;

        if (rebuild)
                r = spawn_pipeline((char *const[]) { (char *) age, (char *) "decrypt", (char *) "-i", (char *) identity,
                                                     (char *) in, NULL },
                                   (char *const[]) { (char *) (getenv("KDUMPD_COLLECT") ?: KDUMP_SBINDIR "/kdump-collect"),
                                                     (char *) "-R", (char *) out, NULL }, -1, &a, &b);
        else {
                fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (fd < 0)
                        return log_error_errno(errno, "Failed to create %s: %m", out);
                r = spawn_wait((char *const[]) { (char *) age, (char *) "decrypt", (char *) "-i", (char *) identity,
                                                 (char *) in, NULL }, -1, fd);
                a = r >= 0 ? r : 0;
        }
        if (r < 0 || a != 0 || b != 0) {
                (void) unlink(out);
                return log_error_errno(r < 0 ? r : EBADMSG, "Failed to open %s with %s (%s exit status %d%s%s): the "
                                       "reason is above.", in, identity, "kdump-age", a,
                                       rebuild ? ", kdump-collect -R exit status " : "",
                                       rebuild ? (b ? "non-zero" : "0") : "");
        }
        (void) chmod(out, 0600);
        return 0;
}

static int verb_decrypt(const struct catalog_verb_opts *o, const struct dump_entry *e, FILE *out) {
        _cleanup_free_ char *path = NULL, *dmesg_out = NULL;
        int r;

        if (!e->sealed)
                return log_error_errno(EINVAL, "Dump %s is not encrypted (no vmcore.age).", e->id);
        if (!o->identity)
                return log_error_errno(EINVAL, "decrypt needs --identity=FILE, the age identity (private key) of one "
                                       "of the keys the dump was sealed to (see %s/%s).", e->dir, CATALOG_RECIPIENTS);
        if (!e->vmcore || !e->complete)
                return log_error_errno(ENOENT, "Dump %s has no complete vmcore.age to open.", e->id);
        if (o->output ? !(path = strdup(o->output)) : asprintf(&path, "%s/vmcore", e->dir) < 0)
                return log_oom();
        if (access(path, F_OK) == 0)
                return log_error_errno(EEXIST, "%s exists already; remove it or give --output=FILE.", path);
        r = open_file(o->identity, e->vmcore, path, true);
        if (r < 0)
                return r;
        fprintf(out, "Decrypted %s into %s.\n", e->vmcore, path);
        if (e->dmesg && asprintf(&dmesg_out, "%s/vmcore-dmesg.txt", e->dir) >= 0 && access(dmesg_out, F_OK) < 0 &&
            open_file(o->identity, e->dmesg, dmesg_out, false) >= 0)
                fprintf(out, "Decrypted %s into %s.\n", e->dmesg, dmesg_out);
        return 0;
}

int seal_verb_run(const char *verb, const struct catalog_verb_opts *o, char *const *args, int n_args, FILE *out) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        _cleanup_free_ char *dir = NULL;
        const struct dump_entry *e;
        int r;

        if (n_args != 1)
                return log_error_errno(EINVAL, "%s needs one dump ID (see kdumpctl list).", verb);
        r = catalog_open(o, &dir, &c);
        if (r < 0)
                return r;
        r = catalog_find(c, dir, args[0], &e);
        if (r < 0)
                return r;
        r = strcmp(verb, "verify") == 0 ? verb_verify(o, e, out) : verb_decrypt(o, e, out);
        if (fflush(out) != 0 && r >= 0)
                return log_error_errno(errno, "Failed to write the output: %m");
        return r;
}
