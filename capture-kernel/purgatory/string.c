/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compiler may emit calls to these even in freestanding code (structure
 * copies and initialisation); the purgatory has no libc to provide them. */
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n) {
        unsigned char *d = dst;
        const unsigned char *s = src;
        while (n--)
                *d++ = *s++;
        return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
        unsigned char *d = dst;
        const unsigned char *s = src;
        if (d < s)
                while (n--)
                        *d++ = *s++;
        else
                while (n--)
                        d[n] = s[n];
        return dst;
}

void *memset(void *dst, int c, size_t n) {
        unsigned char *d = dst;
        while (n--)
                *d++ = (unsigned char) c;
        return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
        const unsigned char *x = a, *y = b;
        for (; n--; x++, y++)
                if (*x != *y)
                        return *x - *y;
        return 0;
}
