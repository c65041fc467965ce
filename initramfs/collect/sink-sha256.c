/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hashing filter of the byte-sink chain (see sink-sha256.h). */

#include <errno.h>
#include <string.h>

#include "initramfs/collect/sink-sha256.h"
#include "seal/sha256-manifest.h"

struct sha256_sink {
        byte_sink sink;
        struct hash_sha256 hash;
        uint8_t digest[HASH_SHA256_SIZE];
        uint64_t size;
};

static int sha256_sink_write(byte_sink *s, const void *buf, size_t len) {
        struct sha256_sink *h = (struct sha256_sink *) s;

        hash_sha256_update(&h->hash, buf, len);
        return byte_sink_write(s->next, buf, len);
}

static int sha256_sink_finish(byte_sink *s) {
        struct sha256_sink *h = (struct sha256_sink *) s;

        h->size = h->hash.bytes;
        hash_sha256_final(&h->hash, h->digest);
        return 0;
}

int sha256_sink_new(byte_sink *next, byte_sink **ret) {
        static const struct byte_sink_ops ops = { .write = sha256_sink_write, .finish = sha256_sink_finish };
        byte_sink *s;
        int r;

        if (!next)
                return -EINVAL;
        r = byte_sink_new(&ops, sizeof(struct sha256_sink), next, &s);
        if (r < 0)
                return r;
        hash_sha256_init(&((struct sha256_sink *) s)->hash);
        *ret = s;
        return 0;
}

int sha256_sink_digest(const byte_sink *s, uint8_t ret_digest[HASH_SHA256_SIZE], uint64_t *ret_size) {
        const struct sha256_sink *h = (const struct sha256_sink *) s;

        if (s->ops->write != sha256_sink_write)
                return -EINVAL;
        if (!s->finished || s->error < 0)
                return -EBUSY;
        memcpy(ret_digest, h->digest, HASH_SHA256_SIZE);
        if (ret_size)
                *ret_size = h->size;
        return 0;
}

int sha256sum_line(const uint8_t digest[HASH_SHA256_SIZE], const char *name, char **ret) {
        _cleanup_sha256_manifest_ sha256_manifest *m = NULL;
        char *text;
        size_t len;
        int r;

        r = sha256_manifest_new(&m);
        if (r < 0)
                return r;
        r = sha256_manifest_add(m, name, digest, SHA256_SIZE_UNKNOWN);
        if (r < 0)
                return r;
        r = sha256_manifest_format(m, &text, &len);
        if (r < 0)
                return r;
        *ret = text;
        return 0;
}
