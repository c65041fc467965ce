/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where an arm64 kernel lives, for its ELF core header.  The kernel's own
 * loader (arch/arm64/kernel/machine_kexec_file.c prepare_elf_headers())
 * calls crash_prepare_elf64_headers() with need_kernel_map = true: a PT_LOAD
 * for _text.._end at _text's virtual address (KIMAGE_VADDR plus the KASLR
 * offset) and __pa_symbol(_text), and one PT_LOAD per RAM range at
 * __va(pa) = (pa - PHYS_OFFSET) | PAGE_OFFSET.  None of these can be guessed
 * from user space (KASLR moves the image; memstart_addr can be randomised
 * too; PAGE_OFFSET follows VA_BITS), and a guess that is wrong gives the
 * capture kernel a header it oopses on.  /proc/kcore states both
 * (fs/proc/kcore.c): its KCORE_TEXT entry (arm64 selects
 * ARCH_PROC_KCORE_TEXT) has p_vaddr = _text, p_paddr = __pa_symbol(_text),
 * p_memsz = _end - _text; its KCORE_RAM entries have p_vaddr = __va(pa),
 * p_paddr = pa; every other entry (vmalloc, modules, vmemmap) has
 * p_paddr = -1.  So the layout is read from there and checked, never
 * assumed; when it cannot be worked out the collector refuses with a
 * sentence saying what is missing. */

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel half of the address space (TTBR1): bit 63 set whatever VA_BITS. */
#define ARM64_KERNEL_HALF 0x8000000000000000ull
/* _end - _text above this is not a kernel image. */
#define ARM64_TEXT_SIZE_MAX (1ull << 30)
#define ARM64_KCORE_PAGE 4096ull

struct arm64_kernel_layout {
        uint64_t text_vaddr, text_paddr, text_size;
        uint64_t linear_offset;      /* __va(pa) - pa, modulo 2^64 */
};

/* Pure: the text entry and the linear-map offset from /proc/kcore's program
 * headers.  The text entry is the one whose physical range lies inside a
 * RAM entry's at a different virtual offset (the image's own mapping, not
 * the linear alias); the others with a physical address must share one
 * offset.  -ENOENT when an entry is missing, -EINVAL when the entries
 * contradict each other or are implausible; *ret_error says which. */
int arm64_kernel_layout_from_kcore(const Elf64_Phdr *ph, size_t n, struct arm64_kernel_layout *ret,
                                   char **ret_error);

/* Reads the program headers of an arm64 /proc/kcore (an ELF64 little-endian
 * EM_AARCH64 core).  -ENOENT without the file (no CONFIG_PROC_KCORE), -EPERM
 * when it cannot be opened (not root, or lockdown), -EBADMSG when it is not
 * an arm64 kcore; *ret_error says which. */
int arm64_kcore_read_phdrs(const char *path, Elf64_Phdr **ret, size_t *ret_n, char **ret_error);
