/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "notes/elfcorehdr.h"

void elfcorehdr_info_done(struct elfcorehdr_info *info) {
        free(info->cpu_notes);
        free(info->ram);
        *info = (struct elfcorehdr_info) {};
}

int elfcorehdr_ram_ranges(const iomem *m, const struct phys_range *exclude, size_t n_exclude,
                          struct phys_range **ret, size_t *ret_n) {
        _cleanup_free_ struct phys_range *v = NULL;
        const struct iomem_range *r;
        size_t n = 0, cap = 0, i = 0;

        while ((r = iomem_next(m, "System RAM", 0, &i))) {
                /* Cut each excluded range out of this one; a cut may split it,
                 * so work on a small queue of pieces. */
                struct phys_range pieces[ELFCOREHDR_MAX_EXCLUDE + 1];
                size_t np = 1;

                if (n_exclude > ELFCOREHDR_MAX_EXCLUDE)
                        return -E2BIG;
                pieces[0] = (struct phys_range) { r->start, r->end };
                for (size_t x = 0; x < n_exclude; x++) {
                        struct phys_range out[ELFCOREHDR_MAX_EXCLUDE + 1];
                        size_t no = 0;

                        for (size_t p = 0; p < np; p++) {
                                struct phys_range c = pieces[p];

                                if (exclude[x].end < c.start || exclude[x].start > c.end) {
                                        out[no++] = c;
                                        continue;
                                }
                                if (exclude[x].start > c.start)
                                        out[no++] = (struct phys_range) { c.start, exclude[x].start - 1 };
                                if (exclude[x].end < c.end)
                                        out[no++] = (struct phys_range) { exclude[x].end + 1, c.end };
                        }
                        memcpy(pieces, out, no * sizeof(out[0]));
                        np = no;
                }
                for (size_t p = 0; p < np; p++) {
                        if (n >= ELFCOREHDR_MAX_RAM)
                                return -E2BIG;
                        if (n == cap) {
                                struct phys_range *t;

                                cap = cap ? cap * 2 : 16;
                                t = realloc(v, cap * sizeof(*v));
                                if (!t)
                                        return -ENOMEM;
                                v = t;
                        }
                        v[n++] = pieces[p];
                }
        }
        *ret_n = n;
        *ret = TAKE_PTR(v);
        return 0;
}

int elfcorehdr_build(const struct elfcorehdr_info *info, void **ret, size_t *ret_size) {
        size_t nph = info->n_cpus + 1 + (info->text_size ? 1 : 0) + info->n_ram, size;
        _cleanup_free_ uint8_t *buf = NULL;
        Elf64_Ehdr *eh;
        Elf64_Phdr *ph;

        if (info->n_cpus == 0 || info->cpu_notes_size == 0 || info->vmcoreinfo_size == 0)
                return -EINVAL;
        /* PN_XNUM would need the section-header escape; the kernel's own
         * header stays below it too. */
        if (nph >= PN_XNUM)
                return -E2BIG;

        size = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);
        buf = calloc(1, size);
        if (!buf)
                return -ENOMEM;
        eh = (Elf64_Ehdr *) buf;
        memcpy(eh->e_ident, ELFMAG, SELFMAG);
        eh->e_ident[EI_CLASS] = ELFCLASS64;
        eh->e_ident[EI_DATA] = ELFDATA2LSB;
        eh->e_ident[EI_VERSION] = EV_CURRENT;
        eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
        eh->e_type = ET_CORE;
        eh->e_machine = EM_X86_64;
        eh->e_version = EV_CURRENT;
        eh->e_phoff = sizeof(Elf64_Ehdr);
        eh->e_ehsize = sizeof(Elf64_Ehdr);
        eh->e_phentsize = sizeof(Elf64_Phdr);
        eh->e_phnum = (Elf64_Half) nph;

        ph = (Elf64_Phdr *) (buf + sizeof(Elf64_Ehdr));
        for (size_t i = 0; i < info->n_cpus; i++, ph++)
                *ph = (Elf64_Phdr) {
                        .p_type = PT_NOTE,
                        .p_offset = info->cpu_notes[i], .p_paddr = info->cpu_notes[i],
                        .p_filesz = info->cpu_notes_size, .p_memsz = info->cpu_notes_size,
                };
        *ph++ = (Elf64_Phdr) {
                .p_type = PT_NOTE,
                .p_offset = info->vmcoreinfo_addr, .p_paddr = info->vmcoreinfo_addr,
                .p_filesz = info->vmcoreinfo_size, .p_memsz = info->vmcoreinfo_size,
        };
        if (info->text_size)
                *ph++ = (Elf64_Phdr) {
                        .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
                        .p_offset = info->text_paddr, .p_paddr = info->text_paddr, .p_vaddr = info->text_vaddr,
                        .p_filesz = info->text_size, .p_memsz = info->text_size,
                };
        for (size_t i = 0; i < info->n_ram; i++, ph++) {
                uint64_t len = info->ram[i].end - info->ram[i].start + 1;

                *ph = (Elf64_Phdr) {
                        .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
                        .p_offset = info->ram[i].start, .p_paddr = info->ram[i].start,
                        .p_vaddr = info->ram[i].start + info->page_offset,
                        .p_filesz = len, .p_memsz = len,
                };
        }

        *ret_size = size;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* The text and the direct map from /proc/kcore's program headers
 * (fs/proc/kcore.c: p_paddr is __pa_symbol() for KCORE_TEXT, __pa() for
 * KCORE_RAM, -1 for the rest). */
static int read_kcore(const char *path, struct elfcorehdr_info *info) {
        _cleanup_close_ int fd = -EBADF;
        Elf64_Ehdr eh;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = pread_full(fd, &eh, sizeof(eh), 0);
        if (r < 0)
                return r;
        if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
            eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum >= PN_XNUM)
                return -EBADMSG;
        bool have_ram = false;
        for (unsigned i = 0; i < eh.e_phnum; i++) {
                Elf64_Phdr ph;

                r = pread_full(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t) i * sizeof(ph));
                if (r < 0)
                        return r;
                if (ph.p_type != PT_LOAD || ph.p_paddr == UINT64_MAX)
                        continue;
                if (ph.p_vaddr >= X86_64_START_KERNEL_MAP) {
                        info->text_vaddr = ph.p_vaddr;
                        info->text_paddr = ph.p_paddr;
                        info->text_size = ph.p_memsz;
                } else if (!have_ram && ph.p_vaddr > ph.p_paddr) {
                        info->page_offset = ph.p_vaddr - ph.p_paddr;
                        have_ram = true;
                }
        }
        return have_ram ? 0 : -ENODATA;
}

/* Without /proc/kcore: _text and _end from kallsyms, the physical start
 * from "Kernel code" (kernel/resource.c code_resource = __pa_symbol(_text)). */
static int read_kallsyms(const char *path, const iomem *m, struct elfcorehdr_info *info) {
        _cleanup_free_ char *text = NULL;
        uint64_t stext = 0, send = 0;
        const struct iomem_range *code;
        size_t i = 0;
        int r;

        r = read_full_file(path, &text, NULL);
        if (r < 0)
                return r;
        for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                unsigned long long a;
                char type, name[64];

                if (sscanf(l, "%llx %c %63s", &a, &type, name) != 3)
                        continue;
                if (strcmp(name, "_text") == 0)
                        stext = a;
                else if (strcmp(name, "_end") == 0)
                        send = a;
        }
        code = iomem_next(m, "Kernel code", -1, &i);
        if (stext == 0 || send <= stext || !code)
                return -ENODATA;
        info->text_vaddr = stext;
        info->text_size = send - stext;
        info->text_paddr = code->start;
        return 0;
}

int elfcorehdr_collect(const char *root, struct elfcorehdr_info *ret) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        _cleanup_free_ char *possible = NULL, *vmci = NULL;
        _cleanup_free_ uint64_t *cpus = NULL;
        struct elfcorehdr_info info = { .page_offset = X86_64_PAGE_OFFSET_DEFAULT };
        struct phys_range excl[ELFCOREHDR_MAX_EXCLUDE];
        size_t n_cpus = 0, n_excl = 0, i = 0;
        const struct iomem_range *r;
        char p[4096];
        int k;

        if (!root)
                root = "";

        snprintf(p, sizeof(p), "%s/proc/iomem", root);
        k = iomem_load(p, &m);
        if (k < 0)
                return k;

        snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/possible", root);
        k = read_one_line_file(p, &possible);
        if (k < 0)
                return k;
        k = parse_cpu_list(possible, ELFCOREHDR_MAX_CPUS, &cpus, &n_cpus);
        if (k < 0)
                return k;

        info.cpu_notes = calloc(n_cpus, sizeof(uint64_t));
        if (!info.cpu_notes)
                return -ENOMEM;
        for (size_t c = 0; c < n_cpus; c++) {
                uint64_t addr, sz;

                /* A possible CPU that was never present has no sysfs
                 * directory; its notes stay empty at crash time anyway. */
                snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu%llu/crash_notes", root, (unsigned long long) cpus[c]);
                k = read_u64_file(p, 16, &addr);
                if (k == -ENOENT) {
                        snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu%llu", root, (unsigned long long) cpus[c]);
                        if (access(p, F_OK) < 0)
                                continue;
                }
                if (k < 0)
                        goto fail;
                snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu%llu/crash_notes_size", root,
                         (unsigned long long) cpus[c]);
                k = read_u64_file(p, 10, &sz);
                if (k < 0)
                        goto fail;
                if (info.cpu_notes_size && sz != info.cpu_notes_size) {
                        k = -EBADMSG;
                        goto fail;
                }
                info.cpu_notes_size = sz;
                info.cpu_notes[info.n_cpus++] = addr;
        }
        if (info.n_cpus == 0) {
                k = -ENOENT;
                goto fail;
        }

        /* kernel/ksysfs.c vmcoreinfo_show(): "%pa %x", both hexadecimal. */
        snprintf(p, sizeof(p), "%s/sys/kernel/vmcoreinfo", root);
        k = read_one_line_file(p, &vmci);
        if (k < 0)
                goto fail;
        {
                unsigned long long a, s;

                if (sscanf(vmci, "%llx %llx", &a, &s) != 2 || s == 0) {
                        k = -EBADMSG;
                        goto fail;
                }
                info.vmcoreinfo_addr = a;
                info.vmcoreinfo_size = s;
        }

        snprintf(p, sizeof(p), "%s/proc/kcore", root);
        k = read_kcore(p, &info);
        if (k < 0) {
                snprintf(p, sizeof(p), "%s/proc/kallsyms", root);
                info.page_offset = X86_64_PAGE_OFFSET_DEFAULT;
                info.page_offset_guessed = 1;
                (void) read_kallsyms(p, m, &info);
        }

        /* elf_header_exclude_ranges(): the low 1 MiB, then every crash range. */
        excl[n_excl++] = (struct phys_range) { 0, (1u << 20) - 1 };
        while ((r = iomem_next(m, "Crash kernel", -1, &i)) && n_excl < ELFCOREHDR_MAX_EXCLUDE)
                excl[n_excl++] = (struct phys_range) { r->start, r->end };
        k = elfcorehdr_ram_ranges(m, excl, n_excl, &info.ram, &info.n_ram);
        if (k < 0)
                goto fail;

        *ret = info;
        return 0;
fail:
        elfcorehdr_info_done(&info);
        return k;
}
