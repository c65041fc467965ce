/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sealing filter of the byte-sink chain (see sink-seal.h). */

#include <errno.h>

#include "initramfs/collect/sink-seal.h"
#include "seal/age-seal.h"

struct seal_sink {
        byte_sink sink;
        age_seal *seal;
};

/* age_seal's output callback: the sealed bytes go on down the chain. */
static int seal_forward(void *userdata, const void *buf, size_t len) {
        return byte_sink_write(userdata, buf, len);
}

static int seal_sink_write(byte_sink *s, const void *buf, size_t len) {
        return age_seal_write(((struct seal_sink *) s)->seal, buf, len);
}

static int seal_sink_finish(byte_sink *s) {
        return age_seal_finish(((struct seal_sink *) s)->seal);
}

static void seal_sink_done(byte_sink *s) {
        age_seal_free(((struct seal_sink *) s)->seal);
}

int seal_sink_new(const age_recipients *recipients, byte_sink *next, byte_sink **ret) {
        static const struct byte_sink_ops ops = {
                .write = seal_sink_write, .finish = seal_sink_finish, .done = seal_sink_done,
        };
        _cleanup_age_seal_ age_seal *seal = NULL;
        byte_sink *s;
        int r;

        if (!next)
                return -EINVAL;
        r = age_seal_new(recipients, seal_forward, next, &seal);
        if (r < 0)
                return r;
        r = byte_sink_new(&ops, sizeof(struct seal_sink), next, &s);
        if (r < 0)
                return r;
        ((struct seal_sink *) s)->seal = TAKE_PTR(seal);
        *ret = s;
        return 0;
}
