/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mem_map discovery over a synthetic memory: a direct map (one 1 GiB leaf
 * at 0xffff888000000000 -> 0) holding SPARSEMEM_EXTREME roots or a plain
 * SPARSEMEM array. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/memmap.h"
#include "tests.h"

#define MEM (32u * 4096u)
#define DIRECT UINT64_C(0xffff888000000000)
#define VMEMMAP UINT64_C(0xffffea0000000000)
static uint8_t mem[MEM];

static int rd(void *ud, uint64_t paddr, void *buf, size_t len) {
        if (paddr >= MEM || len > MEM - paddr)
                return -ENXIO;
        memcpy(buf, mem + paddr, len);
        return 0;
}

static void put64(uint64_t pa, uint64_t v) {
        memcpy(mem + pa, &v, 8);
}

static void map_direct(struct kernel_mmu *m) {
        char vmci[128];
        struct vmci v;
        snprintf(vmci, sizeof(vmci), "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=0\n",
                 (unsigned long long) (X86_START_KERNEL_MAP + 0x1000));
        v = (struct vmci) { vmci, strlen(vmci) };
        ASSERT_OK(kernel_mmu_init(m, KERNEL_EM_X86_64, &v, rd, NULL));
        put64(0x1000 + ((DIRECT >> 39) & 511) * 8, 0x2000 | 0x63);
        put64(0x2000 + ((DIRECT >> 30) & 511) * 8, 0 | 0xe3);     /* 1 GiB leaf -> 0 */
}

TEST(decode) {
        /* vmemmap: the encoded value is vmemmap itself (mem_map - start pfn) */
        ASSERT_EQ(memmap_decode(VMEMMAP | 0x7, 3, 32768, 64), VMEMMAP + 3 * 32768 * 64);
        ASSERT_EQ(memmap_decode(VMEMMAP | 0x6, 3, 32768, 64), 0);     /* not present */
        ASSERT_EQ(memmap_decode(0x1, 3, 32768, 64), 0);               /* present, no map */
}

TEST(extreme) {
        struct kernel_mmu m;
        struct memmap mm;
        char vmci[512];
        struct vmci v;

        memset(mem, 0, sizeof(mem));
        map_direct(&m);
        /* root array at 0x3000: root 0 -> 0x4000 (128 sections of 32 bytes),
         * sections 0, 1 and 3 present; 46-bit physmem, 27-bit sections:
         * 2^19 sections, 4096 roots. */
        put64(0x3000, DIRECT + 0x4000);
        put64(0x4000 + 0 * 32, VMEMMAP | 0x1f);
        put64(0x4000 + 1 * 32, VMEMMAP | 0x3);
        put64(0x4000 + 3 * 32, VMEMMAP | 0x7);
        snprintf(vmci, sizeof(vmci), "SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=4096\nSIZE(mem_section)=32\n"
                 "OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=46\n"
                 "SIZE(page)=64\nPAGESIZE=4096\n", (unsigned long long) (DIRECT + 0x3000));
        v = (struct vmci) { vmci, strlen(vmci) };
        ASSERT_OK(memmap_discover(&v, &m, 4 * 32768, &mm));
        ASSERT_TRUE(mm.extreme);
        ASSERT_EQ(mm.n, 3);
        ASSERT_EQ(mm.ranges[0].start_pfn, 0);
        ASSERT_EQ(mm.ranges[0].mem_map, VMEMMAP);
        ASSERT_EQ(mm.ranges[1].start_pfn, 32768);
        ASSERT_EQ(mm.ranges[1].mem_map, VMEMMAP + 32768 * 64);
        ASSERT_EQ(mm.ranges[2].start_pfn, 3 * 32768);
        ASSERT_EQ(mm.ranges[2].end_pfn, 4 * 32768);
        memmap_done(&mm);

        /* max_pfn bounds the walk: only section 0 */
        ASSERT_OK(memmap_discover(&v, &m, 100, &mm));
        ASSERT_EQ(mm.n, 1);
        memmap_done(&mm);
}

TEST(plain_sparsemem) {
        struct kernel_mmu m;
        struct memmap mm;
        char vmci[512];
        struct vmci v;

        memset(mem, 0, sizeof(mem));
        map_direct(&m);
        /* a static array of 2^(36-27) = 512 sections, 16 bytes each */
        put64(0x5000 + 2 * 16 + 8, UINT64_C(0xffff888001000000) | 0x3);
        snprintf(vmci, sizeof(vmci), "SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=512\nSIZE(mem_section)=16\n"
                 "OFFSET(mem_section.section_mem_map)=8\nNUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=36\n"
                 "SIZE(page)=64\n", (unsigned long long) (DIRECT + 0x5000));
        v = (struct vmci) { vmci, strlen(vmci) };
        ASSERT_OK(memmap_discover(&v, &m, 512 * 32768, &mm));
        ASSERT_TRUE(!mm.extreme);
        ASSERT_EQ(mm.n, 1);
        ASSERT_EQ(mm.ranges[0].start_pfn, 2 * 32768);
        ASSERT_EQ(mm.ranges[0].mem_map, UINT64_C(0xffff888001000000) + 2 * 32768 * 64);
        memmap_done(&mm);
}

TEST(absurd_values) {
        struct kernel_mmu m;
        struct memmap mm;
        static const char bad[] = "SYMBOL(mem_section)=ffff888000003000\nLENGTH(mem_section)=7\nSIZE(mem_section)=32\n"
                "OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=46\nSIZE(page)=64\n";
        static const char bits[] = "SYMBOL(mem_section)=ffff888000003000\nSIZE(mem_section)=32\n"
                "OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=99\nSIZE(page)=64\n";
        struct vmci v = { bad, strlen(bad) };

        memset(mem, 0, sizeof(mem));
        map_direct(&m);
        ASSERT_ERR(memmap_discover(&v, &m, 100, &mm), EINVAL);
        v = (struct vmci) { bits, strlen(bits) };
        ASSERT_ERR(memmap_discover(&v, &m, 100, &mm), EINVAL);
        v = (struct vmci) { "", 0 };
        ASSERT_ERR(memmap_discover(&v, &m, 100, &mm), ENOENT);
}

TEST_MAIN()
