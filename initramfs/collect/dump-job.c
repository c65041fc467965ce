/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/dump-job.h"
#include "initramfs/collect/elf-dump.h"
#include "initramfs/collect/flatten.h"
#include "initramfs/collect/kernel-mmu.h"
#include "initramfs/collect/memmap.h"
#include "initramfs/collect/page-cycle.h"
#include "initramfs/collect/page-filter.h"
#include "initramfs/collect/vmci.h"

#define ITEM_ZERO (-1000)

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* ---- compression workers ---- */

/* One batch of pages: read into in, each compressed into its thread's
 * scratch buffer and copied back over its own page (a compressed page is
 * smaller than the page, else it is stored raw), so a batch needs no second
 * buffer for the output.  Two slots let the main thread write one batch and
 * read the next while the workers compress the other (the output stays in
 * PFN order, so it does not depend on the number of threads). */
struct slot {
        uint8_t *in;
        size_t *out_size;
        int *result;                    /* flag > 0, 0 raw, ITEM_ZERO, or -errno */
        uint64_t *pfns;
        unsigned n;
};

struct pool {
        pthread_mutex_t lock;
        pthread_cond_t start, done;
        unsigned gen, busy, n_threads;
        bool quit;
        atomic_uint next;
        struct slot *cur;               /* being compressed */
        struct slot slots[2];
        size_t ps, bound;
        struct page_compressor **pcs;   /* one per thread, [0] for the main thread */
        uint8_t **scratch;              /* one per thread: bound bytes */
        pthread_t *tids;
};

static bool page_is_zero(const uint8_t *p, size_t n) {
        /* Word compares with an early exit: a page that is not zero almost
         * always shows it in its first cache line. */
        const uint64_t *w = (const uint64_t *) p;
        for (size_t i = 0; i < n / 8; i += 8)
                if ((w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7]) != 0)
                        return false;
        return true;
}

static void pool_process(struct pool *p, unsigned idx) {
        struct slot *s = p->cur;

        for (;;) {
                unsigned i = atomic_fetch_add(&p->next, 1);
                uint8_t *page;
                int f;

                if (i >= s->n)
                        break;
                page = s->in + (size_t) i * p->ps;
                if (page_is_zero(page, p->ps)) {
                        s->result[i] = ITEM_ZERO;
                        continue;
                }
                f = page_compress(p->pcs[idx], page, p->scratch[idx], &s->out_size[i]);
                if (f > 0)      /* smaller than the page: it takes its place */
                        memcpy(page, p->scratch[idx], s->out_size[i]);
                s->result[i] = f;
        }
}

struct worker_arg {
        struct pool *pool;
        unsigned idx;
};

static void *pool_worker(void *a) {
        struct worker_arg *wa = a;
        struct pool *p = wa->pool;
        unsigned seen = 0;

        for (;;) {
                pthread_mutex_lock(&p->lock);
                while (p->gen == seen && !p->quit)
                        pthread_cond_wait(&p->start, &p->lock);
                if (p->quit) {
                        pthread_mutex_unlock(&p->lock);
                        break;
                }
                seen = p->gen;
                pthread_mutex_unlock(&p->lock);

                pool_process(p, wa->idx);

                pthread_mutex_lock(&p->lock);
                if (--p->busy == 0)
                        pthread_cond_signal(&p->done);
                pthread_mutex_unlock(&p->lock);
        }
        free(wa);
        return NULL;
}

/* Hands slot s to the workers and returns at once. */
static void pool_start(struct pool *p, struct slot *s) {
        pthread_mutex_lock(&p->lock);
        atomic_store(&p->next, 0);
        p->cur = s;
        p->busy = p->n_threads - 1;
        p->gen++;
        pthread_cond_broadcast(&p->start);
        pthread_mutex_unlock(&p->lock);
}

/* The main thread compresses what is left of the current slot, then waits
 * for the workers to finish theirs. */
static void pool_finish(struct pool *p) {
        pool_process(p, 0);

        pthread_mutex_lock(&p->lock);
        while (p->busy > 0)
                pthread_cond_wait(&p->done, &p->lock);
        pthread_mutex_unlock(&p->lock);
}

static void pool_free(struct pool *p) {
        if (!p)
                return;
        if (p->tids) {
                pthread_mutex_lock(&p->lock);
                p->quit = true;
                pthread_cond_broadcast(&p->start);
                pthread_mutex_unlock(&p->lock);
                for (unsigned i = 1; i < p->n_threads; i++)
                        if (p->tids[i])
                                pthread_join(p->tids[i], NULL);
        }
        if (p->pcs)
                for (unsigned i = 0; i < p->n_threads; i++)
                        page_compressor_free(p->pcs[i]);
        if (p->scratch)
                for (unsigned i = 0; i < p->n_threads; i++)
                        free(p->scratch[i]);
        free(p->pcs);
        free(p->scratch);
        free(p->tids);
        for (unsigned k = 0; k < 2; k++) {
                free(p->slots[k].in);
                free(p->slots[k].out_size);
                free(p->slots[k].result);
                free(p->slots[k].pfns);
        }
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->start);
        pthread_cond_destroy(&p->done);
        free(p);
}

static int pool_new(unsigned n_threads, unsigned batch, size_t ps, enum page_compression c, struct pool **ret) {
        struct pool *p = calloc(1, sizeof(*p));
        int r;

        if (!p)
                return -ENOMEM;
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->start, NULL);
        pthread_cond_init(&p->done, NULL);
        p->n_threads = MAX(n_threads, 1u);
        p->ps = ps;
        p->bound = page_compress_bound(ps);
        p->pcs = calloc(p->n_threads, sizeof(*p->pcs));
        p->scratch = calloc(p->n_threads, sizeof(*p->scratch));
        p->tids = calloc(p->n_threads, sizeof(*p->tids));
        if (!p->pcs || !p->scratch || !p->tids) {
                pool_free(p);
                return -ENOMEM;
        }
        for (unsigned k = 0; k < 2; k++) {
                struct slot *s = &p->slots[k];
                s->in = malloc((size_t) batch * ps);
                s->out_size = calloc(batch, sizeof(size_t));
                s->result = calloc(batch, sizeof(int));
                s->pfns = calloc(batch, sizeof(uint64_t));
                if (!s->in || !s->out_size || !s->result || !s->pfns) {
                        pool_free(p);
                        return -ENOMEM;
                }
        }
        for (unsigned i = 0; i < p->n_threads; i++) {
                r = page_compressor_new(c, ps, &p->pcs[i]);
                if (r < 0) {
                        pool_free(p);
                        return r;
                }
                if (c != PAGE_COMPRESS_NONE) {
                        p->scratch[i] = malloc(p->bound);
                        if (!p->scratch[i]) {
                                pool_free(p);
                                return -ENOMEM;
                        }
                }
        }
        for (unsigned i = 1; i < p->n_threads; i++) {
                struct worker_arg *wa = malloc(sizeof(*wa));
                if (!wa) {
                        pool_free(p);
                        return -ENOMEM;
                }
                *wa = (struct worker_arg) { p, i };
                r = -pthread_create(&p->tids[i], NULL, pool_worker, wa);
                if (r < 0) {
                        free(wa);
                        p->tids[i] = 0;
                        p->n_threads = i;       /* run with the threads we have */
                        break;
                }
        }
        *ret = p;
        return 0;
}

/* Next batch of dumped pfns from *pfn on, up to the end of the cycle whose
 * 2nd bitmap is bm2 (bit i: pfn start + i), read with one read per
 * physically contiguous run. */
static int slot_fill(struct slot *s, const struct dump_source *src, const uint8_t *bm2, uint64_t start, uint64_t end,
                     uint64_t *pfn, unsigned batch, size_t ps) {
        unsigned n = 0;
        uint64_t q = *pfn;
        int r;

        for (; q < end && n < batch; q++) {
                uint64_t i = q - start;
                if ((i & 63) == 0 && q + 64 <= end) {
                        uint64_t word;
                        memcpy(&word, bm2 + i / 8, 8);
                        if (word == 0) {
                                q += 63;
                                continue;
                        }
                }
                if (bitmap_test(bm2, i))
                        s->pfns[n++] = q;
        }
        *pfn = q;
        s->n = n;
        for (unsigned i = 0; i < n;) {
                unsigned j = i + 1;
                while (j < n && s->pfns[j] == s->pfns[j - 1] + 1)
                        j++;
                r = src->read(src->userdata, s->pfns[i] * ps, s->in + (size_t) i * ps, (size_t) (j - i) * ps);
                if (r < 0) {
                        s->n = 0;
                        return r;
                }
                i = j;
        }
        return 0;
}

/* Hands a compressed slot to the writer, in PFN order. */
static int slot_write(struct slot *s, struct pool *p, struct diskdump_writer *w, struct dump_result *res) {
        int r = 0;

        for (unsigned i = 0; i < s->n; i++) {
                int f = s->result[i];
                if (f == ITEM_ZERO) {
                        r = diskdump_writer_add_zero(w, s->pfns[i]);
                        res->zero_pages++;
                } else if (f > 0)
                        r = diskdump_writer_add_page(w, s->pfns[i], s->in + (size_t) i * p->ps, s->out_size[i], (unsigned) f);
                else if (f == 0)
                        r = diskdump_writer_add_page(w, s->pfns[i], s->in + (size_t) i * p->ps, p->ps, 0);
                else
                        r = f;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- the job ---- */

/* The output, with opts->tap on a file's bytes. */
static int sink_open(const struct dump_options *opts, int out_fd, struct dump_sink **ret) {
        struct dump_sink *s;
        int r;

        if (opts->flat && opts->stream)
                return dump_sink_new_stream(opts->stream, ret);
        r = dump_sink_new(out_fd, opts->flat, &s);
        if (r < 0)
                return r;
        if (opts->tap && !opts->flat) {
                r = dump_sink_tap(s, opts->tap, opts->tap_userdata);
                if (r < 0) {
                        dump_sink_free(s);
                        return r;
                }
        }
        *ret = s;
        return 0;
}

/* The end of the stream, or of the file (with its fsync unless deferred);
 * whether the tap saw all of the file. */
static int sink_finish(const struct dump_options *opts, struct dump_sink *s, struct dump_result *res) {
        int r;

        r = opts->defer_fsync ? dump_sink_finish_nowait(s) : dump_sink_finish(s);
        if (r >= 0 && opts->tap && !opts->flat)
                res->tap_complete = dump_sink_tap_complete(s);
        return r;
}

static void fill_utsname(struct diskdump_info *info, const struct vmci *v, uint16_t machine,
                         struct kernel_mmu *mmu, bool mmu_ok) {
        uint64_t sym, off;
        char buf[6 * 65];

        /* init_uts_ns.name is what `uname` showed; crash checks machine. */
        if (mmu_ok && vmci_symbol(v, "init_uts_ns", &sym) >= 0 &&
            vmci_offset(v, "uts_namespace.name", &off) >= 0 &&
            kernel_mmu_read(mmu, sym + off, buf, sizeof(buf)) >= 0 &&
            strncmp(buf, "Linux", 5) == 0) {
                for (unsigned i = 0; i < 6; i++) {
                        memcpy(info->utsname[i], buf + i * 65, 65);
                        info->utsname[i][64] = 0;
                }
                return;
        }
        strcpy(info->utsname[0], "Linux");
        (void) vmci_string(v, "OSRELEASE", info->utsname[2], 65);
        /* The dump's machine (what the translation used), never the host's. */
        strcpy(info->utsname[4], kernel_machine_name(mmu_ok ? mmu->machine : machine) ?: "");
}

/* Why the filter cannot translate the dump's addresses, for the report. */
static const char *mmu_problem(uint16_t machine, const struct vmci *v, int r) {
        if (machine == 0)
                machine = kernel_machine_from_vmcoreinfo(v);
        if (machine == KERNEL_EM_X86_64)
                return "no x86_64 page-table root in VMCOREINFO";
        if (machine == KERNEL_EM_AARCH64)
                return r == -ENOENT ?
                        "arm64 address translation entries missing in VMCOREINFO (VA_BITS, kimage_voffset, PHYS_OFFSET, "
                        "swapper_pg_dir, PAGESIZE, OSRELEASE; TCR_EL1_T1SZ for 52-bit VAs)" :
                        "arm64 address translation entries in VMCOREINFO do not fit together";
        return "no page-table root in VMCOREINFO for this machine";
}

/* The filter's inputs, alive for the whole job: every pass over the cycles
 * reads the mem_map again. */
struct job_filter {
        struct kernel_mmu mmu;
        struct page_layout layout;
        struct memmap mm;
        bool mmu_ok, filter_ok;
};

/* Sets up the filter and lowers *level to what VMCOREINFO lets it honour;
 * never a guess.  The mem_map is walked at every level: hwpoison and
 * offline pages are excluded even at -d 0/1 (reading them can
 * machine-check the capture kernel or touch memory the hypervisor took
 * back). */
static void filter_setup(const struct dump_source *src, const struct vmci *v, uint64_t max_mapnr,
                         struct job_filter *f, unsigned *level, struct dump_result *res) {
        bool want = *level & ~(unsigned) DL_EXCLUDE_ZERO;
        int k;

        k = kernel_mmu_init(&f->mmu, src->machine, v, src->read, src->userdata);
        f->mmu_ok = k >= 0;
        if (!f->mmu_ok) {
                if (want)
                        res->fallback_reason = mmu_problem(src->machine, v, k);
                *level &= DL_EXCLUDE_ZERO;
        } else if (page_layout_from_vmcoreinfo(v, &f->layout) < 0) {
                if (want) {
                        res->fallback_reason = "struct page layout missing or absurd in VMCOREINFO";
                        res->fallback_entry = page_layout_problem(v);
                }
                *level &= DL_EXCLUDE_ZERO;
        } else if (memmap_discover(v, &f->mmu, max_mapnr, &f->mm) < 0) {
                if (want)
                        res->fallback_reason = "mem_map not found (SPARSEMEM entries missing or unreadable)";
                *level &= DL_EXCLUDE_ZERO;
        } else {
                unsigned ok = page_layout_supported_levels(&f->layout);
                if ((*level & ok) != *level) {
                        res->fallback_reason = "VMCOREINFO cannot be interpreted for some levels";
                        res->fallback_entry = page_layout_missing(&f->layout, *level);
                }
                *level &= ok;
                f->filter_ok = true;
        }
}

/* The kdump-compressed headers' contents. */
static void fill_info(struct diskdump_info *info, const struct dump_source *src, const struct vmci *v,
                      const struct job_filter *f, uint32_t page_size, uint64_t max_mapnr, unsigned level,
                      enum page_compression compression) {
        struct timeval tv;
        int64_t pb = 0;
        char ct[32];
        uint64_t t;

        (void) vmci_number(v, "phys_base", &pb);
        info->phys_base = (uint64_t) pb;
        /* The crash time, as VMCOREINFO's CRASHTIME records it: what crash
         * shows as DATE, and the same bytes on every run (-F | -R equals the
         * direct write).  The collector's clock only without it. */
        if (vmci_string(v, "CRASHTIME", ct, sizeof(ct)) >= 0 && safe_atou64_base(ct, 10, &t) >= 0 && t < INT64_MAX) {
                info->tv_sec = (int64_t) t;
                info->tv_usec = 0;
        } else {
                gettimeofday(&tv, NULL);
                info->tv_sec = tv.tv_sec;
                info->tv_usec = tv.tv_usec;
        }
        info->page_size = page_size;
        info->max_mapnr = max_mapnr;
        info->nr_cpus = MAX(src->nr_cpus, 1);
        info->dump_level = (int32_t) level;
        info->compression = compression;
        info->notes = src->notes;
        info->notes_size = src->notes_size;
        info->vmcoreinfo_offset = src->vmcoreinfo_offset;
        info->vmcoreinfo_size = v->len;
        fill_utsname(info, v, src->machine, (struct kernel_mmu *) &f->mmu, f->mmu_ok);
}

/* The page pipeline's state across cycles. */
struct writing {
        const struct dump_source *src;
        const struct dump_options *opts;
        struct pool *pool;
        struct diskdump_writer *w;
        struct dump_sink *sink;
        struct dump_result *res;
        unsigned batch;
        size_t ps;
        uint64_t done, total;
        double t0, last_progress;
};

/* The dumped pages of one cycle, in a pipeline of two slots: while the
 * workers (and then the main thread) compress one, the main thread writes
 * the batch before it and reads the batch after it.  It drains at the
 * cycle's end: the next cycle's bitmap takes this one's place. */
static int write_cycle(struct writing *wr, const uint8_t *bm2, uint64_t start, uint64_t end) {
        struct pool *pool = wr->pool;
        struct slot *cur = &pool->slots[0], *prev = &pool->slots[1];
        uint64_t pfn = start;
        int r;

        prev->n = 0;
        r = slot_fill(cur, wr->src, bm2, start, end, &pfn, wr->batch, wr->ps);
        if (r < 0)
                return r;
        while (cur->n > 0) {
                int k = 0;

                pool_start(pool, cur);
                if (prev->n > 0) {
                        r = slot_write(prev, pool, wr->w, wr->res);
                        wr->done += prev->n;
                }
                prev->n = 0;
                if (r >= 0 && wr->done + cur->n < wr->total)
                        k = slot_fill(prev, wr->src, bm2, start, end, &pfn, wr->batch, wr->ps);
                pool_finish(pool);
                if (r >= 0)
                        r = k;
                if (r < 0)
                        return r;
                {
                        struct slot *t = cur;
                        cur = prev;
                        prev = t;
                }

                if (wr->opts->progress && now() - wr->last_progress >= 1.0) {
                        struct dump_progress pr = { wr->done, wr->total, dump_sink_bytes(wr->sink), now() - wr->t0,
                                                    wr->res->excluded, wr->res->zero_pages, (uint32_t) wr->ps };
                        wr->last_progress = now();
                        wr->opts->progress(&pr, wr->opts->progress_userdata);
                }
        }
        if (prev->n > 0) {
                r = slot_write(prev, pool, wr->w, wr->res);
                wr->done += prev->n;
                prev->n = 0;
        }
        return r;
}

/* The 1st bitmap (from the segments alone), then per cycle the 2nd
 * bitmap's piece and its pages, so the file is the one a single pass
 * writes. */
static int write_cycles(struct writing *wr, struct page_cycles *pc) {
        const uint8_t *bm;
        int r;

        for (uint64_t k = 0; k < pc->n_cycles; k++) {
                r = page_cycles_ram(pc, k, &bm);
                if (r >= 0)
                        r = diskdump_writer_bitmap(wr->w, 0, page_cycle_start(pc, k),
                                                   page_cycle_end(pc, k) - page_cycle_start(pc, k), bm);
                if (r < 0)
                        return r;
        }
        for (uint64_t k = 0; k < pc->n_cycles; k++) {
                uint64_t s = page_cycle_start(pc, k), e = page_cycle_end(pc, k);

                r = page_cycles_get(pc, k, &bm);
                if (r >= 0)
                        r = diskdump_writer_bitmap(wr->w, 1, s, e - s, bm);
                if (r >= 0)
                        r = diskdump_writer_window(wr->w, bm, s, e);
                if (r >= 0)
                        r = write_cycle(wr, bm, s, e);
                if (r >= 0)
                        r = diskdump_writer_window_end(wr->w);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Buffers from the budget: an eighth for the writer's buffer (data and
 * descriptors, written with one pwrite() each when full), the rest for the
 * two slots, per page in a batch the page (compressed in place) and its
 * pfn, size and result. */
static void size_buffers(const struct dump_options *opts, size_t ps, size_t *ret_writer, unsigned *ret_batch,
                         unsigned *ret_threads) {
        size_t budget = opts->memory_budget ? opts->memory_budget : DUMP_BUDGET_DEFAULT;
        size_t per = 2 * (ps + sizeof(uint64_t) + sizeof(size_t) + sizeof(int));

        /* zlib (about 70 MiB/s a core) takes a millisecond for a batch of
         * 16 pages: smaller batches cost it nothing, and its streams hold
         * about 100 KiB each (the 64 KiB hash table is cleared for every
         * page). */
        if (opts->compression == PAGE_COMPRESS_ZLIB)
                budget = MIN(budget, DUMP_BUDGET_DEFAULT / 2);

        *ret_writer = budget / 8;
        *ret_batch = (unsigned) MIN(MAX((budget - *ret_writer) / per, (size_t) 16), (size_t) 8192);
        /* At least 8 pages per thread and batch: more threads than that
         * only wait for each other. */
        *ret_threads = MIN(MAX(opts->threads, 1u), MAX(*ret_batch / 8, 1u));
}

static int write_diskdump(const struct dump_source *src, const struct dump_options *opts, const struct diskdump_info *info,
                          struct page_cycles *pc, uint64_t nr_dumpable, int out_fd, double t0, struct dump_result *res) {
        struct writing wr = { .src = src, .opts = opts, .res = res, .ps = info->page_size, .t0 = t0 };
        size_t writer_bytes;
        unsigned threads;
        int r, k;

        size_buffers(opts, wr.ps, &writer_bytes, &wr.batch, &threads);
        r = sink_open(opts, out_fd, &wr.sink);
        if (r < 0)
                goto finish;
        r = diskdump_writer_start(wr.sink, info, nr_dumpable, writer_bytes, &wr.w);
        if (r < 0)
                goto finish;
        /* (The writer takes at least 16 pages and 64 descriptors.) */
        res->buffer_bytes += MAX(writer_bytes, (size_t) 16 * wr.ps + 64 * 24);
        r = pool_new(threads, wr.batch, wr.ps, opts->compression, &wr.pool);
        if (r < 0)
                goto finish;
        res->buffer_bytes += (size_t) wr.batch * 2 * (wr.ps + sizeof(uint64_t) + sizeof(size_t) + sizeof(int));

        wr.total = nr_dumpable;
        wr.last_progress = now();
        r = write_cycles(&wr, pc);

finish:
        if (wr.w) {
                k = diskdump_writer_finish(wr.w, r < 0);
                if (k > 0)
                        res->incomplete = true;
                if (k < 0 && r >= 0)
                        r = k;
                res->dumped_pages = diskdump_writer_pages(wr.w);
                if (r >= 0)
                        r = sink_finish(opts, wr.sink, res);
        }
        if (wr.sink)
                res->bytes_written = dump_sink_bytes(wr.sink);
        if (opts->progress && r >= 0) {
                struct dump_progress pr = { wr.done, wr.done, res->bytes_written, now() - t0,
                                            res->excluded, res->zero_pages, info->page_size };
                opts->progress(&pr, opts->progress_userdata);
        }
        if (r < 0 && wr.w)
                res->incomplete = true;
        diskdump_writer_free(wr.w);
        dump_sink_free(wr.sink);
        pool_free(wr.pool);
        return r;
}

static int write_elf(const struct dump_source *src, const struct dump_options *opts, struct page_cycles *pc,
                     unsigned level, uint32_t page_size, int out_fd, double t0, struct dump_result *res) {
        struct dump_sink *sink = NULL;
        int r;

        r = sink_open(opts, out_fd, &sink);
        if (r < 0)
                return r;
        r = elf_dump_write(src, page_size, pc, level & DL_EXCLUDE_ZERO, opts, sink, res);
        if (r >= 0)
                r = sink_finish(opts, sink, res);
        res->bytes_written = dump_sink_bytes(sink);
        dump_sink_free(sink);
        res->seconds_total = now() - t0;
        if (opts->progress && r >= 0) {
                struct dump_progress pr = { res->dumped_pages, res->dumped_pages, res->bytes_written,
                                            res->seconds_total, res->excluded, res->zero_pages, page_size };
                opts->progress(&pr, opts->progress_userdata);
        }
        return r;
}

static void job_filter_done(struct job_filter *f) {
        memmap_done(&f->mm);
}

int dump_job_run(const struct dump_source *src, const struct dump_options *opts, int out_fd, struct dump_result *ret) {
        struct dump_result res = {};
        struct vmci v = {};
        _cleanup_(job_filter_done) struct job_filter f = {};
        _cleanup_(page_cycles_done) struct page_cycles pc = {};
        struct diskdump_info info = { .sz = sizeof(info) };
        struct page_filter_stats st = {};
        uint64_t max_mapnr = 0, nr_dumpable = 0;
        unsigned level = opts ? opts->dump_level & DL_MAX : 0;
        uint32_t page_size;
        double t0 = now();
        int r;

        if (!src || src->sz < sizeof(*src) || !opts || opts->sz < sizeof(*opts))
                return -EINVAL;
        if (opts->elf && opts->compression != PAGE_COMPRESS_NONE)
                return -EINVAL;

        if (src->vmcoreinfo_size > 0 && src->vmcoreinfo_offset <= src->notes_size &&
            src->vmcoreinfo_size <= src->notes_size - src->vmcoreinfo_offset)
                v = (struct vmci) { (const char *) src->notes + src->vmcoreinfo_offset, src->vmcoreinfo_size };
        /* Pages of the dumped kernel's size: bitmaps, descriptors and the
         * header's block size are in them (64K on many arm64 kernels). */
        r = kernel_page_size(src->machine, &v, &page_size);
        if (r < 0)
                return r;

        /* RAM: whole pages inside the segments. */
        for (size_t i = 0; i < src->n_segments; i++)
                max_mapnr = MAX(max_mapnr, (src->segments[i].phys_start + src->segments[i].size) / page_size);
        if (max_mapnr == 0)
                return -ENODATA;
        if (DIV_ROUND_UP(max_mapnr, 8) > SIZE_MAX / 2)
                return -E2BIG;
        res.max_mapnr = max_mapnr;

        filter_setup(src, &v, max_mapnr, &f, &level, &res);
        pc = (struct page_cycles) {
                .segments = src->segments, .n_segments = src->n_segments,
                .page_size = page_size, .max_mapnr = max_mapnr,
                .cycle = page_cycle_pages(opts->bitmap_budget ?: DUMP_BITMAP_BUDGET_DEFAULT, opts->cycle_pages, max_mapnr),
                .layout = f.filter_ok ? &f.layout : NULL, .level = level, .mm = &f.mm, .mmu = &f.mmu,
        };
        r = page_cycles_init(&pc);
        if (r < 0)
                return r;
        r = page_cycles_prepare(&pc, &res.ram_pages, &nr_dumpable, &st);
        if (r < 0)
                return r;
        memcpy(res.excluded, st.excluded, sizeof(res.excluded));
        res.memmap_unreadable = st.memmap_unreadable;
        res.effective_level = level;
        res.seconds_filter = now() - t0;
        res.buffer_bytes = page_cycles_bytes(&pc);
        res.cycles = pc.n_cycles;
        res.cycle_pages = pc.cycle;

        if (opts->elf)
                r = write_elf(src, opts, &pc, level, page_size, out_fd, t0, &res);
        else {
                fill_info(&info, src, &v, &f, page_size, max_mapnr, level, opts->compression);
                r = write_diskdump(src, opts, &info, &pc, nr_dumpable, out_fd, t0, &res);
                res.seconds_total = now() - t0;
        }
        *ret = res;
        return r;
}
