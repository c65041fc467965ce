/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bounded wait for the kernel's random pool (see random-wait.h). */

#include <errno.h>
#include <stdbool.h>
#include <time.h>

#include "initramfs/collect/random-wait.h"
#include "seal/seal-random.h"

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static void sleep_usec(uint64_t usec) {
        struct timespec ts = { .tv_sec = (time_t) (usec / 1000000), .tv_nsec = (long) (usec % 1000000) * 1000 };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* 0 when ready, -EAGAIN when not, or getrandom()'s error. */
static int probe(void) {
        uint8_t b;

        return seal_random_bytes(&b, 1);
}

int random_wait_ready(uint64_t timeout_usec, uint64_t poll_usec, void (*waiting)(void *userdata), void *userdata) {
        uint64_t start = now_usec();
        int r;

        r = probe();
        if (r != -EAGAIN)
                return r;
        if (waiting)
                waiting(userdata);
        for (;;) {
                uint64_t elapsed = now_usec() - start;

                if (elapsed >= timeout_usec)
                        return -ETIME;
                sleep_usec(poll_usec < timeout_usec - elapsed ? poll_usec : timeout_usec - elapsed);
                r = probe();
                if (r != -EAGAIN)
                        return r;
        }
}
