/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Page-table walks over a synthetic physical memory: 4 and 5 levels,
 * 1 GiB and 2 MiB leaves, phys_base, the SME C-bit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/x86-mmu.h"
#include "tests.h"

#define MEM (64u * 4096u)
static uint8_t mem[MEM];

static int rd(void *ud, uint64_t paddr, void *buf, size_t len) {
        if (paddr >= MEM || len > MEM - paddr)
                return -ENXIO;
        memcpy(buf, mem + paddr, len);
        return 0;
}

static void set_entry(uint64_t table, unsigned idx, uint64_t val) {
        memcpy(mem + table + idx * 8, &val, 8);
}

static unsigned ix(uint64_t va, unsigned level) {
        return (va >> (12 + 9 * (level - 1))) & 511;
}

TEST(four_level_with_leaves) {
        const uint64_t phys_base = 0x4000, sme = UINT64_C(1) << 47;
        const uint64_t pgt_va = X86_START_KERNEL_MAP + 0x1000;  /* root at phys 0x5000 */
        const uint64_t root = 0x5000, pud = 0x6000, pmd = 0x7000, pte = 0x8000;
        const uint64_t va_4k = UINT64_C(0xffffc90000000000) + 0x3000 + 0x123;
        const uint64_t va_2m = UINT64_C(0xffffc90000000000) + 0x400000 + 0x1234;
        const uint64_t va_1g = UINT64_C(0xffffc90040000000) + 0x12345678;
        char vmci[512];
        struct vmci v;
        struct x86_mmu m;
        uint64_t pa, span;

        memset(mem, 0, sizeof(mem));
        snprintf(vmci, sizeof(vmci), "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=%llu\nNUMBER(pgtable_l5_enabled)=0\n"
                 "NUMBER(sme_mask)=%llu\n", (unsigned long long) pgt_va, (unsigned long long) phys_base,
                 (unsigned long long) sme);
        v = (struct vmci) { vmci, strlen(vmci) };
        ASSERT_OK(x86_mmu_init(&m, &v, rd, NULL));
        ASSERT_EQ(m.root, root);
        ASSERT_EQ(m.levels, 4);

        /* entries carry the C-bit and NX, which must be masked off */
        set_entry(root, ix(va_4k, 4), pud | sme | 0x63 | (UINT64_C(1) << 63));
        set_entry(pud, ix(va_4k, 3), pmd | sme | 0x63);
        set_entry(pmd, ix(va_4k, 2), pte | sme | 0x63);
        set_entry(pte, ix(va_4k, 1), 0x9000 | sme | 0x63);
        set_entry(pmd, ix(va_2m, 2), UINT64_C(0x40000000) | sme | 0x1000 /* PAT */ | 0xe3);
        set_entry(pud, ix(va_1g, 3), UINT64_C(0x80000000) | sme | 0xe3);

        ASSERT_OK(x86_mmu_translate(&m, va_4k, &pa, &span));
        ASSERT_EQ(pa, 0x9123);
        ASSERT_EQ(span, 0x1000 - 0x123);
        ASSERT_OK(x86_mmu_translate(&m, va_2m, &pa, &span));
        ASSERT_EQ(pa, 0x40001234);
        ASSERT_EQ(span, 0x200000 - 0x1234);
        ASSERT_OK(x86_mmu_translate(&m, va_1g, &pa, &span));
        ASSERT_EQ(pa, UINT64_C(0x80000000) + 0x12345678);
        /* not present, non-canonical */
        ASSERT_ERR(x86_mmu_translate(&m, va_4k + 0x1000, &pa, &span), EFAULT);
        ASSERT_ERR(x86_mmu_translate(&m, UINT64_C(0x0000900000000000), &pa, &span), EFAULT);
        ASSERT_ERR(x86_mmu_translate(&m, UINT64_C(0x8000000000000000), &pa, &span), EFAULT);

        /* reads across the 4K leaf into RAM */
        mem[0x9123] = 0x5a;
        {
                uint8_t b;
                ASSERT_OK(x86_mmu_read(&m, va_4k, &b, 1));
                ASSERT_EQ(b, 0x5a);
        }
        /* second translation of the same 2M leaf comes from the cache */
        {
                uint64_t walks = m.walks;
                ASSERT_OK(x86_mmu_translate(&m, va_2m + 0x10000, &pa, NULL));
                ASSERT_EQ(m.walks, walks);
                ASSERT_EQ(pa, 0x40011234);
        }
}

TEST(five_level) {
        const uint64_t root = 0x2000, p4d = 0x3000, pud = 0x4000, pmd = 0x5000;
        const uint64_t va = UINT64_C(0xff11000000000000) + 0x200000 * 3 + 0x10;
        char vmci[256];
        struct vmci v;
        struct x86_mmu m;
        uint64_t pa;

        memset(mem, 0, sizeof(mem));
        snprintf(vmci, sizeof(vmci), "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=1\n",
                 (unsigned long long) (X86_START_KERNEL_MAP + root));
        v = (struct vmci) { vmci, strlen(vmci) };
        ASSERT_OK(x86_mmu_init(&m, &v, rd, NULL));
        ASSERT_EQ(m.levels, 5);
        set_entry(root, ix(va, 5), p4d | 0x63);
        set_entry(p4d, ix(va, 4), pud | 0x63);
        set_entry(pud, ix(va, 3), pmd | 0x63);
        set_entry(pmd, ix(va, 2), UINT64_C(0x1200000) | 0xe3);
        ASSERT_OK(x86_mmu_translate(&m, va, &pa, NULL));
        ASSERT_EQ(pa, 0x1200010);
        /* a 4-level walker would take this address as non-canonical */
}

TEST(bad_vmcoreinfo) {
        struct x86_mmu m;
        static const char unaligned[] = "SYMBOL(init_top_pgt)=ffffffff82001010\n";
        static const char low[] = "SYMBOL(init_top_pgt)=1000\n";
        struct vmci v = { "", 0 };

        ASSERT_ERR(x86_mmu_init(&m, &v, rd, NULL), ENOENT);
        v = (struct vmci) { unaligned, strlen(unaligned) };
        ASSERT_ERR(x86_mmu_init(&m, &v, rd, NULL), EINVAL);
        v = (struct vmci) { low, strlen(low) };
        ASSERT_ERR(x86_mmu_init(&m, &v, rd, NULL), EINVAL);
}

TEST_MAIN()
