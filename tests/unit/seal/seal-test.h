/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Helpers shared by the seal/ tests: hex, a growable memory sink usable as
 * an age_write_fn, replayable "randomness", and running a command. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

struct sink {
        uint8_t *data;
        size_t len, allocated;
        size_t calls;
        size_t fail_after;      /* fail the write after this many bytes (0: never) */
};

static inline int sink_write(void *userdata, const void *buf, size_t len) {
        struct sink *s = userdata;

        if (s->fail_after && s->len + len > s->fail_after)
                return -ENOSPC;
        s->calls++;
        if (len == 0)
                return 0;
        if (s->len + len > s->allocated) {
                size_t want = s->allocated ? s->allocated * 2 : 4096;
                uint8_t *p;

                while (want < s->len + len)
                        want *= 2;
                p = realloc(s->data, want);
                if (!p)
                        return -ENOMEM;
                s->data = p;
                s->allocated = want;
        }
        memcpy(s->data + s->len, buf, len);
        s->len += len;
        return 0;
}

static inline void sink_reset(struct sink *s) {
        free(s->data);
        *s = (struct sink) {};
}

static inline int hex_nibble(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
               c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes hex into a static buffer; *ret_len its length. */
static inline const uint8_t *unhex(const char *hex, size_t *ret_len) {
        static uint8_t buf[4][1024];
        static unsigned k;
        uint8_t *b = buf[k++ % 4];
        size_t n = strlen(hex) / 2;

        for (size_t i = 0; i < n && i < sizeof(buf[0]); i++)
                b[i] = (uint8_t) (hex_nibble(hex[2 * i]) << 4 | hex_nibble(hex[2 * i + 1]));
        if (ret_len)
                *ret_len = n;
        return b;
}

static inline const char *tohex(const uint8_t *p, size_t n) {
        static char buf[4][2 * 1024 + 1];
        static unsigned k;
        char *b = buf[k++ % 4];

        for (size_t i = 0; i < n && i < 1024; i++)
                sprintf(b + 2 * i, "%02x", p[i]);
        b[2 * (n < 1024 ? n : 1024)] = 0;
        return b;
}

/* Deterministic bytes: a simple LCG, so sizes can be large. */
static inline void fill_pattern(uint8_t *p, size_t n, uint32_t seed) {
        uint32_t x = seed * 2654435761u + 1;

        for (size_t i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                p[i] = (uint8_t) (x >> 16);
        }
}

/* Writes n bytes to a file under the test's temporary directory. */
static inline const char *write_tmp(const char *name, const void *data, size_t n) {
        const char *path = test_tmp(name);
        FILE *f = fopen(path, "we");

        if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
                TEST_FAIL("writing %s: %s", path, strerror(errno));
        return path;
}
