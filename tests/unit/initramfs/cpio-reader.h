/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A minimal, strict newc reader for the tests: it checks what the kernel's
 * unpacker (init/initramfs.c) checks, plus the padding and sortedness the
 * writer promises, so writer bugs cannot hide behind a lenient parser. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cpio_rec {
        char name[4097];
        uint32_t ino, mode, uid, gid, nlink, mtime, size, namesize;
        const unsigned char *body;
};

static inline int cpio_hex(const unsigned char *p, uint32_t *ret) {
        char b[9];
        char *end;

        memcpy(b, p, 8);
        b[8] = 0;
        *ret = (uint32_t) strtoul(b, &end, 16);
        return end == b + 8 ? 0 : -1;
}

/* Parses one record at *off; returns 1 for a record, 0 for the trailer,
 * -1 for malformed input. */
static inline int cpio_next(const unsigned char *buf, size_t size, size_t *off, struct cpio_rec *r) {
        const unsigned char *h = buf + *off;
        uint32_t f[13];

        if (*off % 4 || size - *off < 110 || memcmp(h, "070701", 6) != 0)
                return -1;
        for (int i = 0; i < 13; i++)
                if (cpio_hex(h + 6 + 8 * i, &f[i]) < 0)
                        return -1;
        r->ino = f[0]; r->mode = f[1]; r->uid = f[2]; r->gid = f[3]; r->nlink = f[4];
        r->mtime = f[5]; r->size = f[6]; r->namesize = f[11];
        if (r->namesize == 0 || r->namesize > 4096 || size - *off - 110 < r->namesize)
                return -1;
        memcpy(r->name, h + 110, r->namesize);
        if (r->name[r->namesize - 1] != 0 || strlen(r->name) + 1 != r->namesize)
                return -1;
        *off += (110 + r->namesize + 3) & ~3u;
        for (size_t i = *off - ((110 + r->namesize + 3) & ~3u) + 110 + r->namesize; i < *off; i++)
                if (buf[i] != 0)
                        return -1;
        if (size - *off < r->size)
                return -1;
        r->body = buf + *off;
        *off += (r->size + 3) & ~3u;
        if (*off > size)
                return -1;
        return strcmp(r->name, "TRAILER!!!") == 0 ? 0 : 1;
}
