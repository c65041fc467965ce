/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The byte sink chain (see byte-sink.h): the common part, the file
 * descriptor at its end and a stdio stream into it. */

#include <errno.h>
#include <stdlib.h>

#include "basic/fileio.h"
#include "initramfs/collect/byte-sink.h"

int byte_sink_new(const struct byte_sink_ops *ops, size_t size, byte_sink *next, byte_sink **ret) {
        byte_sink *s;

        if (!ops || !ops->write || size < sizeof(byte_sink))
                return -EINVAL;
        s = calloc(1, size);
        if (!s)
                return -ENOMEM;
        s->ops = ops;
        s->next = next;
        *ret = s;
        return 0;
}

int byte_sink_write(byte_sink *s, const void *buf, size_t len) {
        int r;

        if (s->error < 0)
                return s->error;
        if (s->finished)
                return -EINVAL;
        if (len == 0)
                return 0;
        r = s->ops->write(s, buf, len);
        if (r < 0)
                return (s->error = r);
        s->bytes += len;
        return 0;
}

int byte_sink_finish(byte_sink *s) {
        int r;

        for (; s; s = s->next) {
                if (s->error < 0)
                        return s->error;
                if (s->finished)
                        return -EINVAL;
                r = s->ops->finish ? s->ops->finish(s) : 0;
                s->finished = true;
                if (r < 0)
                        return (s->error = r);
        }
        return 0;
}

byte_sink *byte_sink_free(byte_sink *s) {
        while (s) {
                byte_sink *next = s->next;

                if (s->ops->done)
                        s->ops->done(s);
                free(s);
                s = next;
        }
        return NULL;
}

uint64_t byte_sink_bytes(const byte_sink *s) {
        return s->bytes;
}

struct fd_sink {
        byte_sink sink;
        int fd;
};

static int fd_sink_write(byte_sink *s, const void *buf, size_t len) {
        return loop_write(((struct fd_sink *) s)->fd, buf, len);
}

int byte_sink_fd_new(int fd, byte_sink **ret) {
        static const struct byte_sink_ops ops = { .write = fd_sink_write };
        byte_sink *s;
        int r;

        if (fd < 0)
                return -EBADF;
        r = byte_sink_new(&ops, sizeof(struct fd_sink), NULL, &s);
        if (r < 0)
                return r;
        ((struct fd_sink *) s)->fd = fd;
        *ret = s;
        return 0;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t len) {
        int r = byte_sink_write(cookie, buf, len);

        if (r < 0) {
                errno = -r;
                return -1;
        }
        return (ssize_t) len;
}

FILE *byte_sink_fopen(byte_sink *s) {
        return fopencookie(s, "w", (cookie_io_functions_t) { .write = cookie_write });
}
