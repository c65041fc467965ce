/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The setup_data list of boot_params (Documentation/arch/x86/boot.rst,
 * "setup_data"): a singly linked list of {next, type, len, data[len]}
 * records whose next fields and boot_params.hdr.setup_data hold PHYSICAL
 * addresses.  The records live in the boot_params segment, so their
 * addresses are only known once that segment is placed: the chain is
 * collected first (types and payloads), sized, and written at placement
 * time by setup_data_chain_place(). */

#include <stddef.h>
#include <stdint.h>

/* sizeof(struct setup_data) without the flexible payload. */
#define SETUP_DATA_HDR_SIZE 16u
/* Every record starts 16-byte aligned, like the kernel's file loader
 * (bzImage64_load(): ALIGN(..., 16) between the pieces). */
#define SETUP_DATA_ALIGN 16u
#define SETUP_DATA_CHAIN_MAX 8u
/* The capture kernel reads each record through early_memremap() (e.g.
 * e820__memory_setup_extended()), whose window is NR_FIX_BTMAPS pages
 * (256 KiB); stay well inside it. */
#define SETUP_DATA_LEN_MAX 0x10000u

struct setup_data_chain {
        struct {
                uint32_t type;
                const void *data;          /* not owned; NULL: zeros */
                uint32_t len;
        } e[SETUP_DATA_CHAIN_MAX];
        size_t n;
};

/* -E2BIG with more than SETUP_DATA_CHAIN_MAX records or a payload over
 * SETUP_DATA_LEN_MAX. */
int setup_data_chain_add(struct setup_data_chain *c, uint32_t type, const void *data, size_t len);

/* Bytes the records take, including the alignment padding between them. */
uint64_t setup_data_chain_size(const struct setup_data_chain *c);

/* Writes the records into buf at offset (which must be SETUP_DATA_ALIGN
 * aligned), in the order they were added, linked by physical address:
 * record i's next = buf_addr + offset of record i+1, the last one's 0.
 * *ret_head gets the physical address of the first record (0 for an empty
 * chain), the value for boot_params.hdr.setup_data.  -EINVAL on a
 * misaligned offset, -ENOSPC when the records do not fit in buf_size,
 * -ERANGE when an address would overflow. */
int setup_data_chain_place(const struct setup_data_chain *c, uint8_t *buf, size_t buf_size, size_t offset,
                           uint64_t buf_addr, uint64_t *ret_head);
