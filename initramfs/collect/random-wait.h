/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Waiting, bounded, for the kernel's random number generator before
 * sealing.  A capture kernel can boot with its pool not yet initialized
 * (no RNG seed from the loader, no hardware RNG, little interrupt entropy);
 * getrandom(GRND_NONBLOCK) then says EAGAIN.  Keys drawn from a pool that
 * is not ready could be guessed, and a blocking getrandom() could hang the
 * capture forever, so the collector polls for a while and then gives up,
 * saying why: it never writes the dump in clear instead. */

#include <stdint.h>

#define RANDOM_WAIT_TIMEOUT_USEC (UINT64_C(30) * 1000000)
#define RANDOM_WAIT_POLL_USEC (UINT64_C(50) * 1000)

/* 0 at once if the pool is ready (seal/seal-random.h's probe); otherwise
 * calls waiting(userdata) once (may be NULL), then probes every poll_usec
 * until the pool is ready (0) or timeout_usec have passed (-ETIME).  Other
 * getrandom() errors (-ENOSYS) are returned as they are. */
int random_wait_ready(uint64_t timeout_usec, uint64_t poll_usec, void (*waiting)(void *userdata), void *userdata);
