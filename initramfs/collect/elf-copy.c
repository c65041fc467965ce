/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "initramfs/collect/elf-copy.h"
#include "initramfs/collect/vmcore-source.h"
#include "notes/file-window.h"

#define SPARSE_BLOCK 4096u
/* pread() buffer where the input is not mmapped: big enough that the
 * syscalls cost nothing next to the copy and the write. */
#define COPY_PREAD_BUFFER ((size_t) 256 * 1024)

static bool block_is_zero(const uint8_t *p, size_t n) {
        /* First byte, then the block against itself shifted by one. */
        return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Writes [p, p+n) at offset, leaving holes for whole zero blocks. */
static int write_sparse(int fd, const uint8_t *p, size_t n, uint64_t offset, bool sparse) {
        size_t run_start = 0, i = 0;
        int r;

        if (!sparse)
                return pwrite_full(fd, p, n, offset);

        while (i < n) {
                size_t k = MIN((size_t) SPARSE_BLOCK, n - i);

                if (k == SPARSE_BLOCK && block_is_zero(p + i, k)) {
                        if (i > run_start) {
                                r = pwrite_full(fd, p + run_start, i - run_start, offset + run_start);
                                if (r < 0)
                                        return r;
                        }
                        run_start = i + k;
                }
                i += k;
        }
        if (n > run_start)
                return pwrite_full(fd, p + run_start, n - run_start, offset + run_start);
        return 0;
}

int elf_copy(int in_fd, uint64_t size, int out_fd, const struct elf_copy_options *o, struct elf_copy_result *result) {
        _cleanup_file_window_ file_window *w = NULL;
        struct elf_copy_result res = {};
        uint64_t off = 0;
        size_t chunk;
        int r;

        /* mmap windows on /proc/vmcore only (vmcore-source.h); elsewhere
         * pread() into a buffer of COPY_PREAD_BUFFER. */
        if (!(o && o->no_mmap) && vmcore_fd_wants_mmap(in_fd))
                r = file_window_new(in_fd, size, o ? o->window : 0, false, &w);
        else
                r = file_window_new(in_fd, size, o && o->window ? o->window : COPY_PREAD_BUFFER, true, &w);
        if (r < 0)
                goto finish;
        chunk = file_window_size(w);

        while (off < size) {
                const void *p;
                size_t n = (size_t) MIN((uint64_t) chunk, size - off);

                r = file_window_get(w, off, n, &p);
                if (r < 0)
                        goto finish;
                if (file_window_mmapped(w))
                        res.used_mmap = true;
                r = write_sparse(out_fd, p, n, off, !(o && o->no_sparse));
                if (r < 0)
                        goto finish;
                if (o && o->tap)
                        o->tap(o->tap_userdata, p, n);
                off += n;
                res.copied = off;
                if (o && o->progress)
                        o->progress(off, size, o->userdata);
        }

        /* Trailing zero blocks were skipped: give the file its full length. */
        if (ftruncate(out_fd, (off_t) size) < 0) {
                r = negative_errno();
                goto finish;
        }
        r = 0;
finish:
        if (result)
                *result = res;
        return r;
}

int elf_mark_incomplete(int out_fd) {
        uint32_t flags = 1;
        unsigned char ident[EI_NIDENT];
        int r;

        r = pread_full(out_fd, ident, sizeof(ident), 0);
        if (r < 0)
                return r;
        if (memcmp(ident, ELFMAG, SELFMAG) != 0 || ident[EI_CLASS] != ELFCLASS64)
                return -ENOEXEC;
        r = pwrite_full(out_fd, (const uint8_t *) &flags, sizeof(flags), offsetof(Elf64_Ehdr, e_flags));
        if (r < 0)
                return r;
        return fsync(out_fd) < 0 ? negative_errno() : 0;
}
