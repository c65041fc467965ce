/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A dump_source (dump-job.h) over an ELF vmcore opened with notes/vmcore.h:
 * the RAM segments (the PT_LOADs by physical address, without the
 * kernel-image alias of x86_64 and arm64 cores), the notes, VMCOREINFO's place in them, and a phys_read
 * that splits each read at PT_LOAD edges and reads through mmap windows
 * (notes/file-window.h) on /proc/vmcore, with pread() straight into the
 * caller's buffer on any other file (vmcore-source.c says why), so runs of
 * pages that straddle two PT_LOADs read right and holes (p_memsz >
 * p_filesz) read as zeroes. */

#include <stdbool.h>

#include "initramfs/collect/dump-job.h"
#include "notes/vmcore.h"

struct vmcore_source;

/* v is borrowed and must outlive the source.  window: mmap window size (0:
 * the default); no_mmap forces pread also on /proc/vmcore.  Without a window
 * the source has no map function (dump_source.map is NULL). */
int vmcore_source_new(const vmcore *v, size_t window, bool no_mmap, struct vmcore_source **ret);
struct vmcore_source *vmcore_source_free(struct vmcore_source *s);

/* Whether reading fd through mmap windows is worth it: on /proc/vmcore (the
 * old kernel's memory, mapped without page cache and not counted in the
 * resident set), not on a file in the page cache. */
bool vmcore_fd_wants_mmap(int fd);

/* Valid while s lives. */
const struct dump_source *vmcore_source_get(const struct vmcore_source *s);

/* Statistics: bytes read and whether the last read was served by mmap. */
uint64_t vmcore_source_bytes_read(const struct vmcore_source *s);
bool vmcore_source_mmapped(const struct vmcore_source *s);

/* The phys_read_fn and phys_map_fn themselves (userdata = the
 * vmcore_source), for tests. */
int vmcore_source_read(void *userdata, uint64_t paddr, void *buf, size_t len);
int vmcore_source_map(void *userdata, uint64_t paddr, size_t len, const void **ret, size_t *ret_len);
