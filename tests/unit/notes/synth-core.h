/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Builds small ELF64 core files by hand, laid out like /proc/vmcore: ELF
 * header, program headers, one PT_NOTE, then the PT_LOAD data.  Memory
 * content is poked by physical or virtual address; a poke lands in every
 * PT_LOAD that covers the physical address, so aliases (the kernel-image
 * PT_LOAD over RAM) stay consistent as in a real dump. */

#include <stddef.h>
#include <stdint.h>

#define SYNTH_PAGE_OFFSET UINT64_C(0xffff888000000000)
#define SYNTH_KTEXT UINT64_C(0xffffffff81000000)
#define SYNTH_MAX_LOADS 8

struct synth_load {
        uint64_t phys, virt, mem_size, file_size;
        uint8_t *data;          /* mem_size bytes; only file_size are written */
        uint64_t file_offset;   /* set by synth_write() */
};

struct synth_core {
        uint8_t *notes;
        size_t notes_size;
        struct synth_load loads[SYNTH_MAX_LOADS];
        size_t n_loads;
        uint16_t machine;
        uint64_t note_offset;   /* set by synth_write() */
        uint64_t file_size;     /* set by synth_write() */
};

void synth_init(struct synth_core *c);
void synth_done(struct synth_core *c);
void synth_add_note(struct synth_core *c, const char *name, uint32_t type, const void *desc, size_t descsz);
void synth_add_prstatus(struct synth_core *c, int32_t pid, uint64_t rip, uint64_t rsp);
void synth_add_load(struct synth_core *c, uint64_t phys, uint64_t virt, uint64_t mem_size, uint64_t file_size);
void synth_poke_phys(struct synth_core *c, uint64_t phys, const void *data, size_t n);
void synth_poke_virt(struct synth_core *c, uint64_t virt, const void *data, size_t n);
void synth_poke_u64(struct synth_core *c, uint64_t virt, uint64_t v);
void synth_poke_u32(struct synth_core *c, uint64_t virt, uint32_t v);
void synth_poke_u16(struct synth_core *c, uint64_t virt, uint16_t v);
/* Fills a load's file part with a pattern derived from the physical address
 * (synth_pattern()), so reads can be checked without a copy of the data. */
void synth_fill_pattern(struct synth_core *c, size_t load);
uint8_t synth_pattern(uint64_t phys);
int synth_write(struct synth_core *c, const char *path);

/* The standard fixture: two CPUs (pids 101 and 202), VMCOREINFO text vi
 * (may be NULL for none), four PT_LOADs:
 *   0: phys 0x100000 +0x10000, direct map, all in file
 *   1: phys 0x110000 +0x8000,  direct map, first 0x4000 in file, rest a hole
 *   2: phys 0x200000 +0x10000, direct map
 *   3: phys 0x200000 +0x8000,  kernel image at SYNTH_KTEXT (alias of 2)
 * with loads 0..2 filled with synth_pattern(). */
void synth_standard(struct synth_core *c, const char *vi);

/* Whole-file helpers for the tests. */
int synth_read_file(const char *path, uint8_t **ret, size_t *ret_size);
