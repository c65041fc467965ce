/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "capture-kernel/segments.h"

void kexec_seg_list_init(struct kexec_seg_list *l, uint64_t res_start, uint64_t res_end) {
        memset(l, 0, sizeof(*l));
        l->res_start = res_start;
        l->res_end = res_end;
}

static int overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end) {
        /* half-open ranges [a, a_end) and [b, b_end) */
        return a < b_end && b < a_end;
}

int kexec_seg_add(struct kexec_seg_list *l, const char *name, const void *buf, uint64_t bufsz,
                  uint64_t memsz, uint64_t align, uint64_t min_addr, uint64_t *ret_mem) {
        uint64_t top, lo, addr;

        if (l->n >= KEXEC_SEGMENTS_MAX)
                return -E2BIG;
        if (align < KEXEC_PAGE_SIZE || (align & (align - 1)) != 0)
                return -EINVAL;
        if (memsz < bufsz)
                memsz = bufsz;
        memsz = ALIGN_UP(memsz, KEXEC_PAGE_SIZE);
        if (memsz == 0 || l->res_end <= l->res_start)
                return -ENOSPC;

        lo = MAX(l->res_start, min_addr);
        top = l->res_end + 1;            /* exclusive */
        for (;;) {
                bool moved = false;

                if (top < lo || top - lo < memsz)
                        return -ENOSPC;
                addr = ALIGN_DOWN(top - memsz, align);
                if (addr < lo)
                        return -ENOSPC;
                /* Walk down below any segment in the way; repeat until a
                 * pass finds none. */
                for (size_t i = 0; i < l->n; i++)
                        if (overlaps(addr, addr + memsz, l->segs[i].mem, l->segs[i].mem + l->segs[i].memsz)) {
                                top = l->segs[i].mem;
                                moved = true;
                                break;
                        }
                if (!moved)
                        break;
        }

        l->segs[l->n++] = (struct kexec_seg) {
                .name = name, .buf = buf, .bufsz = bufsz, .mem = addr, .memsz = memsz,
        };
        if (ret_mem)
                *ret_mem = addr;
        return 0;
}

static const char *seg_name(const struct kexec_seg *s) {
        return s->name ? s->name : "(unnamed)";
}

int kexec_seg_check(const struct kexec_seg *segs, size_t n, uint64_t res_start, uint64_t res_end,
                    uint64_t entry, char **ret_error) {
        /* kernel/kexec.c: "Put an artificial cap on the number of segments". */
        if (n > KEXEC_SEGMENTS_MAX)
                return set_error_message(ret_error, EINVAL, "%zu segments, but kexec_load accepts at most %u", n,
                            KEXEC_SEGMENTS_MAX);

        /* kimage_alloc_init(): the entry point lies in crashk_res. */
        if (entry < res_start || entry > res_end)
                return set_error_message(ret_error, EADDRNOTAVAIL,
                            "the entry point 0x%llx lies outside the crash reservation 0x%llx-0x%llx",
                            (unsigned long long) entry, (unsigned long long) res_start,
                            (unsigned long long) res_end);

        /* sanity_check_segment_list(), in the kernel's order, so the error
         * matches what the syscall would return. */
        for (size_t i = 0; i < n; i++) {
                uint64_t mstart = segs[i].mem, mend = segs[i].mem + segs[i].memsz;

                if (mend < mstart)
                        return set_error_message(ret_error, EADDRNOTAVAIL, "segment %zu (%s) at 0x%llx wraps around the address space",
                                    i, seg_name(&segs[i]), (unsigned long long) mstart);
                if ((mstart | mend) & (KEXEC_PAGE_SIZE - 1))
                        return set_error_message(ret_error, EADDRNOTAVAIL,
                                    "segment %zu (%s) at 0x%llx-0x%llx is not page-aligned (start and end must be multiples of 4096)",
                                    i, seg_name(&segs[i]), (unsigned long long) mstart, (unsigned long long) mend);
        }
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < i; j++)
                        if (overlaps(segs[i].mem, segs[i].mem + segs[i].memsz, segs[j].mem, segs[j].mem + segs[j].memsz))
                                return set_error_message(ret_error, EINVAL,
                                            "segment %zu (%s) at 0x%llx-0x%llx overlaps segment %zu (%s) at 0x%llx-0x%llx",
                                            i, seg_name(&segs[i]), (unsigned long long) segs[i].mem,
                                            (unsigned long long) (segs[i].mem + segs[i].memsz - 1), j, seg_name(&segs[j]),
                                            (unsigned long long) segs[j].mem,
                                            (unsigned long long) (segs[j].mem + segs[j].memsz - 1));
        for (size_t i = 0; i < n; i++)
                if (segs[i].bufsz > segs[i].memsz)
                        return set_error_message(ret_error, EINVAL,
                                    "segment %zu (%s) has a %llu-byte buffer but only %llu bytes of memory",
                                    i, seg_name(&segs[i]), (unsigned long long) segs[i].bufsz,
                                    (unsigned long long) segs[i].memsz);
        for (size_t i = 0; i < n; i++) {
                uint64_t mstart = segs[i].mem, mend = segs[i].mem + segs[i].memsz - 1;

                if (mstart < res_start || mend > res_end)
                        return set_error_message(ret_error, EADDRNOTAVAIL,
                                    "segment %zu (%s) at 0x%llx-0x%llx lies outside the crash reservation 0x%llx-0x%llx",
                                    i, seg_name(&segs[i]), (unsigned long long) mstart, (unsigned long long) mend,
                                    (unsigned long long) res_start, (unsigned long long) res_end);
        }
        return 0;
}

int kexec_seg_list_digest(const struct kexec_seg_list *l, const void *skip_buf,
                          uint8_t ret_digest[SHA256_DIGEST_SIZE],
                          struct kexec_seg_region *ret_regions, size_t max_regions, size_t *ret_n) {
        static const uint8_t zeros[4096];
        struct sha256_ctx ctx;
        size_t nr = 0;

        for (size_t i = 0; i < l->n; i++)
                if (l->segs[i].buf != skip_buf && ++nr > max_regions)
                        return -E2BIG;

        nr = 0;
        sha256_init(&ctx);
        for (size_t i = 0; i < l->n; i++) {
                const struct kexec_seg *s = &l->segs[i];

                if (s->buf == skip_buf)
                        continue;
                sha256_update(&ctx, s->buf, s->bufsz);
                for (uint64_t pad = s->memsz - s->bufsz; pad > 0; pad -= MIN(pad, sizeof(zeros)))
                        sha256_update(&ctx, zeros, MIN(pad, sizeof(zeros)));
                ret_regions[nr++] = (struct kexec_seg_region) { .start = s->mem, .len = s->memsz };
        }
        sha256_final(&ctx, ret_digest);
        *ret_n = nr;
        return 0;
}
