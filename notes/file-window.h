/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Reading big runs of a large file (/proc/vmcore, a saved dump) without
 * copying through read(): page-aligned mmap windows of a few MiB, moved along
 * as the caller advances.  /proc/vmcore supports mmap since Linux 3.11
 * (mmap_vmcore()); where mmap fails (older kernels, filesystems without
 * mmap) the window falls back to pread() into a buffer, permanently. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/macro.h"

#define FILE_WINDOW_DEFAULT_SIZE (4u * 1024u * 1024u)

typedef struct file_window file_window;

/* fd is borrowed, not closed by file_window_free().  window_size is rounded
 * up to the page size; 0 means FILE_WINDOW_DEFAULT_SIZE.  no_mmap forces the
 * pread path (for tests and for --no-mmap). */
int file_window_new(int fd, uint64_t file_size, size_t window_size, bool no_mmap, file_window **ret);
file_window *file_window_free(file_window *w);

/* Points *ret at n bytes of the file at offset; valid until the next call or
 * the free.  n must not exceed the window size (-EINVAL); a range past the
 * file size is -ERANGE; a short read is -EIO. */
int file_window_get(file_window *w, uint64_t offset, size_t n, const void **ret);

size_t file_window_size(const file_window *w);
/* Whether the last file_window_get() was served by mmap. */
bool file_window_mmapped(const file_window *w);

DEFINE_TRIVIAL_CLEANUP_FUNC(file_window *, file_window_free);
#define _cleanup_file_window_ _cleanup_(file_window_freep)
