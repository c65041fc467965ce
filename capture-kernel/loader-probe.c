/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/loader-probe.h"

static bool boot_id_valid(const char *s) {
        if (strlen(s) != BOOT_ID_LEN)
                return false;
        for (size_t i = 0; i < BOOT_ID_LEN; i++)
                if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
                        return false;
        return true;
}

/* ENOSYS: no kexec_file_load in this kernel at all. */
static bool error_is_per_boot(int e) {
        return e == ENOSYS;
}

int loader_probe_parse(const char *text, struct loader_probe *ret) {
        struct loader_probe p = { .loader = KEXEC_LOADER_AUTO, .file_errno = -1 };

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                size_t n = strcspn(l, "\n");
                const char *eq = memchr(l, '=', n);
                char v[sizeof(p.image)];
                size_t kn, vn;

                if (!eq)
                        continue;
                kn = (size_t) (eq - l);
                vn = n - kn - 1;
                if (vn >= sizeof(v))
                        return -EBADMSG;
                memcpy(v, eq + 1, vn);
                v[vn] = 0;
                if (kn == 7 && strncmp(l, "boot_id", 7) == 0) {
                        if (!boot_id_valid(v))
                                return -EBADMSG;
                        memcpy(p.boot_id, v, BOOT_ID_LEN + 1);
                } else if (kn == 6 && strncmp(l, "loader", 6) == 0) {
                        if (kexec_loader_from_string(v, &p.loader) < 0 || p.loader == KEXEC_LOADER_AUTO)
                                return -EBADMSG;
                } else if (kn == 5 && strncmp(l, "errno", 5) == 0) {
                        unsigned e;
                        if (safe_atou(v, &e) < 0 || e > 4095)
                                return -EBADMSG;
                        p.file_errno = (int) e;
                } else if (kn == 5 && strncmp(l, "image", 5) == 0)
                        memcpy(p.image, v, vn + 1);
        }
        if (!p.boot_id[0] || p.loader == KEXEC_LOADER_AUTO || p.file_errno < 0)
                return -EBADMSG;
        /* A record that contradicts itself is not trusted. */
        if ((p.loader == KEXEC_LOADER_FILE) != (p.file_errno == 0))
                return -EBADMSG;
        *ret = p;
        return 0;
}

int loader_probe_format(const struct loader_probe *p, char **ret) {
        char *s;

        if (strchr(p->image, '\n'))
                return -EINVAL;
        if (asprintf(&s, "boot_id=%s\nloader=%s\nerrno=%d\nimage=%s\n", p->boot_id, kexec_loader_to_string(p->loader),
                     p->file_errno, p->image) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

bool loader_probe_record(const char *boot_id, int file_error, const char *image, struct loader_probe *ret) {
        struct loader_probe p = {};
        int e = file_error < 0 ? -file_error : file_error;

        if (!boot_id || !boot_id_valid(boot_id))
                return false;
        if (e != 0 && !kexec_loader_should_fall_back(e))
                return false;
        memcpy(p.boot_id, boot_id, BOOT_ID_LEN + 1);
        p.loader = e == 0 ? KEXEC_LOADER_FILE : KEXEC_LOADER_CLASSIC;
        p.file_errno = e;
        if (e != 0 && !error_is_per_boot(e)) {
                if (!image || strlen(image) >= sizeof(p.image) || strchr(image, '\n'))
                        return false;
                strcpy(p.image, image);
        }
        *ret = p;
        return true;
}

enum kexec_loader loader_probe_decide(const struct loader_probe *r, const char *boot_id, const char *image) {
        if (!r || !boot_id || strcmp(r->boot_id, boot_id) != 0)
                return KEXEC_LOADER_AUTO;
        if (r->loader != KEXEC_LOADER_CLASSIC || !kexec_loader_should_fall_back(r->file_errno))
                return KEXEC_LOADER_AUTO;
        if (error_is_per_boot(r->file_errno))
                return KEXEC_LOADER_CLASSIC;
        return r->image[0] && image && strcmp(r->image, image) == 0 ? KEXEC_LOADER_CLASSIC : KEXEC_LOADER_AUTO;
}

int loader_probe_image_key(const char *kernel, char *buf, size_t size) {
        struct stat st;
        int n;

        if (stat(kernel, &st) < 0)
                return -errno;
        n = snprintf(buf, size, "%s size=%lld mtime=%lld.%09ld", kernel, (long long) st.st_size,
                     (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        return 0;
}
