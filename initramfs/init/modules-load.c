/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/init/modules-load.h"

static int load_one(const char *path) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (syscall(SYS_finit_module, fd, "", 0) < 0) {
                if (errno == EEXIST) /* built in or loaded already */
                        return 0;
                return negative_errno();
        }
        return 0;
}

int modules_load_list(const char *list, void (*report)(const char *path, int error)) {
        _cleanup_free_ char *text = NULL;
        char *line, *save = NULL;
        int failed = 0, r;

        r = read_full_file(list, &text, NULL);
        if (r == -ENOENT)
                return 0; /* nothing to load: everything is built in */
        if (r < 0)
                return r;

        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                line += strspn(line, " \t");
                if (*line == 0 || *line == '#')
                        continue;
                r = load_one(line);
                if (r < 0) {
                        failed++;
                        if (report)
                                report(line, r);
                }
        }
        return failed;
}
