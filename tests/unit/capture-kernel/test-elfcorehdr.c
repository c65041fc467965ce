/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "notes/elfcorehdr.h"
#include "notes/elfcorehdr-arm64.h"
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

/* arm64: QEMU virt, 1 GiB at 0x40000000, crashkernel=256M, Debian 6.1 with
 * nokaslr (48-bit VA: PAGE_OFFSET 0xffff000000000000, PHYS_OFFSET 0x40000000,
 * _text at KIMAGE_VADDR 0xffff800008000000).  The text files are the fixture
 * tree; /proc/kcore (program headers only) is written here, per case. */
#define A64_LINEAR 0xffff000000000000ull
#define A64_TEXT_VADDR 0xffff800008000000ull
#define A64_TEXT_PADDR 0x40200000ull
#define A64_TEXT_SIZE 0x1c90000ull          /* _end - _text: "Kernel data" ends at 0x41e8ffff */
#define NO_PADDR UINT64_MAX

static Elf64_Phdr load(uint64_t vaddr, uint64_t paddr, uint64_t size) {
        return (Elf64_Phdr) { .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_vaddr = vaddr, .p_paddr = paddr,
                              .p_filesz = size, .p_memsz = size, .p_align = 4096 };
}

/* As fs/proc/kcore.c lists them: notes, text, vmalloc, modules, then RAM
 * and its vmemmap. */
static size_t kcore_virt(Elf64_Phdr *ph) {
        size_t n = 0;

        ph[n++] = (Elf64_Phdr) { .p_type = PT_NOTE, .p_offset = 0x1000, .p_filesz = 0x1c00 };
        ph[n++] = load(A64_TEXT_VADDR, A64_TEXT_PADDR, A64_TEXT_SIZE);
        ph[n++] = load(0xffff800008000000ull, NO_PADDR, 0xfffffbfff0000000ull - 0xffff800008000000ull);
        ph[n++] = load(0xffff800000000000ull, NO_PADDR, 0x8000000);
        ph[n++] = load(A64_LINEAR, 0x40000000, 0x40000000);
        ph[n++] = load(0xfffffc0000000000ull, NO_PADDR, 0x1000000);
        return n;
}

/* A root: the fixture's sys/ and proc/iomem, and this kcore (none if !ph). */
static const char *arm64_root(const char *name, uint16_t machine, const Elf64_Phdr *ph, size_t n) {
        static char root[8][4096];
        static unsigned k;
        char *r = root[k++ % 8], p[4096];

        snprintf(r, sizeof(root[0]), "%s", test_tmp(name));
        snprintf(p, sizeof(p), "%s/proc", r);
        ASSERT_OK(mkdir_p(p, 0755));
        snprintf(p, sizeof(p), "%s/sys", r);
        ASSERT_OK(symlink(test_fixture("capture-kernel/qemu-virt-arm64-1g/sys"), p));
        snprintf(p, sizeof(p), "%s/proc/iomem", r);
        ASSERT_OK(symlink(test_fixture("capture-kernel/qemu-virt-arm64-1g/proc/iomem"), p));
        if (ph) {
                size_t size = sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr);
                _cleanup_free_ uint8_t *buf = calloc(1, size);
                Elf64_Ehdr *eh = (Elf64_Ehdr *) buf;

                ASSERT_TRUE(buf);
                memcpy(eh->e_ident, ELFMAG, SELFMAG);
                eh->e_ident[EI_CLASS] = ELFCLASS64;
                eh->e_ident[EI_DATA] = ELFDATA2LSB;
                eh->e_ident[EI_VERSION] = EV_CURRENT;
                eh->e_type = ET_CORE;
                eh->e_machine = machine;
                eh->e_version = EV_CURRENT;
                eh->e_phoff = sizeof(Elf64_Ehdr);
                eh->e_ehsize = sizeof(Elf64_Ehdr);
                eh->e_phentsize = sizeof(Elf64_Phdr);
                eh->e_phnum = (Elf64_Half) n;
                memcpy(buf + sizeof(Elf64_Ehdr), ph, n * sizeof(Elf64_Phdr));
                snprintf(p, sizeof(p), "%s/proc/kcore", r);
                ASSERT_OK(write_file_atomic(p, buf, size, 0400));
        }
        return r;
}

TEST(arm64_qemu_virt) {
        _cleanup_free_ Elf64_Ehdr *eh = NULL;
        struct elfcorehdr_info info;
        Elf64_Phdr kc[8];
        const Elf64_Phdr *ph;
        char *err = NULL;
        size_t n, sz;
        void *b;

        n = kcore_virt(kc);
        ASSERT_OK(elfcorehdr_collect_arch(arm64_root("a64-virt", EM_AARCH64, kc, n), ELFCOREHDR_ARCH_ARM64, &info, &err));
        ASSERT_TRUE(!err);
        ASSERT_OK(elfcorehdr_build(&info, &b, &sz));
        eh = b;
        ASSERT_EQ(eh->e_type, ET_CORE);
        ASSERT_EQ(eh->e_machine, EM_AARCH64);
        ASSERT_EQ(eh->e_ident[EI_OSABI], ELFOSABI_NONE);
        ASSERT_EQ(eh->e_flags, 0);
        ASSERT_EQ(eh->e_phnum, 6);
        ASSERT_EQ(sz, sizeof(Elf64_Ehdr) + 6 * sizeof(Elf64_Phdr));
        ph = (const Elf64_Phdr *) (eh + 1);
        /* per-CPU crash_notes (sizeof(note_buf_t) = 424 on arm64), then VMCOREINFO */
        ASSERT_EQ(count(ph, eh->e_phnum, PT_NOTE), 3);
        ASSERT_EQ(ph[0].p_type, PT_NOTE);
        ASSERT_EQ(ph[0].p_offset, 0x7fda8a08);
        ASSERT_EQ(ph[0].p_paddr, 0x7fda8a08);
        ASSERT_EQ(ph[0].p_memsz, 424);
        ASSERT_EQ(ph[1].p_paddr, 0x7fdc8a08);
        ASSERT_EQ(ph[1].p_filesz, 424);
        ASSERT_EQ(ph[2].p_type, PT_NOTE);
        ASSERT_EQ(ph[2].p_paddr, 0x7fe15000);
        ASSERT_EQ(ph[2].p_memsz, 0x1024);
        /* the image: _text's own mapping and __pa_symbol(_text) */
        ASSERT_EQ(ph[3].p_type, PT_LOAD);
        ASSERT_EQ(ph[3].p_vaddr, A64_TEXT_VADDR);
        ASSERT_EQ(ph[3].p_paddr, A64_TEXT_PADDR);
        ASSERT_EQ(ph[3].p_offset, A64_TEXT_PADDR);
        ASSERT_EQ(ph[3].p_memsz, A64_TEXT_SIZE);
        /* RAM minus the reservation 0x6fc00000-0x7fbfffff, nothing cut below 1 MiB */
        ASSERT_EQ(ph[4].p_type, PT_LOAD);
        ASSERT_EQ(ph[4].p_paddr, 0x40000000);
        ASSERT_EQ(ph[4].p_offset, 0x40000000);
        ASSERT_EQ(ph[4].p_vaddr, A64_LINEAR);
        ASSERT_EQ(ph[4].p_memsz, 0x6fc00000 - 0x40000000);
        ASSERT_EQ(ph[4].p_filesz, ph[4].p_memsz);
        ASSERT_EQ(ph[5].p_paddr, 0x7fc00000);
        ASSERT_EQ(ph[5].p_offset, 0x7fc00000);
        ASSERT_EQ(ph[5].p_vaddr, A64_LINEAR + 0x3fc00000);
        ASSERT_EQ(ph[5].p_memsz, 0x400000);
        for (size_t i = 4; i < eh->e_phnum; i++)
                ASSERT_EQ(ph[i].p_align, 0);
        elfcorehdr_info_done(&info);
}

static void arm64_refused(const char *name, uint16_t machine, const Elf64_Phdr *kc, size_t n, int error,
                          const char *why) {
        struct elfcorehdr_info info = { .n_cpus = 77 };
        char *err = NULL;

        ASSERT_ERR(elfcorehdr_collect_arch(arm64_root(name, machine, kc, n), ELFCOREHDR_ARCH_ARM64, &info, &err), error);
        ASSERT_CONTAINS(err, why);
        ASSERT_EQ(info.n_cpus, 77);                          /* untouched on failure */
        free(err);
}

TEST(arm64_refuses_without_kcore) {
        arm64_refused("a64-nokcore", 0, NULL, 0, ENOENT, "CONFIG_PROC_KCORE");
}

TEST(arm64_refuses_without_text) {
        Elf64_Phdr kc[8];
        size_t n = kcore_virt(kc);

        kc[1] = kc[--n];                                      /* drop the text entry */
        arm64_refused("a64-notext", EM_AARCH64, kc, n, ENOENT, "kernel's text mapping in /proc/kcore");
}

TEST(arm64_refuses_inconsistent_linear_map) {
        Elf64_Phdr kc[8];
        size_t n = kcore_virt(kc);

        kc[4] = load(A64_LINEAR, 0x40000000, 0x20000000);
        kc[n++] = load(A64_LINEAR + 0x20000000 + 0x200000, 0x60000000, 0x20000000);
        arm64_refused("a64-twooffsets", EM_AARCH64, kc, n, EINVAL, "two offsets");
}

TEST(arm64_refuses_other_machines_kcore) {
        Elf64_Phdr kc[8];
        size_t n = kcore_virt(kc);

        arm64_refused("a64-x86kcore", EM_X86_64, kc, n, EBADMSG, "not an arm64");
}

TEST(arm64_refuses_text_outside_system_ram) {
        Elf64_Phdr kc[8];
        size_t n = kcore_virt(kc);

        /* kcore's RAM larger than /proc/iomem's, the image in the difference */
        kc[4] = load(A64_LINEAR, 0x40000000, 0x80000000);
        kc[1] = load(A64_TEXT_VADDR, 0x90000000, A64_TEXT_SIZE);
        arm64_refused("a64-textnotram", EM_AARCH64, kc, n, EINVAL, "not inside a System RAM range");
}

TEST(arm64_layout_sanity) {
        struct arm64_kernel_layout l;
        Elf64_Phdr kc[8];
        char *err = NULL;
        size_t n = kcore_virt(kc);

        ASSERT_OK(arm64_kernel_layout_from_kcore(kc, n, &l, &err));
        ASSERT_EQ(l.text_vaddr, A64_TEXT_VADDR);
        ASSERT_EQ(l.text_paddr, A64_TEXT_PADDR);
        ASSERT_EQ(l.text_size, A64_TEXT_SIZE);
        ASSERT_EQ(l.linear_offset, A64_LINEAR - 0x40000000);
        /* the order of the entries does not matter */
        Elf64_Phdr t = kc[1];
        kc[1] = kc[4];
        kc[4] = t;
        ASSERT_OK(arm64_kernel_layout_from_kcore(kc, n, &l, &err));
        ASSERT_EQ(l.text_vaddr, A64_TEXT_VADDR);
        kc[4] = kc[1];
        kc[1] = t;

        /* Debian's kexec-tools wrote p_vaddr -1 and a huge size: refused */
        kc[1] = load(UINT64_MAX, A64_TEXT_PADDR, A64_TEXT_SIZE);
        ASSERT_ERR(arm64_kernel_layout_from_kcore(kc, n, &l, &err), EINVAL);
        ASSERT_CONTAINS(err, "outside the kernel half");
        kc[1] = load(0x0000ffff08000000ull, A64_TEXT_PADDR, A64_TEXT_SIZE);
        ASSERT_ERR(arm64_kernel_layout_from_kcore(kc, n, &l, &err), EINVAL);
        ASSERT_CONTAINS(err, "outside the kernel half");
        kc[4] = load(A64_LINEAR, 0x40000000, 0x100000000ull);
        kc[1] = load(A64_TEXT_VADDR, 0x40000000, 0x40000000);
        ASSERT_ERR(arm64_kernel_layout_from_kcore(kc, n, &l, &err), EINVAL);
        ASSERT_CONTAINS(err, "no kernel image is that large");
        kc[1] = load(A64_TEXT_VADDR + 0x800, A64_TEXT_PADDR + 0x800, A64_TEXT_SIZE);
        ASSERT_ERR(arm64_kernel_layout_from_kcore(kc, n, &l, &err), EINVAL);
        ASSERT_CONTAINS(err, "page-aligned");
        /* RAM mapped in the user half */
        kc[1] = load(A64_TEXT_VADDR, A64_TEXT_PADDR, A64_TEXT_SIZE);
        kc[4] = load(0x40000000, 0x40000000, 0x40000000);
        ASSERT_ERR(arm64_kernel_layout_from_kcore(kc, n, &l, &err), EINVAL);
        ASSERT_CONTAINS(err, "outside the kernel half");
        free(err);
}

TEST(arm64_build_refuses_guesses) {
        uint64_t notes[] = { 0x7fda8a08 };
        struct phys_range ram[] = { { 0x40000000, 0x6fbfffff } };
        struct elfcorehdr_info info = {
                .arch = ELFCOREHDR_ARCH_ARM64, .cpu_notes = notes, .n_cpus = 1, .cpu_notes_size = 424,
                .vmcoreinfo_addr = 0x7fe15000, .vmcoreinfo_size = 0x1024, .page_offset = A64_LINEAR - 0x40000000,
                .ram = ram, .n_ram = 1,
        };
        void *b;
        size_t n;

        ASSERT_ERR(elfcorehdr_build(&info, &b, &n), EINVAL);          /* no text PT_LOAD */
        info.text_vaddr = A64_TEXT_VADDR, info.text_paddr = A64_TEXT_PADDR, info.text_size = A64_TEXT_SIZE;
        info.page_offset_guessed = 1;
        ASSERT_ERR(elfcorehdr_build(&info, &b, &n), EINVAL);
        info.page_offset_guessed = 0;
        ASSERT_OK(elfcorehdr_build(&info, &b, &n));
        ASSERT_EQ(((Elf64_Ehdr *) b)->e_machine, EM_AARCH64);
        free(b);
}

TEST_MAIN()
