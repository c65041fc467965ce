/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include <asm/bootparam.h>

#include "basic/macro.h"
#include "capture-kernel/setup-data.h"

_Static_assert(sizeof(struct setup_data) == SETUP_DATA_HDR_SIZE, "setup_data header is next, type, len");
_Static_assert(offsetof(struct setup_data, data) == SETUP_DATA_HDR_SIZE, "payload follows the header");

int setup_data_chain_add(struct setup_data_chain *c, uint32_t type, const void *data, size_t len) {
        if (c->n >= SETUP_DATA_CHAIN_MAX || len > SETUP_DATA_LEN_MAX)
                return -E2BIG;
        c->e[c->n].type = type;
        c->e[c->n].data = data;
        c->e[c->n].len = (uint32_t) len;
        c->n++;
        return 0;
}

uint64_t setup_data_chain_size(const struct setup_data_chain *c) {
        uint64_t size = 0;

        for (size_t i = 0; i < c->n; i++)
                size += ALIGN_UP(SETUP_DATA_HDR_SIZE + c->e[i].len, SETUP_DATA_ALIGN);
        return size;
}

int setup_data_chain_place(const struct setup_data_chain *c, uint8_t *buf, size_t buf_size, size_t offset,
                           uint64_t buf_addr, uint64_t *ret_head) {
        uint64_t size = setup_data_chain_size(c), pos = offset;

        if (offset % SETUP_DATA_ALIGN != 0 || buf_addr % SETUP_DATA_ALIGN != 0)
                return -EINVAL;
        if (offset > buf_size || size > buf_size - offset)
                return -ENOSPC;
        if (buf_addr > UINT64_MAX - offset - size)
                return -ERANGE;

        for (size_t i = 0; i < c->n; i++) {
                uint64_t rec = ALIGN_UP(SETUP_DATA_HDR_SIZE + c->e[i].len, SETUP_DATA_ALIGN);
                struct setup_data hdr = {
                        .next = i + 1 < c->n ? buf_addr + pos + rec : 0,
                        .type = c->e[i].type,
                        .len = c->e[i].len,
                };

                memset(buf + pos, 0, rec);
                memcpy(buf + pos, &hdr, SETUP_DATA_HDR_SIZE);
                if (c->e[i].data)
                        memcpy(buf + pos + SETUP_DATA_HDR_SIZE, c->e[i].data, c->e[i].len);
                pos += rec;
        }
        *ret_head = c->n > 0 ? buf_addr + offset : 0;
        return 0;
}
