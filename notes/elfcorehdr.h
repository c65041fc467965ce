/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The ELF core header the classic loader passes with elfcorehdr=: the
 * capture kernel builds /proc/vmcore from it (fs/proc/vmcore.c).  The same
 * layout as the kernel's own (kernel/crash_core.c
 * crash_prepare_elf64_headers()): one PT_NOTE per possible CPU pointing at
 * its crash_notes buffer, one PT_NOTE for VMCOREINFO, one PT_LOAD for the
 * kernel text with its virtual address, and one PT_LOAD per System RAM range
 * with p_offset = p_paddr = the physical address (vmcore reads p_offset as
 * a physical address) and p_vaddr in the direct map.
 *
 * The builder is pure; elfcorehdr_collect() gathers its input from a root
 * directory ("/" on a live system, a fixture tree in tests).  The
 * architecture is a parameter, not the host's, so every architecture's
 * header is built and checked on any host: x86_64 (the classic loader's,
 * elf_header_exclude_ranges() cuts the low 1 MiB too) and arm64 (its
 * prepare_elf_headers() cuts only the crash reservations, and the text and
 * linear map come from /proc/kcore or nowhere: elfcorehdr-arm64.h). */

#include <stddef.h>
#include <stdint.h>

#include "crashkernel-reserve/iomem.h"

#define ELFCOREHDR_MAX_CPUS 8192u
#define ELFCOREHDR_MAX_RAM 4096u
#define ELFCOREHDR_MAX_EXCLUDE 8u
/* x86_64's __START_KERNEL_map; page_offset_base's default without KASLR. */
#define X86_64_START_KERNEL_MAP 0xffffffff80000000ull
#define X86_64_PAGE_OFFSET_DEFAULT 0xffff888000000000ull

enum elfcorehdr_arch {
        ELFCOREHDR_ARCH_X86_64 = 0,   /* zero-initialised info: the classic loader's, as before */
        ELFCOREHDR_ARCH_ARM64,
};

struct phys_range {
        uint64_t start, end;     /* inclusive */
};

struct elfcorehdr_info {
        enum elfcorehdr_arch arch;   /* e_machine; arm64 also requires the text PT_LOAD */
        uint64_t *cpu_notes;     /* physical addresses of crash_notes, one per CPU */
        size_t n_cpus;
        uint64_t cpu_notes_size; /* crash_notes_size (sizeof(note_buf_t)) */
        uint64_t vmcoreinfo_addr, vmcoreinfo_size;
        uint64_t text_vaddr, text_paddr, text_size;   /* text_size 0: no text PT_LOAD */
        uint64_t page_offset;
        struct phys_range *ram;
        size_t n_ram;
        unsigned page_offset_guessed:1;               /* no /proc/kcore: default assumed */
};

void elfcorehdr_info_done(struct elfcorehdr_info *info);

/* System RAM (top level of /proc/iomem) minus the excluded ranges: the low
 * 1 MiB the capture kernel boots in and the crash reservation(s), as
 * elf_header_exclude_ranges() does.  Pure. */
int elfcorehdr_ram_ranges(const iomem *m, const struct phys_range *exclude, size_t n_exclude,
                          struct phys_range **ret, size_t *ret_n);

/* Pure: a malloc'ed ELF64 ET_CORE header with program headers only.
 * -EINVAL for arm64 without the text mapping or with a guessed linear map
 * (the kernel's arm64 header always has both). */
int elfcorehdr_build(const struct elfcorehdr_info *info, void **ret, size_t *ret_size);

/* Reads <root>/proc/iomem, <root>/sys/devices/system/cpu/{possible,cpuN/
 * crash_notes,cpuN/crash_notes_size}, <root>/sys/kernel/vmcoreinfo and the
 * program headers of <root>/proc/kcore (for the text's virtual address and
 * the direct map's offset).  RAM excludes the low 1 MiB and every "Crash
 * kernel" range.  -ENOENT when the kernel has no crash_notes or vmcoreinfo
 * (built without CONFIG_CRASH_DUMP). */
int elfcorehdr_collect(const char *root, struct elfcorehdr_info *ret);

/* The same for the given architecture, with a sentence in *ret_error (may
 * be NULL) on failure.  x86_64: exactly elfcorehdr_collect().  arm64: RAM is
 * top-level "System RAM" minus every "Crash kernel" range (no low-1-MiB cut);
 * the text PT_LOAD and the linear-map offset come from /proc/kcore only
 * (arm64_kernel_layout_from_kcore()), and the text's physical range must
 * lie in System RAM; without /proc/kcore it fails (-ENOENT) rather than
 * guess.  ret is written only on success. */
int elfcorehdr_collect_arch(const char *root, enum elfcorehdr_arch arch, struct elfcorehdr_info *ret,
                            char **ret_error);
