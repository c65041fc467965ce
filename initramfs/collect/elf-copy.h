/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Byte-for-byte copy of a dump file (the whole ELF core: headers, notes,
 * PT_LOAD data), reading /proc/vmcore through mmap windows
 * (notes/file-window.h), any other file with pread() (vmcore-source.h says
 * why), and skipping all-zero pages in the output so that
 * free memory the kernel had zeroed costs no disk blocks (the file reads back
 * identical: holes read as zeroes). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct progress;

struct elf_copy_options {
        size_t sz;              /* sizeof(struct elf_copy_options) */
        size_t window;          /* mmap/pread window; 0 = FILE_WINDOW_DEFAULT_SIZE for
                                 * mmap, 256 KiB for pread */
        bool no_mmap;
        bool no_sparse;
        /* Called after each window with the bytes done so far; may be NULL. */
        void (*progress)(uint64_t done, uint64_t total, void *userdata);
        void *userdata;
        /* Every byte of the copy in file order (zero blocks too, though they
         * become holes), once written; may be NULL.  The copy is written
         * front to back, so this is the file's digest while writing it. */
        void (*tap)(void *userdata, const void *buf, size_t len);
        void *tap_userdata;
};

struct elf_copy_result {
        uint64_t copied;        /* bytes of the source handled (written or skipped as zero) */
        bool used_mmap;
};

/* Copies size bytes from in_fd to out_fd (an empty regular file).  result is
 * filled also on failure, so that the caller knows how much is on disk.
 * Errors: the errno of the failed read or write (-ENOSPC, -EDQUOT, -EIO...). */
int elf_copy(int in_fd, uint64_t size, int out_fd, const struct elf_copy_options *o, struct elf_copy_result *result);

/* Marks a partially written ELF core as incomplete: e_flags = 1, as
 * makedumpfile does when the disk fills (crash then warns instead of trusting
 * the missing tail).  Rewrites 4 bytes in place, so it needs no new blocks. */
int elf_mark_incomplete(int out_fd);
