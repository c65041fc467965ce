/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "seal/raw-envelope.h"

void raw_envelope_done(struct raw_envelope *e) {
        free(e->recipients);
        e->recipients = NULL;
}

static bool hex64(const char *s, size_t n) {
        return n == 64 && strspn(s, "0123456789abcdef") >= 64;
}

int raw_envelope_format(uint64_t length, const char *sha256_hex, const char *recipients,
                        uint8_t ret[RAW_ENVELOPE_SIZE]) {
        char block[RAW_ENVELOPE_SIZE] = {};
        int n, before_keys;

        if (!sha256_hex || !hex64(sha256_hex, strlen(sha256_hex)))
                return -EINVAL;
        n = snprintf(block, sizeof(block), "%slength %" PRIu64 "\nsha256 %s\n", RAW_ENVELOPE_SIGNATURE, length,
                     sha256_hex);
        if (n < 0 || (size_t) n >= sizeof(block))
                return -EINVAL;
        before_keys = n;
        /* the keys, while they fit (one byte stays NUL) */
        for (const char *p = recipients; p && *p;) {
                size_t len = strcspn(p, "\n");
                const char *line = p + strspn(p, " \t");
                size_t k = len - (size_t) (line - p);

                p += len + (p[len] == '\n');
                while (k > 0 && strchr(" \t\r", line[k - 1]))
                        k--;
                if (k == 0 || *line == '#')
                        continue;
                if ((size_t) n + strlen("recipient \n") + k >= sizeof(block) - 1) {
                        /* not all of them: none, rather than a short list */
                        memset(block + before_keys, 0, sizeof(block) - (size_t) before_keys);
                        break;
                }
                n += snprintf(block + n, sizeof(block) - (size_t) n, "recipient %.*s\n", (int) k, line);
        }
        memcpy(ret, block, sizeof(block));
        return 0;
}

int raw_envelope_parse(const uint8_t *block, size_t size, struct raw_envelope *ret) {
        _cleanup_free_ char *text = NULL, *keys = NULL;
        size_t sig = strlen(RAW_ENVELOPE_SIGNATURE), keys_len = 0;
        bool have_length = false, have_sha = false;
        struct raw_envelope e = {};
        char *save = NULL;

        if (size < sig || memcmp(block, RAW_ENVELOPE_SIGNATURE, sig) != 0)
                return -ENOMSG;
        if (size > RAW_ENVELOPE_SIZE)
                size = RAW_ENVELOPE_SIZE;
        text = strndup((const char *) block + sig, size - sig);
        if (!text)
                return -ENOMEM;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *v = strchr(line, ' ');

                if (!v)
                        return -EBADMSG;
                *v++ = 0;
                if (strcmp(line, "length") == 0) {
                        if (safe_atou64_base(v, 10, &e.length) < 0)
                                return -EBADMSG;
                        have_length = true;
                } else if (strcmp(line, "sha256") == 0) {
                        if (!hex64(v, strlen(v)))
                                return -EBADMSG;
                        memcpy(e.sha256, v, 65);
                        have_sha = true;
                } else if (strcmp(line, "recipient") == 0) {
                        size_t k = strlen(v);
                        char *t = realloc(keys, keys_len + k + 2);

                        if (!t)
                                return -ENOMEM;
                        keys = t;
                        memcpy(keys + keys_len, v, k);
                        keys_len += k;
                        keys[keys_len++] = '\n';
                        keys[keys_len] = 0;
                }
                /* other keys: written by a newer kdumpd */
        }
        if (!have_length || !have_sha)
                return -EBADMSG;
        e.recipients = TAKE_PTR(keys);
        *ret = e;
        return 0;
}
