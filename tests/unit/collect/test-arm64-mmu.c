/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arm64 translations over a synthetic physical memory, for every layout
 * the collector supports: 4K granule with 39, 48 and 52-bit (LPA2) VAs,
 * 64K with 42, 48 and 52-bit (FEAT_LPA) VAs, 16K with 47; a 52-bit kernel on
 * a 48-bit CPU (4K: folded top level; 64K: TTBR1 offset into
 * swapper_pg_dir); block entries at each level that allows them; the linear
 * map in both layouts (5.4's flip); the backend chosen from the dump's
 * machine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/arm64-mmu.h"
#include "initramfs/collect/kernel-mmu.h"
#include "tests.h"

#define MEM (8u << 20)
static uint8_t mem[MEM];
static uint64_t next_table;

#define ROOT UINT64_C(0x100000)         /* swapper_pg_dir's physical address */
#define AF (UINT64_C(1) << 10)
#define SH_INNER (UINT64_C(3) << 8)     /* not address bits outside LPA2 */
#define XN_CONT (UINT64_C(3) << 53 | UINT64_C(1) << 52 | UINT64_C(1) << 11)
#define TABLE_ATTRS (UINT64_C(1) << 59 | UINT64_C(1) << 63)

static int rd(void *ud, uint64_t paddr, void *buf, size_t len) {
        if (paddr >= MEM || len > MEM - paddr)
                return -ENXIO;
        memcpy(buf, mem + paddr, len);
        return 0;
}

/* The descriptor formats, written from the Arm ARM (not from the code
 * under test): where each output address bit goes. */
enum fmt { FMT_48, FMT_LPA2, FMT_LPA64 };

struct geo {
        unsigned shift;         /* granule */
        unsigned va;            /* bits the MMU walks (64 - T1SZ) */
        enum fmt fmt;
};

static uint64_t enc(const struct geo *g, uint64_t pa) {
        switch (g->fmt) {
        case FMT_LPA2:
                return (pa & UINT64_C(0x0003fffffffff000)) | ((pa >> 50) & 3) << 8;
        case FMT_LPA64:
                return (pa & UINT64_C(0x0000ffffffff0000)) | ((pa >> 48) & 0xf) << 12;
        default:
                return pa | SH_INNER;
        }
}

static uint64_t dec_table(const struct geo *g, uint64_t d) {
        switch (g->fmt) {
        case FMT_LPA2:
                return (d & UINT64_C(0x0003fffffffff000)) | ((d >> 8) & 3) << 50;
        case FMT_LPA64:
                return (d & UINT64_C(0x0000ffffffff0000)) | ((d >> 12) & 0xf) << 48;
        default:
                return d & UINT64_C(0x0000fffffffff000);
        }
}

static void put64(uint64_t pa, uint64_t v) {
        memcpy(mem + pa, &v, 8);
}

static uint64_t get64(uint64_t pa) {
        uint64_t v;
        memcpy(&v, mem + pa, 8);
        return v;
}

static void reset(void) {
        memset(mem, 0, sizeof(mem));
        next_table = ROOT + 0x100000;
}

static int top_level(const struct geo *g) {
        unsigned per = g->shift - 3;
        return 4 - (int) ((g->va - g->shift + per - 1) / per);
}

static unsigned level_shift(const struct geo *g, int level) {
        return g->shift + (unsigned) (3 - level) * (g->shift - 3);
}

/* Maps va -> pa with a leaf at leaf_level (3: a page; less: a block),
 * creating tables under root as needed. */
static void map(const struct geo *g, uint64_t root, uint64_t va, uint64_t pa, int leaf_level) {
        uint64_t table = root;

        for (int level = top_level(g); ; level++) {
                unsigned s = level_shift(g, level);
                uint64_t idx = level == top_level(g) ? (va & ((UINT64_C(1) << g->va) - 1)) >> s
                                                     : (va >> s) & ((UINT64_C(1) << (g->shift - 3)) - 1);
                uint64_t at = table + idx * 8, d = get64(at);

                if (level == leaf_level) {
                        put64(at, enc(g, pa) | AF | XN_CONT | (level == 3 ? 3 : 1));
                        return;
                }
                if (!(d & 1)) {
                        uint64_t t = next_table;
                        next_table += UINT64_C(1) << g->shift;
                        ASSERT_TRUE(next_table <= MEM);
                        put64(at, enc(g, t) | TABLE_ATTRS | 3);
                        d = get64(at);
                }
                table = dec_table(g, d);
        }
}

static void vmcoreinfo(char *buf, size_t size, unsigned page_size, unsigned va_bits, int t1sz,
                       uint64_t swapper, uint64_t phys_offset, const char *release, unsigned physmem) {
        int n = snprintf(buf, size,
                         "OSRELEASE=%s\nPAGESIZE=%u\nSYMBOL(swapper_pg_dir)=%llx\nNUMBER(VA_BITS)=%u\n"
                         "NUMBER(kimage_voffset)=0x%llx\nNUMBER(PHYS_OFFSET)=0x%llx\n"
                         "NUMBER(MAX_PHYSMEM_BITS)=%u\nKERNELOFFSET=0\n",
                         release, page_size, (unsigned long long) swapper, va_bits,
                         (unsigned long long) (swapper - ROOT), (unsigned long long) phys_offset, physmem);
        if (t1sz >= 0)
                snprintf(buf + n, size - (size_t) n, "NUMBER(TCR_EL1_T1SZ)=0x%x\n", t1sz);
}

static void init(struct arm64_mmu *m, const char *text) {
        struct vmci v = { text, strlen(text) };
        ASSERT_OK(arm64_mmu_init(m, &v, rd, NULL));
        ASSERT_EQ(m->root, ROOT);
}

static void expect(struct arm64_mmu *m, uint64_t va, uint64_t pa, uint64_t span) {
        uint64_t p, s;
        ASSERT_OK(arm64_mmu_translate(m, va, &p, &s));
        ASSERT_EQ(p, pa);
        ASSERT_EQ(s, span);
}

static void expect_fault(struct arm64_mmu *m, uint64_t va) {
        uint64_t p, s;
        ASSERT_ERR(arm64_mmu_translate(m, va, &p, &s), EFAULT);
}

/* 4K, 48 bits, 6.x: four levels; 1 GiB and 2 MiB blocks; the linear map is
 * the lower half from 0xffff000000000000. */
TEST(granule_4k_va48) {
        const struct geo g = { 12, 48, FMT_48 };
        const uint64_t kimg = UINT64_C(0xffff800008000000), vmemmap = UINT64_C(0xfffffc0000000000);
        const uint64_t vmalloc = UINT64_C(0xffff800080000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 4096, 48, 16, kimg + 0x1000000, UINT64_C(0x40000000), "6.1.0-arm64", 48);
        init(&m, text);
        ASSERT_EQ(m.top_level, 0);
        ASSERT_TRUE(m.flipped && !m.lpa2);

        map(&g, ROOT, vmalloc + 0x5000, UINT64_C(0x4123456000), 3);
        map(&g, ROOT, vmemmap + 0x400000, UINT64_C(0x80000000), 2);
        map(&g, ROOT, vmemmap + 0x80000000, UINT64_C(0xc0000000), 1);
        expect(&m, vmalloc + 0x5010, UINT64_C(0x4123456010), 0xff0);
        expect(&m, vmemmap + 0x412345, UINT64_C(0x80012345), 0x200000 - 0x12345);
        expect(&m, vmemmap + 0x81234567, UINT64_C(0xc1234567), 0x40000000 - 0x1234567);
        expect_fault(&m, vmalloc + 0x6000);             /* no page */
        expect_fault(&m, vmemmap + 0x600000);           /* no block */
        expect_fault(&m, UINT64_C(0x0000800000000000)); /* a user (TTBR0) address */
        /* linear map: (va & ~PAGE_OFFSET) + PHYS_OFFSET, up to PAGE_END */
        expect(&m, UINT64_C(0xffff000000001234), UINT64_C(0x40001234), (UINT64_C(1) << 47) - 0x1234);
        expect(&m, UINT64_C(0xffff7fffffffffff), UINT64_C(0x40000000) + (UINT64_C(1) << 47) - 1, 1);
        /* a repeated walk of the same block comes from the cache */
        {
                uint64_t walks = m.walks;
                expect(&m, vmemmap + 0x400000, UINT64_C(0x80000000), 0x200000);
                ASSERT_EQ(m.walks, walks);
        }
        /* reads cross leaves and go to the right places */
        map(&g, ROOT, vmalloc + 0x9000, 0x700000, 3);
        map(&g, ROOT, vmalloc + 0x8000, 0x710000, 3);
        mem[0x710fff] = 0xaa;
        mem[0x700000] = 0x55;
        {
                uint8_t b[2];
                ASSERT_OK(arm64_mmu_read(&m, vmalloc + 0x8fff, b, 2));
                ASSERT_EQ(b[0], 0xaa);
                ASSERT_EQ(b[1], 0x55);
                ASSERT_ERR(arm64_mmu_read(&m, vmalloc + 0x9fff, b, 2), EFAULT);
        }
}

/* 4K, 39 bits (Raspberry Pi OS, Android): three levels, both block sizes. */
TEST(granule_4k_va39) {
        const struct geo g = { 12, 39, FMT_48 };
        const uint64_t kimg = UINT64_C(0xffffffc008000000), vm = UINT64_C(0xffffffc080000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 4096, 39, 25, kimg + 0x10000, 0, "5.15.0-rpi", 48);
        init(&m, text);
        ASSERT_EQ(m.top_level, 1);
        map(&g, ROOT, vm + 0x3000, 0x7000, 3);
        map(&g, ROOT, vm + 0x40000000, UINT64_C(0x140000000), 1);
        map(&g, ROOT, vm + 0x200000, 0xa00000, 2);
        expect(&m, vm + 0x3abc, 0x7abc, 0x544);
        expect(&m, vm + 0x40000010, UINT64_C(0x140000010), 0x40000000 - 0x10);
        expect(&m, vm + 0x200010, 0xa00010, 0x200000 - 0x10);
        expect_fault(&m, vm + 0x4000);
        expect_fault(&m, UINT64_C(0xffffff0000000000));  /* below 2^64 - 2^39 */
        expect(&m, UINT64_C(0xffffff8000000000) + 0x5000, 0x5000, (UINT64_C(1) << 38) - 0x5000);
}

/* 4K, 52 bits with FEAT_LPA2: five levels, PA[51:50] in bits [9:8], and
 * 512 GiB blocks at level 0. */
TEST(granule_4k_va52_lpa2) {
        const struct geo g = { 12, 52, FMT_LPA2 };
        const uint64_t kimg = UINT64_C(0xffff800008000000), vm = UINT64_C(0xffff808000000000);
        const uint64_t high = UINT64_C(0x000c001234567000);  /* PA bits 51 and 50 set */
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 4096, 52, 12, kimg + 0x10000, 0, "6.10.0-lpa2", 52);
        init(&m, text);
        ASSERT_EQ(m.top_level, -1);
        ASSERT_TRUE(m.lpa2);
        /* a vmalloc-like address in the upper half */
        map(&g, ROOT, kimg + 0x200000 + 0x3000, high, 3);
        expect(&m, kimg + 0x200000 + 0x3008, high + 8, 0xff8);
        map(&g, ROOT, UINT64_C(0xffff800040000000), UINT64_C(0x0008000040000000), 1);
        expect(&m, UINT64_C(0xffff800040000123), UINT64_C(0x0008000040000123), 0x40000000 - 0x123);
        map(&g, ROOT, kimg + 0x600000, UINT64_C(0x0004000000600000), 2);
        expect(&m, kimg + 0x600123, UINT64_C(0x0004000000600123), 0x200000 - 0x123);
        /* tables whose own addresses are above 2^50 are not possible in our
         * 8 MiB; a 512 GiB block at level 0 is */
        map(&g, ROOT, vm, UINT64_C(0x000c000000000000), 0);
        expect(&m, vm + 0x123456789, UINT64_C(0x000c000123456789), (UINT64_C(1) << 39) - 0x123456789);
        expect_fault(&m, vm + (UINT64_C(1) << 39));
        /* the linear map starts at -(2^52), ends at -(2^47) */
        expect(&m, UINT64_C(0xfff0000000000000) + 0x1000, 0x1000, (UINT64_C(1) << 52) - (UINT64_C(1) << 47) - 0x1000);
}

/* The same 52-bit 4K kernel on a CPU without LPA2 (T1SZ 16): four levels
 * from swapper_pg_dir (the top one folded), 48-bit descriptors whose bits
 * [9:8] are shareability, not address. */
TEST(granule_4k_va52_on_48bit_cpu) {
        const struct geo g = { 12, 48, FMT_48 };
        const uint64_t kimg = UINT64_C(0xffff800008000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 4096, 52, 16, kimg + 0x10000, UINT64_C(0xfff1000000000000), "6.10.0", 52);
        init(&m, text);
        ASSERT_EQ(m.top_level, 0);
        ASSERT_TRUE(!m.lpa2);
        map(&g, ROOT, kimg + 0x7000, 0x9000, 3);
        expect(&m, kimg + 0x7001, 0x9001, 0xfff);
        /* the linear map as the kernel's __pa() computes it with the
         * memstart_addr it shifted by 2^52 - 2^48 */
        expect(&m, UINT64_C(0xffff000000002000), UINT64_C(0xffff000000002000) - UINT64_C(0xfff0000000000000) + UINT64_C(0xfff1000000000000),
               (UINT64_C(0xffff800000000000) - UINT64_C(0xffff000000002000)));
}

/* 64K, 42 bits: two levels, 512 MiB blocks. */
TEST(granule_64k_va42) {
        const struct geo g = { 16, 42, FMT_48 };
        const uint64_t kimg = UINT64_C(0xfffffe0008000000), vm = UINT64_C(0xfffffe0100000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 65536, 42, 22, kimg + 0x10000, UINT64_C(0x80000000), "5.14.0-rhel", 48);
        init(&m, text);
        ASSERT_EQ(m.top_level, 2);
        map(&g, ROOT, vm + 0x30000, 0x1230000, 3);
        map(&g, ROOT, vm + 0x20000000, UINT64_C(0x60000000), 2);
        expect(&m, vm + 0x3abcd, 0x123abcd, 0x10000 - 0xabcd);
        expect(&m, vm + 0x21234567, UINT64_C(0x61234567), 0x20000000 - 0x1234567);
        expect_fault(&m, vm + 0x40000);
        expect(&m, UINT64_C(0xfffffc0000000000) + 0x10000, UINT64_C(0x80010000), (UINT64_C(1) << 41) - 0x10000);
}

/* 64K, 48 bits: three levels, 512 MiB blocks. */
TEST(granule_64k_va48) {
        const struct geo g = { 16, 48, FMT_48 };
        const uint64_t kimg = UINT64_C(0xffff800008000000), vm = UINT64_C(0xffff800100000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 65536, 48, 16, kimg + 0x10000, 0, "6.1.0", 48);
        init(&m, text);
        ASSERT_EQ(m.top_level, 1);
        map(&g, ROOT, vm + 0x50000, UINT64_C(0x876540000), 3);
        map(&g, ROOT, vm + 0x60000000, UINT64_C(0x1a0000000), 2);
        expect(&m, vm + 0x50004, UINT64_C(0x876540004), 0xfffc);
        expect(&m, vm + 0x60000004, UINT64_C(0x1a0000004), 0x20000000 - 4);
        expect_fault(&m, vm + 0x80000000);
}

/* 64K, 52 bits with FEAT_LPA: PA[51:48] in bits [15:12], 4 TiB blocks at
 * level 1. */
TEST(granule_64k_va52_lpa) {
        const struct geo g = { 16, 52, FMT_LPA64 };
        const uint64_t kimg = UINT64_C(0xffff800008000000), vm = UINT64_C(0xffff840000000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 65536, 52, 12, kimg + 0x10000, 0, "6.6.0", 52);
        init(&m, text);
        ASSERT_EQ(m.top_level, 1);
        ASSERT_TRUE(m.pa52_64k);
        map(&g, ROOT, kimg + 0x20000, UINT64_C(0x000f123456780000), 3);
        expect(&m, kimg + 0x20010, UINT64_C(0x000f123456780010), 0xfff0);
        map(&g, ROOT, UINT64_C(0xffff800040000000), UINT64_C(0x0003000020000000), 2);
        expect(&m, UINT64_C(0xffff800040000010), UINT64_C(0x0003000020000010), 0x20000000 - 0x10);
        map(&g, ROOT, vm, UINT64_C(0x0009000000000000), 1);
        expect(&m, vm + 0x12345678, UINT64_C(0x0009000012345678), (UINT64_C(1) << 42) - 0x12345678);
}

/* The same 64K 52-bit kernel on a 48-bit CPU: TTBR1 points 960 entries into
 * swapper_pg_dir, where the 48-bit walk's 64 entries are. */
TEST(granule_64k_va52_on_48bit_cpu) {
        const struct geo g = { 16, 48, FMT_LPA64 };
        const uint64_t kimg = UINT64_C(0xffff800008000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 65536, 52, 16, kimg + 0x10000, 0, "6.6.0", 52);
        {
                struct vmci v = { text, strlen(text) };
                ASSERT_OK(arm64_mmu_init(&m, &v, rd, NULL));
        }
        ASSERT_EQ(m.root, ROOT + 960 * 8);
        map(&g, ROOT + 960 * 8, kimg + 0x30000, 0x450000, 3);
        /* the kernel's own index: bits [51:42] of the sign-extended address */
        ASSERT_TRUE(get64(ROOT + ((kimg >> 42) & 1023) * 8) & 1);
        expect(&m, kimg + 0x30008, 0x450008, 0xfff8);
}

/* 16K, 47 bits: three levels, 32 MiB blocks. */
TEST(granule_16k_va47) {
        const struct geo g = { 14, 47, FMT_48 };
        const uint64_t kimg = UINT64_C(0xffffc00008000000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 16384, 47, 17, kimg + 0x10000, 0, "6.1.0-asahi", 48);
        init(&m, text);
        ASSERT_EQ(m.top_level, 1);
        map(&g, ROOT, kimg + 0x4000, 0x18000, 3);
        map(&g, ROOT, kimg + 0x4000000, 0x6000000, 2);
        expect(&m, kimg + 0x4010, 0x18010, 0x3ff0);
        expect(&m, kimg + 0x4000010, 0x6000010, 0x2000000 - 0x10);
        expect_fault(&m, kimg + 0x8000);
}

/* Before 5.4 the linear map was the upper half and the image lived below. */
TEST(layout_before_5_4) {
        const struct geo g = { 12, 48, FMT_48 };
        const uint64_t kimg = UINT64_C(0xffff000008080000);
        char text[512];
        struct arm64_mmu m;

        reset();
        vmcoreinfo(text, sizeof(text), 4096, 48, -1, kimg + 0x1000000 - 0x80000, UINT64_C(0x40000000), "4.19.0-arm64", 48);
        init(&m, text);
        ASSERT_TRUE(!m.flipped);
        ASSERT_EQ(m.page_offset, UINT64_C(0xffff800000000000));
        expect(&m, UINT64_C(0xffff800000003000), UINT64_C(0x40003000), UINT64_C(0x800000000000) - 0x3000);
        map(&g, ROOT, UINT64_C(0xffff7e0000000000), 0x20000000, 2);          /* vmemmap, lower half */
        expect(&m, UINT64_C(0xffff7e0000000040), 0x20000040, 0x200000 - 0x40);

        /* an image address in the linear half: the release and the
         * symbol disagree */
        vmcoreinfo(text, sizeof(text), 4096, 48, -1, UINT64_C(0xffff800000100000), 0, "4.19.0", 48);
        {
                struct vmci v = { text, strlen(text) };
                ASSERT_ERR(arm64_mmu_init(&m, &v, rd, NULL), EINVAL);
        }
}

TEST(bad_vmcoreinfo) {
        const uint64_t kimg = UINT64_C(0xffff800008000000);
        char text[512];
        struct arm64_mmu m;
        struct vmci v;

#define INIT_ERR(err) do { v = (struct vmci) { text, strlen(text) }; ASSERT_ERR(arm64_mmu_init(&m, &v, rd, NULL), err); } while (0)
        v = (struct vmci) { "", 0 };
        ASSERT_ERR(arm64_mmu_init(&m, &v, rd, NULL), ENOENT);
        /* a 52-bit kernel without T1SZ: 48 or 52 bits walked is unknown */
        vmcoreinfo(text, sizeof(text), 4096, 52, -1, kimg, 0, "5.8.0", 52);
        INIT_ERR(ENOENT);
        /* VA_BITS that the granule does not have */
        vmcoreinfo(text, sizeof(text), 4096, 42, 22, kimg, 0, "6.1.0", 48);
        INIT_ERR(EINVAL);
        vmcoreinfo(text, sizeof(text), 8192, 48, 16, kimg, 0, "6.1.0", 48);
        INIT_ERR(EINVAL);
        /* T1SZ wider than VA_BITS allows */
        vmcoreinfo(text, sizeof(text), 4096, 48, 12, kimg, 0, "6.1.0", 48);
        INIT_ERR(EINVAL);
        /* swapper_pg_dir not page aligned, or in the linear map */
        vmcoreinfo(text, sizeof(text), 4096, 48, 16, kimg + 0x800, 0, "6.1.0", 48);
        INIT_ERR(EINVAL);
        vmcoreinfo(text, sizeof(text), 4096, 48, 16, UINT64_C(0xffff000000200000), 0, "6.1.0", 48);
        INIT_ERR(EINVAL);
        /* no release to tell the layout by */
        snprintf(text, sizeof(text), "PAGESIZE=4096\nSYMBOL(swapper_pg_dir)=%llx\nNUMBER(VA_BITS)=48\n"
                 "NUMBER(kimage_voffset)=0x%llx\nNUMBER(PHYS_OFFSET)=0x0\n",
                 (unsigned long long) kimg, (unsigned long long) kimg);
        INIT_ERR(ENOENT);
#undef INIT_ERR
}

/* The backend follows the dump's machine (or, without one, VMCOREINFO),
 * never the host. */
TEST(backend_from_machine) {
        const struct geo g = { 12, 48, FMT_48 };
        const uint64_t kimg = UINT64_C(0xffff800008000000);
        char text[512];
        struct kernel_mmu k;
        struct vmci v;
        uint64_t pa;

        reset();
        vmcoreinfo(text, sizeof(text), 4096, 48, 16, kimg + 0x10000, 0, "6.1.0", 48);
        v = (struct vmci) { text, strlen(text) };
        map(&g, ROOT, kimg + 0x5000, 0x6000, 3);

        ASSERT_EQ(kernel_machine_from_vmcoreinfo(&v), KERNEL_EM_AARCH64);
        ASSERT_OK(kernel_mmu_init(&k, KERNEL_EM_AARCH64, &v, rd, NULL));
        ASSERT_EQ(k.machine, KERNEL_EM_AARCH64);
        ASSERT_OK(kernel_mmu_translate(&k, kimg + 0x5004, &pa, NULL));
        ASSERT_EQ(pa, 0x6004);
        ASSERT_OK(kernel_mmu_init(&k, 0, &v, rd, NULL));
        ASSERT_EQ(k.machine, KERNEL_EM_AARCH64);
        /* an x86_64 core with an arm64 VMCOREINFO has no x86_64 root */
        ASSERT_ERR(kernel_mmu_init(&k, KERNEL_EM_X86_64, &v, rd, NULL), ENOENT);
        ASSERT_ERR(kernel_mmu_init(&k, 21 /* EM_PPC64 */, &v, rd, NULL), EPROTONOSUPPORT);
        ASSERT_STREQ(kernel_machine_name(KERNEL_EM_AARCH64), "aarch64");

        /* page size from the dump: 64K here, whatever the host's */
        {
                uint32_t ps;
                static const char t64[] = "PAGESIZE=65536\nNUMBER(kimage_voffset)=0x1\n";
                static const char none[] = "NUMBER(kimage_voffset)=0x1\n";
                v = (struct vmci) { t64, strlen(t64) };
                ASSERT_OK(kernel_page_size(KERNEL_EM_AARCH64, &v, &ps));
                ASSERT_EQ(ps, 65536);
                v = (struct vmci) { none, strlen(none) };
                ASSERT_ERR(kernel_page_size(0, &v, &ps), ENOENT);
                ASSERT_OK(kernel_page_size(KERNEL_EM_X86_64, &(struct vmci) { "", 0 }, &ps));
                ASSERT_EQ(ps, 4096);
        }
}

TEST_MAIN()
