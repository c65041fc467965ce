/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A writer of the kernel's printk ring buffers into a synth_core, following
 * kernel/printk/printk_ringbuffer.c (desc_reserve(), data_alloc(),
 * get_next_lpos(), data_push_tail()) for the lockless ring and
 * log_store() for the 3.5-5.9 log_buf.  The struct layouts are deliberately
 * not the kernel's, and are published only through the VMCOREINFO text the
 * simulator produces, so a reader that hard-codes offsets fails. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synth-core.h"

#define SIM_MAX_RECORDS 64

struct sim_record {
        uint64_t id;
        uint64_t ts_nsec;
        char text[128];
        unsigned state;
        bool dropped;
};

struct printk_sim {
        struct synth_core *core;
        unsigned count_bits, size_bits;
        uint64_t head_id, tail_id;
        uint64_t head_lpos, tail_lpos;
        struct sim_record recs[SIM_MAX_RECORDS];
        size_t n;
};

/* Lays out the ring in core (which must be the synth_standard() fixture)
 * and returns the VMCOREINFO text (static buffer) to put in the note. */
const char *printk_sim_vmcoreinfo(void);
void printk_sim_init(struct printk_sim *s, struct synth_core *core, unsigned count_bits, unsigned size_bits, uint64_t first_id);
/* state: 0 reserved, 1 committed, 2 finalized. */
void printk_sim_emit(struct printk_sim *s, uint64_t ts_nsec, const char *text, unsigned state);
/* What dmesg should show, formatted like printk_format_record(), into buf. */
void printk_sim_expected(const struct printk_sim *s, char *buf, size_t size);
