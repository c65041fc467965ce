/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "notes/vmcore.h"

/* x86_64's __START_KERNEL_map (arch/x86/include/asm/page_64_types.h). */
#define X86_64_START_KERNEL_MAP UINT64_C(0xffffffff80000000)

struct vmcore {
        int fd;
        uint64_t file_size;
        uint16_t machine;
        uint32_t e_flags;
        uint64_t headers_end;
        bool truncated;

        struct vmcore_load *loads;
        size_t n_loads;
        size_t *by_phys;        /* indexes into loads, phys order, aliases dropped */
        size_t n_by_phys;
        size_t *by_virt;        /* indexes into loads with virt != 0, virt order */
        size_t n_by_virt;

        uint8_t *notes;
        size_t notes_size;
        unsigned n_cpus;

        vmcoreinfo *info;
        int info_error;
        bool have_phys_base;
        uint64_t phys_base;
};

vmcore *vmcore_free(vmcore *v) {
        if (!v)
                return NULL;
        safe_close(v->fd);
        free(v->loads);
        free(v->by_phys);
        free(v->by_virt);
        free(v->notes);
        vmcoreinfo_free(v->info);
        free(v);
        return NULL;
}

static void elf_endp(Elf **e) {
        if (*e)
                (void) elf_end(*e);
}

/* qsort has no context argument; the loads array is passed through this. */
static const struct vmcore_load *sort_loads;

static int cmp_phys(const void *a, const void *b) {
        const struct vmcore_load *x = &sort_loads[*(const size_t *) a], *y = &sort_loads[*(const size_t *) b];

        if (x->phys != y->phys)
                return x->phys < y->phys ? -1 : 1;
        /* Same start: the bigger range first, so that aliases inside it drop. */
        if (x->mem_size != y->mem_size)
                return x->mem_size > y->mem_size ? -1 : 1;
        return 0;
}

static int cmp_virt(const void *a, const void *b) {
        const struct vmcore_load *x = &sort_loads[*(const size_t *) a], *y = &sort_loads[*(const size_t *) b];

        if (x->virt != y->virt)
                return x->virt < y->virt ? -1 : 1;
        return 0;
}

static uint64_t load_end_phys(const struct vmcore_load *l) {
        return l->phys + l->mem_size;
}

static int build_indexes(vmcore *v) {
        uint64_t max_end = 0;
        size_t max_holder = 0, i, n;

        v->by_phys = calloc(v->n_loads ? v->n_loads : 1, sizeof(size_t));
        v->by_virt = calloc(v->n_loads ? v->n_loads : 1, sizeof(size_t));
        if (!v->by_phys || !v->by_virt)
                return -ENOMEM;

        /* Virtual ranges must not overlap: a virtual read has to mean one
         * thing. */
        for (i = 0, n = 0; i < v->n_loads; i++)
                if (v->loads[i].virt != 0 && v->loads[i].mem_size > 0)
                        v->by_virt[n++] = i;
        sort_loads = v->loads;
        qsort(v->by_virt, n, sizeof(size_t), cmp_virt);
        for (i = 1; i < n; i++) {
                const struct vmcore_load *a = &v->loads[v->by_virt[i - 1]], *b = &v->loads[v->by_virt[i]];
                if (b->virt < a->virt + a->mem_size)
                        return -ENOTUNIQ;
        }
        v->n_by_virt = n;

        /* Physical ranges may overlap only as an alias with its own virtual
         * mapping (the kernel-image PT_LOAD).  Two loads overlapping with no
         * virtual address to tell them apart describe the same memory twice. */
        for (i = 0, n = 0; i < v->n_loads; i++)
                if (v->loads[i].mem_size > 0)
                        v->by_phys[n++] = i;
        qsort(v->by_phys, n, sizeof(size_t), cmp_phys);
        v->n_by_phys = 0;
        for (i = 0; i < n; i++) {
                const struct vmcore_load *l = &v->loads[v->by_phys[i]];

                if (i > 0 && l->phys < max_end) {
                        const struct vmcore_load *h = &v->loads[max_holder];
                        if (l->virt == 0 || h->virt == 0)
                                return -ENOTUNIQ;
                        if (load_end_phys(l) <= max_end)
                                continue;       /* alias fully inside: not indexed */
                }
                v->by_phys[v->n_by_phys++] = v->by_phys[i];
                if (load_end_phys(l) > max_end) {
                        max_end = load_end_phys(l);
                        max_holder = v->by_phys[i];
                }
        }
        return 0;
}

/* Appends one PT_NOTE's notes, validated on their own (a note may not run
 * into the next segment), trimmed to the last note and padded to 4 bytes so
 * the concatenation iterates as one buffer. */
static int append_notes(vmcore *v, const uint8_t *seg, size_t size) {
        struct elf_note_iter it;
        struct elf_note n;
        size_t used = 0, padded;
        uint8_t *p;
        int r;

        elf_note_iter_init(&it, seg, size);
        while ((r = elf_note_next(&it, &n)) > 0)
                used = it.pos;
        if (r < 0)
                return r;

        padded = ALIGN_UP(used, 4);
        if (v->notes_size + padded > VMCORE_NOTES_MAX)
                return -EFBIG;
        p = realloc(v->notes, v->notes_size + padded + 1);
        if (!p)
                return -ENOMEM;
        v->notes = p;
        memcpy(p + v->notes_size, seg, used);
        memset(p + v->notes_size + used, 0, padded - used);
        v->notes_size += padded;
        return 0;
}

static int check_range(const vmcore *v, uint64_t offset, uint64_t size) {
        if (offset > UINT64_MAX - size)
                return -ERANGE;
        if (offset + size > v->file_size)
                return -ERANGE;
        return 0;
}

/* Classified by hand first: libelf says only "not ELF" for a file cut
 * inside the ELF header.  -ENOEXEC: not ELF; -EPROTONOSUPPORT: not ELF64
 * of this byte order; -EBADMSG: cut short. */
static int check_ident(const vmcore *v) {
        uint8_t ident[EI_NIDENT] = {};
        ssize_t k;

        k = pread(v->fd, ident, sizeof(ident), 0);
        if (k < 0)
                return negative_errno();
        if ((size_t) k < SELFMAG || memcmp(ident, ELFMAG, SELFMAG) != 0)
                return -ENOEXEC;
        if (v->file_size < sizeof(Elf64_Ehdr) || (size_t) k < EI_NIDENT) {
                if ((size_t) k > EI_CLASS && ident[EI_CLASS] != ELFCLASS64 && ident[EI_CLASS] != ELFCLASSNONE)
                        return -EPROTONOSUPPORT;
                return -EBADMSG;
        }
        if (ident[EI_CLASS] != ELFCLASS64)
                return -EPROTONOSUPPORT;
#if __BYTE_ORDER == __LITTLE_ENDIAN
        if (ident[EI_DATA] != ELFDATA2LSB)
                return -EPROTONOSUPPORT;
#else
        if (ident[EI_DATA] != ELFDATA2MSB)
                return -EPROTONOSUPPORT;
#endif
        return 0;
}

/* The program header table's count and place, checked against the file;
 * sets headers_end. */
static int check_phdrs(vmcore *v, const GElf_Ehdr *ehdr, size_t phnum) {
        int r;

        /* PN_XNUM: more program headers than e_phnum holds; the count is in
         * section header 0's sh_info (fs/binfmt_elf.c's fill_extnum_info()
         * writes it so for a core, makedumpfile and kdump-collect -E too).
         * Checked here as well: libelf takes 0xffff itself when there is no
         * section header, and would read past the real table. */
        if (ehdr->e_phnum == PN_XNUM) {
                Elf64_Shdr sh;

                if (ehdr->e_shoff == 0 || ehdr->e_shentsize != sizeof(sh) ||
                    ehdr->e_shoff > v->file_size || sizeof(sh) > v->file_size - ehdr->e_shoff)
                        return -EBADMSG;
                r = pread_full(v->fd, &sh, sizeof(sh), ehdr->e_shoff);
                if (r < 0)
                        return r;
                if (sh.sh_info != phnum)
                        return -EBADMSG;
        }
        if (phnum > VMCORE_PHDRS_MAX)
                return -EFBIG;
        if (phnum > 0 && ehdr->e_phentsize != sizeof(Elf64_Phdr))
                return -EBADMSG;
        if (ehdr->e_phoff > v->file_size ||
            (uint64_t) phnum * sizeof(Elf64_Phdr) > v->file_size - ehdr->e_phoff)
                return -EBADMSG;
        v->headers_end = ehdr->e_phoff + (uint64_t) phnum * sizeof(Elf64_Phdr);
        return 0;
}

/* A PT_NOTE segment's notes, appended to v's. */
static int read_note_segment(vmcore *v, const GElf_Phdr *ph) {
        _cleanup_free_ uint8_t *seg = NULL;
        int r;

        r = check_range(v, ph->p_offset, ph->p_filesz);
        if (r < 0)
                return r;
        if (ph->p_filesz > VMCORE_NOTES_MAX)
                return -EFBIG;
        seg = malloc(ph->p_filesz ? ph->p_filesz : 1);
        if (!seg)
                return -ENOMEM;
        r = pread_full(v->fd, seg, ph->p_filesz, ph->p_offset);
        if (r < 0)
                return r;
        r = append_notes(v, seg, ph->p_filesz);
        if (r < 0)
                return r;
        v->headers_end = MAX(v->headers_end, ph->p_offset + ph->p_filesz);
        return 0;
}

/* A PT_LOAD, checked, as the next of v's loads (room for it is there). */
static int add_load(vmcore *v, const GElf_Phdr *ph, unsigned flags) {
        int r;

        if (ph->p_filesz > ph->p_memsz)
                return -EBADMSG;
        if (ph->p_paddr > UINT64_MAX - ph->p_memsz || (ph->p_vaddr != 0 && ph->p_vaddr > UINT64_MAX - ph->p_memsz))
                return -ERANGE;
        r = check_range(v, ph->p_offset, ph->p_filesz);
        if (r < 0) {
                if (!(flags & VMCORE_OPEN_ALLOW_TRUNCATED) || ph->p_offset > UINT64_MAX - ph->p_filesz)
                        return r;
                v->truncated = true;
        }
        v->loads[v->n_loads++] = (struct vmcore_load) {
                .phys = ph->p_paddr,
                .virt = ph->p_vaddr,
                .file_offset = ph->p_offset,
                .file_size = ph->p_filesz,
                .mem_size = ph->p_memsz,
        };
        return 0;
}

static int read_headers(vmcore *v, unsigned flags) {
        Elf *e _cleanup_(elf_endp) = NULL;
        GElf_Ehdr ehdr;
        size_t phnum;
        int r;

        r = check_ident(v);
        if (r < 0)
                return r;
        if (elf_version(EV_CURRENT) == EV_NONE)
                return -ENOSYS;
        e = elf_begin(v->fd, ELF_C_READ, NULL);
        if (!e || elf_kind(e) != ELF_K_ELF)
                return -EBADMSG;
        if (!gelf_getehdr(e, &ehdr))
                return -EBADMSG;
        if (ehdr.e_type != ET_CORE)
                return -ENOEXEC;
        v->machine = ehdr.e_machine;
        v->e_flags = ehdr.e_flags;

        if (elf_getphdrnum(e, &phnum) < 0)
                return -EBADMSG;
        r = check_phdrs(v, &ehdr, phnum);
        if (r < 0)
                return r;
        v->loads = calloc(phnum ? phnum : 1, sizeof(struct vmcore_load));
        if (!v->loads)
                return -ENOMEM;
        v->n_loads = 0;

        for (size_t i = 0; i < phnum; i++) {
                GElf_Phdr ph;

                if (!gelf_getphdr(e, (int) i, &ph))
                        return -EBADMSG;
                if (ph.p_type == PT_NOTE)
                        r = read_note_segment(v, &ph);
                else if (ph.p_type == PT_LOAD)
                        r = add_load(v, &ph, flags);
                if (r < 0)
                        return r;
        }
        return 0;
}

int vmcore_open_fd(int fd, unsigned flags, vmcore **ret) {
        _cleanup_vmcore_ vmcore *v = NULL;
        const char *vi_text;
        size_t vi_size;
        struct stat st;
        int r;

        if (fd < 0)
                return -EBADF;
        v = calloc(1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        v->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (v->fd < 0)
                return negative_errno();
        if (fstat(v->fd, &st) < 0)
                return negative_errno();
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        /* /proc/vmcore's inode size is the dump size (vmcore_size). */
        v->file_size = (uint64_t) st.st_size;

        r = read_headers(v, flags);
        if (r < 0)
                return r;
        r = build_indexes(v);
        if (r < 0)
                return r;

        r = elf_notes_scan(v->notes, v->notes_size, &v->n_cpus, &vi_text, &vi_size);
        if (r < 0)
                return r;
        if (!vi_text)
                v->info_error = -ENOENT;
        else {
                r = vmcoreinfo_parse(vi_text, vi_size, &v->info);
                if (r == -ENOMEM)
                        return r;
                v->info_error = r < 0 ? r : 0;
        }
        if (v->info) {
                int64_t pb;
                if (vmcoreinfo_number(v->info, "phys_base", &pb) >= 0) {
                        v->have_phys_base = true;
                        v->phys_base = (uint64_t) pb;
                }
        }

        *ret = TAKE_PTR(v);
        return 0;
}

int vmcore_open(const char *path, unsigned flags, vmcore **ret) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        return vmcore_open_fd(fd, flags, ret);
}

int vmcore_fd(const vmcore *v) { return v->fd; }
uint64_t vmcore_file_size(const vmcore *v) { return v->file_size; }
uint16_t vmcore_machine(const vmcore *v) { return v->machine; }
uint32_t vmcore_elf_flags(const vmcore *v) { return v->e_flags; }
uint64_t vmcore_headers_end(const vmcore *v) { return v->headers_end; }
bool vmcore_is_truncated(const vmcore *v) { return v->truncated; }
unsigned vmcore_ncpus(const vmcore *v) { return v->n_cpus; }
const vmcoreinfo *vmcore_vmcoreinfo(const vmcore *v) { return v->info; }
int vmcore_vmcoreinfo_error(const vmcore *v) { return v->info_error; }

const struct vmcore_load *vmcore_loads(const vmcore *v, size_t *ret_n) {
        if (ret_n)
                *ret_n = v->n_loads;
        return v->loads;
}

const void *vmcore_notes(const vmcore *v, size_t *ret_size) {
        if (ret_size)
                *ret_size = v->notes_size;
        return v->notes;
}

int vmcore_prstatus(const vmcore *v, unsigned cpu, struct elf_prstatus_x86_64 *ret) {
        struct elf_note n;
        int r;

        if (v->machine != EM_X86_64)
                return -EPROTONOSUPPORT;
        r = elf_notes_find_prstatus(v->notes, v->notes_size, cpu, &n);
        if (r < 0)
                return r;
        return elf_note_prstatus_x86_64(&n, ret);
}

/* Last entry of idx (sorted by key) whose start is <= addr. */
static const struct vmcore_load *find_load(const vmcore *v, const size_t *idx, size_t n, bool virt, uint64_t addr) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const struct vmcore_load *l = &v->loads[idx[mid]];
                if ((virt ? l->virt : l->phys) <= addr)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        /* Step back over a partial alias whose range ends before addr. */
        for (size_t k = lo; k > 0 && k + 2 > lo; k--) {
                const struct vmcore_load *l = &v->loads[idx[k - 1]];
                uint64_t start = virt ? l->virt : l->phys;
                if (addr - start < l->mem_size)
                        return l;
        }
        return NULL;
}

static int locate(const struct vmcore_load *l, uint64_t delta, uint64_t *ret_offset, uint64_t *ret_len) {
        if (delta < l->file_size) {
                *ret_offset = l->file_offset + delta;
                *ret_len = l->file_size - delta;
                return 1;
        }
        *ret_offset = 0;
        *ret_len = l->mem_size - delta;
        return 0;
}

int vmcore_phys_to_offset(const vmcore *v, uint64_t paddr, uint64_t *ret_offset, uint64_t *ret_len) {
        const struct vmcore_load *l = find_load(v, v->by_phys, v->n_by_phys, false, paddr);

        if (!l)
                return -EFAULT;
        return locate(l, paddr - l->phys, ret_offset, ret_len);
}

int vmcore_virt_to_phys(const vmcore *v, uint64_t vaddr, uint64_t *ret_paddr) {
        const struct vmcore_load *l = find_load(v, v->by_virt, v->n_by_virt, true, vaddr);

        if (l) {
                *ret_paddr = l->phys + (vaddr - l->virt);
                return 0;
        }
        if (v->machine == EM_X86_64 && v->have_phys_base && vaddr >= X86_64_START_KERNEL_MAP) {
                *ret_paddr = vaddr - X86_64_START_KERNEL_MAP + v->phys_base;
                return 0;
        }
        return -EFAULT;
}

static int read_located(const vmcore *v, int located, uint64_t offset, uint8_t *p, size_t k) {
        if (located == 0) {
                memset(p, 0, k);
                return 0;
        }
        return pread_full(v->fd, p, k, offset);
}

int vmcore_read_phys(const vmcore *v, uint64_t paddr, void *buf, size_t n) {
        uint8_t *p = buf;

        while (n > 0) {
                uint64_t offset, len;
                size_t k;
                int r;

                r = vmcore_phys_to_offset(v, paddr, &offset, &len);
                if (r < 0)
                        return r;
                k = (size_t) MIN((uint64_t) n, len);
                r = read_located(v, r, offset, p, k);
                if (r < 0)
                        return r;
                p += k;
                n -= k;
                paddr += k;
        }
        return 0;
}

int vmcore_read_virt(const vmcore *v, uint64_t vaddr, void *buf, size_t n) {
        uint8_t *p = buf;

        while (n > 0) {
                const struct vmcore_load *l = find_load(v, v->by_virt, v->n_by_virt, true, vaddr);
                uint64_t offset, len, paddr;
                size_t k;
                int r;

                if (l) {
                        /* Read the load's own bytes, so the kernel-image
                         * PT_LOAD is read even where it aliases RAM. */
                        r = locate(l, vaddr - l->virt, &offset, &len);
                        k = (size_t) MIN((uint64_t) n, len);
                        r = read_located(v, r, offset, p, k);
                } else {
                        r = vmcore_virt_to_phys(v, vaddr, &paddr);
                        if (r < 0)
                                return r;
                        /* The fallback mapping is linear: read as much as
                         * the physical side has contiguously. */
                        r = vmcore_phys_to_offset(v, paddr, &offset, &len);
                        if (r < 0)
                                return r;
                        k = (size_t) MIN((uint64_t) n, len);
                        r = read_located(v, r, offset, p, k);
                }
                if (r < 0)
                        return r;
                p += k;
                n -= k;
                vaddr += k;
        }
        return 0;
}

int vmcore_read_virt_u64(const vmcore *v, uint64_t vaddr, uint64_t *ret) {
        uint64_t x;
        int r = vmcore_read_virt(v, vaddr, &x, sizeof(x));
        if (r < 0)
                return r;
        *ret = x;
        return 0;
}

int vmcore_read_virt_u32(const vmcore *v, uint64_t vaddr, uint32_t *ret) {
        uint32_t x;
        int r = vmcore_read_virt(v, vaddr, &x, sizeof(x));
        if (r < 0)
                return r;
        *ret = x;
        return 0;
}

int vmcore_read_virt_u16(const vmcore *v, uint64_t vaddr, uint16_t *ret) {
        uint16_t x;
        int r = vmcore_read_virt(v, vaddr, &x, sizeof(x));
        if (r < 0)
                return r;
        *ret = x;
        return 0;
}
