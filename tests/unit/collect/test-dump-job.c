/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole job over a synthetic memory: thread count does not change a
 * byte of the output; a VMCOREINFO the filter cannot use lowers the level
 * and says why. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/diskdump-read.h"
#include "initramfs/collect/dump-job.h"
#include "initramfs/collect/kernel-mmu.h"
#include "notes/kdump-layout.h"
#include "tests.h"

#define PAGES 3000
static uint8_t *mem;

static int rd(void *ud, uint64_t paddr, void *buf, size_t len) {
        if (paddr >= (uint64_t) PAGES * 4096 || len > (uint64_t) PAGES * 4096 - paddr)
                return -ENXIO;
        memcpy(buf, mem + paddr, len);
        return 0;
}

static const char notes_text[] = "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\n";

static void run(unsigned threads, const char *path, struct dump_result *res) {
        static const struct dump_segment segs[] = { { 0, 1000 * 4096 }, { 1500 * 4096, 1500 * 4096 } };
        struct dump_source src = {
                .sz = sizeof(src), .read = rd, .segments = segs, .n_segments = 2,
                .notes = notes_text, .notes_size = sizeof(notes_text) - 1,
                .vmcoreinfo_offset = 0, .vmcoreinfo_size = sizeof(notes_text) - 1, .nr_cpus = 2,
        };
        struct dump_options o = {
                .sz = sizeof(o), .dump_level = 31, .compression = PAGE_COMPRESS_ZSTD,
                .threads = threads, .memory_budget = 256 * 1024,
        };
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(dump_job_run(&src, &o, fd, res));
}

TEST(threads_identical_and_fallback) {
        struct dump_result r1, r4;
        _cleanup_free_ char *a = NULL, *b = NULL;
        size_t na, nb;

        mem = calloc(PAGES, 4096);
        ASSERT_TRUE(mem);
        for (size_t p = 0; p < PAGES; p++)
                if (p % 3)
                        for (size_t i = 0; i < 4096; i += 8)
                                mem[p * 4096 + i] = (uint8_t) (p * 7 + i / 512 + (p % 5 == 0 ? i : 0));

        run(1, test_tmp("t1"), &r1);
        run(4, test_tmp("t4"), &r4);
        ASSERT_OK(read_full_file(test_tmp("t1"), &a, &na));
        ASSERT_OK(read_full_file(test_tmp("t4"), &b, &nb));
        ASSERT_EQ(na, nb);
        /* the header's timestamp (408..423) differs between runs */
        ASSERT_TRUE(memcmp(a + 424, b + 424, na - 424) == 0);

        /* no page-table root in VMCOREINFO: only zero pages can go */
        ASSERT_EQ(r1.effective_level, 1);
        ASSERT_TRUE(r1.fallback_reason != NULL);
        ASSERT_EQ(r1.ram_pages, 2500);
        ASSERT_EQ(r1.dumped_pages, 2500);
        ASSERT_EQ(r1.zero_pages, 834);           /* p % 3 == 0 among the RAM pages */
        ASSERT_TRUE(!r1.incomplete);
        ASSERT_TRUE(r1.bytes_written < 2500 * 4096 / 4);
        free(mem);
}

static void put64(uint64_t pa, uint64_t v) {
        memcpy(mem + pa, &v, 8);
}
static void put32(uint64_t pa, uint32_t v) {
        memcpy(mem + pa, &v, 4);
}

#define DIRECT UINT64_C(0xffff888000000000)
#define VMEMMAP UINT64_C(0xffffea0000000000)
#define SP(pfn) (UINT64_C(0x400000) + (uint64_t) (pfn) * 64)

/* The whole filter path on a synthetic 6.1-style machine: page tables
 * (1 GiB direct map, vmemmap in a 2 MiB leaf), SPARSEMEM_EXTREME roots and
 * struct pages saying buddy, page cache, anonymous and slab. */
TEST(filter_end_to_end) {
        static char vmci[1024];
        static const struct dump_segment segs[] = { { 0, 1000 * 4096 }, { 1500 * 4096, 1500 * 4096 } };
        struct dump_source src;
        struct dump_options o = { .sz = sizeof(o), .dump_level = 31, .compression = PAGE_COMPRESS_LZO, .threads = 2 };
        struct dump_result r;
        _cleanup_close_ int fd = open(test_tmp("filtered"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        uint64_t nonzero = 0;
        int n;

        mem = calloc(PAGES, 4096);
        ASSERT_TRUE(mem);
        for (size_t p = 1500; p < PAGES; p++)
                memset(mem + p * 4096, (int) (p & 0xff) | 1, 4096);

        put64(0x1000 + ((DIRECT >> 39) & 511) * 8, 0x2000 | 0x63);
        put64(0x2000 + ((DIRECT >> 30) & 511) * 8, 0xe3);                       /* 1 GiB -> 0 */
        put64(0x1000 + ((VMEMMAP >> 39) & 511) * 8, 0x3000 | 0x63);
        put64(0x3000 + ((VMEMMAP >> 30) & 511) * 8, 0x4000 | 0x63);
        put64(0x4000 + ((VMEMMAP >> 21) & 511) * 8, 0x400000 | 0xe3);           /* 2 MiB -> 4 MiB */
        put64(0x5000, DIRECT + 0x6000);                                          /* root 0 */
        put64(0x6000, VMEMMAP | 0x3);                                            /* section 0 */

        for (unsigned p = 0; p < PAGES; p++)
                put32(SP(p) + 48, 0xffffffff);                                   /* _mapcount -1 */
        put32(SP(2000) + 48, 0xffffff7f);                                        /* buddy, order 2 */
        put64(SP(2000) + 40, 2);
        for (unsigned p = 2100; p < 2110; p++) {                                 /* page cache */
                put64(SP(p), 1u << 4);
                put64(SP(p) + 24, DIRECT + 0x7000);
        }
        for (unsigned p = 2200; p < 2205; p++) {                                 /* anonymous */
                put64(SP(p), 1u << 4);
                put64(SP(p) + 24, DIRECT + 0x7001);
        }
        put64(SP(2300), 1u << 9);                                                /* slab */
        put64(SP(2300) + 24, DIRECT + 0x8001);
        put64(SP(2400), 1u << 23);                                               /* hwpoison */
        put32(SP(2401) + 48, 0xfffffeff);                                        /* offline */

        n = snprintf(vmci, sizeof(vmci),
                     "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\nSYMBOL(init_top_pgt)=ffffffff80001000\n"
                     "NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\n"
                     "SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=4096\nSIZE(mem_section)=32\n"
                     "OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=46\n"
                     "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\nOFFSET(page.mapping)=24\n"
                     "OFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
                     "OFFSET(page.compound_head)=8\nOFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\n"
                     "LENGTH(zone.free_area)=11\nNUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\n"
                     "NUMBER(PG_swapbacked)=19\nNUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=65536\n"
                     "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(HUGETLB_PAGE_DTOR)=2\n"
                     "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n", (unsigned long long) (DIRECT + 0x5000));
        src = (struct dump_source) {
                .sz = sizeof(src), .read = rd, .segments = segs, .n_segments = 2,
                .notes = vmci, .notes_size = (size_t) n, .vmcoreinfo_size = (size_t) n, .nr_cpus = 1,
        };

        ASSERT_OK(dump_job_run(&src, &o, fd, &r));
        ASSERT_EQ(r.effective_level, 31);
        ASSERT_TRUE(r.fallback_reason == NULL);
        ASSERT_EQ(r.excluded[PAGE_FREE], 4);
        ASSERT_EQ(r.excluded[PAGE_CACHE], 10);
        ASSERT_EQ(r.excluded[PAGE_USER], 5);
        ASSERT_EQ(r.excluded[PAGE_HWPOISON], 1);
        ASSERT_EQ(r.excluded[PAGE_OFFLINE], 1);
        ASSERT_EQ(r.memmap_unreadable, 0);
        ASSERT_EQ(r.dumped_pages, 2500 - 21);

        /* level 8 only: cache and free pages stay; poisoned and offline
         * pages never do */
        fd = safe_close(fd);
        fd = open(test_tmp("filtered8"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        o.dump_level = 8;
        ASSERT_OK(dump_job_run(&src, &o, fd, &r));
        ASSERT_EQ(r.excluded[PAGE_FREE], 0);
        ASSERT_EQ(r.excluded[PAGE_CACHE], 0);
        ASSERT_EQ(r.dumped_pages, 2500 - 5 - 2);

        /* levels 1 and 0 too: reading a poisoned page can machine-check
         * the capture kernel, an offline one may be gone from the host */
        for (size_t i = 0; i < ELEMENTSOF(segs); i++)
                for (uint64_t a = segs[i].phys_start; a < segs[i].phys_start + segs[i].size; a += 4096) {
                        bool z = true;
                        for (size_t b = 0; b < 4096 && z; b++)
                                z = mem[a + b] == 0;
                        nonzero += !z;
                }
        for (unsigned level = 0; level <= 1; level++) {
                fd = safe_close(fd);
                fd = open(test_tmp("filtered01"), O_RDWR | O_CREAT | O_TRUNC, 0600);
                o.dump_level = level;
                ASSERT_OK(dump_job_run(&src, &o, fd, &r));
                ASSERT_EQ(r.effective_level, level);
                ASSERT_TRUE(r.fallback_reason == NULL);
                ASSERT_EQ(r.excluded[PAGE_HWPOISON], 1);
                ASSERT_EQ(r.excluded[PAGE_OFFLINE], 1);
                ASSERT_EQ(r.excluded[PAGE_USER], 0);
                ASSERT_EQ(r.dumped_pages, 2500 - 2);
                /* zero pages share one zero-page descriptor at any level */
                ASSERT_EQ(r.zero_pages, 2500 - nonzero);
        }

        /* The bitmaps in cycles of 64 pfns (page-cycle.h) write the same
         * file, with a free block of order 7 over two cycles (2048-2175, the
         * page cache pages at 2100 in it): its verdict carries into the
         * next cycle. */
        put32(SP(2048) + 48, 0xffffff7f);
        put64(SP(2048) + 40, 7);
        o.dump_level = 31;
        for (unsigned c = 0; c < 2; c++) {
                _cleanup_free_ char *a = NULL, *b = NULL;
                struct dump_result r2;
                size_t na, nb;

                o.compression = c ? PAGE_COMPRESS_ZSTD : PAGE_COMPRESS_LZO;
                fd = safe_close(fd);
                fd = open(test_tmp("one-cycle"), O_RDWR | O_CREAT | O_TRUNC, 0600);
                o.cycle_pages = 0;
                ASSERT_OK(dump_job_run(&src, &o, fd, &r));
                ASSERT_EQ(r.cycles, 1);
                fd = safe_close(fd);
                fd = open(test_tmp("cycles"), O_RDWR | O_CREAT | O_TRUNC, 0600);
                o.cycle_pages = 64;
                ASSERT_OK(dump_job_run(&src, &o, fd, &r2));
                ASSERT_EQ(r2.cycles, 47);
                ASSERT_EQ(r.excluded[PAGE_FREE], 4 + 128);
                ASSERT_EQ(r2.excluded[PAGE_FREE], 4 + 128);
                ASSERT_EQ(r2.excluded[PAGE_CACHE], 0);
                ASSERT_EQ(r2.dumped_pages, r.dumped_pages);
                ASSERT_EQ(r2.zero_pages, r.zero_pages);
                ASSERT_OK(read_full_file(test_tmp("one-cycle"), &a, &na));
                ASSERT_OK(read_full_file(test_tmp("cycles"), &b, &nb));
                ASSERT_EQ(na, nb);
                /* the header's timestamp (408..423): no CRASHTIME here */
                ASSERT_TRUE(memcmp(a, b, 408) == 0 && memcmp(a + 424, b + 424, na - 424) == 0);
                o.cycle_pages = 0;
        }
        free(mem);
}

/* An arm64 kernel with 64K pages: bitmaps, descriptors and the header's
 * block size are in the dump's pages, not the host's; uname's machine is
 * the dump's.  (No translation entries: only zero pages go, and why is
 * said.) */
TEST(page_size_and_machine_from_dump) {
        static const char vi[] = "OSRELEASE=6.1.0-arm64\nPAGESIZE=65536\nNUMBER(kimage_voffset)=0xffff7fff88000000\n";
        static const struct dump_segment segs[] = { { 0, 16 * 65536 } };
        struct dump_source src = {
                .sz = sizeof(src), .read = rd, .segments = segs, .n_segments = 1,
                .notes = vi, .notes_size = sizeof(vi) - 1, .vmcoreinfo_size = sizeof(vi) - 1, .nr_cpus = 1,
                .machine = KERNEL_EM_AARCH64,
        };
        struct dump_options o = { .sz = sizeof(o), .dump_level = 31, .compression = PAGE_COMPRESS_ZSTD };
        const char *path = test_tmp("arm64-64k");
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        _cleanup_diskdump_reader_ diskdump_reader *d = NULL;
        _cleanup_free_ char *file = NULL;
        _cleanup_free_ uint8_t *page = malloc(65536);
        struct dump_result r;
        size_t n;

        mem = calloc(PAGES, 4096);
        ASSERT_TRUE(mem && page);
        for (size_t i = 0; i < 16 * 65536; i++)
                if ((i / 65536) % 2)
                        mem[i] = (uint8_t) (i * 13);
        ASSERT_OK(dump_job_run(&src, &o, fd, &r));
        ASSERT_EQ(r.max_mapnr, 16);
        ASSERT_EQ(r.ram_pages, 16);
        ASSERT_EQ(r.zero_pages, 8);
        ASSERT_EQ(r.effective_level, 1);
        ASSERT_CONTAINS(r.fallback_reason, "arm64");

        ASSERT_OK(diskdump_reader_open(path, &d));
        ASSERT_EQ(diskdump_reader_geometry(d)->block_size, 65536);
        ASSERT_EQ(diskdump_reader_geometry(d)->max_mapnr, 16);
        ASSERT_OK(diskdump_reader_read_page(d, 3, page));
        ASSERT_TRUE(memcmp(page, mem + 3 * 65536, 65536) == 0);
        ASSERT_OK(read_full_file(path, &file, &n));
        ASSERT_STREQ(file + DISKDUMP_OFF_UTSNAME + 4 * DISKDUMP_UTSNAME_FIELD, "aarch64");

        /* an arm64 dump that does not say its page size is refused */
        src.notes_size = src.vmcoreinfo_size = 0;
        ASSERT_ERR(dump_job_run(&src, &o, fd, &r), ENOENT);
        free(mem);
}

TEST_MAIN()
