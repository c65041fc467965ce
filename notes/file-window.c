/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "notes/file-window.h"

struct file_window {
        int fd;
        uint64_t file_size;
        size_t window;
        size_t page;
        bool use_mmap;
        bool last_mmapped;

        void *map;              /* current mapping, or NULL */
        uint64_t map_offset;
        size_t map_len;

        void *buf;              /* pread fallback buffer, window bytes */
};

int file_window_new(int fd, uint64_t file_size, size_t window_size, bool no_mmap, file_window **ret) {
        file_window *w;
        long page = sysconf(_SC_PAGESIZE);

        if (fd < 0)
                return -EBADF;
        if (page <= 0)
                page = 4096;
        if (window_size == 0)
                window_size = FILE_WINDOW_DEFAULT_SIZE;
        window_size = ALIGN_UP(window_size, (size_t) page);

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        *w = (struct file_window) {
                .fd = fd,
                .file_size = file_size,
                .window = window_size,
                .page = (size_t) page,
                .use_mmap = !no_mmap,
        };
        *ret = w;
        return 0;
}

static void unmap(file_window *w) {
        if (w->map)
                (void) munmap(w->map, w->map_len);
        w->map = NULL;
        w->map_len = 0;
}

file_window *file_window_free(file_window *w) {
        if (!w)
                return NULL;
        unmap(w);
        free(w->buf);
        free(w);
        return NULL;
}

size_t file_window_size(const file_window *w) {
        return w->window;
}

bool file_window_mmapped(const file_window *w) {
        return w->last_mmapped;
}

static int try_map(file_window *w, uint64_t offset, size_t n, const void **ret) {
        uint64_t start, len, avail;
        void *p;

        if (w->map && offset >= w->map_offset && offset + n <= w->map_offset + w->map_len) {
                *ret = (const uint8_t *) w->map + (offset - w->map_offset);
                return 0;
        }

        unmap(w);
        start = ALIGN_DOWN(offset, w->page);
        /* Never map past the end of the file: /proc/vmcore refuses it and a
         * regular file would SIGBUS on access. */
        avail = ALIGN_UP(w->file_size - start, w->page);
        len = MAX((uint64_t) w->window, ALIGN_UP(offset + n - start, w->page));
        len = MIN(len, avail);
        p = mmap(NULL, (size_t) len, PROT_READ, MAP_SHARED, w->fd, (off_t) start);
        if (p == MAP_FAILED)
                return negative_errno();
        w->map = p;
        w->map_offset = start;
        w->map_len = (size_t) len;
        *ret = (const uint8_t *) p + (offset - start);
        return 0;
}

int file_window_get(file_window *w, uint64_t offset, size_t n, const void **ret) {
        int r;

        if (n > w->window)
                return -EINVAL;
        if (offset > w->file_size || n > w->file_size - offset)
                return -ERANGE;
        if (n == 0) {
                *ret = "";
                return 0;
        }

        if (w->use_mmap) {
                r = try_map(w, offset, n, ret);
                if (r >= 0) {
                        w->last_mmapped = true;
                        return 0;
                }
                /* Not supported here: read from now on. */
                w->use_mmap = false;
                unmap(w);
        }

        if (!w->buf) {
                w->buf = malloc(w->window);
                if (!w->buf)
                        return -ENOMEM;
        }
        r = pread_full(w->fd, w->buf, n, offset);
        if (r < 0)
                return r;
        w->last_mmapped = false;
        *ret = w->buf;
        return 0;
}
