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

/* Next batch of dumped pfns from *pfn on, read with one read per
 * physically contiguous run. */
static int slot_fill(struct slot *s, const struct dump_source *src, const uint8_t *bm2, uint64_t max_mapnr,
                     uint64_t *pfn, unsigned batch, size_t ps) {
        unsigned n = 0;
        uint64_t q = *pfn;
        int r;

        for (; q < max_mapnr && n < batch; q++) {
                if ((q & 63) == 0 && q + 64 <= max_mapnr) {
                        uint64_t word;
                        memcpy(&word, bm2 + q / 8, 8);
                        if (word == 0) {
                                q += 63;
                                continue;
                        }
                }
                if (bitmap_test(bm2, q))
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

/* The bitmaps are mapped apart from the heap, so that the 1st one, done
 * with once the writer has copied it out, goes back to the kernel at once
 * (a freed heap block stays resident). */
struct job_bitmaps {
        uint8_t *bm1, *bm2;
        size_t nbytes;
};

static uint8_t *bitmap_alloc(size_t n) {
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return p == MAP_FAILED ? NULL : p;
}

static void bitmap_free(uint8_t **p, size_t n) {
        if (*p)
                (void) munmap(*p, n);
        *p = NULL;
}

static void job_bitmaps_done(struct job_bitmaps *b) {
        bitmap_free(&b->bm1, b->nbytes);
        bitmap_free(&b->bm2, b->nbytes);
}

static int sink_open(const struct dump_options *opts, int out_fd, struct dump_sink **ret) {
        if (opts->flat && opts->stream)
                return dump_sink_new_stream(opts->stream, ret);
        return dump_sink_new(out_fd, opts->flat, ret);
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

int dump_job_run(const struct dump_source *src, const struct dump_options *opts, int out_fd, struct dump_result *ret) {
        size_t ps;
        uint32_t page_size;
        struct dump_result res = {};
        struct vmci v = {};
        struct kernel_mmu mmu;
        struct page_layout layout;
        struct memmap mm = {};
        struct diskdump_info info = { .sz = sizeof(info) };
        struct dump_sink *sink = NULL;
        struct diskdump_writer *w = NULL;
        struct pool *pool = NULL;
        _cleanup_(job_bitmaps_done) struct job_bitmaps bms = {};
        uint8_t *bm1, *bm2;
        uint64_t max_mapnr = 0, nbytes, pfn, done = 0, total;
        unsigned level = opts->dump_level & DL_MAX, batch, threads;
        size_t writer_bytes;
        bool mmu_ok = false;
        double t0 = now(), last_progress;
        struct timeval tv;
        int r, k;

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
        ps = page_size;

        /* RAM: whole pages inside the segments. */
        for (size_t i = 0; i < src->n_segments; i++)
                max_mapnr = MAX(max_mapnr, (src->segments[i].phys_start + src->segments[i].size) / ps);
        if (max_mapnr == 0)
                return -ENODATA;
        nbytes = DIV_ROUND_UP(max_mapnr, 8) + 8;       /* +8: word-wise scans may read past */
        if (nbytes > SIZE_MAX)
                return -E2BIG;
        bms.nbytes = (size_t) nbytes;
        bm1 = bms.bm1 = bitmap_alloc(bms.nbytes);
        bm2 = bms.bm2 = bitmap_alloc(bms.nbytes);
        if (!bm1 || !bm2)
                return -ENOMEM;
        for (size_t i = 0; i < src->n_segments; i++) {
                uint64_t s = DIV_ROUND_UP(src->segments[i].phys_start, ps);
                uint64_t e = (src->segments[i].phys_start + src->segments[i].size) / ps;
                for (pfn = s; pfn < e; pfn++)
                        bitmap_set(bm1, pfn);
        }
        memcpy(bm2, bm1, nbytes);
        res.max_mapnr = max_mapnr;
        res.ram_pages = bitmap_count(bm1, max_mapnr);

        /* The filter.  Anything VMCOREINFO does not let us interpret lowers
         * the level to what can be honoured; never a guess. */
        k = kernel_mmu_init(&mmu, src->machine, &v, src->read, src->userdata);
        mmu_ok = k >= 0;
        /* The mem_map is walked at every level: hwpoison and offline pages
         * are excluded even at -d 0/1 (reading them can machine-check the
         * capture kernel or touch memory the hypervisor took back). */
        {
                struct page_filter_stats st;
                bool want = level & ~(unsigned) DL_EXCLUDE_ZERO;

                if (!mmu_ok) {
                        if (want)
                                res.fallback_reason = mmu_problem(src->machine, &v, k);
                        level &= DL_EXCLUDE_ZERO;
                } else if (page_layout_from_vmcoreinfo(&v, &layout) < 0) {
                        if (want) {
                                res.fallback_reason = "struct page layout missing or absurd in VMCOREINFO";
                                res.fallback_entry = page_layout_problem(&v);
                        }
                        level &= DL_EXCLUDE_ZERO;
                } else if (memmap_discover(&v, &mmu, max_mapnr, &mm) < 0) {
                        if (want)
                                res.fallback_reason = "mem_map not found (SPARSEMEM entries missing or unreadable)";
                        level &= DL_EXCLUDE_ZERO;
                } else {
                        unsigned ok = page_layout_supported_levels(&layout);
                        if ((level & ok) != level) {
                                res.fallback_reason = "VMCOREINFO cannot be interpreted for some levels";
                                res.fallback_entry = page_layout_missing(&layout, level);
                        }
                        level &= ok;
                        r = page_filter_apply(&layout, level, &mm, &mmu, bm2, max_mapnr, &st);
                        memmap_done(&mm);
                        if (r < 0)
                                return r;
                        memcpy(res.excluded, st.excluded, sizeof(res.excluded));
                        res.memmap_unreadable = st.memmap_unreadable;
                }
        }
        res.effective_level = level;
        res.seconds_filter = now() - t0;
        res.buffer_bytes = 2 * nbytes;

        if (opts->elf) {
                /* ELF output has no 1st bitmap. */
                bitmap_free(&bms.bm1, bms.nbytes);
                r = sink_open(opts, out_fd, &sink);
                if (r < 0)
                        return r;
                r = elf_dump_write(src, ps, bm2, max_mapnr, level & DL_EXCLUDE_ZERO, opts, sink, &res);
                if (r >= 0)
                        r = dump_sink_finish(sink);
                res.bytes_written = dump_sink_bytes(sink);
                dump_sink_free(sink);
                res.seconds_total = now() - t0;
                if (opts->progress && r >= 0) {
                        struct dump_progress pr = { res.dumped_pages, res.dumped_pages, res.bytes_written,
                                                    res.seconds_total, res.excluded, res.zero_pages, page_size };
                        opts->progress(&pr, opts->progress_userdata);
                }
                *ret = res;
                return r;
        }

        /* Headers. */
        {
                int64_t pb = 0;
                (void) vmci_number(&v, "phys_base", &pb);
                info.phys_base = (uint64_t) pb;
        }
        /* The crash time, as VMCOREINFO's CRASHTIME records it: what crash
         * shows as DATE, and the same bytes on every run (-F | -R equals the
         * direct write).  The collector's clock only without it. */
        {
                char ct[32];
                uint64_t t;
                if (vmci_string(&v, "CRASHTIME", ct, sizeof(ct)) >= 0 && safe_atou64_base(ct, 10, &t) >= 0 && t < INT64_MAX) {
                        info.tv_sec = (int64_t) t;
                        info.tv_usec = 0;
                } else {
                        gettimeofday(&tv, NULL);
                        info.tv_sec = tv.tv_sec;
                        info.tv_usec = tv.tv_usec;
                }
        }
        info.page_size = page_size;
        info.max_mapnr = max_mapnr;
        info.nr_cpus = MAX(src->nr_cpus, 1);
        info.dump_level = (int32_t) level;
        info.compression = opts->compression;
        info.notes = src->notes;
        info.notes_size = src->notes_size;
        info.vmcoreinfo_offset = src->vmcoreinfo_offset;
        info.vmcoreinfo_size = v.len;
        fill_utsname(&info, &v, src->machine, &mmu, mmu_ok);

        /* Buffers from the budget: an eighth for the writer's buffer (data
         * and descriptors, written with one pwrite() each when full), the
         * rest for the two slots, per page in a batch the page (compressed
         * in place) and its pfn, size and result. */
        {
                size_t budget = opts->memory_budget ? opts->memory_budget : DUMP_BUDGET_DEFAULT;
                size_t per = 2 * (ps + sizeof(uint64_t) + sizeof(size_t) + sizeof(int));

                /* zlib (about 70 MiB/s a core) takes a millisecond for a
                 * batch of 16 pages: smaller batches cost it nothing, and
                 * its streams hold about 100 KiB each (the 64 KiB hash
                 * table is cleared for every page). */
                if (opts->compression == PAGE_COMPRESS_ZLIB)
                        budget = MIN(budget, DUMP_BUDGET_DEFAULT / 2);

                writer_bytes = budget / 8;
                batch = (unsigned) MIN(MAX((budget - writer_bytes) / per, (size_t) 16), (size_t) 8192);
                /* At least 8 pages per thread and batch: more threads than
                 * that only wait for each other. */
                threads = MIN(MAX(opts->threads, 1u), MAX(batch / 8, 1u));
        }

        /* The writer copies the 1st bitmap out at once and needs it no more:
         * gone before the page buffers are touched. */
        r = sink_open(opts, out_fd, &sink);
        if (r < 0)
                goto finish;
        r = diskdump_writer_new(sink, &info, bm1, bm2, writer_bytes, &w);
        if (r < 0)
                goto finish;
        bitmap_free(&bms.bm1, bms.nbytes);
        /* (The writer takes at least 16 pages and 64 descriptors.) */
        res.buffer_bytes += MAX(writer_bytes, (size_t) 16 * ps + 64 * 24);

        r = pool_new(threads, batch, ps, opts->compression, &pool);
        if (r < 0)
                goto finish;
        res.buffer_bytes += (size_t) batch * 2 * (ps + sizeof(uint64_t) + sizeof(size_t) + sizeof(int));

        total = diskdump_writer_layout(w)->nr_dumpable;
        last_progress = now();
        pfn = 0;
        /* A pipeline of two slots: while the workers (and then the main
         * thread) compress one, the main thread writes the batch before it
         * and reads the batch after it. */
        {
                struct slot *cur = &pool->slots[0], *prev = &pool->slots[1];

                prev->n = 0;
                r = slot_fill(cur, src, bm2, max_mapnr, &pfn, batch, ps);
                if (r < 0)
                        goto finish;
                while (cur->n > 0) {
                        int k2 = 0;

                        pool_start(pool, cur);
                        if (prev->n > 0) {
                                r = slot_write(prev, pool, w, &res);
                                done += prev->n;
                        }
                        prev->n = 0;
                        if (r >= 0 && done + cur->n < total)
                                k2 = slot_fill(prev, src, bm2, max_mapnr, &pfn, batch, ps);
                        pool_finish(pool);
                        if (r >= 0)
                                r = k2;
                        if (r < 0)
                                goto finish;
                        {
                                struct slot *t = cur;
                                cur = prev;
                                prev = t;
                        }

                        if (opts->progress && now() - last_progress >= 1.0) {
                                struct dump_progress pr = { done, total, dump_sink_bytes(sink), now() - t0,
                                                            res.excluded, res.zero_pages, page_size };
                                last_progress = now();
                                opts->progress(&pr, opts->progress_userdata);
                        }
                }
                if (prev->n > 0) {
                        r = slot_write(prev, pool, w, &res);
                        done += prev->n;
                        if (r < 0)
                                goto finish;
                }
        }
        r = 0;

finish:
        if (w) {
                k = diskdump_writer_finish(w, r < 0);
                if (k > 0)
                        res.incomplete = true;
                if (k < 0 && r >= 0)
                        r = k;
                res.dumped_pages = diskdump_writer_pages(w);
                if (r >= 0) {
                        r = dump_sink_finish(sink);
                }
        }
        if (sink)
                res.bytes_written = dump_sink_bytes(sink);
        if (opts->progress && r >= 0) {
                struct dump_progress pr = { done, done, res.bytes_written, now() - t0,
                                            res.excluded, res.zero_pages, page_size };
                opts->progress(&pr, opts->progress_userdata);
        }
        diskdump_writer_free(w);
        dump_sink_free(sink);
        pool_free(pool);
        res.seconds_total = now() - t0;
        if (r < 0 && w)
                res.incomplete = true;
        *ret = res;
        return r;
}
