/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a kernel release's image is: /boot/vmlinuz-<release> or the
 * kernel-install layout's /usr/lib/modules/<release>/vmlinuz
 * (kernel-image.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "capture-kernel/kernel-image.h"

static const char *const image_places[] = {
        "/boot/vmlinuz-%s",
        "/usr/lib/modules/%s/vmlinuz",
        "/lib/modules/%s/vmlinuz",
};

static const char *const config_places[] = {
        "/boot/config-%s",
        "/usr/lib/modules/%s/config",
        "/lib/modules/%s/config",
};

static int find_first(const char *root, const char *release, const char *const places[static 3], char **ret_path) {
        if (!release || !*release || strchr(release, '/') || strcmp(release, ".") == 0 || strcmp(release, "..") == 0)
                return -EINVAL;
        root = root ?: "";

        for (size_t i = 0; i < 3; i++) {
                _cleanup_free_ char *path = NULL, *full = NULL;
                struct stat st;

                if (asprintf(&path, places[i], release) < 0 || asprintf(&full, "%s%s", root, path) < 0)
                        return -ENOMEM;
                if (stat(full, &st) < 0) {
                        if (errno == ENOENT || errno == ENOTDIR)
                                continue;
                        return -errno;
                }
                if (!S_ISREG(st.st_mode))
                        continue;
                *ret_path = TAKE_PTR(path);
                return 0;
        }
        return -ENOENT;
}

int kernel_image_find(const char *root, const char *release, char **ret_path) {
        return find_first(root, release, image_places, ret_path);
}

int kernel_config_find(const char *root, const char *release, char **ret_path) {
        return find_first(root, release, config_places, ret_path);
}

const char *kernel_image_release(const char *path, char *buf, size_t size) {
        const char *b = strrchr(path, '/'), *dir;
        size_t n;

        b = b ? b + 1 : path;
        if (strncmp(b, "vmlinuz-", 8) == 0 && b[8]) {
                if (snprintf(buf, size, "%s", b + 8) >= (int) size)
                        return NULL;
                return buf;
        }
        if (strcmp(b, "vmlinuz") != 0 || b == path)
                return NULL;
        /* .../modules/<release>/vmlinuz */
        n = (size_t) (b - 1 - path);
        dir = path + n;
        while (dir > path && dir[-1] != '/')
                dir--;
        if (dir == path + n || dir - path < 9 || strncmp(dir - 9, "/modules/", 9) != 0 ||
            (size_t) (path + n - dir) >= size)
                return NULL;
        memcpy(buf, dir, (size_t) (path + n - dir));
        buf[path + n - dir] = 0;
        return buf;
}
