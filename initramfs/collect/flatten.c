/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/flatten.h"

/* One record never carries more than this; a larger size field means a
 * corrupt stream (makedumpfile's writes are at most its cache size). */
#define FLAT_RECORD_MAX (1u << 30)

struct dump_sink {
        int fd;                 /* a seekable file; -EBADF for a stream */
        byte_sink *stream;      /* the flattened stream goes here */
        byte_sink *owned;       /* the stream's fd sink made by dump_sink_new() */
        uint64_t bytes;
        dump_sink_tap_fn tap;   /* dump_sink_tap(); NULL once a write came out of order */
        void *tap_userdata;
        uint64_t tapped;        /* bytes [0, tapped) went through tap */
        bool tap_broken;
};

static const uint8_t zeroes[4096];

/* The tap's view of bytes [offset, offset + len) once on disk. */
static void tap_bytes(struct dump_sink *s, uint64_t offset, const void *buf, size_t len) {
        if (!s->tap)
                return;
        if (offset < s->tapped) {
                s->tap = NULL;
                s->tap_broken = true;
                return;
        }
        while (s->tapped < offset) {
                size_t n = (size_t) MIN(offset - s->tapped, (uint64_t) sizeof(zeroes));
                s->tap(s->tap_userdata, zeroes, n);
                s->tapped += n;
        }
        if (len > 0)
                s->tap(s->tap_userdata, buf, len);
        s->tapped += len;
}

int dump_sink_tap(struct dump_sink *s, dump_sink_tap_fn fn, void *userdata) {
        if (s->stream || !fn)
                return -EINVAL;
        if (s->bytes > 0 || s->tap || s->tap_broken)
                return -EBUSY;
        s->tap = fn;
        s->tap_userdata = userdata;
        return 0;
}

bool dump_sink_tap_complete(const struct dump_sink *s) {
        struct stat st;

        if (!s->tap || fstat(s->fd, &st) < 0)
                return false;
        return (uint64_t) st.st_size == s->tapped;
}

/* signature padded to 16 bytes, then big-endian type and version
 * (makedumpfile's struct makedumpfile_header). */
static int write_stream_header(byte_sink *out) {
        uint8_t hdr[FLAT_HEADER_SIZE] = {};
        uint64_t v;

        memcpy(hdr, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE));
        v = htobe64(FLAT_TYPE);
        memcpy(hdr + 16, &v, 8);
        v = htobe64(FLAT_VERSION);
        memcpy(hdr + 24, &v, 8);
        return byte_sink_write(out, hdr, sizeof(hdr));
}

int dump_sink_new_stream(byte_sink *out, struct dump_sink **ret) {
        struct dump_sink *s;
        int r;

        if (!out)
                return -EINVAL;
        r = write_stream_header(out);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        *s = (struct dump_sink) { .fd = -EBADF, .stream = out, .bytes = FLAT_HEADER_SIZE };
        *ret = s;
        return 0;
}

int dump_sink_new(int fd, bool flat, struct dump_sink **ret) {
        _cleanup_byte_sink_ byte_sink *out = NULL;
        struct dump_sink *s;
        int r;

        if (fd < 0)
                return -EBADF;
        if (flat) {
                r = byte_sink_fd_new(fd, &out);
                if (r < 0)
                        return r;
                r = dump_sink_new_stream(out, &s);
                if (r < 0)
                        return r;
                s->owned = TAKE_PTR(out);
                *ret = s;
                return 0;
        }
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        *s = (struct dump_sink) { .fd = fd };
        *ret = s;
        return 0;
}

struct dump_sink *dump_sink_free(struct dump_sink *s) {
        if (!s)
                return NULL;
        byte_sink_free(s->owned);
        free(s);
        return NULL;
}

bool dump_sink_is_flat(const struct dump_sink *s) {
        return s->stream;
}

uint64_t dump_sink_bytes(const struct dump_sink *s) {
        return s->bytes;
}

int dump_sink_write(struct dump_sink *s, uint64_t offset, const void *buf, size_t len) {
        int r;

        if (len == 0)
                return 0;
        if (offset > INT64_MAX || len > INT64_MAX - offset)
                return -EFBIG;

        if (s->stream) {
                uint64_t rec[2] = { htobe64(offset), htobe64(len) };

                r = byte_sink_write(s->stream, rec, sizeof(rec));
                if (r < 0)
                        return r;
                r = byte_sink_write(s->stream, buf, len);
                if (r < 0)
                        return r;
                s->bytes += sizeof(rec) + len;
                return 0;
        }

        r = pwrite_full(s->fd, buf, len, offset);
        if (r < 0)
                return r;
        s->bytes += len;
        tap_bytes(s, offset, buf, len);
        return 0;
}

int dump_sink_reserve(struct dump_sink *s, uint64_t offset, uint64_t len) {
        if (s->stream || len == 0)
                return 0;
        if (fallocate(s->fd, 0, (off_t) offset, (off_t) len) < 0) {
                /* Not every filesystem (or a pipe-like fd) supports it; the
                 * region is then allocated when written, as with makedumpfile. */
                if (errno == EOPNOTSUPP || errno == ENOSYS || errno == ENODEV || errno == ESPIPE)
                        return 0;
                return negative_errno();
        }
        return 0;
}

int dump_sink_extend(struct dump_sink *s, uint64_t size) {
        struct stat st;

        if (size == 0)
                return 0;
        if (size > INT64_MAX)
                return -EFBIG;
        if (s->stream) {
                /* -R extends the file by writing the record, as a direct
                 * write of the last byte would. */
                static const uint8_t zero = 0;
                return dump_sink_write(s, size - 1, &zero, 1);
        }
        if (fstat(s->fd, &st) < 0)
                return negative_errno();
        if ((uint64_t) st.st_size >= size)
                return 0;
        /* A hole: no blocks, so this works on a full disk too. */
        if (ftruncate(s->fd, (off_t) size) < 0)
                return negative_errno();
        tap_bytes(s, size, NULL, 0);
        return 0;
}

int dump_sink_finish(struct dump_sink *s) {
        if (s->stream) {
                int64_t end[2] = { (int64_t) htobe64((uint64_t) -1), (int64_t) htobe64((uint64_t) -1) };
                int r = byte_sink_write(s->stream, end, sizeof(end));
                if (r < 0)
                        return r;
                s->bytes += sizeof(end);
                return s->owned ? byte_sink_finish(s->owned) : 0;
        }
        if (fsync(s->fd) < 0 && errno != EINVAL && errno != EROFS)
                return negative_errno();
        return 0;
}

int dump_sink_finish_nowait(struct dump_sink *s) {
        return s->stream ? dump_sink_finish(s) : 0;
}

/* read() until n bytes or EOF; returns the bytes read. */
static ssize_t read_full(int fd, void *buf, size_t n) {
        char *p = buf;
        size_t done = 0;

        while (done < n) {
                ssize_t k = read(fd, p + done, n - done);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        break;
                done += (size_t) k;
        }
        return (ssize_t) done;
}

int flatten_rearrange(int in_fd, int out_fd, uint64_t *ret_records) {
        uint8_t hdr[FLAT_HEADER_SIZE];
        _cleanup_free_ uint8_t *buf = NULL;
        size_t buf_size = 0;
        uint64_t records = 0, v;
        ssize_t k;
        int r;

        k = read_full(in_fd, hdr, sizeof(hdr));
        if (k < 0)
                return (int) k;
        if ((size_t) k < sizeof(hdr))
                return -EBADMSG;
        if (memcmp(hdr, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE)) != 0)
                return -EBADMSG;
        memcpy(&v, hdr + 16, 8);
        if (be64toh(v) != FLAT_TYPE)
                return -EBADMSG;
        memcpy(&v, hdr + 24, 8);
        if (be64toh(v) != FLAT_VERSION)
                return -EOPNOTSUPP;

        for (;;) {
                uint64_t rec[2];
                int64_t off, len;

                k = read_full(in_fd, rec, sizeof(rec));
                if (k < 0)
                        return (int) k;
                if ((size_t) k < sizeof(rec))
                        return -EBADMSG;    /* no end record: truncated stream */
                off = (int64_t) be64toh(rec[0]);
                len = (int64_t) be64toh(rec[1]);
                if (off == -1 && len == -1)
                        break;
                if (off < 0 || len < 0 || (uint64_t) len > FLAT_RECORD_MAX || len > INT64_MAX - off)
                        return -EBADMSG;

                if ((size_t) len > buf_size) {
                        uint8_t *n = realloc(buf, (size_t) len);
                        if (!n)
                                return -ENOMEM;
                        buf = n;
                        buf_size = (size_t) len;
                }
                k = read_full(in_fd, buf, (size_t) len);
                if (k < 0)
                        return (int) k;
                if (k < len)
                        return -EBADMSG;
                r = pwrite_full(out_fd, buf, (size_t) len, (uint64_t) off);
                if (r < 0)
                        return r;
                records++;
        }

        if (ret_records)
                *ret_records = records;
        return 0;
}
