/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "notes/elfcorehdr.h"
#include "tests.h"

static size_t count(const Elf64_Phdr *ph, size_t n, uint32_t type) {
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
                c += ph[i].p_type == type;
        return c;
}

static void built(const char *tree, struct elfcorehdr_info *info, Elf64_Ehdr **ret) {
        void *b;
        size_t n;

        ASSERT_OK(elfcorehdr_collect(test_fixture(tree), info));
        ASSERT_OK(elfcorehdr_build(info, &b, &n));
        ASSERT_EQ(n, sizeof(Elf64_Ehdr) + ((Elf64_Ehdr *) b)->e_phnum * sizeof(Elf64_Phdr));
        *ret = b;
}

TEST(qemu_guest) {
        _cleanup_free_ Elf64_Ehdr *eh = NULL;
        struct elfcorehdr_info info;
        const Elf64_Phdr *ph;

        built("capture-kernel/qemu-pc-1g", &info, &eh);
        ASSERT_EQ(eh->e_type, ET_CORE);
        ASSERT_EQ(eh->e_machine, EM_X86_64);
        ph = (const Elf64_Phdr *) (eh + 1);
        /* 2 CPUs + VMCOREINFO; text + RAM: 1M-256M and 512M-end, the low 1 MiB cut */
        ASSERT_EQ(count(ph, eh->e_phnum, PT_NOTE), 3);
        ASSERT_EQ(ph[0].p_paddr, 0x3fa1a808);
        ASSERT_EQ(ph[0].p_offset, 0x3fa1a808);
        ASSERT_EQ(ph[0].p_memsz, 368);
        ASSERT_EQ(ph[2].p_paddr, 0x32e5e000);
        ASSERT_EQ(ph[2].p_memsz, 0x1024);                    /* "%x": hexadecimal */
        ASSERT_EQ(ph[3].p_type, PT_LOAD);
        ASSERT_EQ(ph[3].p_vaddr, 0xffffffff81000000);
        ASSERT_EQ(ph[3].p_paddr, 0x31600000);
        ASSERT_EQ(ph[4].p_paddr, 0x100000);
        ASSERT_EQ(ph[4].p_memsz, 0x10000000 - 0x100000);
        ASSERT_EQ(ph[4].p_vaddr, 0xffff888000100000);
        ASSERT_EQ(ph[5].p_paddr, 0x20000000);
        ASSERT_EQ(ph[5].p_memsz, 0x3ffdf000 - 0x20000000);
        ASSERT_EQ(eh->e_phnum, 6);
        ASSERT_TRUE(!info.page_offset_guessed);
        elfcorehdr_info_done(&info);
}

TEST(server_with_high_and_low_reservation) {
        _cleanup_free_ Elf64_Ehdr *eh = NULL;
        struct elfcorehdr_info info;
        const Elf64_Phdr *ph;
        uint64_t total = 0;

        built("capture-kernel/server-64g-high", &info, &eh);
        ph = (const Elf64_Phdr *) (eh + 1);
        /* 8 possible CPUs but only 4 present in sysfs */
        ASSERT_EQ(count(ph, eh->e_phnum, PT_NOTE), 5);
        for (size_t i = 0; i < eh->e_phnum; i++) {
                if (ph[i].p_type != PT_LOAD || ph[i].p_vaddr >= X86_64_START_KERNEL_MAP)
                        continue;
                ASSERT_EQ(ph[i].p_vaddr - ph[i].p_paddr, 0xffff9a4c80000000);   /* KASLR'd direct map from kcore */
                /* neither crash range is in the dump */
                ASSERT_TRUE(ph[i].p_paddr + ph[i].p_memsz <= 0x4f000000 || ph[i].p_paddr >= 0x5f000000);
                ASSERT_TRUE(ph[i].p_paddr + ph[i].p_memsz <= 0x1020000000 || ph[i].p_paddr >= 0x1040000000);
                total += ph[i].p_memsz;
        }
        /* System RAM minus 1 MiB minus 256 MiB low minus 512 MiB high */
        ASSERT_EQ(total, (0xa0000 - 0x1000) + (0x60000000 - 0x100000) + (0x6f3df000 - 0x60000000) +
                         (0x1040000000 - 0x100000000) - (0xa0000 - 0x1000) - 0x10000000 - 0x20000000);
        elfcorehdr_info_done(&info);
}

TEST(no_kcore_falls_back_to_kallsyms) {
        _cleanup_free_ Elf64_Ehdr *eh = NULL;
        struct elfcorehdr_info info;

        built("capture-kernel/cloud-vm-4g-nokcore", &info, &eh);
        ASSERT_TRUE(info.page_offset_guessed);
        ASSERT_EQ(info.text_vaddr, 0xffffffff81000000);
        ASSERT_EQ(info.text_paddr, 0x1000000);
        ASSERT_EQ(info.text_size, 0x1c58000);
        elfcorehdr_info_done(&info);
}

TEST(ram_range_cutting) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        _cleanup_free_ struct phys_range *r = NULL;
        struct phys_range ex[] = { { 0, 0xfffff }, { 0x20000000, 0x2fffffff }, { 0x3f000000, 0x4fffffff } };
        size_t n;

        ASSERT_OK(iomem_parse("00001000-0009ffff : System RAM\n00100000-3fffffff : System RAM\n", &m));
        ASSERT_OK(elfcorehdr_ram_ranges(m, ex, ELEMENTSOF(ex), &r, &n));
        ASSERT_EQ(n, 2);
        ASSERT_EQ(r[0].start, 0x100000);
        ASSERT_EQ(r[0].end, 0x1fffffff);
        ASSERT_EQ(r[1].start, 0x30000000);
        ASSERT_EQ(r[1].end, 0x3effffff);
}

TEST(collect_errors) {
        struct elfcorehdr_info info;

        /* a kernel without CONFIG_CRASH_DUMP has no crash_notes */
        ASSERT_OK(mkdir_p(test_tmp("nocrash/proc"), 0755));
        ASSERT_OK(mkdir_p(test_tmp("nocrash/sys/devices/system/cpu/cpu0"), 0755));
        ASSERT_OK(write_file_atomic(test_tmp("nocrash/proc/iomem"), "00100000-3fffffff : System RAM\n", 31, 0644));
        ASSERT_OK(write_file_atomic(test_tmp("nocrash/sys/devices/system/cpu/possible"), "0\n", 2, 0644));
        ASSERT_ERR(elfcorehdr_collect(test_tmp("nocrash"), &info), ENOENT);
}

TEST_MAIN()
