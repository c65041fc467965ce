/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The kernel log (what dmesg would have shown) from a dump, found through
 * VMCOREINFO alone, no vmlinux:
 *
 *  - Linux 5.10+: the lockless ring buffer (kernel/printk/printk_ringbuffer.c).
 *    SYMBOL(prb) is the address of the pointer `prb`; the descriptor ring
 *    holds 2^count_bits descriptors whose state_var packs
 *    (state << (BITS_PER_LONG - 2)) | id; records are walked from tail_id to
 *    head_id and kept when committed (1) or finalized (2); reserved (0) and
 *    reusable (3) are skipped, as is a descriptor whose id is not the one
 *    expected (overwritten).  Text blocks start with the unsigned long id;
 *    a block whose begin and next lie in different wraps of the data ring
 *    has its data at index 0 (get_data()).
 *  - Linux 3.5 to 5.9: log_buf of variable-length struct printk_log records
 *    (struct log before 3.11), from log_first_idx to log_next_idx; a record
 *    of len 0 marks the wrap to the start of the buffer (log_from_idx()).
 *
 * 64-bit dumps in host byte order only. */

#include <stdint.h>
#include <stdio.h>

#include "notes/vmcore.h"

/* Sanity bounds (the kernel's own maxima are far lower: log_buf_len is at
 * most 2^31 by the boot parameter, in practice a few MiB). */
#define PRINTK_RING_MAX (512u * 1024u * 1024u)

struct printk_record {
        uint64_t seq;           /* 0 for the old format, which has none we read */
        uint64_t ts_nsec;
        const char *text;       /* not NUL-terminated */
        size_t text_len;
};

/* Return < 0 to stop the walk; that value is returned by printk_walk(). */
typedef int (*printk_record_cb)(const struct printk_record *rec, void *userdata);

/* Where the log is read from: the dumped kernel's virtual memory and its
 * VMCOREINFO.  An ELF vmcore translates addresses through its PT_LOADs
 * (printk_walk()); a kdump-compressed dump has none and walks the dumped
 * kernel's page tables instead (initramfs/collect/diskdump-read.h). */
struct printk_source {
        const vmcoreinfo *vmcoreinfo;
        /* -EFAULT for an unmapped address, -ENODATA for one the dump left
         * out, other -errno as the reader has them. */
        int (*read_virt)(void *userdata, uint64_t vaddr, void *buf, size_t n);
        void *userdata;
};

/* Calls cb for each record, oldest first.  Returns the number of records, or
 * -ENOENT when VMCOREINFO lacks what either format needs (or is absent),
 * -EBADMSG for an impossible ring (sizes, indexes out of range), -EFBIG for
 * rings over PRINTK_RING_MAX, -EFAULT when an address is not in the dump. */
int printk_walk_source(const struct printk_source *s, printk_record_cb cb, void *userdata);
/* printk_walk_source() on an ELF vmcore; -ENOENT or VMCOREINFO's parse
 * error when it has no usable VMCOREINFO. */
int printk_walk(const vmcore *v, printk_record_cb cb, void *userdata);

/* "[%5llu.%06llu] text\n" like dmesg and makedumpfile --dump-dmesg; each
 * line of a multi-line record gets the same prefix, as the kernel's
 * record_print_text() does for syslog readers; other control bytes are
 * written as \xNN (UTF-8 passes through). */
int printk_format_record(const struct printk_record *rec, FILE *f);

/* printk_walk() + printk_format_record() into f.  Returns the number of
 * records, or -errno (-EIO when writing fails). */
int printk_dump_source(const struct printk_source *s, FILE *f);
int printk_dump(const vmcore *v, FILE *f);
