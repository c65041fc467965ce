/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A dump directory against its SHA256SUMS (see dump-manifest.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "kdumpd/dump-manifest.h"

const char *dump_files_state_to_string(enum dump_files_state s) {
        static const char *const names[] = {
                [DUMP_FILES_OK] = "ok",
                [DUMP_FILES_CHANGED] = "CHANGED",
                [DUMP_FILES_UNCHECKED] = "unchecked",
                [DUMP_FILES_NO_SUMS] = "no-sums",
                [DUMP_FILES_UNREADABLE] = "unreadable",
        };
        return (size_t) s < ELEMENTSOF(names) ? names[s] : "?";
}

enum dump_files_state dump_files_state_from_check(int r) {
        return r == 0 ? DUMP_FILES_OK : r > 0 ? DUMP_FILES_CHANGED : r == -ENOENT ? DUMP_FILES_NO_SUMS
                                                                                  : DUMP_FILES_UNREADABLE;
}

static int open_manifest(const struct dump_entry *e, sha256_manifest **ret_manifest, int *ret_dfd, char **ret_error) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ char *path = NULL;
        int r, dfd;

        if (asprintf(&path, "%s/%s", e->dir, CATALOG_MANIFEST) < 0)
                return -ENOMEM;
        r = sha256_manifest_load(path, &m, ret_error);
        if (r < 0)
                return r;
        dfd = open(e->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return set_error_message(ret_error, -errno, "%s: cannot open: %s", e->dir, strerror(errno));
        *ret_manifest = TAKE_PTR(m);
        *ret_dfd = dfd;
        return 0;
}

/* The state of each file the manifest names (a missing one: not valid). */
static int stat_all(const sha256_manifest *m, int dfd, struct verify_key **ret, bool **ret_valid) {
        size_t n = sha256_manifest_count(m);
        _cleanup_free_ struct verify_key *k = calloc(n ?: 1, sizeof(*k));
        _cleanup_free_ bool *valid = calloc(n ?: 1, sizeof(*valid));

        if (!k || !valid)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *name;
                struct stat st;

                (void) sha256_manifest_get(m, i, &name, NULL, NULL);
                if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISREG(st.st_mode)) {
                        verify_key_from_stat(&st, &k[i]);
                        valid[i] = true;
                }
        }
        *ret = TAKE_PTR(k);
        *ret_valid = TAKE_PTR(valid);
        return 0;
}

/* Remembers each file that was in one state from before its read to after. */
static int remember(verify_record *record, const struct dump_entry *e, const sha256_manifest *m, int dfd,
                    const struct verify_key *before, const bool *valid_before,
                    const struct sha256_check_result *res) {
        _cleanup_free_ struct verify_key *after = NULL;
        _cleanup_free_ bool *valid_after = NULL;
        int r = stat_all(m, dfd, &after, &valid_after);

        if (r < 0)
                return r;
        for (size_t i = 0; i < sha256_manifest_count(m); i++) {
                _cleanup_free_ char *path = NULL;
                const uint8_t *digest;
                const char *name;
                bool good = res[i].status == SHA256_CHECK_OK;

                if (!valid_before[i] || !valid_after[i] || !verify_key_equal(&before[i], &after[i]) ||
                    (!good && res[i].status != SHA256_CHECK_MISMATCH))
                        continue;
                (void) sha256_manifest_get(m, i, &name, &digest, NULL);
                if (asprintf(&path, "%s/%s", e->dir, name) < 0)
                        return -ENOMEM;
                r = verify_record_set(record, &before[i], digest, good, path);
                if (r < 0 && r != -EINVAL)
                        return r;
        }
        return 0;
}

int dump_manifest_check(const struct dump_entry *e, verify_record *record, sha256_manifest **ret_manifest,
                        struct sha256_check_result **ret, size_t *ret_n, char **ret_error) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ struct sha256_check_result *res = NULL;
        _cleanup_free_ struct verify_key *before = NULL;
        _cleanup_free_ bool *valid = NULL;
        _cleanup_close_ int dfd = -EBADF;
        size_t n = 0;
        int r, bad;

        r = open_manifest(e, &m, &dfd, ret_error);
        if (r < 0)
                return r;
        if (record) {
                r = stat_all(m, dfd, &before, &valid);
                if (r < 0)
                        return r;
        }
        bad = sha256_manifest_check(m, dfd, &res, &n);
        if (bad < 0)
                return bad;
        if (record) {
                r = remember(record, e, m, dfd, before, valid, res);
                if (r < 0)
                        return r;
        }
        *ret_manifest = TAKE_PTR(m);
        *ret = TAKE_PTR(res);
        *ret_n = n;
        return bad;
}

enum dump_files_state dump_manifest_quick(const struct dump_entry *e, const verify_record *record) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ struct verify_key *k = NULL;
        _cleanup_free_ bool *valid = NULL;
        _cleanup_free_ char *err = NULL;
        _cleanup_close_ int dfd = -EBADF;
        bool all_good = true;
        int r;

        r = open_manifest(e, &m, &dfd, &err);
        if (r < 0)
                return r == -ENOENT ? DUMP_FILES_NO_SUMS : DUMP_FILES_UNREADABLE;
        if (stat_all(m, dfd, &k, &valid) < 0)
                return DUMP_FILES_UNREADABLE;
        for (size_t i = 0; i < sha256_manifest_count(m); i++) {
                const uint8_t *digest;
                enum verify_state s;

                if (!valid[i])
                        return DUMP_FILES_CHANGED;      /* missing, or not a file */
                (void) sha256_manifest_get(m, i, NULL, &digest, NULL);
                s = record ? verify_record_lookup(record, &k[i], digest) : VERIFY_UNKNOWN;
                if (s == VERIFY_BAD || s == VERIFY_CHANGED)
                        return DUMP_FILES_CHANGED;
                all_good = all_good && s == VERIFY_GOOD;
        }
        return all_good ? DUMP_FILES_OK : DUMP_FILES_UNCHECKED;
}

enum dump_files_state dump_manifest_check_summary(const struct dump_entry *e, verify_record *record, char **ret_note) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ struct sha256_check_result *res = NULL;
        _cleanup_free_ char *err = NULL;
        size_t n = 0, first = 0;
        int r = dump_manifest_check(e, record, &m, &res, &n, &err), k = 0;
        char *note = NULL;

        while (r > 0 && first < n && res[first].status == SHA256_CHECK_OK)
                first++;
        if (r == 0 && n == 1)
                k = asprintf(&note, "; its file matches %s", CATALOG_MANIFEST);
        else if (r == 0)
                k = asprintf(&note, "; its %zu files match %s", n, CATALOG_MANIFEST);
        else if (r > 0 && first < n)
                k = asprintf(&note, "; %d of its %zu file%s do%s NOT match %s (%s: %s; kdumpctl verify names each)", r,
                             n, n == 1 ? "" : "s", r == 1 && n == 1 ? "es" : "", CATALOG_MANIFEST, res[first].name,
                             sha256_check_status_to_string(res[first].status));
        else if (r < 0 && r != -ENOENT && r != -ENOMEM)
                k = asprintf(&note, "; its files cannot be checked: %s", err ?: strerror(-r));
        *ret_note = k < 0 ? NULL : note;
        return dump_files_state_from_check(r);
}
