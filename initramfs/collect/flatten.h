/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where a dump goes: a seekable file (each write lands at its offset) or
 * makedumpfile's flattened stream (-F), where each write becomes a record
 * {big-endian int64 offset, big-endian int64 size} + data after a 4096-byte
 * header, ending with {-1, -1}, so a dump can go through a pipe.  Both
 * writers call dump_sink_write() the same way; flatten_rearrange() (-R)
 * turns a stream back into the file the direct write would have made.  A
 * stream goes out through a byte sink (byte-sink.h), so that it can be
 * sealed and hashed on its way. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initramfs/collect/byte-sink.h"

#define FLAT_HEADER_SIZE 4096u
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_TYPE 1
#define FLAT_VERSION 1

struct dump_sink;

/* flat: write the flattened stream to fd (a pipe is fine); the stream
 * header is written here. */
int dump_sink_new(int fd, bool flat, struct dump_sink **ret);
/* The flattened stream into out (the stream header is written here); out
 * stays the caller's, who finishes it after dump_sink_finish(). */
int dump_sink_new_stream(byte_sink *out, struct dump_sink **ret);
struct dump_sink *dump_sink_free(struct dump_sink *s);

bool dump_sink_is_flat(const struct dump_sink *s);

/* -ENOSPC (or -EDQUOT, -EFBIG) is passed on unchanged so the writer can
 * mark the dump incomplete. */
int dump_sink_write(struct dump_sink *s, uint64_t offset, const void *buf, size_t len);

/* Allocates file space for a region written later (so that writing it
 * cannot fail with ENOSPC); a no-op for streams and filesystems without
 * fallocate. */
int dump_sink_reserve(struct dump_sink *s, uint64_t offset, uint64_t len);

/* Makes the output at least size bytes long when its data ends in holes
 * (bytes never written read as zeroes): ftruncate() for a file, a one-byte
 * zero record at size - 1 for a stream (so only call it when nothing was
 * written at or past size - 1). */
int dump_sink_extend(struct dump_sink *s, uint64_t size);

/* Ends the stream (the {-1, -1} record) or syncs the file. */
int dump_sink_finish(struct dump_sink *s);
/* Ends the stream as dump_sink_finish() does, but leaves a file's fsync to
 * the caller (who can read it back first, while the disk writes). */
int dump_sink_finish_nowait(struct dump_sink *s);

/* Bytes handed to the output so far (records included). */
uint64_t dump_sink_bytes(const struct dump_sink *s);

/* A tap on a file's bytes in file order, for a digest computed while the
 * file is written rather than by reading it back: fn gets every byte from
 * offset 0 on, a gap (bytes never written, which read as zeroes) as zeroes,
 * for as long as each write starts at or past the end reached so far.  The
 * first write behind that end stops the tap (the kdump-compressed writer's
 * page descriptors come after the data they describe: no tap survives it).
 * Files only: -EINVAL for a stream, whose bytes a byte sink sees in order
 * anyway. */
typedef void (*dump_sink_tap_fn)(void *userdata, const void *buf, size_t len);
int dump_sink_tap(struct dump_sink *s, dump_sink_tap_fn fn, void *userdata);
/* Whether the tap saw every byte of the file as it now is, in order. */
bool dump_sink_tap_complete(const struct dump_sink *s);

/* Reads a flattened stream from in_fd (sequentially; a pipe is fine) and
 * writes each record at its offset in out_fd.  -EBADMSG for a stream that is
 * not one (bad header, negative offsets, absurd sizes, missing end record). */
int flatten_rearrange(int in_fd, int out_fd, uint64_t *ret_records);
