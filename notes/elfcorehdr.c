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

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "notes/elfcorehdr.h"
#include "notes/elfcorehdr-arm64.h"

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
        /* arm64's header always maps the image (need_kernel_map) and its RAM
         * at linear-map addresses read from the kernel, never defaults. */
        if (info->arch == ELFCOREHDR_ARCH_ARM64 &&
            (info->text_size == 0 || info->page_offset == 0 || info->page_offset_guessed))
                return -EINVAL;
        if (info->arch != ELFCOREHDR_ARCH_X86_64 && info->arch != ELFCOREHDR_ARCH_ARM64)
                return -EOPNOTSUPP;
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
        eh->e_machine = info->arch == ELFCOREHDR_ARCH_ARM64 ? EM_AARCH64 : EM_X86_64;
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

/* One crash_notes buffer per possible CPU that has a sysfs directory. */
static int collect_cpu_notes(const char *root, struct elfcorehdr_info *info, char **ret_error) {
        _cleanup_free_ char *possible = NULL;
        _cleanup_free_ uint64_t *cpus = NULL;
        size_t n_cpus = 0;
        char p[4096];
        int k;

        snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/possible", root);
        k = read_one_line_file(p, &possible);
        if (k < 0)
                return set_error_message(ret_error, k, "Cannot read %s: %s.", p, strerror(-k));
        k = parse_cpu_list(possible, ELFCOREHDR_MAX_CPUS, &cpus, &n_cpus);
        if (k < 0)
                return set_error_message(ret_error, k, "Cannot parse %s (\"%s\").", p, possible);

        info->cpu_notes = calloc(n_cpus, sizeof(uint64_t));
        if (!info->cpu_notes)
                return -ENOMEM;
        for (size_t c = 0; c < n_cpus; c++) {
                unsigned long long cpu = cpus[c];
                uint64_t addr, sz;

                /* A possible CPU that was never present has no sysfs
                 * directory; its notes stay empty at crash time anyway. */
                snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu%llu/crash_notes", root, cpu);
                k = read_u64_file(p, 16, &addr);
                if (k == -ENOENT) {
                        snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu%llu", root, cpu);
                        if (access(p, F_OK) < 0)
                                continue;
                        snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu%llu/crash_notes", root, cpu);
                }
                if (k < 0)
                        return set_error_message(ret_error, k, "Cannot read %s: %s (is the kernel built with "
                                                 "CONFIG_CRASH_DUMP?).", p, strerror(-k));
                snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu%llu/crash_notes_size", root, cpu);
                k = read_u64_file(p, 10, &sz);
                if (k < 0)
                        return set_error_message(ret_error, k, "Cannot read %s: %s.", p, strerror(-k));
                if (info->cpu_notes_size && sz != info->cpu_notes_size)
                        return set_error_message(ret_error, EBADMSG, "%s differs from CPU %llu's.", p,
                                                 (unsigned long long) cpus[0]);
                info->cpu_notes_size = sz;
                info->cpu_notes[info->n_cpus++] = addr;
        }
        if (info->n_cpus == 0)
                return set_error_message(ret_error, ENOENT, "No CPU in %s/sys/devices/system/cpu has crash_notes "
                                         "(is the kernel built with CONFIG_CRASH_DUMP?).", root);
        return 0;
}

/* kernel/ksysfs.c vmcoreinfo_show(): "%pa %x", both hexadecimal. */
static int collect_vmcoreinfo(const char *root, struct elfcorehdr_info *info, char **ret_error) {
        _cleanup_free_ char *vmci = NULL;
        unsigned long long a, s;
        char p[4096];
        int k;

        snprintf(p, sizeof(p), "%s/sys/kernel/vmcoreinfo", root);
        k = read_one_line_file(p, &vmci);
        if (k < 0)
                return set_error_message(ret_error, k, "Cannot read %s: %s.", p, strerror(-k));
        if (sscanf(vmci, "%llx %llx", &a, &s) != 2 || s == 0)
                return set_error_message(ret_error, EBADMSG, "Cannot parse %s (\"%s\").", p, vmci);
        info->vmcoreinfo_addr = a;
        info->vmcoreinfo_size = s;
        return 0;
}

/* System RAM minus every "Crash kernel" range and, on x86_64 only, the low
 * 1 MiB (elf_header_exclude_ranges(); arm64's prepare_elf_headers() cuts
 * crashk_res and crashk_low_res and nothing else). */
static int collect_ram(const iomem *m, bool cut_low_1m, struct elfcorehdr_info *info) {
        struct phys_range excl[ELFCOREHDR_MAX_EXCLUDE];
        const struct iomem_range *r;
        size_t n_excl = 0, i = 0;

        if (cut_low_1m)
                excl[n_excl++] = (struct phys_range) { 0, (1u << 20) - 1 };
        while ((r = iomem_next(m, "Crash kernel", -1, &i)) && n_excl < ELFCOREHDR_MAX_EXCLUDE)
                excl[n_excl++] = (struct phys_range) { r->start, r->end };
        return elfcorehdr_ram_ranges(m, excl, n_excl, &info->ram, &info->n_ram);
}

/* x86_64: /proc/kcore, else kallsyms and the default direct map. */
static void collect_kernel_x86_64(const char *root, const iomem *m, struct elfcorehdr_info *info) {
        char p[4096];

        info->page_offset = X86_64_PAGE_OFFSET_DEFAULT;
        snprintf(p, sizeof(p), "%s/proc/kcore", root);
        if (read_kcore(p, info) < 0) {
                snprintf(p, sizeof(p), "%s/proc/kallsyms", root);
                info->page_offset = X86_64_PAGE_OFFSET_DEFAULT;
                info->page_offset_guessed = 1;
                (void) read_kallsyms(p, m, info);
        }
}

static bool in_system_ram(const iomem *m, uint64_t start, uint64_t size) {
        const struct iomem_range *r;
        size_t i = 0;

        while ((r = iomem_next(m, "System RAM", 0, &i)))
                if (start >= r->start && start <= r->end && size - 1 <= r->end - start)
                        return true;
        return false;
}

/* arm64: /proc/kcore or nothing. */
static int collect_kernel_arm64(const char *root, const iomem *m, struct elfcorehdr_info *info, char **ret_error) {
        _cleanup_free_ Elf64_Phdr *ph = NULL;
        struct arm64_kernel_layout l;
        size_t n;
        char p[4096];
        int k;

        snprintf(p, sizeof(p), "%s/proc/kcore", root);
        k = arm64_kcore_read_phdrs(p, &ph, &n, ret_error);
        if (k < 0)
                return k;
        k = arm64_kernel_layout_from_kcore(ph, n, &l, ret_error);
        if (k < 0)
                return k;
        if (!in_system_ram(m, l.text_paddr, l.text_size))
                return set_error_message(ret_error, EINVAL,
                                         "The kernel image (physical %#llx, %llu bytes, from %s) is not inside a "
                                         "System RAM range of %s/proc/iomem.", (unsigned long long) l.text_paddr,
                                         (unsigned long long) l.text_size, p, root);
        info->text_vaddr = l.text_vaddr;
        info->text_paddr = l.text_paddr;
        info->text_size = l.text_size;
        info->page_offset = l.linear_offset;
        return 0;
}

/* arm64: every RAM range's linear-map address in the kernel half, as the
 * kcore entries were (memory hot-added since could lie beyond them). */
static int check_linear_map(const struct elfcorehdr_info *info, char **ret_error) {
        for (size_t i = 0; i < info->n_ram; i++) {
                uint64_t va = info->ram[i].start + info->page_offset;

                if (va < ARM64_KERNEL_HALF || info->ram[i].end - info->ram[i].start > UINT64_MAX - va)
                        return set_error_message(ret_error, EINVAL,
                                                 "RAM at physical %#llx would be mapped at %#llx, outside the kernel "
                                                 "half of the address space.",
                                                 (unsigned long long) info->ram[i].start, (unsigned long long) va);
        }
        return 0;
}

static int collect_all(const char *root, enum elfcorehdr_arch arch, struct elfcorehdr_info *info, char **ret_error) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        char p[4096];
        int k;

        snprintf(p, sizeof(p), "%s/proc/iomem", root);
        k = iomem_load(p, &m);
        if (k < 0)
                return set_error_message(ret_error, k, "Cannot read %s: %s.", p, strerror(-k));
        k = collect_cpu_notes(root, info, ret_error);
        if (k < 0)
                return k;
        k = collect_vmcoreinfo(root, info, ret_error);
        if (k < 0)
                return k;
        if (arch == ELFCOREHDR_ARCH_ARM64)
                k = collect_kernel_arm64(root, m, info, ret_error);
        else
                collect_kernel_x86_64(root, m, info);
        if (k < 0)
                return k;
        k = collect_ram(m, arch == ELFCOREHDR_ARCH_X86_64, info);
        if (k < 0)
                return set_error_message(ret_error, k, "Cannot list the RAM ranges of %s: %s.", p, strerror(-k));
        if (arch != ELFCOREHDR_ARCH_ARM64)
                return 0;
        if (info->n_ram == 0)
                return set_error_message(ret_error, ENOENT, "%s has no System RAM outside the crash reservation.", p);
        return check_linear_map(info, ret_error);
}

int elfcorehdr_collect_arch(const char *root, enum elfcorehdr_arch arch, struct elfcorehdr_info *ret,
                            char **ret_error) {
        struct elfcorehdr_info info = { .arch = arch };
        int k;

        if (arch != ELFCOREHDR_ARCH_X86_64 && arch != ELFCOREHDR_ARCH_ARM64)
                return set_error_message(ret_error, EOPNOTSUPP, "No ELF core header builder for this architecture.");
        k = collect_all(root ? root : "", arch, &info, ret_error);
        if (k < 0) {
                elfcorehdr_info_done(&info);
                return k;
        }
        *ret = info;
        return 0;
}

int elfcorehdr_collect(const char *root, struct elfcorehdr_info *ret) {
        return elfcorehdr_collect_arch(root, ELFCOREHDR_ARCH_X86_64, ret, NULL);
}
