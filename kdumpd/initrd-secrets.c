/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/builder/cpio.h"
#include "kdumpd/initrd-secrets.h"

/* The secret's bytes; wiped when the archive has its copy. */
static int add_secret(cpio_writer *w, const struct initrd_secret *s) {
        _cleanup_free_ char *data = NULL, *dir = NULL;
        size_t size = 0;
        int r;

        r = read_full_file(s->src, &data, &size);
        if (r < 0)
                return r;
        dir = strdup(s->dest);
        if (!dir) {
                explicit_bzero(data, size);
                return -ENOMEM;
        }
        r = cpio_add_directory(w, dirname(dir), 0700);
        if (r >= 0)
                r = cpio_add_file(w, s->dest, data, size, 0600);
        explicit_bzero(data, size);
        return r;
}

static int copy_image(const char *image, int out, off_t *ret_size) {
        _cleanup_close_ int in = open(image, O_RDONLY | O_CLOEXEC);
        struct stat st;
        off_t done = 0;

        if (in < 0 || fstat(in, &st) < 0)
                return negative_errno();
        while (done < st.st_size) {
                ssize_t k = sendfile(out, in, NULL, (size_t) (st.st_size - done));
                if (k < 0)
                        return negative_errno();
                if (k == 0)
                        return -EIO;
                done += k;
        }
        *ret_size = done;
        return 0;
}

int initrd_with_secrets(const char *image, const struct initrd_secret *secrets, size_t n, int *ret_fd,
                        char **ret_path) {
        _cleanup_(cpio_writer_freep) cpio_writer *w = NULL;
        _cleanup_close_ int fd = -EBADF;
        static const char zeros[4] = {};
        off_t size = 0;
        char *path;
        int r;

        fd = memfd_create("kdump-initrd", MFD_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = copy_image(image, fd, &size);
        if (r < 0)
                return r;
        /* the next archive's header starts 4-byte aligned */
        if (size % 4 && (r = loop_write(fd, zeros, (size_t) (4 - size % 4))) < 0)
                return r;
        r = cpio_writer_new(0, &w);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = add_secret(w, &secrets[i]);
                if (r < 0)
                        return r;
        }
        r = cpio_writer_to_fd(w, fd);
        if (r < 0)
                return r;
        if (asprintf(&path, "/proc/self/fd/%d", fd) < 0)
                return -ENOMEM;
        *ret_fd = TAKE_FD(fd);
        *ret_path = path;
        return 0;
}
