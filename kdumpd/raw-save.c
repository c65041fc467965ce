/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/flatten.h"
#include "kdumpd/raw-save.h"

bool raw_header_is_dump(const void *head, size_t len) {
        const unsigned char *h = head;
        uint64_t type = 0;

        /* makedumpfile_header: char signature[16], int64_t type, int64_t
         * version, big-endian (flatten.h). */
        if (len < 32 || memcmp(h, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE)) != 0)
                return false;
        for (size_t i = strlen(FLAT_SIGNATURE); i < 16; i++)
                if (h[i] != 0)
                        return false;
        for (size_t i = 16; i < 24; i++)
                type = type << 8 | h[i];
        return type == FLAT_TYPE;
}

static int rearrange(const char *collect, int in_fd, const char *out) {
        pid_t pid;
        int status;

        if (lseek(in_fd, 0, SEEK_SET) < 0)
                return negative_errno();
        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                if (dup2(in_fd, STDIN_FILENO) < 0)
                        _exit(127);
                execl(collect, collect, "--message-level", "1", "-R", out, (char *) NULL);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return -EIO;
        return 0;
}

int raw_dump_save(const char *devnode, const char *path, const char *collect, char **ret_dir) {
        _cleanup_free_ char *dir = NULL, *incomplete = NULL, *final = NULL;
        _cleanup_close_ int fd = -EBADF, dfd = -EBADF;
        unsigned char head[FLAT_HEADER_SIZE];
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        int r;

        fd = open(devnode, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = pread_full(fd, head, sizeof(head), 0);
        if (r < 0)
                return r;
        if (!raw_header_is_dump(head, sizeof(head)))
                return 0;

        if (!gmtime_r(&t, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M:%S", &tm) == 0)
                return -EINVAL;
        r = mkdir_p(path, 0700);
        if (r < 0)
                return r;
        if (asprintf(&dir, "%s/%s", path, stamp) < 0 || asprintf(&incomplete, "%s/vmcore-incomplete", dir) < 0 ||
            asprintf(&final, "%s/vmcore", dir) < 0)
                return -ENOMEM;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        /* Dumps hold all of memory: root only, whatever the umask. */
        if (chmod(dir, 0700) < 0)
                return negative_errno();

        r = rearrange(collect, fd, incomplete);
        if (r < 0)
                return r;
        (void) chmod(incomplete, 0600);
        {
                _cleanup_close_ int out = open(incomplete, O_RDONLY | O_CLOEXEC);
                if (out < 0 || fsync(out) < 0)
                        return negative_errno();
        }
        if (rename(incomplete, final) < 0)
                return negative_errno();
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) < 0)
                return negative_errno();

        /* Saved and on disk: clear the header so it is not saved again. */
        memset(head, 0, sizeof(head));
        r = pwrite_full(fd, head, sizeof(head), 0);
        if (r < 0)
                return r;
        if (fsync(fd) < 0)
                return negative_errno();

        *ret_dir = TAKE_PTR(dir);
        return 1;
}
