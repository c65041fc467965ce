/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "notes/elfcorehdr-arm64.h"

static bool has_paddr(const Elf64_Phdr *p) {
        return p->p_type == PT_LOAD && p->p_paddr != UINT64_MAX && p->p_memsz > 0;
}

static bool phys_inside(const Elf64_Phdr *inner, const Elf64_Phdr *outer) {
        return inner->p_paddr >= outer->p_paddr &&
               inner->p_paddr - outer->p_paddr <= outer->p_memsz &&
               inner->p_memsz <= outer->p_memsz - (inner->p_paddr - outer->p_paddr);
}

/* The image's own mapping: physically inside a RAM entry, virtually
 * elsewhere.  Returns its index, -ENOENT without one, -EINVAL with several. */
static int find_text(const Elf64_Phdr *ph, size_t n, size_t *ret) {
        size_t found = SIZE_MAX;

        for (size_t t = 0; t < n; t++) {
                bool is_text = false;

                if (!has_paddr(&ph[t]))
                        continue;
                for (size_t r = 0; r < n && !is_text; r++)
                        is_text = r != t && has_paddr(&ph[r]) && phys_inside(&ph[t], &ph[r]) &&
                                  ph[t].p_vaddr - ph[t].p_paddr != ph[r].p_vaddr - ph[r].p_paddr;
                if (!is_text)
                        continue;
                if (found != SIZE_MAX)
                        return -EINVAL;
                found = t;
        }
        if (found == SIZE_MAX)
                return -ENOENT;
        *ret = found;
        return 0;
}

static int check_text(const Elf64_Phdr *t, char **ret_error) {
        if (t->p_vaddr < ARM64_KERNEL_HALF || t->p_memsz > UINT64_MAX - t->p_vaddr)
                return set_error_message(ret_error, EINVAL,
                                         "The kernel's text mapping in /proc/kcore is at %#llx, outside the kernel half "
                                         "of the address space.", (unsigned long long) t->p_vaddr);
        if (t->p_memsz >= ARM64_TEXT_SIZE_MAX)
                return set_error_message(ret_error, EINVAL,
                                         "The kernel's text mapping in /proc/kcore is %llu bytes long; "
                                         "no kernel image is that large.", (unsigned long long) t->p_memsz);
        if ((t->p_vaddr | t->p_paddr) % ARM64_KCORE_PAGE != 0)
                return set_error_message(ret_error, EINVAL,
                                         "The kernel's text mapping in /proc/kcore (%#llx at physical %#llx) is not "
                                         "page-aligned.", (unsigned long long) t->p_vaddr, (unsigned long long) t->p_paddr);
        return 0;
}

/* Every RAM entry at one offset, all of it in the kernel half. */
static int linear_offset(const Elf64_Phdr *ph, size_t n, size_t text, uint64_t *ret, char **ret_error) {
        bool have = false;
        uint64_t off = 0;

        for (size_t i = 0; i < n; i++) {
                if (i == text || !has_paddr(&ph[i]))
                        continue;
                if (ph[i].p_vaddr < ARM64_KERNEL_HALF || ph[i].p_memsz - 1 > UINT64_MAX - ph[i].p_vaddr)
                        return set_error_message(ret_error, EINVAL,
                                                 "/proc/kcore maps physical %#llx at %#llx, outside the kernel half "
                                                 "of the address space.",
                                                 (unsigned long long) ph[i].p_paddr, (unsigned long long) ph[i].p_vaddr);
                if (have && ph[i].p_vaddr - ph[i].p_paddr != off)
                        return set_error_message(ret_error, EINVAL,
                                                 "The linear map in /proc/kcore has two offsets (%#llx and %#llx, at "
                                                 "physical %#llx); cannot tell where RAM is mapped.",
                                                 (unsigned long long) off,
                                                 (unsigned long long) (ph[i].p_vaddr - ph[i].p_paddr),
                                                 (unsigned long long) ph[i].p_paddr);
                off = ph[i].p_vaddr - ph[i].p_paddr;
                have = true;
        }
        if (!have)
                return set_error_message(ret_error, ENOENT,
                                         "Cannot find the linear map of RAM in /proc/kcore (no entry with a physical "
                                         "address besides the kernel text).");
        *ret = off;
        return 0;
}

int arm64_kernel_layout_from_kcore(const Elf64_Phdr *ph, size_t n, struct arm64_kernel_layout *ret,
                                   char **ret_error) {
        uint64_t off = 0;
        size_t t;
        int r;

        r = find_text(ph, n, &t);
        if (r == -ENOENT)
                return set_error_message(ret_error, ENOENT,
                                         "Cannot find the kernel's text mapping in /proc/kcore (an entry for _text.._end "
                                         "with its physical address, as CONFIG_PROC_KCORE writes it on arm64).");
        if (r < 0)
                return set_error_message(ret_error, r,
                                         "/proc/kcore has more than one candidate for the kernel's text mapping.");
        r = check_text(&ph[t], ret_error);
        if (r < 0)
                return r;
        r = linear_offset(ph, n, t, &off, ret_error);
        if (r < 0)
                return r;
        if (ph[t].p_vaddr - ph[t].p_paddr == off)
                return set_error_message(ret_error, EINVAL,
                                         "The kernel's text mapping in /proc/kcore is the linear map itself.");

        *ret = (struct arm64_kernel_layout) {
                .text_vaddr = ph[t].p_vaddr,
                .text_paddr = ph[t].p_paddr,
                .text_size = ph[t].p_memsz,
                .linear_offset = off,
        };
        return 0;
}

static int check_ehdr(const Elf64_Ehdr *eh, const char *path, char **ret_error) {
        if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
            eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_CORE)
                return set_error_message(ret_error, EBADMSG, "%s is not a 64-bit little-endian ELF core file.", path);
        if (eh->e_machine != EM_AARCH64)
                return set_error_message(ret_error, EBADMSG,
                                         "%s is the core of an e_machine %u kernel, not an arm64 (%u) one.",
                                         path, eh->e_machine, EM_AARCH64);
        if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum >= PN_XNUM)
                return set_error_message(ret_error, EBADMSG, "%s has no usable program header table.", path);
        return 0;
}

int arm64_kcore_read_phdrs(const char *path, Elf64_Phdr **ret, size_t *ret_n, char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ Elf64_Phdr *ph = NULL;
        Elf64_Ehdr eh;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                r = negative_errno();
                if (r == -ENOENT)
                        return set_error_message(ret_error, r,
                                                 "Cannot find the kernel's text mapping: %s does not exist "
                                                 "(needs CONFIG_PROC_KCORE).", path);
                return set_error_message(ret_error, r,
                                         "Cannot open %s (%s): needed for the kernel's text mapping "
                                         "(root with CAP_SYS_RAWIO, and no lockdown).", path, strerror(-r));
        }
        r = pread_full(fd, &eh, sizeof(eh), 0);
        if (r < 0)
                return set_error_message(ret_error, r, "Cannot read %s: %s.", path, strerror(-r));
        r = check_ehdr(&eh, path, ret_error);
        if (r < 0)
                return r;

        ph = calloc(eh.e_phnum, sizeof(Elf64_Phdr));
        if (!ph)
                return -ENOMEM;
        r = pread_full(fd, ph, eh.e_phnum * sizeof(Elf64_Phdr), eh.e_phoff);
        if (r < 0)
                return set_error_message(ret_error, r, "Cannot read the program headers of %s: %s.", path, strerror(-r));

        *ret_n = eh.e_phnum;
        *ret = TAKE_PTR(ph);
        return 0;
}
