/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/macro.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/elf-dump.h"
#include "initramfs/collect/page-cycle.h"

#define CHUNK_MAX (4u << 20)

void elf_seg_builder_init_grow(struct elf_seg_builder *b, uint64_t data_offset, uint64_t page_size) {
        *b = (struct elf_seg_builder) { .grow = true, .pos = data_offset, .page_size = page_size };
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
        if (b->n >= b->cap && b->grow) {
                size_t cap = MAX(b->cap * 2, (size_t) 16);
                struct elf_seg *p = reallocarray(b->segs, cap, sizeof(*p));
                if (!p)
                        return -ENOMEM;
                b->segs = p;
                b->cap = cap;
        }
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
        /* Word compares with an early exit: a page that is not zero almost
         * always shows it in its first cache line. */
        const uint64_t *w = (const uint64_t *) p;
        for (size_t i = 0; i < n / 8; i += 8)
                if ((w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7]) != 0)
                        return false;
        return true;
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The 2nd bitmap, a cycle at a time (page-cycle.h); pages past
 * max_mapnr are kept. */
struct bits {
        struct page_cycles *pc;
        uint64_t max_mapnr;
};

/* The first pfn in [pfn, end) whose keep state differs from pfn's (end if
 * none), skipping whole bitmap words; at most to the end of pfn's cycle. */
static int run_end(struct bits *bt, uint64_t pfn, uint64_t end, bool *ret_keep, uint64_t *ret_end) {
        uint64_t k, cs, ce, lim;
        const uint8_t *bm;
        bool keep;
        int r;

        if (pfn >= bt->max_mapnr) {
                *ret_keep = true;
                *ret_end = end;
                return 0;
        }
        k = pfn / bt->pc->cycle;
        r = page_cycles_get(bt->pc, k, &bm);
        if (r < 0)
                return r;
        cs = page_cycle_start(bt->pc, k);
        ce = page_cycle_end(bt->pc, k);
        lim = MIN(end, ce);
        keep = bitmap_test(bm, pfn - cs);
        *ret_keep = keep;
        for (pfn++; pfn < lim;) {
                uint64_t i = pfn - cs;
                if ((i & 63) == 0 && pfn + 64 <= lim) {
                        uint64_t w;
                        memcpy(&w, bm + i / 8, 8);
                        if (w == (keep ? UINT64_MAX : 0)) {
                                pfn += 64;
                                continue;
                        }
                }
                if (bitmap_test(bm, i) != keep) {
                        *ret_end = pfn;
                        return 0;
                }
                pfn++;
        }
        /* Past max_mapnr every page is kept. */
        *ret_end = keep && lim == bt->max_mapnr ? end : lim;
        return 0;
}

/* One piece of a PT_LOAD: a partial page at an unaligned edge (always kept),
 * or a run of whole pages with the same keep state (split where cycles
 * meet, which changes nothing written). */
struct piece {
        uint64_t phys, len;
        bool keep, whole;
};

static int next_piece(struct bits *bt, uint64_t p, uint64_t end, uint64_t ps, struct piece *ret) {
        uint64_t pfn, e;
        bool keep;
        int r;

        if (p % ps != 0 || end - p < ps) {
                *ret = (struct piece) { p, MIN(end, ALIGN_DOWN(p, ps) + ps) - p, true, false };
                return 0;
        }
        pfn = p / ps;
        r = run_end(bt, pfn, end / ps, &keep, &e);
        if (r < 0)
                return r;
        *ret = (struct piece) { p, (e - pfn) * ps, keep, true };
        return 0;
}

/* Source bytes at paddr: through src->map where it can point at them
 * (no copy), else read into buf (len bytes at most). */
static int source_get(const struct dump_source *src, uint64_t ps, uint64_t paddr, size_t len, uint8_t *buf,
                      const uint8_t **ret, size_t *ret_len) {
        int r;

        if (src->map) {
                const void *p;
                size_t n;
                r = src->map(src->userdata, paddr, len, &p, &n);
                /* Less than a page only where the source's PT_LOADs split
                 * one: read that page whole instead. */
                if (r >= 0 && (n >= ps || n == len)) {
                        *ret = p;
                        *ret_len = n;
                        return 0;
                }
                if (r >= 0)
                        len = MIN(len, (size_t) ps);
                else if (r != -ENODATA)
                        return r;
        }
        r = src->read(src->userdata, paddr, buf, len);
        if (r < 0)
                return r;
        *ret = buf;
        *ret_len = len;
        return 0;
}

struct zero_ctx {
        const struct dump_source *src;
        uint64_t ps;
        uint8_t *chunk;
        size_t chunk_size;
};

/* Clears the all-zero pages among the kept pfns [lo, hi) of the cycle at
 * start. */
static int zero_run(struct zero_ctx *z, uint64_t start, uint8_t *bm, uint64_t lo, uint64_t hi, uint64_t *cleared) {
        for (uint64_t a = lo * z->ps; a < hi * z->ps;) {
                const uint8_t *d;
                size_t n;
                int r;

                r = source_get(z->src, z->ps, a, (size_t) MIN(hi * z->ps - a, (uint64_t) z->chunk_size), z->chunk, &d, &n);
                if (r < 0)
                        return r;
                n = ALIGN_DOWN(n, z->ps);
                if (n == 0)
                        return -EIO;
                for (size_t o = 0; o < n; o += z->ps) {
                        uint64_t i = (a + o) / z->ps - start;
                        if (bitmap_test(bm, i) && page_is_zero(d + o, z->ps)) {
                                bitmap_clear(bm, i);
                                (*cleared)++;
                        }
                }
                a += n;
        }
        return 0;
}

/* Zero pages (dump level bit 1) leave the bitmap before the layout is
 * computed, so that the program header table has its exact size and the
 * data follows it directly, as in makedumpfile, whose
 * get_loads_dumpfile_cyclic() counts the PT_LOADs before writing any.  Only
 * kept whole pages inside a PT_LOAD are looked at, and a page that is not
 * zero is usually told by its first cache line, so this costs little next
 * to the copy.  The refine step of page-cycle.h, for one cycle. */
static int exclude_zero_pages(void *userdata, uint64_t start, uint64_t end, uint8_t *bm, uint64_t *ret_cleared) {
        struct zero_ctx *z = userdata;
        uint64_t cleared = 0;
        int r;

        for (size_t i = 0; i < z->src->n_elf_loads; i++) {
                const struct dump_elf_load *l = &z->src->elf_loads[i];
                uint64_t lo = MAX(DIV_ROUND_UP(l->phys, z->ps), start);
                uint64_t hi = MIN((l->phys + l->file_size) / z->ps, end);

                for (uint64_t p = lo; p < hi;) {
                        uint64_t e = p + 1;
                        if (!bitmap_test(bm, p - start)) {
                                p++;
                                continue;
                        }
                        while (e < hi && bitmap_test(bm, e - start))
                                e++;
                        r = zero_run(z, start, bm, p, e, &cleared);
                        if (r < 0)
                                return r;
                        p = e;
                }
        }
        *ret_cleared = cleared;
        return 0;
}

/* Feeds one PT_LOAD's pieces to the builder; with sink, also writes the kept
 * bytes. */
struct walk {
        const struct dump_source *src;
        uint64_t ps;                    /* the dumped kernel's page size */
        struct bits *bt;
        struct elf_seg_builder *b;
        struct dump_sink *sink;         /* NULL: layout only */
        uint8_t *chunk;
        size_t chunk_size;
        uint64_t high;                  /* end of the last byte written */
        uint64_t bytes_done, pages_total;
        struct dump_result *res;
        const struct dump_options *opts;
        double t0, last;
};

static int walk_load(struct walk *w, const struct dump_elf_load *l) {
        uint64_t end = l->phys + l->file_size;
        int r = 0, k;

        r = elf_seg_builder_begin(w->b, l->phys, l->virt);
        if (r < 0)
                return r;
        for (uint64_t p = l->phys; p < end && r >= 0;) {
                struct piece pc;
                uint64_t off;

                r = next_piece(w->bt, p, end, w->ps, &pc);
                if (r < 0)
                        break;
                p += pc.len;
                if (!pc.keep) {
                        elf_seg_builder_hole(w->b, pc.len);
                        w->bytes_done += pc.len;
                        continue;
                }
                r = elf_seg_builder_data(w->b, pc.len, &off);
                if (r < 0)
                        break;
                if (!w->sink)
                        continue;
                /* RAM pages as ram_pages counts them: whole ones, once.  A
                 * partial page at an unaligned edge is in neither count,
                 * and the kernel-text alias writes pages a RAM load has
                 * too, so "N of M RAM pages" never has N > M. */
                if (pc.whole && !l->alias)
                        w->res->dumped_pages += pc.len / w->ps;
                for (uint64_t a = pc.phys; a < pc.phys + pc.len;) {
                        const uint8_t *d;
                        size_t n;

                        r = source_get(w->src, w->ps, a, (size_t) MIN(pc.phys + pc.len - a, (uint64_t) w->chunk_size), w->chunk, &d, &n);
                        if (r < 0)
                                break;
                        r = dump_sink_write(w->sink, off + (a - pc.phys), d, n);
                        if (r < 0)
                                break;
                        a += n;
                        w->high = MAX(w->high, off + (a - pc.phys));
                        w->bytes_done += n;
                        /* Per chunk: one kept run can be gigabytes. */
                        if (w->opts->progress && now() - w->last >= 1.0) {
                                struct dump_progress pr = {
                                        MIN(w->bytes_done / w->ps, w->pages_total), w->pages_total,
                                        dump_sink_bytes(w->sink), now() - w->t0,
                                        w->res->excluded, w->res->zero_pages, (uint32_t) w->ps,
                                };
                                w->last = now();
                                w->opts->progress(&pr, w->opts->progress_userdata);
                        }
                }
        }
        /* The input's own zero tail stays one. */
        if (r >= 0 && l->mem_size > l->file_size)
                elf_seg_builder_hole(w->b, l->mem_size - l->file_size);
        /* Also after a failure: the headers describe what was reached. */
        k = elf_seg_builder_end(w->b);
        return r < 0 ? r : k;
}

int elf_dump_headers(const struct dump_source *src, const struct elf_seg *segs, size_t n_segs,
                     uint64_t notes_offset, bool incomplete, uint8_t **ret, size_t *ret_size) {
        size_t nph = n_segs + 1, size;
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

        if (nph > UINT32_MAX)
                return -E2BIG;
        size = elf_dump_header_size(n_segs);
        if (notes_offset < size)
                return -EINVAL;
        buf = calloc(1, size);
        if (!buf)
                return -ENOMEM;
        if (xnum) {
                /* The real count in section header 0, as fs/binfmt_elf.c's
                 * fill_extnum_info() writes it for a core. */
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
        for (size_t i = 0; i < n_segs; i++)
                ph[i + 1] = (Elf64_Phdr) {
                        .p_type = PT_LOAD,
                        .p_flags = PF_R | PF_W | PF_X,
                        .p_offset = segs[i].offset,
                        .p_vaddr = segs[i].virt,
                        .p_paddr = segs[i].phys,
                        .p_filesz = segs[i].filesz,
                        .p_memsz = segs[i].memsz,
                        .p_align = 0,
                };
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

uint64_t elf_dump_header_size(uint64_t n_segs) {
        return sizeof(Elf64_Ehdr) + (n_segs + 1) * sizeof(Elf64_Phdr) +
                (n_segs + 1 >= PN_XNUM ? sizeof(Elf64_Shdr) : 0);
}

static int write_headers(const struct dump_source *src, struct dump_sink *sink, const struct elf_seg *segs, size_t n,
                         uint64_t notes_offset, bool incomplete) {
        _cleanup_free_ uint8_t *buf = NULL;
        size_t size;
        int r;

        r = elf_dump_headers(src, segs, n, notes_offset, incomplete, &buf, &size);
        if (r < 0)
                return r;
        return dump_sink_write(sink, 0, buf, size);
}

/* The layout from the final bitmap (zero pages out: the walk runs the
 * refine step cycle by cycle), file offsets from 0: the header's size
 * depends on the number of PT_LOADs. */
static int plan_layout(struct walk *w, struct elf_seg_builder *plan) {
        int r = 0;

        elf_seg_builder_init_grow(plan, 0, w->ps);
        w->b = plan;
        w->sink = NULL;
        for (size_t i = 0; i < w->src->n_elf_loads && r >= 0; i++)
                r = walk_load(w, &w->src->elf_loads[i]);
        if (r >= 0 && plan->n + 1 > UINT32_MAX)
                r = -E2BIG;
        return r;
}

int elf_dump_write(const struct dump_source *src, size_t ps, struct page_cycles *pc,
                   bool exclude_zero, const struct dump_options *opts, struct dump_sink *sink,
                   struct dump_result *res) {
        struct elf_seg_builder plan = {}, b = {};
        _cleanup_free_ uint8_t *chunk = NULL;
        uint64_t n_segs, data_end, notes_offset, data_offset;
        size_t chunk_size;
        struct bits bt = { .pc = pc, .max_mapnr = pc->max_mapnr };
        struct zero_ctx z = { .src = src, .ps = ps };
        struct walk w = {
                .src = src, .ps = ps, .bt = &bt, .res = res, .opts = opts,
                .t0 = now(),
        };
        int r, k;

        /* Where the source cannot be mapped (a saved vmcore: pread), every
         * kept byte goes through this buffer; 128 KiB per read and write
         * costs nothing next to the copy. */
        chunk_size = MIN(MAX((opts->memory_budget ?: DUMP_BUDGET_DEFAULT) / 2, (size_t) 32 * ps), (size_t) CHUNK_MAX);
        chunk_size = ALIGN_DOWN(chunk_size, ps);
        chunk = malloc(chunk_size);
        if (!chunk)
                return -ENOMEM;
        w.chunk = z.chunk = chunk;
        w.chunk_size = z.chunk_size = chunk_size;
        w.last = w.t0;
        if (exclude_zero) {
                pc->refine = exclude_zero_pages;
                pc->refine_userdata = &z;
        }
        for (size_t i = 0; i < src->n_elf_loads; i++)
                w.pages_total += DIV_ROUND_UP(src->elf_loads[i].file_size, ps);

        r = plan_layout(&w, &plan);
        res->zero_pages = page_cycles_refined(pc);
        if (r < 0)
                goto out;
        n_segs = plan.n;
        notes_offset = ALIGN_UP(elf_dump_header_size(n_segs), 8);
        data_offset = notes_offset + src->notes_size;
        data_end = data_offset + plan.pos;
        for (size_t i = 0; i < plan.n; i++)
                plan.segs[i].offset += data_offset;
        res->buffer_bytes += chunk_size + plan.cap * sizeof(struct elf_seg);

        /* In file order: headers, notes, data. */
        r = write_headers(src, sink, plan.segs, plan.n, notes_offset, false);
        elf_seg_builder_done(&plan);
        if (r >= 0 && src->notes_size > 0)
                r = dump_sink_write(sink, notes_offset, src->notes, src->notes_size);
        if (r >= 0)
                r = elf_seg_builder_init(&b, (size_t) n_segs, data_offset, ps);
        w.b = &b;
        w.high = data_offset;
        w.sink = sink;
        w.bytes_done = 0;
        for (size_t i = 0; i < src->n_elf_loads && r >= 0; i++)
                r = walk_load(&w, &src->elf_loads[i]);
        /* The same bitmap gives the same layout; the headers say so. */
        if (r >= 0 && (b.n != n_segs || b.pos != data_end))
                r = -EIO;

        /* Data that ends in a hole still needs the file to reach it. */
        if (b.n > 0) {
                const struct elf_seg *s = &b.segs[b.n - 1];
                uint64_t file_end = s->offset + s->filesz;
                /* Only past the last byte written: a stream's extension is a
                 * record that would overwrite data. */
                if (file_end > w.high) {
                        k = dump_sink_extend(sink, file_end);
                        if (r >= 0 && k < 0)
                                r = k;
                }
        }
        /* A failure: headers again, for what was reached, marked incomplete
         * (in place, so a full disk can take them). */
        if (r < 0)
                (void) write_headers(src, sink, b.segs, b.n, notes_offset, true);
        res->elf_segments = b.n;
        res->incomplete = r < 0;
        elf_seg_builder_done(&b);
out:
        elf_seg_builder_done(&plan);
        pc->refine = NULL;
        return r;
}
