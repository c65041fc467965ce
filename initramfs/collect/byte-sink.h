/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A byte sink: where a stream of bytes goes, in order, through a chain of
 * stream filters (age sealing, SHA-256 hashing) that ends at a file
 * descriptor.  The flattened stream (-F), the sealed dump and the kernel
 * log go through one, so that sealing and hashing happen while writing, in
 * bounded memory, and nothing in clear reaches the fd when a sealing filter
 * is in the chain.  Seekable outputs (a kdump-compressed or ELF file, whose
 * writers go back to fill in headers) cannot go through one: their bytes
 * are not written in file order.
 *
 * Each filter owns the sink after it: freeing the head frees the chain.
 * The first error of a sink is final: later writes return it again. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/macro.h"

typedef struct byte_sink byte_sink;

/* For filter implementations: a filter's struct starts with a byte_sink. */
struct byte_sink_ops {
        int (*write)(byte_sink *s, const void *buf, size_t len);
        int (*finish)(byte_sink *s);    /* NULL: nothing buffered */
        void (*done)(byte_sink *s);     /* NULL: nothing of its own to free */
};

struct byte_sink {
        const struct byte_sink_ops *ops;
        byte_sink *next;                /* owned; NULL at the end of the chain */
        uint64_t bytes;                 /* accepted by write */
        int error;
        bool finished;
};

/* Allocates size bytes (a filter's struct, a byte_sink first), zeroed; next
 * (may be NULL) becomes owned only when this succeeds. */
int byte_sink_new(const struct byte_sink_ops *ops, size_t size, byte_sink *next, byte_sink **ret);

/* All of buf, or -errno (final). */
int byte_sink_write(byte_sink *s, const void *buf, size_t len);

/* Flushes what s and every sink after it buffer, in chain order; then only
 * byte_sink_free() (a second finish is -EINVAL).  Not called on a failed
 * output: a sealing filter then leaves a truncated age file, which every
 * age reader refuses as incomplete. */
int byte_sink_finish(byte_sink *s);

/* Frees s and the sinks after it. */
byte_sink *byte_sink_free(byte_sink *s);

/* Bytes s has accepted so far. */
uint64_t byte_sink_bytes(const byte_sink *s);

/* The end of a chain: loop_write() to fd, which stays the caller's. */
int byte_sink_fd_new(int fd, byte_sink **ret);

/* A stdio stream writing into s (for the kernel log's fprintf()s); s stays
 * the caller's and is not finished by fclose().  A write error shows as
 * ferror() and errno; NULL and errno when it cannot be made. */
FILE *byte_sink_fopen(byte_sink *s);

DEFINE_TRIVIAL_CLEANUP_FUNC(byte_sink *, byte_sink_free);
#define _cleanup_byte_sink_ _cleanup_(byte_sink_freep)
