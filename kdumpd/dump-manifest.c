/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A dump directory against its SHA256SUMS (see dump-manifest.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "kdumpd/dump-manifest.h"

int dump_manifest_check(const struct dump_entry *e, sha256_manifest **ret_manifest,
                        struct sha256_check_result **ret, size_t *ret_n, char **ret_error) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int dfd = -EBADF;
        int r;

        if (asprintf(&path, "%s/%s", e->dir, CATALOG_MANIFEST) < 0)
                return -ENOMEM;
        r = sha256_manifest_load(path, &m, ret_error);
        if (r < 0)
                return r;
        dfd = open(e->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return set_error_message(ret_error, -errno, "%s: cannot open: %s", e->dir, strerror(errno));
        r = sha256_manifest_check(m, dfd, ret, ret_n);
        if (r >= 0)
                *ret_manifest = TAKE_PTR(m);
        return r;
}
