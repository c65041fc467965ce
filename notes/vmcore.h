/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Reader for ELF64 core files as the kdump kernel exports them
 * (/proc/vmcore, built by fs/proc/vmcore.c from the elfcorehdr that
 * kexec-tools or kexec_file_load's crash_prepare_elf64_headers() wrote) and
 * for saved copies of them.
 *
 * The program headers are:
 *   PT_NOTE  the per-CPU NT_PRSTATUS notes and the VMCOREINFO note (merged
 *            into one PT_NOTE by /proc/vmcore, several in other files);
 *   PT_LOAD  one per RAM range, p_paddr = physical start, p_vaddr = its
 *            direct-map address __va(p_paddr), plus one for the kernel image
 *            (p_vaddr = _text at 0xffffffff8..., p_paddr = __pa_symbol(_text))
 *            whose physical range aliases part of a RAM PT_LOAD.
 *
 * Errors from vmcore_open():
 *   -ENOEXEC          not an ELF file, or not ET_CORE
 *   -EPROTONOSUPPORT  not ELFCLASS64 or not in the host byte order
 *   -EBADMSG          headers truncated (file ends inside the ELF header or
 *                     the program header table), malformed notes (a note
 *                     running past its PT_NOTE), p_filesz > p_memsz
 *   -ERANGE           a segment's file range lies past the end of the file
 *                     (or overflows)
 *   -ENOTUNIQ         overlapping PT_LOADs: physical ranges that overlap
 *                     with the same virtual mapping, or overlapping virtual
 *                     ranges (a kernel-text alias of RAM is fine)
 *   -EFBIG            more notes or program headers than the limits below
 *   -ENOMEM, or the errno of open()/fstat()/pread(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/macro.h"
#include "notes/elf-notes.h"
#include "notes/vmcoreinfo.h"

/* Sanity bounds against corrupt headers (not kernel limits). */
#define VMCORE_NOTES_MAX (64u * 1024u * 1024u)
#define VMCORE_PHDRS_MAX (1u << 20)

/* Accept PT_LOADs whose data lies (partly) past the end of the file, as in a
 * dump cut short by a full disk; reading the missing part is -EIO. */
#define VMCORE_OPEN_ALLOW_TRUNCATED (1u << 0)

struct vmcore_load {
        uint64_t phys;          /* p_paddr */
        uint64_t virt;          /* p_vaddr (0: none given) */
        uint64_t file_offset;   /* p_offset */
        uint64_t file_size;     /* p_filesz: bytes present in the file */
        uint64_t mem_size;      /* p_memsz: bytes past file_size read as zeroes */
};

typedef struct vmcore vmcore;

int vmcore_open(const char *path, unsigned flags, vmcore **ret);
/* fd is duplicated; the caller keeps its own. */
int vmcore_open_fd(int fd, unsigned flags, vmcore **ret);
vmcore *vmcore_free(vmcore *v);

int vmcore_fd(const vmcore *v);
uint64_t vmcore_file_size(const vmcore *v);
uint16_t vmcore_machine(const vmcore *v);       /* e_machine, EM_X86_64 = 62 */
uint32_t vmcore_elf_flags(const vmcore *v);     /* e_flags; 1 = incomplete (makedumpfile) */
/* End of the ELF header, program headers and notes: the file before the
 * first byte of PT_LOAD data. */
uint64_t vmcore_headers_end(const vmcore *v);
/* True when opened with VMCORE_OPEN_ALLOW_TRUNCATED and data is missing. */
bool vmcore_is_truncated(const vmcore *v);

/* The PT_LOADs in file order. */
const struct vmcore_load *vmcore_loads(const vmcore *v, size_t *ret_n);

/* All PT_NOTE contents, concatenated in file order (each segment's notes are
 * whole, so the concatenation iterates like one buffer). */
const void *vmcore_notes(const vmcore *v, size_t *ret_size);

/* NULL when the dump has no usable VMCOREINFO note; then
 * vmcore_vmcoreinfo_error() says why: -ENOENT (no note), or the error of
 * vmcoreinfo_parse().  A bad VMCOREINFO does not fail vmcore_open(): a plain
 * copy of the dump does not need it. */
const vmcoreinfo *vmcore_vmcoreinfo(const vmcore *v);
int vmcore_vmcoreinfo_error(const vmcore *v);

/* Number of NT_PRSTATUS notes: CPUs online at the crash. */
unsigned vmcore_ncpus(const vmcore *v);
/* -ENOENT past the last CPU, -EPROTONOSUPPORT when not x86_64. */
int vmcore_prstatus(const vmcore *v, unsigned cpu, struct elf_prstatus_x86_64 *ret);

/* Where physical address paddr is: returns 1 with *ret_offset set when its
 * bytes are in the file, 0 when it is inside a PT_LOAD's zero tail (a hole);
 * in both cases *ret_len is how many bytes from paddr on stay in that state
 * within the same PT_LOAD.  -EFAULT when no PT_LOAD covers paddr.  This is
 * the entry point for readers of big runs (pair with file_window.h). */
int vmcore_phys_to_offset(const vmcore *v, uint64_t paddr, uint64_t *ret_offset, uint64_t *ret_len);

/* Virtual to physical through the PT_LOADs' p_vaddr; on x86_64 kernel-image
 * addresses without a PT_LOAD fall back to the kernel's __phys_addr_symbol()
 * rule, vaddr - __START_KERNEL_map + NUMBER(phys_base).  -EFAULT if unmapped. */
int vmcore_virt_to_phys(const vmcore *v, uint64_t vaddr, uint64_t *ret_paddr);

/* Reads n bytes, across PT_LOAD boundaries as long as the addresses stay
 * covered; holes read as zeroes.  -EFAULT when some byte is not covered (the
 * buffer is then partly written), -EIO when the file is short. */
int vmcore_read_phys(const vmcore *v, uint64_t paddr, void *buf, size_t n);
int vmcore_read_virt(const vmcore *v, uint64_t vaddr, void *buf, size_t n);

/* Convenience for pointer-sized and small fields (host byte order). */
int vmcore_read_virt_u64(const vmcore *v, uint64_t vaddr, uint64_t *ret);
int vmcore_read_virt_u32(const vmcore *v, uint64_t vaddr, uint32_t *ret);
int vmcore_read_virt_u16(const vmcore *v, uint64_t vaddr, uint16_t *ret);

DEFINE_TRIVIAL_CLEANUP_FUNC(vmcore *, vmcore_free);
#define _cleanup_vmcore_ _cleanup_(vmcore_freep)
