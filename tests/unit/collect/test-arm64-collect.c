/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-collect on an arm64 dump, on whatever host runs the tests: a
 * synthetic EM_AARCH64 core (4K pages, 48-bit VAs, 6.x layout) whose
 * VMCOREINFO has only what an arm64 kernel exports, with swapper_pg_dir's
 * tables mapping the kernel image (2 MiB block), a vmalloc-like area (1 GiB
 * block: the printk ring of tests/unit/notes/printk-sim.h lives there) and
 * the vmemmap (4K pages) whose struct pages say free and anonymous.
 * -d 31 must filter through the page tables and write an "aarch64"
 * kdump-compressed dump; --dump-dmesg must read the log from the core and
 * from that dump. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/diskdump-read.h"
#include "notes/kdump-layout.h"
#include "printk-sim.h"
#include "run-kdump-collect.h"
#include "tests.h"

#define LINEAR(pa) (UINT64_C(0xffff000000000000) + (pa))       /* PAGE_OFFSET, PHYS_OFFSET 0 */
#define KVOFF (SYNTH_KTEXT - 0x200000)                          /* kimage_voffset: _text at 0x200000 */
#define PGD UINT64_C(0x300000)                                  /* swapper_pg_dir */
#define VMEMMAP UINT64_C(0xfffffc0000000000)
#define STRUCT_PAGES UINT64_C(0x310000)                         /* vmemmap's backing */
#define SECTIONS UINT64_C(0x309000)
#define ROOTS UINT64_C(0x308000)
#define MEMLOAD 4                                               /* the load at 0x300000 */

static void put64(struct synth_core *c, uint64_t pa, uint64_t v) {
        synth_poke_phys(c, pa, &v, 8);
}
static void put32(struct synth_core *c, uint64_t pa, uint32_t v) {
        synth_poke_phys(c, pa, &v, 4);
}

static unsigned ix(uint64_t va, unsigned level) {             /* 4K granule, levels 0..3 */
        return (va >> (39 - 9 * level)) & 511;
}

#define TABLE(pa) ((pa) | 3)
#define BLOCK(pa) ((pa) | (1u << 10) | (3u << 8) | 1)           /* AF, inner shareable */
#define PAGE(pa) ((pa) | (1u << 10) | (3u << 8) | 3)

/* swapper_pg_dir at PGD, its tables after it. */
static void page_tables(struct synth_core *c) {
        const uint64_t pud_k = PGD + 0x1000, pmd_k = PGD + 0x2000, pud_v = PGD + 0x3000;
        const uint64_t pud_m = PGD + 0x4000, pmd_m = PGD + 0x5000, pte_m = PGD + 0x6000;

        /* the image: SYNTH_KTEXT -> 0x200000, a 2 MiB block */
        put64(c, PGD + ix(SYNTH_KTEXT, 0) * 8, TABLE(pud_k));
        put64(c, pud_k + ix(SYNTH_KTEXT, 1) * 8, TABLE(pmd_k));
        put64(c, pmd_k + ix(SYNTH_KTEXT, 2) * 8, BLOCK(0x200000));
        /* SYNTH_PAGE_OFFSET -> 0, a 1 GiB block (vmalloc space on arm64) */
        put64(c, PGD + ix(SYNTH_PAGE_OFFSET, 0) * 8, TABLE(pud_v));
        put64(c, pud_v + ix(SYNTH_PAGE_OFFSET, 1) * 8, BLOCK(0));
        /* vmemmap: 16 pages of struct pages */
        put64(c, PGD + ix(VMEMMAP, 0) * 8, TABLE(pud_m));
        put64(c, pud_m + ix(VMEMMAP, 1) * 8, TABLE(pmd_m));
        put64(c, pmd_m + ix(VMEMMAP, 2) * 8, TABLE(pte_m));
        for (unsigned i = 0; i < 16; i++)
                put64(c, pte_m + (ix(VMEMMAP, 3) + i) * 8, PAGE(STRUCT_PAGES + i * 0x1000));
}

#define SP(pfn) (STRUCT_PAGES + (uint64_t) (pfn) * 64)

static void struct_pages(struct synth_core *c) {
        for (unsigned p = 0; p < 0x340; p++)
                put32(c, SP(p) + 48, 0xffffffff);                       /* _mapcount -1 */
        put32(c, SP(0x338) + 48, 0xffffff7f);                           /* buddy, order 2 */
        put64(c, SP(0x338) + 40, 2);
        for (unsigned p = 0x33c; p < 0x340; p++) {                      /* anonymous */
                put64(c, SP(p), 1u << 4);
                put64(c, SP(p) + 24, LINEAR(0x307001));
        }
        /* SPARSEMEM_EXTREME: root 0 -> the sections, section 0 -> vmemmap */
        put64(c, ROOTS, LINEAR(SECTIONS));
        put64(c, SECTIONS, VMEMMAP | 0x3);
}

static const char *arm64_vmcoreinfo(void) {
        static char buf[4096];
        int n = snprintf(buf, sizeof(buf), "%s", printk_sim_vmcoreinfo());

        snprintf(buf + n, sizeof(buf) - (size_t) n,
                 "SYMBOL(swapper_pg_dir)=%llx\nNUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0x%llx\n"
                 "NUMBER(PHYS_OFFSET)=0x0\nNUMBER(TCR_EL1_T1SZ)=0x10\nKERNELOFFSET=0\n"
                 "NUMBER(MODULES_VADDR)=0xffff800000000000\nNUMBER(VMEMMAP_START)=0x%llx\n"
                 "SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=8192\nSIZE(mem_section)=16\n"
                 "OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=48\n"
                 "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\nOFFSET(page.mapping)=24\n"
                 "OFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
                 "OFFSET(page.compound_head)=8\nOFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\n"
                 "LENGTH(zone.free_area)=11\nNUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\n"
                 "NUMBER(PG_swapbacked)=19\nNUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=65536\n"
                 "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(HUGETLB_PAGE_DTOR)=2\n"
                 "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\nCRASHTIME=1764000000\n",
                 (unsigned long long) (PGD + KVOFF), (unsigned long long) KVOFF,
                 (unsigned long long) VMEMMAP, (unsigned long long) LINEAR(ROOTS));
        return buf;
}

/* The layout of synth_standard() (printk-sim.h's addresses), as an arm64
 * dump: the RAM PT_LOADs' p_vaddr are linear-map addresses, the image's is
 * _text, and everything else is reached through swapper_pg_dir. */
static const char *make_arm64_core(struct printk_sim *s, struct synth_core *c, char *expected, size_t size) {
        const char *p = strdup(test_tmp("arm64-core"));
        uint8_t prstatus[392] = {};             /* arm64's struct elf_prstatus */

        synth_init(c);
        c->machine = EM_AARCH64;
        for (int32_t pid = 101; pid <= 102; pid++) {
                memcpy(prstatus + 32, &pid, 4);
                synth_add_note(c, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
        }
        synth_add_note(c, "VMCOREINFO", 0, arm64_vmcoreinfo(), strlen(arm64_vmcoreinfo()));
        /* the virtual addresses printk-sim pokes at, for now */
        synth_add_load(c, 0x100000, SYNTH_PAGE_OFFSET + 0x100000, 0x10000, 0x10000);
        synth_add_load(c, 0x110000, SYNTH_PAGE_OFFSET + 0x110000, 0x8000, 0x4000);
        synth_add_load(c, 0x200000, SYNTH_PAGE_OFFSET + 0x200000, 0x10000, 0x10000);
        synth_add_load(c, 0x200000, SYNTH_KTEXT, 0x8000, 0x8000);
        synth_add_load(c, 0x300000, SYNTH_PAGE_OFFSET + 0x300000, 0x40000, 0x40000);
        for (size_t i = 0; i < 3; i++)
                synth_fill_pattern(c, i);
        memset(c->loads[MEMLOAD].data + 0x38000, 0x5a, 0x8000);           /* the free and anonymous pages */

        printk_sim_init(s, c, 3, 8, 1);
        printk_sim_emit(s, 1500000000, "Linux version 6.1.0-sim (aarch64)", 2);
        printk_sim_emit(s, 2000000000, "sysrq: Trigger a crash", 2);
        printk_sim_expected(s, expected, size);
        page_tables(c);
        struct_pages(c);

        /* what an arm64 kernel's elfcorehdr says: RAM at its linear-map addresses */
        for (size_t i = 0; i < c->n_loads; i++)
                if (i != 3)
                        c->loads[i].virt = LINEAR(c->loads[i].phys);
        if (synth_write(c, p) < 0)
                TEST_FAIL("cannot write %s", p);
        return p;
}

static void read_text(const char *path, char *buf, size_t size) {
        _cleanup_free_ uint8_t *t = NULL;
        size_t n;

        ASSERT_OK(synth_read_file(path, &t, &n));
        ASSERT_TRUE(n < size);
        memcpy(buf, t, n);
        buf[n] = 0;
}

TEST(arm64_filter_and_dmesg) {
        static char expected[4096], got[4096];
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_arm64_core(&s, &c, expected, sizeof(expected));
        const char *out = strdup(test_tmp("arm64-d31")), *log1 = strdup(test_tmp("dmesg-elf"));
        const char *log2 = strdup(test_tmp("dmesg-kdump"));
        _cleanup_diskdump_reader_ diskdump_reader *d = NULL;
        _cleanup_free_ uint8_t *file = NULL;
        uint8_t page[4096];
        size_t n;
        char *err;

        /* The log, straight from the ELF core. */
        ASSERT_EQ(run_kdump_collect((const char *[]) { "--dump-dmesg", in, log1, NULL }, NULL, NULL, 0, &err), 0);
        read_text(log1, got, sizeof(got));
        ASSERT_STREQ(got, expected);
        ASSERT_CONTAINS(got, "6.1.0-sim (aarch64)");

        /* -d 31: free and anonymous pages go, through the vmemmap walk. */
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-l", "-d", "31", in, out, NULL }, NULL, NULL, 0, &err), 0);
        ASSERT_TRUE(!strstr(err, "VMCOREINFO"));        /* no fallback reported */
        ASSERT_OK(diskdump_reader_open(out, &d));
        ASSERT_EQ(diskdump_reader_geometry(d)->block_size, 4096);
        ASSERT_TRUE(diskdump_reader_has_page(d, 0x100));
        ASSERT_TRUE(diskdump_reader_has_page(d, 0x200));
        ASSERT_TRUE(diskdump_reader_has_page(d, 0x300));
        ASSERT_TRUE(diskdump_reader_has_page(d, 0x337));
        for (uint64_t pfn = 0x338; pfn < 0x340; pfn++)
                ASSERT_TRUE(!diskdump_reader_has_page(d, pfn));
        ASSERT_OK(diskdump_reader_read_page(d, 0x100, page));
        ASSERT_EQ(page[5], synth_pattern(0x100005));
        ASSERT_OK(synth_read_file(out, &file, &n));
        ASSERT_STREQ((char *) file + DISKDUMP_OFF_UTSNAME + 4 * DISKDUMP_UTSNAME_FIELD, "aarch64");

        /* The log of the kdump-compressed dump: no PT_LOADs, only the page
         * tables. */
        ASSERT_EQ(run_kdump_collect((const char *[]) { "--dump-dmesg", out, log2, NULL }, NULL, NULL, 0, &err), 0);
        read_text(log2, got, sizeof(got));
        ASSERT_STREQ(got, expected);
        synth_done(&c);
}

/* Runs kdump-collect with opts on in into out (stdout for -F), with the
 * bitmaps in cycles of cycle pfns (0: as it chooses), and returns the file
 * (a stream rebuilt with -R). */
static uint8_t *collect_cycles(const char *const *opts, const char *in, unsigned cycle, size_t *ret_size) {
        const char *out = strdup(test_tmp("cycles-out")), *stream = strdup(test_tmp("cycles-stream"));
        const char *args[16];
        bool flat = false;
        uint8_t *file = NULL;
        char num[32];
        size_t n = 0;
        char *err;

        for (; *opts; opts++) {
                flat = flat || strcmp(*opts, "-F") == 0;
                args[n++] = *opts;
        }
        args[n++] = "-f";
        args[n++] = in;
        if (!flat)
                args[n++] = out;
        args[n] = NULL;
        snprintf(num, sizeof(num), "%u", cycle);
        if (cycle)
                setenv("KDUMP_COLLECT_CYCLE_PAGES", num, 1);
        else
                unsetenv("KDUMP_COLLECT_CYCLE_PAGES");
        ASSERT_EQ(run_kdump_collect(args, NULL, flat ? stream : NULL, 0, &err), 0);
        unsetenv("KDUMP_COLLECT_CYCLE_PAGES");
        if (flat)
                ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", "-f", out, NULL }, stream, NULL, 0, &err), 0);
        ASSERT_OK(synth_read_file(out, &file, ret_size));
        return file;
}

/* The bitmaps in cycles (page-cycle.h) change no byte of the output: the
 * real program with cycles of 64 pfns (13 of them here, the ELF's kernel
 * image alias and a PT_LOAD with a hole among them) against one cycle, for
 * each writer. */
TEST(cycles_do_not_change_output) {
        static const char *const rows[][8] = {
                { "-l", "-d", "31", NULL },
                { "-c", "-d", "31", NULL },
                { "-l", "-d", "0", NULL },
                { "-E", "-d", "31", NULL },
                { "-E", "-d", "1", "-F", NULL },
                { "-F", "-l", "-d", "31", NULL },
        };
        static char expected[4096];
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_arm64_core(&s, &c, expected, sizeof(expected));

        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                _cleanup_free_ uint8_t *one = NULL, *many = NULL;
                size_t n1, n2;

                one = collect_cycles(rows[i], in, 0, &n1);
                many = collect_cycles(rows[i], in, 64, &n2);
                printf("# %s %s %s: %zu bytes\n", rows[i][0], rows[i][1], rows[i][2], n1);
                ASSERT_EQ(n1, n2);
                ASSERT_TRUE(memcmp(one, many, n1) == 0);
        }
        synth_done(&c);
}

TEST_MAIN()
