/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* ELF notes in a buffer (the contents of PT_NOTE segments): each is
 * { u32 namesz, descsz, type } + name + desc, name and desc each padded to
 * 4 bytes.  Core files on 64-bit Linux use 4-byte alignment for these notes
 * (the kernel's append_elf_note()), not 8.  Everything is bounds-checked: a
 * note that runs past the end of its buffer is -EBADMSG.  Host byte order. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_NOTE_NT_PRSTATUS 1u
#define ELF_NOTE_VMCOREINFO_NAME "VMCOREINFO"

struct elf_note {
        const char *name;       /* namesz bytes, normally NUL-terminated */
        uint32_t namesz;
        uint32_t type;
        const void *desc;
        uint32_t descsz;
};

struct elf_note_iter {
        const uint8_t *buf;
        size_t size;
        size_t pos;
};

void elf_note_iter_init(struct elf_note_iter *it, const void *buf, size_t size);

/* 1 and *ret filled: a note; 0: end of the notes; -EBADMSG: malformed.
 * A header with namesz == 0 ends the list, as the kernel's
 * update_note_header_size_elf64() (fs/proc/vmcore.c) decides: per-CPU note
 * buffers are zero-filled past their last note. */
int elf_note_next(struct elf_note_iter *it, struct elf_note *ret);

/* Name comparison the way readelf does it: namesz covers the name and its
 * NUL; a name without the NUL is accepted too. */
bool elf_note_name_is(const struct elf_note *n, const char *name);

/* The parts of an x86_64 struct elf_prstatus that a collector reports.
 * Layout (include/linux/elfcore.h + struct user_regs_struct): 336 bytes,
 * pr_pid at 32, pr_reg at 112 (27 registers, rip index 16, rsp index 19). */
#define ELF_PRSTATUS_X86_64_SIZE 336u
struct elf_prstatus_x86_64 {
        int32_t pid;
        uint64_t rip;
        uint64_t rsp;
};

/* -EBADMSG if the note is not an NT_PRSTATUS of the x86_64 size. */
int elf_note_prstatus_x86_64(const struct elf_note *n, struct elf_prstatus_x86_64 *ret);

/* Scans a whole note buffer.  ret_n_prstatus: number of NT_PRSTATUS notes
 * named "CORE" (one per CPU that was online at the crash).  ret_vmcoreinfo /
 * ret_vmcoreinfo_size: the first VMCOREINFO note's desc, or NULL/0 when
 * absent.  Any argument may be NULL.  -EBADMSG on malformed notes. */
int elf_notes_scan(const void *buf, size_t size,
                   unsigned *ret_n_prstatus,
                   const char **ret_vmcoreinfo, size_t *ret_vmcoreinfo_size);

/* The idx-th NT_PRSTATUS note (0-based), -ENOENT past the last. */
int elf_notes_find_prstatus(const void *buf, size_t size, unsigned idx, struct elf_note *ret);
