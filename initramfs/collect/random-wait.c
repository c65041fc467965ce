/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bounded wait for the kernel's random pool (see random-wait.h). */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/random.h>
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

/* A blocking getrandom() is what makes the kernel gather entropy itself
 * when nothing else feeds it (wait_for_random_bytes() runs
 * try_to_generate_entropy(), CPU timing jitter, since Linux 5.4): a quiet
 * capture kernel without RDRAND or a seed from the loader would otherwise
 * never become ready.  The thread is left behind when the wait gives up;
 * the process ends soon after. */
static void *block_for_entropy(void *arg) {
        uint8_t b;

        while (getrandom(&b, 1, 0) < 0 && errno == EINTR)
                ;
        return NULL;
}

static void start_gathering(void) {
        pthread_attr_t attr;
        pthread_t t;

        if (pthread_attr_init(&attr) != 0)
                return;
        (void) pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        (void) pthread_create(&t, &attr, block_for_entropy, NULL);
        (void) pthread_attr_destroy(&attr);
}

int random_wait_ready(uint64_t timeout_usec, uint64_t poll_usec, void (*waiting)(void *userdata), void *userdata) {
        uint64_t start = now_usec();
        int r;

        r = probe();
        if (r != -EAGAIN)
                return r;
        if (waiting)
                waiting(userdata);
        start_gathering();
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
