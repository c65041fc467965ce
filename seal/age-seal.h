/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Sealing a stream as an age v1 file to X25519 recipients, so that a dump
 * written in the capture kernel can be read only by the holder of a private
 * key, with Debian's `age -d` or with kdump-age.  Streaming: the vmcore may
 * be hundreds of GiB, so memory is one 64 KiB chunk (plus the header, 70 +
 * 98 bytes a recipient); output goes to a callback, which can write a file,
 * a pipe to ssh or a raw device.  The header is written with the first
 * chunk: until then nothing is output. */

#include <stddef.h>
#include <stdint.h>

#include "basic/macro.h"
#include "seal/age-key.h"

/* Writes all of buf, or fails: 0 or -errno.  Used by age-open.h too. */
typedef int (*age_write_fn)(void *userdata, const void *buf, size_t len);

/* An age_write_fn for a file descriptor: userdata points to the int fd. */
int age_write_fd(void *userdata, const void *buf, size_t len);

typedef struct age_seal age_seal;

/* Draws the file key, the payload nonce and one ephemeral key per recipient
 * from getrandom(GRND_NONBLOCK): -EAGAIN while the kernel's random pool is
 * not initialized (nothing written; try again later).  -EINVAL with no
 * recipients.  The recipients are copied. */
int age_seal_new(const age_recipients *recipients, age_write_fn write, void *userdata, age_seal **ret);

/* Buffers and encrypts; a full 64 KiB chunk is written once more data shows
 * it is not the last.  A write error (the callback's -errno) is final: every
 * later call returns it. */
int age_seal_write(age_seal *s, const void *buf, size_t len);

/* Writes the last chunk (header first if not yet written); an empty
 * plaintext is one empty chunk, valid age.  Then only age_seal_free(). */
int age_seal_finish(age_seal *s);

/* Wipes the keys and the buffered plaintext. */
age_seal *age_seal_free(age_seal *s);

/* The exact size of the age file for a plaintext of plaintext_size bytes:
 *   86 + 98 * n_recipients + plaintext_size + 16 * max(1, ceil(plaintext_size / 65536))
 * (header: 22-byte version line, 98-byte X25519 stanzas, 48-byte MAC line;
 * 16-byte payload nonce; a 16-byte tag for each 64 KiB chunk).  UINT64_MAX
 * on overflow. */
uint64_t age_sealed_size(size_t n_recipients, uint64_t plaintext_size);

DEFINE_TRIVIAL_CLEANUP_FUNC(age_seal *, age_seal_free);
#define _cleanup_age_seal_ _cleanup_(age_seal_freep)
