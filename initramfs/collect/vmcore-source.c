/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/vmcore-source.h"
#include "notes/file-window.h"

/* __START_KERNEL_map: a PT_LOAD mapped here is the kernel image, whose
 * physical range is also inside a RAM PT_LOAD (crash_prepare_elf64_headers()
 * and kexec-tools both emit it). */
#define X86_64_KERNEL_TEXT_START UINT64_C(0xffffffff80000000)

/* statfs(2)'s f_type of /proc. */
#define PROC_FS_MAGIC 0x9fa0

struct vmcore_source {
        const vmcore *v;
        file_window *w;         /* NULL: pread straight into the caller's buffer */
        int fd;
        uint64_t file_size;
        struct dump_source src;
        struct dump_segment *segments;
        struct dump_elf_load *loads;
        uint64_t bytes_read;
};

int vmcore_source_read(void *userdata, uint64_t paddr, void *buf, size_t len) {
        struct vmcore_source *s = userdata;
        uint8_t *p = buf;

        while (len > 0) {
                uint64_t off, run;
                size_t n;
                int r;

                /* One PT_LOAD (and one state: in the file or a hole) at a time. */
                r = vmcore_phys_to_offset(s->v, paddr, &off, &run);
                if (r < 0)
                        return r == -EFAULT ? -ENXIO : r;
                n = (size_t) MIN((uint64_t) len, run);
                if (r == 0)
                        memset(p, 0, n);
                else if (!s->w) {
                        /* No window: the bytes go from the page cache (or
                         * the old kernel's memory) into buf with no copy of
                         * ours in between and nothing mapped. */
                        if (off > s->file_size || n > s->file_size - off)
                                return -EIO;    /* PT_LOAD data cut off: a truncated file */
                        r = pread_full(s->fd, p, n, off);
                        if (r < 0)
                                return r;
                        s->bytes_read += n;
                } else {
                        n = MIN(n, file_window_size(s->w));
                        const void *src;
                        r = file_window_get(s->w, off, n, &src);
                        if (r == -ERANGE)
                                return -EIO;    /* PT_LOAD data cut off: a truncated file */
                        if (r < 0)
                                return r;
                        memcpy(p, src, n);
                        s->bytes_read += n;
                }
                p += n;
                paddr += n;
                len -= n;
        }
        return 0;
}

int vmcore_source_map(void *userdata, uint64_t paddr, size_t len, const void **ret, size_t *ret_len) {
        struct vmcore_source *s = userdata;
        uint64_t off, run;
        const void *p;
        size_t n;
        int r;

        if (len == 0)
                return -EINVAL;
        if (!s->w)
                return -EOPNOTSUPP;
        r = vmcore_phys_to_offset(s->v, paddr, &off, &run);
        if (r < 0)
                return r == -EFAULT ? -ENXIO : r;
        if (r == 0)
                return -ENODATA;
        n = (size_t) MIN(MIN((uint64_t) len, run), (uint64_t) file_window_size(s->w));
        r = file_window_get(s->w, off, n, &p);
        if (r == -ERANGE)
                return -EIO;
        if (r < 0)
                return r;
        s->bytes_read += n;
        *ret = p;
        *ret_len = n;
        return 0;
}

/* Load i is the kernel image's PT_LOAD, whose pages are RAM another PT_LOAD
 * holds already.  On x86_64 it is told by its address; elsewhere (arm64's
 * image lives in the vmalloc area, at a KASLR-chosen address) by its
 * physical range lying inside another PT_LOAD's (the first of two equal
 * ones stays). */
static bool is_kernel_text_alias(const vmcore *v, const struct vmcore_load *loads, size_t n, size_t i) {
        const struct vmcore_load *l = &loads[i];

        if (vmcore_machine(v) == 62 /* EM_X86_64 */)
                return l->virt >= X86_64_KERNEL_TEXT_START;
        for (size_t j = 0; j < n; j++) {
                const struct vmcore_load *o = &loads[j];
                bool inside = l->phys >= o->phys && l->phys + l->file_size <= o->phys + o->file_size;
                bool equal = l->phys == o->phys && l->file_size == o->file_size;

                if (j != i && o->virt != l->virt && inside && (!equal || j < i))
                        return true;
        }
        return false;
}

/* mmap windows only where they cost no memory: /proc/vmcore maps the old
 * kernel's memory as page frames (remap_pfn_range(), no page cache, not
 * counted in the resident set), and reading it with pread() is slower (a
 * mapping of each old page per read).  A saved vmcore on a file system is in
 * the page cache, and every page of a window touched counts in the resident
 * set (4 MiB for the default window): pread() copies the same bytes into the
 * collector's own buffers without that. */
bool vmcore_fd_wants_mmap(int fd) {
        struct statfs sf;

        return fstatfs(fd, &sf) >= 0 && sf.f_type == PROC_FS_MAGIC;
}

static bool want_window(int fd, bool no_mmap) {
        return !no_mmap && vmcore_fd_wants_mmap(fd);
}

int vmcore_source_new(const vmcore *v, size_t window, bool no_mmap, struct vmcore_source **ret) {
        _cleanup_free_ struct vmcore_source *s = NULL;
        const struct vmcore_load *loads;
        const char *vi = NULL;
        size_t n, nvi = 0, nseg = 0;
        unsigned nprs = 0;
        int r;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->v = v;
        loads = vmcore_loads(v, &n);
        s->segments = calloc(MAX(n, 1u), sizeof(*s->segments));
        s->loads = calloc(MAX(n, 1u), sizeof(*s->loads));
        if (!s->segments || !s->loads) {
                free(s->segments);
                free(s->loads);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                s->loads[i] = (struct dump_elf_load) {
                        .phys = loads[i].phys, .virt = loads[i].virt,
                        .file_size = loads[i].file_size, .mem_size = loads[i].mem_size,
                };
                s->loads[i].alias = is_kernel_text_alias(v, loads, n, i);
                if (s->loads[i].alias)
                        continue;
                /* Only the bytes in the file: a zero tail (p_memsz > p_filesz)
                 * is what an earlier filter excluded, and stays excluded, as
                 * makedumpfile's exclude_nodata_pages() decides. */
                s->segments[nseg++] = (struct dump_segment) { loads[i].phys, loads[i].file_size };
        }

        s->fd = vmcore_fd(v);
        s->file_size = vmcore_file_size(v);
        if (want_window(s->fd, no_mmap)) {
                r = file_window_new(s->fd, s->file_size, window, false, &s->w);
                if (r < 0) {
                        free(s->segments);
                        free(s->loads);
                        return r;
                }
        }

        s->src = (struct dump_source) {
                .sz = sizeof(struct dump_source),
                .read = vmcore_source_read,
                .map = s->w ? vmcore_source_map : NULL,
                .userdata = s,
                .segments = s->segments,
                .n_segments = nseg,
                .elf_loads = s->loads,
                .n_elf_loads = n,
                .machine = vmcore_machine(v),
        };
        s->src.notes = vmcore_notes(v, &s->src.notes_size);
        if (s->src.notes && elf_notes_scan(s->src.notes, s->src.notes_size, &nprs, &vi, &nvi) >= 0 && vi) {
                s->src.vmcoreinfo_offset = (uint64_t) (vi - (const char *) s->src.notes);
                s->src.vmcoreinfo_size = nvi;
        }
        s->src.nr_cpus = (int) vmcore_ncpus(v);
        *ret = TAKE_PTR(s);
        return 0;
}

struct vmcore_source *vmcore_source_free(struct vmcore_source *s) {
        if (!s)
                return NULL;
        file_window_free(s->w);
        free(s->segments);
        free(s->loads);
        free(s);
        return NULL;
}

const struct dump_source *vmcore_source_get(const struct vmcore_source *s) {
        return &s->src;
}

uint64_t vmcore_source_bytes_read(const struct vmcore_source *s) {
        return s->bytes_read;
}

bool vmcore_source_mmapped(const struct vmcore_source *s) {
        return s->w && file_window_mmapped(s->w);
}
