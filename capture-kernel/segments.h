/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The segment list handed to kexec_load(2): placement inside the crash
 * reservation and the checks the kernel applies before it copies anything.
 * Pure: no I/O, so every rule can be tested on tables. */

#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/purgatory/sha256.h"

/* include/uapi/linux/kexec.h */
#define KEXEC_SEGMENTS_MAX 16u
#define KEXEC_PAGE_SIZE 4096u

struct kexec_seg {
        const char *name;        /* for messages: "kernel", "initrd", ... */
        const void *buf;
        uint64_t bufsz;
        uint64_t mem;            /* physical destination */
        uint64_t memsz;
};

struct kexec_seg_list {
        struct kexec_seg segs[KEXEC_SEGMENTS_MAX];
        size_t n;
        /* The range segments must stay inside: crashk_res, the "Crash
         * kernel" range the segments go to (inclusive end). */
        uint64_t res_start, res_end;
};

void kexec_seg_list_init(struct kexec_seg_list *l, uint64_t res_start, uint64_t res_end);

/* Top-down placement, as kexec_locate_mem_hole() does with top_down: the
 * highest address that is aligned, at least min_addr, inside the reservation
 * and overlapping no segment placed so far.  memsz is rounded up to a page.
 * -ENOSPC when no hole fits, -E2BIG when the list is full, -EINVAL on a bad
 * alignment (not a power of two, or below a page). */
int kexec_seg_add(struct kexec_seg_list *l, const char *name, const void *buf, uint64_t bufsz,
                  uint64_t memsz, uint64_t align, uint64_t min_addr, uint64_t *ret_mem);

/* The rules of kernel/kexec_core.c sanity_check_segment_list() and
 * kernel/kexec.c kimage_alloc_init() for KEXEC_ON_CRASH: at most
 * KEXEC_SEGMENT_MAX segments (-EINVAL), mem and mem+memsz page-aligned and not
 * wrapping (-EADDRNOTAVAIL), no two overlapping (-EINVAL), bufsz <= memsz
 * (-EINVAL), each inside crashk_res (-EADDRNOTAVAIL), and the entry inside it
 * (-EADDRNOTAVAIL).  The same error the kernel would return, plus in
 * *ret_error (when not NULL) a sentence naming the segment. */
int kexec_seg_check(const struct kexec_seg *segs, size_t n, uint64_t res_start, uint64_t res_end,
                    uint64_t entry, char **ret_error);

/* One segment as the purgatory re-reads it: physical start and memsz. */
struct kexec_seg_region {
        uint64_t start, len;
};

/* The digest both purgatories check before they enter the capture kernel
 * (kexec_calculate_store_digests() computes the same for kexec_file_load):
 * SHA-256 over every segment but the one whose buffer is skip_buf (the
 * purgatory, which holds the digest), in list order, each as loaded: its
 * buffer, then zeros up to memsz.  ret_regions receives those segments'
 * ranges (at most max_regions, else -E2BIG) and *ret_n their number. */
int kexec_seg_list_digest(const struct kexec_seg_list *l, const void *skip_buf,
                          uint8_t ret_digest[SHA256_DIGEST_SIZE],
                          struct kexec_seg_region *ret_regions, size_t max_regions, size_t *ret_n);
