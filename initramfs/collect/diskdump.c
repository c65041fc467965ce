/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/unaligned.h"
#include "initramfs/collect/diskdump.h"

struct diskdump_writer {
        struct dump_sink *sink;
        struct diskdump_info info;
        struct diskdump_layout layout;
        const uint8_t *bitmap2;         /* the window's: bit i is pfn win_start + i */
        uint64_t win_start, win_end;

        uint8_t *data;                  /* page data not yet written */
        size_t data_cap, data_fill;
        uint64_t data_file_pos;         /* file offset of data[0] */

        uint8_t *desc;                  /* descriptors not yet written */
        size_t desc_cap, desc_fill;     /* in entries */
        uint64_t desc_first;            /* index of desc[0] */

        uint64_t next_pfn;              /* where to look for the next set bit */
        uint64_t pages;                 /* descriptors produced */
        int error;                      /* first write error */
};

uint64_t bitmap_count(const uint8_t *bm, uint64_t nbits) {
        uint64_t n = 0, i;

        for (i = 0; i + 64 <= nbits; i += 64) {
                uint64_t w;
                memcpy(&w, bm + i / 8, 8);
                n += (uint64_t) __builtin_popcountll(w);
        }
        for (; i < nbits; i++)
                n += bitmap_test(bm, i);
        return n;
}

int diskdump_layout_compute(const struct diskdump_info *info, uint64_t nr_dumpable, struct diskdump_layout *ret) {
        struct diskdump_layout l = {};
        uint64_t bs = info->page_size, blocks;

        if (bs < 512 || bs > (1u << 20) || (bs & (bs - 1)))
                return -EINVAL;
        if (info->max_mapnr == 0 || info->max_mapnr > (UINT64_C(1) << 52))
                return -EINVAL;
        if (info->vmcoreinfo_size > 0 &&
            (info->vmcoreinfo_offset > info->notes_size ||
             info->vmcoreinfo_size > info->notes_size - info->vmcoreinfo_offset))
                return -EINVAL;

        blocks = DIV_ROUND_UP(KDUMP_SUB_HDR_SIZE + (uint64_t) info->notes_size, bs);
        if (blocks > INT_MAX)
                return -E2BIG;
        l.sub_hdr_blocks = (uint32_t) blocks;

        /* Each bitmap on its own whole blocks: crash requires both aligned
         * to the block size (makedumpfile's prepare_bitmap2_buffer()). */
        l.bitmap_bytes = ALIGN_UP(DIV_ROUND_UP(info->max_mapnr, 8), bs);
        if (2 * l.bitmap_bytes / bs > UINT_MAX)
                return -E2BIG;
        l.bitmap_offset = (1 + blocks) * bs;
        l.desc_offset = l.bitmap_offset + 2 * l.bitmap_bytes;
        l.data_offset = l.desc_offset + nr_dumpable * DISKDUMP_PAGE_DESC_SIZE;
        l.nr_dumpable = nr_dumpable;

        *ret = l;
        return 0;
}

void diskdump_header_build(const struct diskdump_info *info, const struct diskdump_layout *l,
                           unsigned status, uint8_t out[DISKDUMP_HDR_SIZE]) {
        memset(out, 0, DISKDUMP_HDR_SIZE);
        memcpy(out, DISKDUMP_SIGNATURE, 8);
        unaligned_write_le32(out + DISKDUMP_OFF_VERSION, DISKDUMP_HEADER_VERSION);
        for (unsigned i = 0; i < 6; i++)
                memcpy(out + DISKDUMP_OFF_UTSNAME + i * DISKDUMP_UTSNAME_FIELD, info->utsname[i], DISKDUMP_UTSNAME_FIELD);
        unaligned_write_le64(out + DISKDUMP_OFF_TIMESTAMP, (uint64_t) info->tv_sec);
        unaligned_write_le64(out + DISKDUMP_OFF_TIMESTAMP + 8, (uint64_t) info->tv_usec);
        unaligned_write_le32(out + DISKDUMP_OFF_STATUS, status | info->compression);
        unaligned_write_le32(out + DISKDUMP_OFF_BLOCK_SIZE, info->page_size);
        unaligned_write_le32(out + DISKDUMP_OFF_SUB_HDR_SIZE, l->sub_hdr_blocks);
        unaligned_write_le32(out + DISKDUMP_OFF_BITMAP_BLOCKS, (uint32_t) (2 * l->bitmap_bytes / info->page_size));
        /* 32-bit max_mapnr is obsolete; the full value is max_mapnr_64. */
        unaligned_write_le32(out + DISKDUMP_OFF_MAX_MAPNR, (uint32_t) MIN(info->max_mapnr, (uint64_t) UINT_MAX));
        /* total_ram_blocks, device_blocks, written_blocks, current_cpu: unused */
        unaligned_write_le32(out + DISKDUMP_OFF_NR_CPUS, (uint32_t) info->nr_cpus);
}

void kdump_sub_header_build(const struct diskdump_info *info, uint8_t out[KDUMP_SUB_HDR_SIZE]) {
        uint64_t page_size = info->page_size;

        memset(out, 0, KDUMP_SUB_HDR_SIZE);
        unaligned_write_le64(out + KDUMP_SUB_OFF_PHYS_BASE, info->phys_base);
        unaligned_write_le32(out + KDUMP_SUB_OFF_DUMP_LEVEL, (uint32_t) info->dump_level);
        /* split, start_pfn, end_pfn: not a split dump */
        if (info->notes_size > 0) {
                uint64_t note_off = page_size + KDUMP_SUB_HDR_SIZE;
                if (info->vmcoreinfo_size > 0) {
                        unaligned_write_le64(out + KDUMP_SUB_OFF_VMCOREINFO, note_off + info->vmcoreinfo_offset);
                        unaligned_write_le64(out + KDUMP_SUB_OFF_VMCOREINFO + 8, info->vmcoreinfo_size);
                }
                unaligned_write_le64(out + KDUMP_SUB_OFF_NOTE, note_off);
                unaligned_write_le64(out + KDUMP_SUB_OFF_NOTE + 8, info->notes_size);
        }
        /* eraseinfo, start_pfn_64, end_pfn_64: unused */
        unaligned_write_le64(out + KDUMP_SUB_OFF_MAX_MAPNR_64, info->max_mapnr);
}

struct diskdump_writer *diskdump_writer_free(struct diskdump_writer *w) {
        if (!w)
                return NULL;
        free(w->data);
        free(w->desc);
        free(w);
        return NULL;
}

const struct diskdump_layout *diskdump_writer_layout(const struct diskdump_writer *w) {
        return &w->layout;
}

uint64_t diskdump_writer_pages(const struct diskdump_writer *w) {
        return w->pages;
}

int diskdump_writer_start(struct dump_sink *sink, const struct diskdump_info *info, uint64_t nr_dumpable,
                          size_t buffer_size, struct diskdump_writer **ret) {
        struct diskdump_writer *w;
        uint8_t hdr[DISKDUMP_HDR_SIZE], sub[KDUMP_SUB_HDR_SIZE];
        int r;

        if (!info || info->sz < sizeof(struct diskdump_info))
                return -EINVAL;

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->sink = sink;
        w->info = *info;

        r = diskdump_layout_compute(info, nr_dumpable, &w->layout);
        if (r < 0)
                goto fail;

        /* Page data buffer: at least a few pages, else the caller's bound;
         * descriptors get an eighth of it. */
        buffer_size = MAX(buffer_size, (size_t) 16 * info->page_size + 64 * DISKDUMP_PAGE_DESC_SIZE);
        w->data_cap = buffer_size - buffer_size / 8;
        w->desc_cap = (buffer_size / 8) / DISKDUMP_PAGE_DESC_SIZE;
        w->data = malloc(w->data_cap);
        w->desc = malloc(w->desc_cap * DISKDUMP_PAGE_DESC_SIZE);
        if (!w->data || !w->desc) {
                r = -ENOMEM;
                goto fail;
        }

        diskdump_header_build(info, &w->layout, 0, hdr);
        r = dump_sink_write(sink, 0, hdr, sizeof(hdr));
        if (r < 0)
                goto fail;
        kdump_sub_header_build(info, sub);
        r = dump_sink_write(sink, info->page_size, sub, sizeof(sub));
        if (r < 0)
                goto fail;
        if (info->notes_size > 0) {
                r = dump_sink_write(sink, info->page_size + KDUMP_SUB_HDR_SIZE, info->notes, info->notes_size);
                if (r < 0)
                        goto fail;
        }

        /* Space for the descriptors is allocated now, so that marking pages
         * written cannot fail on a full disk later. */
        r = dump_sink_reserve(sink, w->layout.desc_offset, w->layout.nr_dumpable * DISKDUMP_PAGE_DESC_SIZE);
        if (r < 0)
                goto fail;

        /* The shared zero page opens the data area (makedumpfile's pd_zero). */
        memset(w->data, 0, info->page_size);
        w->data_fill = info->page_size;
        w->data_file_pos = w->layout.data_offset;

        *ret = w;
        return 0;
fail:
        diskdump_writer_free(w);
        return r;
}

int diskdump_writer_bitmap(struct diskdump_writer *w, unsigned which, uint64_t start, uint64_t n, const uint8_t *bm) {
        uint64_t off, nbytes, max = w->info.max_mapnr;
        int r;

        if (which > 1 || start % 8 != 0 || start > max || n > max - start)
                return -EINVAL;
        if (n == 0)
                return 0;
        off = w->layout.bitmap_offset + which * w->layout.bitmap_bytes + start / 8;
        nbytes = DIV_ROUND_UP(n, 8);
        r = dump_sink_write(w->sink, off, bm, nbytes);
        if (r < 0)
                return r;
        if (start + n < max)
                return 0;

        /* The last piece: bits past max_mapnr in the last byte must read as
         * zero even if the caller's buffer had them set. */
        if (max & 7) {
                uint8_t last = bm[nbytes - 1] & (uint8_t) ((1u << (max & 7)) - 1);
                r = dump_sink_write(w->sink, off + nbytes - 1, &last, 1);
                if (r < 0)
                        return r;
        }
        /* Zeros to the bitmap's whole blocks. */
        {
                uint64_t used = DIV_ROUND_UP(max, 8), tail = w->layout.bitmap_bytes - used;
                if (tail > 0) {
                        _cleanup_free_ uint8_t *z = calloc(1, tail);
                        if (!z)
                                return -ENOMEM;
                        r = dump_sink_write(w->sink, w->layout.bitmap_offset + which * w->layout.bitmap_bytes + used, z, tail);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The first set bit of the window at or after pfn, or win_end. */
static uint64_t window_next_set(const struct diskdump_writer *w, uint64_t p) {
        for (p = MAX(p, w->win_start); p < w->win_end;) {
                uint64_t q = p - w->win_start;
                if ((q & 63) == 0 && p + 64 <= w->win_end) {
                        uint64_t word;
                        memcpy(&word, w->bitmap2 + q / 8, 8);
                        if (word == 0) {
                                p += 64;
                                continue;
                        }
                }
                if (bitmap_test(w->bitmap2, q))
                        return p;
                p++;
        }
        return w->win_end;
}

int diskdump_writer_window(struct diskdump_writer *w, const uint8_t *bitmap2, uint64_t start, uint64_t end) {
        if (w->bitmap2 || start < w->win_end || start % 64 != 0 || end < start || end > w->info.max_mapnr)
                return -EINVAL;
        w->bitmap2 = bitmap2;
        w->win_start = start;
        w->win_end = end;
        return 0;
}

int diskdump_writer_window_end(struct diskdump_writer *w) {
        /* Every set bit of the window got its descriptor. */
        if (!w->bitmap2 || window_next_set(w, w->next_pfn) < w->win_end)
                return -EINVAL;
        w->bitmap2 = NULL;
        return 0;
}

int diskdump_writer_new(struct dump_sink *sink, const struct diskdump_info *info,
                        const uint8_t *bitmap1, const uint8_t *bitmap2, size_t buffer_size,
                        struct diskdump_writer **ret) {
        struct diskdump_writer *w = NULL;
        int r;

        if (!info || info->sz < sizeof(struct diskdump_info))
                return -EINVAL;
        r = diskdump_writer_start(sink, info, bitmap_count(bitmap2, info->max_mapnr), buffer_size, &w);
        if (r < 0)
                return r;
        r = diskdump_writer_bitmap(w, 0, 0, info->max_mapnr, bitmap1);
        if (r >= 0)
                r = diskdump_writer_bitmap(w, 1, 0, info->max_mapnr, bitmap2);
        if (r >= 0)
                r = diskdump_writer_window(w, bitmap2, 0, info->max_mapnr);
        if (r < 0) {
                diskdump_writer_free(w);
                return r;
        }
        *ret = w;
        return 0;
}

static int writer_flush(struct diskdump_writer *w) {
        int r;

        if (w->error)
                return w->error;

        if (w->data_fill > 0) {
                r = dump_sink_write(w->sink, w->data_file_pos, w->data, w->data_fill);
                if (r < 0)
                        return (w->error = r);
                w->data_file_pos += w->data_fill;
                w->data_fill = 0;
        }
        /* Descriptors only after the data they point to is written, so an
         * interrupted dump never has a descriptor to missing data. */
        if (w->desc_fill > 0) {
                r = dump_sink_write(w->sink, w->layout.desc_offset + w->desc_first * DISKDUMP_PAGE_DESC_SIZE,
                                    w->desc, w->desc_fill * DISKDUMP_PAGE_DESC_SIZE);
                if (r < 0)
                        return (w->error = r);
                w->desc_first += w->desc_fill;
                w->desc_fill = 0;
        }
        return 0;
}

static int writer_next_pfn(struct diskdump_writer *w, uint64_t pfn) {
        if (!w->bitmap2 || pfn < w->win_start || pfn >= w->win_end || pfn < w->next_pfn ||
            w->pages >= w->layout.nr_dumpable)
                return -EINVAL;
        /* Every set bit of the 2nd bitmap gets exactly one descriptor, in
         * PFN order: skipping one would shift all later pages. */
        if (window_next_set(w, w->next_pfn) != pfn)
                return -EINVAL;
        w->next_pfn = pfn + 1;
        return 0;
}

static void writer_add_desc(struct diskdump_writer *w, uint64_t offset, uint32_t size, uint32_t flags) {
        uint8_t *d;

        /* Callers made room (writer_flush()) before. */
        d = w->desc + w->desc_fill * DISKDUMP_PAGE_DESC_SIZE;
        unaligned_write_le64(d, offset);
        unaligned_write_le32(d + 8, size);
        unaligned_write_le32(d + 12, flags);
        unaligned_write_le64(d + 16, 0);
        w->desc_fill++;
        w->pages++;
}

int diskdump_writer_add_page(struct diskdump_writer *w, uint64_t pfn, const void *data, size_t size, unsigned flags) {
        int r;

        if (w->error)
                return w->error;
        if (size == 0 || size > w->info.page_size || (flags == 0 && size != w->info.page_size))
                return -EINVAL;
        r = writer_next_pfn(w, pfn);
        if (r < 0)
                return r;

        if (w->data_fill + size > w->data_cap || w->desc_fill == w->desc_cap) {
                r = writer_flush(w);
                if (r < 0)
                        return r;
        }
        memcpy(w->data + w->data_fill, data, size);
        writer_add_desc(w, w->data_file_pos + w->data_fill, (uint32_t) size, flags);
        w->data_fill += size;
        return 0;
}

int diskdump_writer_add_zero(struct diskdump_writer *w, uint64_t pfn) {
        int r;

        if (w->error)
                return w->error;
        r = writer_next_pfn(w, pfn);
        if (r < 0)
                return r;
        if (w->desc_fill == w->desc_cap) {
                r = writer_flush(w);
                if (r < 0)
                        return r;
        }
        writer_add_desc(w, w->layout.data_offset, w->info.page_size, 0);
        return 0;
}

int diskdump_writer_finish(struct diskdump_writer *w, bool incomplete) {
        uint8_t hdr[DISKDUMP_HDR_SIZE];
        int r;

        r = writer_flush(w);
        if (r < 0 || w->pages < w->layout.nr_dumpable)
                incomplete = true;

        if (incomplete) {
                /* Rewriting block 0 needs no new space, so this works on a
                 * full disk too. */
                int k;
                diskdump_header_build(&w->info, &w->layout, DISKDUMP_STATUS_INCOMPLETE, hdr);
                k = dump_sink_write(w->sink, 0, hdr, sizeof(hdr));
                if (r >= 0 && k < 0)
                        r = k;
        }
        return r < 0 ? r : (incomplete ? 1 : 0);
}
