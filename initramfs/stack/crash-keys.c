/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "initramfs/stack/crash-keys.h"

/* The key is the second word of a crypt table. */
static int key_word(const char *params, const char **ret_start, size_t *ret_len) {
        const char *p = params + strcspn(params, " ");

        if (!*p)
                return -EINVAL;
        p++;
        *ret_start = p;
        *ret_len = strcspn(p, " ");
        return *ret_len ? 0 : -EINVAL;
}

int crash_key_table_with(const char *params, const char *desc, char **ret) {
        const char *k;
        size_t len;
        unsigned size;

        if (key_word(params, &k, &len) < 0)
                return -EINVAL;
        if (k[0] == ':') {
                if (sscanf(k, ":%u:", &size) != 1)
                        return -EINVAL;
        } else {
                if (len % 2 || len == 0)
                        return -EINVAL;
                size = (unsigned) (len / 2);
        }
        return asprintf(ret, "%.*s:%u:user:%s%s", (int) (k - params), params, size, desc, k + len) < 0 ? -ENOMEM : 0;
}

/* The record holds ":<size>:user:<desc>". */
static int key_desc(const char *params, char ***v, size_t *n) {
        const char *p = strstr(params, ":user:");
        _cleanup_free_ char *d = NULL;

        if (!p)
                return 0;
        p += 6;
        d = strndup(p, strcspn(p, " "));
        return d ? strv_push_unique(v, n, d) : -ENOMEM;
}

int crash_keys_of_stack(const storage_stack *s, char ***ret) {
        return storage_stack_collect_crypt(s, key_desc, ret);
}

/* The items there now and what they describe. */
static int items_match(const char *dir, char *const *descs, bool *ret_same, char ***ret_items) {
        char **items = calloc(1, sizeof(char *));
        size_t n = 0, matched = 0, want = 0;
        struct dirent *de;
        DIR *d;
        int r = 0;

        while (descs[want])
                want++;
        d = opendir(dir);
        if (!d || !items) {
                free(items);
                if (d)
                        closedir(d);
                return d ? -ENOMEM : negative_errno();
        }
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *path = NULL, *attr = NULL, *desc = NULL;
                struct stat st;

                if (de->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, de->d_name) < 0 || stat(path, &st) < 0 ||
                    !S_ISDIR(st.st_mode))
                        continue;
                r = strv_push(&items, &n, de->d_name);
                if (r >= 0 && asprintf(&attr, "%s/description", path) >= 0 && read_one_line_file(attr, &desc) >= 0)
                        for (size_t i = 0; descs[i]; i++)
                                matched += strcmp(descs[i], desc) == 0;
        }
        closedir(d);
        if (r < 0) {
                strv_free(items);
                return r;
        }
        *ret_same = matched == want && n == want && want > 0;
        *ret_items = items;
        return 0;
}

/* A configfs attribute exists once its item does; O_CREAT is for fixture
 * trees, which are plain directories. */
static int write_attr(const char *path, const char *value) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
        _cleanup_free_ char *line = NULL;

        if (fd < 0)
                return negative_errno();
        if (asprintf(&line, "%s\n", value) < 0)
                return -ENOMEM;
        return loop_write(fd, line, strlen(line));
}

int crash_keys_prepare(const char *dir, char *const *descs) {
        _cleanup_(strv_freep) char **items = NULL;
        bool same = false;
        int r;

        dir = dir ?: CRASH_KEYS_DIR;
        r = items_match(dir, descs, &same, &items);
        if (r < 0)
                return r;
        if (same) {
                _cleanup_free_ char *reuse = NULL;

                /* EINVAL: the kernel has not saved them yet; they are read
                 * from the keyring at the load, as for new items. */
                if (asprintf(&reuse, "%s/reuse", dir) < 0)
                        return -ENOMEM;
                r = write_attr(reuse, "1");
                return r == -EINVAL ? 0 : r;
        }
        for (size_t i = 0; items[i]; i++) {
                _cleanup_free_ char *path = NULL;

                if (r >= 0 && asprintf(&path, "%s/%s", dir, items[i]) >= 0 && rmdir(path) < 0 && errno != ENOENT)
                        r = negative_errno();
        }
        if (r < 0)
                return r;
        for (size_t i = 0; descs[i]; i++) {
                _cleanup_free_ char *item = NULL, *attr = NULL;

                /* "kdump-cryptsetup:vk-<uuid>" -> item "kdumpd-<n>" */
                if (asprintf(&item, "%s/kdumpd-%zu", dir, i) < 0 || asprintf(&attr, "%s/description", item) < 0)
                        return -ENOMEM;
                if (mkdir(item, 0700) < 0 && errno != EEXIST)
                        return negative_errno();
                r = write_attr(attr, descs[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int crash_keys_restore(const char *dir) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, "%s/restore", dir ?: CRASH_KEYS_DIR) < 0)
                return -ENOMEM;
        return write_attr(path, "1");
}
