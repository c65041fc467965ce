/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/macro.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/elf-dump.h"

#define PS 4096u
#define CHUNK_MAX (4u << 20)

uint64_t elf_seg_bound(uint64_t bytes, uint64_t page_size) {
        /* A new PT_LOAD needs a hole of ELF_HOLE_MIN_PAGES and then a kept
         * page; +2 for partial pages at both ends. */
        return DIV_ROUND_UP(bytes, page_size) / (ELF_HOLE_MIN_PAGES + 1) + 2;
}

/* A tighter bound from the bitmap: a new PT_LOAD needs a run of
 * ELF_HOLE_MIN_PAGES excluded or zero pages.  Such a run either holds part of
 * a maximal run of bitmap-excluded pages (counted once each) or lies inside
 * a run of kept pages, of which a run of L holds at most L / 256. */
static uint64_t load_seg_bound(const struct dump_elf_load *l, const uint8_t *bm, uint64_t max_mapnr, bool exclude_zero) {
        uint64_t first = DIV_ROUND_UP(l->phys, PS), end = (l->phys + l->file_size) / PS;
        uint64_t runs = 0, long_runs = 0, kept_run = 0, excl_run = 0, in_kept = 0;

        for (uint64_t pfn = first; pfn < end; pfn++) {
                bool keep = pfn >= max_mapnr || bitmap_test(bm, pfn);
                if (keep) {
                        if (excl_run >= ELF_HOLE_MIN_PAGES)
                                long_runs++;
                        excl_run = 0;
                        kept_run++;
                } else {
                        if (excl_run == 0)
                                runs++;
                        excl_run++;
                        in_kept += kept_run / ELF_HOLE_MIN_PAGES;
                        kept_run = 0;
                }
        }
        in_kept += kept_run / ELF_HOLE_MIN_PAGES;
        if (excl_run >= ELF_HOLE_MIN_PAGES)
                long_runs++;
        return (exclude_zero ? runs + in_kept : long_runs) + 3;
}

int elf_seg_builder_init(struct elf_seg_builder *b, size_t max_segs, uint64_t data_offset, uint64_t page_size) {
        *b = (struct elf_seg_builder) { .cap = max_segs, .pos = data_offset, .page_size = page_size };
        b->segs = calloc(MAX(max_segs, 1u), sizeof(*b->segs));
        return b->segs ? 0 : -ENOMEM;
}

void elf_seg_builder_done(struct elf_seg_builder *b) {
        free(b->segs);
        b->segs = NULL;
}

int elf_seg_builder_begin(struct elf_seg_builder *b, uint64_t phys, uint64_t virt) {
        if (b->open)
                return -EINVAL;
        b->cur = (struct elf_seg) { .phys = phys, .virt = virt, .offset = b->pos };
        b->open = true;
        b->hole = 0;
        return 0;
}

static int emit(struct elf_seg_builder *b) {
        if (b->n >= b->cap)
                return -E2BIG;
        b->segs[b->n++] = b->cur;
        return 0;
}

int elf_seg_builder_data(struct elf_seg_builder *b, uint64_t len, uint64_t *ret_offset) {
        int r;

        if (!b->open)
                return -EINVAL;
        if (b->hole >= (uint64_t) ELF_HOLE_MIN_PAGES * b->page_size) {
                /* Close the PT_LOAD with the run as its zero tail; the next
                 * one starts here, at the same file offset (the run takes no
                 * file space). */
                b->cur.memsz += b->hole;
                r = emit(b);
                if (r < 0)
                        return r;
                b->cur = (struct elf_seg) {
                        .phys = b->cur.phys + b->cur.memsz,
                        .virt = b->cur.virt ? b->cur.virt + b->cur.memsz : 0,
                        .offset = b->pos,
                };
        } else if (b->hole > 0) {
                /* A short run stays in the file: never written, reads as zeroes. */
                b->cur.filesz += b->hole;
                b->cur.memsz += b->hole;
                b->pos += b->hole;
        }
        b->hole = 0;
        *ret_offset = b->pos;
        b->cur.filesz += len;
        b->cur.memsz += len;
        b->pos += len;
        return 0;
}

void elf_seg_builder_hole(struct elf_seg_builder *b, uint64_t len) {
        b->hole += len;
}

int elf_seg_builder_end(struct elf_seg_builder *b) {
        if (!b->open)
                return -EINVAL;
        b->cur.memsz += b->hole;
        b->hole = 0;
        b->open = false;
        return emit(b);
}

static bool page_is_zero(const uint8_t *p, size_t n) {
        uint64_t w;
        memcpy(&w, p, 8);
        return w == 0 && memcmp(p, p + 8, n - 8) == 0;
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Pending write of contiguous kept bytes, flushed when the next kept run is
 * not adjacent in the file or the chunk buffer is about to be reused. */
struct pending {
        const uint8_t *buf;
        uint64_t offset, len;
};

static int pending_flush(struct dump_sink *sink, struct pending *p, uint64_t *high) {
        int r;

        if (p->len == 0)
                return 0;
        r = dump_sink_write(sink, p->offset, p->buf, p->len);
        if (r < 0)
                return r;
        *high = MAX(*high, p->offset + p->len);
        p->len = 0;
        return 0;
}

static int write_headers(const struct dump_source *src, struct dump_sink *sink, const struct elf_seg_builder *b,
                         uint64_t notes_offset, bool incomplete) {
        size_t nph = b->n + 1, size;
        bool xnum = nph >= PN_XNUM;
        _cleanup_free_ uint8_t *buf = NULL;
        Elf64_Ehdr eh = {
                .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE },
                .e_type = ET_CORE,
                .e_machine = src->machine ?: EM_X86_64,
                .e_version = EV_CURRENT,
                .e_phoff = sizeof(Elf64_Ehdr),
                .e_flags = incomplete ? 1 : 0,  /* makedumpfile's mark for an incomplete dump */
                .e_ehsize = sizeof(Elf64_Ehdr),
                .e_phentsize = sizeof(Elf64_Phdr),
                .e_phnum = xnum ? PN_XNUM : (Elf64_Half) nph,
        };
        Elf64_Phdr *ph;

        size = sizeof(eh) + nph * sizeof(Elf64_Phdr) + (xnum ? sizeof(Elf64_Shdr) : 0);
        buf = calloc(1, size);
        if (!buf)
                return -ENOMEM;
        if (xnum) {
                Elf64_Shdr sh = { .sh_type = SHT_NULL, .sh_size = 1, .sh_link = SHN_UNDEF, .sh_info = (Elf64_Word) nph };
                eh.e_shoff = sizeof(eh) + nph * sizeof(Elf64_Phdr);
                eh.e_shentsize = sizeof(Elf64_Shdr);
                eh.e_shnum = 1;
                eh.e_shstrndx = SHN_UNDEF;
                memcpy(buf + eh.e_shoff, &sh, sizeof(sh));
        }
        memcpy(buf, &eh, sizeof(eh));
        ph = (Elf64_Phdr *) (buf + sizeof(eh));
        ph[0] = (Elf64_Phdr) {
                .p_type = PT_NOTE, .p_offset = notes_offset,
                .p_filesz = src->notes_size, .p_memsz = src->notes_size, .p_align = 0,
        };
        for (size_t i = 0; i < b->n; i++)
                ph[i + 1] = (Elf64_Phdr) {
                        .p_type = PT_LOAD,
                        .p_flags = PF_R | PF_W | PF_X,
                        .p_offset = b->segs[i].offset,
                        .p_vaddr = b->segs[i].virt,
                        .p_paddr = b->segs[i].phys,
                        .p_filesz = b->segs[i].filesz,
                        .p_memsz = b->segs[i].memsz,
                        .p_align = 0,
                };
        return dump_sink_write(sink, 0, buf, size);
}

int elf_dump_write(const struct dump_source *src, const uint8_t *bitmap2, uint64_t max_mapnr,
                   bool exclude_zero, const struct dump_options *opts, struct dump_sink *sink,
                   struct dump_result *res) {
        struct elf_seg_builder b = {};
        _cleanup_free_ uint8_t *chunk = NULL;
        uint64_t max_segs = 0, header_room, notes_offset, data_offset, high = 0;
        uint64_t pages_total = 0, pages_done = 0;
        size_t chunk_size;
        double t0 = now(), last = t0;
        int r = 0, k;

        for (size_t i = 0; i < src->n_elf_loads; i++) {
                max_segs += MIN(elf_seg_bound(src->elf_loads[i].file_size, PS),
                                load_seg_bound(&src->elf_loads[i], bitmap2, max_mapnr, exclude_zero));
                pages_total += DIV_ROUND_UP(src->elf_loads[i].file_size, PS);
        }
        if (max_segs + 1 > UINT32_MAX)
                return -E2BIG;
        header_room = sizeof(Elf64_Ehdr) + (max_segs + 1) * sizeof(Elf64_Phdr) + sizeof(Elf64_Shdr);
        notes_offset = ALIGN_UP(header_room, 8);
        data_offset = ALIGN_UP(notes_offset + src->notes_size, PS);

        chunk_size = MIN(MAX(opts->memory_budget / 2, (size_t) 64 * PS), (size_t) CHUNK_MAX);
        chunk_size = ALIGN_DOWN(chunk_size, PS);
        chunk = malloc(chunk_size);
        if (!chunk)
                return -ENOMEM;
        res->buffer_bytes += chunk_size + max_segs * sizeof(struct elf_seg);
        r = elf_seg_builder_init(&b, (size_t) max_segs, data_offset, PS);
        if (r < 0)
                return r;

        /* The header region is written last: allocate it now so that
         * writing it cannot fail on a full disk. */
        r = dump_sink_reserve(sink, 0, data_offset);
        if (r < 0)
                goto finish;
        if (src->notes_size > 0) {
                r = dump_sink_write(sink, notes_offset, src->notes, src->notes_size);
                if (r < 0)
                        goto finish;
        }
        high = data_offset;

        for (size_t i = 0; i < src->n_elf_loads && r >= 0; i++) {
                const struct dump_elf_load *l = &src->elf_loads[i];
                uint64_t a = l->phys, end = l->phys + l->file_size;
                struct pending pend = {};

                r = elf_seg_builder_begin(&b, l->phys, l->virt);
                if (r < 0)
                        break;
                while (a < end) {
                        /* Chunks end on page boundaries of the physical address. */
                        uint64_t cend = MIN(end, ALIGN_DOWN(a, PS) + chunk_size);
                        size_t n = (size_t) (cend - a);

                        r = pending_flush(sink, &pend, &high);
                        if (r < 0)
                                break;
                        r = src->read(src->userdata, a, chunk, n);
                        if (r < 0)
                                break;
                        for (uint64_t p = a; p < cend;) {
                                uint64_t pfn = p / PS, pe = MIN(cend, (pfn + 1) * PS), len = pe - p, off;
                                const uint8_t *data = chunk + (p - a);
                                bool whole = p % PS == 0 && len == PS, keep;

                                keep = !whole || pfn >= max_mapnr || bitmap_test(bitmap2, pfn);
                                if (keep && whole && exclude_zero && page_is_zero(data, PS)) {
                                        keep = false;
                                        res->zero_pages++;
                                }
                                if (!keep)
                                        elf_seg_builder_hole(&b, len);
                                else {
                                        r = elf_seg_builder_data(&b, len, &off);
                                        if (r < 0)
                                                break;
                                        res->dumped_pages++;
                                        /* Adjacent in the file and in the chunk: after a
                                         * long hole the next PT_LOAD's data follows in
                                         * the file but not in memory. */
                                        if (pend.len > 0 && pend.offset + pend.len == off && pend.buf + pend.len == data)
                                                pend.len += len;
                                        else {
                                                r = pending_flush(sink, &pend, &high);
                                                if (r < 0)
                                                        break;
                                                pend = (struct pending) { data, off, len };
                                        }
                                }
                                p = pe;
                                pages_done++;
                        }
                        if (r < 0)
                                break;
                        r = pending_flush(sink, &pend, &high);
                        if (r < 0)
                                break;
                        a = cend;
                        if (opts->progress && now() - last >= 1.0) {
                                struct dump_progress pr = {
                                        pages_done, pages_total, dump_sink_bytes(sink), now() - t0,
                                        res->excluded, res->zero_pages,
                                };
                                last = now();
                                opts->progress(&pr, opts->progress_userdata);
                        }
                }
                /* The input's own zero tail stays one. */
                if (r >= 0 && l->mem_size > l->file_size)
                        elf_seg_builder_hole(&b, l->mem_size - l->file_size);
                /* Also after a failure: the headers describe what was reached. */
                k = elf_seg_builder_end(&b);
                if (r >= 0 && k < 0)
                        r = k;
        }

finish:
        /* Data that ends in a hole still needs the file to reach it. */
        if (b.n > 0) {
                const struct elf_seg *s = &b.segs[b.n - 1];
                uint64_t file_end = s->offset + s->filesz;
                /* Only past the last byte written: a stream's extension is a
                 * record that would overwrite data. */
                if (file_end > high) {
                        k = dump_sink_extend(sink, file_end);
                        if (r >= 0 && k < 0)
                                r = k;
                }
        }
        k = write_headers(src, sink, &b, notes_offset, r < 0);
        if (r >= 0 && k < 0)
                r = k;
        res->elf_segments = b.n;
        res->incomplete = r < 0;
        elf_seg_builder_done(&b);
        return r;
}
