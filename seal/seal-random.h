/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Randomness for sealing that never blocks.  The capture kernel boots with
 * a pool that may not be initialized yet; getrandom(GRND_NONBLOCK) then says
 * -EAGAIN, which is passed up so the collector can say so instead of hanging
 * or sealing with guessable keys.  libsodium's randombytes_buf() and even
 * sodium_init() would block in getrandom(…, 0) there, so neither is called
 * before the pool is known to be ready. */

#include <stddef.h>

/* n bytes from getrandom(GRND_NONBLOCK); -EAGAIN (buf wiped) while the
 * kernel's pool is not initialized. */
int seal_random_bytes(void *buf, size_t n);

/* sodium_init() (which picks the SIMD ChaCha20/Poly1305 code) once the pool
 * is ready; before that, libsodium's portable code runs, correct but slower.
 * Cheap to call again. */
void seal_sodium_init(void);

/* For tests: replaces getrandom() (NULL restores it). */
void seal_random_set_source(int (*source)(void *buf, size_t n));
