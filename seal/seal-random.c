/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Non-blocking randomness for seal/ (see seal-random.h). */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/random.h>
#include <sodium.h>

#include "seal/seal-random.h"

static int (*override)(void *buf, size_t n);

void seal_random_set_source(int (*source)(void *buf, size_t n)) {
        override = source;
}

static int getrandom_nonblock(void *buf, size_t n) {
        uint8_t *p = buf;

        while (n > 0) {
                ssize_t k = getrandom(p, n, GRND_NONBLOCK);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

int seal_random_bytes(void *buf, size_t n) {
        int r = override ? override(buf, n) : getrandom_nonblock(buf, n);

        if (r < 0)
                sodium_memzero(buf, n);
        return r;
}

void seal_sodium_init(void) {
        static bool done;
        uint8_t probe;

        if (done)
                return;
        /* Succeeds only once the pool is initialized: from then on the
         * getrandom(…, 0) inside sodium_init() cannot block. */
        if (getrandom_nonblock(&probe, 1) < 0)
                return;
        sodium_memzero(&probe, 1);
        if (sodium_init() >= 0)
                done = true;
}
