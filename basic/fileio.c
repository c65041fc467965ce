/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"

int map_file_fd(int fd, const void **ret, size_t *ret_size) {
        struct stat st;
        void *p;

        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (st.st_size == 0)
                return -ENODATA;
        p = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
                return negative_errno();
        *ret = p;
        *ret_size = (size_t) st.st_size;
        return 0;
}

int map_file(const char *path, const void **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        return map_file_fd(fd, ret, ret_size);
}

int read_full_file(const char *path, char **ret_contents, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, allocated = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();

        for (;;) {
                ssize_t n;

                if (allocated - size < 4096) {
                        size_t want = allocated ? allocated * 2 : 8192;
                        char *p;

                        if (want > READ_FULL_FILE_MAX + 1)
                                want = READ_FULL_FILE_MAX + 1;
                        if (want <= size + 1)
                                return -EFBIG;
                        p = realloc(buf, want);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                        allocated = want;
                }

                n = read(fd, buf + size, allocated - size - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        break;
                size += (size_t) n;
        }

        buf[size] = 0;
        if (ret_size)
                *ret_size = size;
        *ret_contents = TAKE_PTR(buf);
        return 0;
}

int read_one_line_file(const char *path, char **ret_line) {
        _cleanup_free_ char *s = NULL;
        int r;

        r = read_full_file(path, &s, NULL);
        if (r < 0)
                return r;
        s[strcspn(s, "\n")] = 0;
        *ret_line = TAKE_PTR(s);
        return 0;
}

int read_u64_file(const char *path, int base, uint64_t *ret) {
        _cleanup_free_ char *s = NULL;
        int r;

        r = read_one_line_file(path, &s);
        if (r < 0)
                return r;
        return safe_atou64_base(s, base, ret);
}

int write_string_file(const char *path, const char *s) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *line = NULL;

        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        if (asprintf(&line, "%s\n", s) < 0)
                return -ENOMEM;
        return loop_write(fd, line, strlen(line));
}

int loop_write(int fd, const void *buf, size_t n) {
        const char *p = buf;

        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

int pread_full(int fd, void *buf, size_t n, uint64_t offset) {
        char *p = buf;

        while (n > 0) {
                ssize_t k = pread(fd, p, n, (off_t) offset);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
                offset += (uint64_t) k;
        }
        return 0;
}

int pwrite_full(int fd, const void *buf, size_t n, uint64_t offset) {
        const char *p = buf;

        while (n > 0) {
                ssize_t k = pwrite(fd, p, n, (off_t) offset);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
                offset += (uint64_t) k;
        }
        return 0;
}

int mkdir_p(const char *path, unsigned mode) {
        _cleanup_free_ char *p = strdup(path);
        char *s;

        if (!p)
                return -ENOMEM;

        for (s = p + 1;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char c = *s;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return negative_errno();
                *s = c;
                if (c == 0)
                        break;
        }
        return 0;
}

int write_file_atomic(const char *path, const void *data, size_t size, unsigned mode) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fchmod(fd, mode) < 0) {
                r = negative_errno();
                goto fail;
        }
        r = loop_write(fd, data, size);
        if (r < 0)
                goto fail;
        if (fsync(fd) < 0) {
                r = negative_errno();
                goto fail;
        }
        if (rename(tmp, path) < 0) {
                r = negative_errno();
                goto fail;
        }
        return 0;
fail:
        (void) unlink(tmp);
        return r;
}
