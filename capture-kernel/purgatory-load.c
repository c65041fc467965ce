/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "capture-kernel/purgatory-load.h"

struct purgatory {
        const uint8_t *elf;
        size_t elf_size;
        const Elf64_Ehdr *eh;
        const Elf64_Shdr *sh;
        uint64_t *sec_off;       /* offset of each section in image, or UINT64_MAX if not loaded */
        uint8_t *image;
        size_t image_size;
        uint64_t align;
        uint64_t load_addr;
        bool relocated;
        const Elf64_Sym *symtab;
        size_t n_syms;
        const char *strtab;
        size_t strtab_size;
};

static bool in_file(const purgatory *p, uint64_t off, uint64_t len) {
        return off <= p->elf_size && len <= p->elf_size - off;
}

purgatory *purgatory_free(purgatory *p) {
        if (!p)
                return NULL;
        free(p->sec_off);
        free(p->image);
        free(p);
        return NULL;
}

static bool loaded_section(const Elf64_Shdr *s) {
        return (s->sh_flags & SHF_ALLOC) && (s->sh_type == SHT_PROGBITS || s->sh_type == SHT_NOBITS);
}

int purgatory_new(const void *elf, size_t size, purgatory **ret) {
        _cleanup_(purgatory_freep) purgatory *p = NULL;
        uint64_t off = 0;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->elf = elf;
        p->elf_size = size;
        p->align = 4096;

        if (size < sizeof(Elf64_Ehdr))
                return -ENOEXEC;
        p->eh = elf;
        if (memcmp(p->eh->e_ident, ELFMAG, SELFMAG) != 0 || p->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
            p->eh->e_ident[EI_DATA] != ELFDATA2LSB || p->eh->e_type != ET_REL || p->eh->e_machine != EM_X86_64)
                return -ENOEXEC;
        if (p->eh->e_shentsize != sizeof(Elf64_Shdr) || p->eh->e_shnum == 0 ||
            !in_file(p, p->eh->e_shoff, (uint64_t) p->eh->e_shnum * sizeof(Elf64_Shdr)) || (p->eh->e_shoff & 7))
                return -EBADMSG;
        p->sh = (const Elf64_Shdr *) (p->elf + p->eh->e_shoff);

        p->sec_off = malloc(p->eh->e_shnum * sizeof(uint64_t));
        if (!p->sec_off)
                return -ENOMEM;

        /* Lay out the allocated sections in file order, each at its own
         * alignment; .bss gets zeroed room like the rest (it holds the
         * stack), so the image is one contiguous buffer. */
        for (unsigned i = 0; i < p->eh->e_shnum; i++) {
                const Elf64_Shdr *s = &p->sh[i];
                uint64_t a = s->sh_addralign ? s->sh_addralign : 1;

                p->sec_off[i] = UINT64_MAX;
                if (!loaded_section(s))
                        continue;
                if ((a & (a - 1)) != 0 || a > (1u << 21))
                        return -EBADMSG;
                if (s->sh_type == SHT_PROGBITS && !in_file(p, s->sh_offset, s->sh_size))
                        return -EBADMSG;
                if (s->sh_size > (64u << 20))
                        return -EFBIG;
                off = ALIGN_UP(off, a);
                p->sec_off[i] = off;
                off += s->sh_size;
                p->align = MAX(p->align, a);
        }
        p->image_size = ALIGN_UP(off, 4096);
        if (p->image_size == 0)
                return -ENOEXEC;
        p->image = calloc(1, p->image_size);
        if (!p->image)
                return -ENOMEM;
        for (unsigned i = 0; i < p->eh->e_shnum; i++)
                if (p->sec_off[i] != UINT64_MAX && p->sh[i].sh_type == SHT_PROGBITS)
                        memcpy(p->image + p->sec_off[i], p->elf + p->sh[i].sh_offset, p->sh[i].sh_size);

        /* The one symbol table of a relocatable object. */
        for (unsigned i = 0; i < p->eh->e_shnum; i++) {
                const Elf64_Shdr *s = &p->sh[i], *str;

                if (s->sh_type != SHT_SYMTAB)
                        continue;
                if (s->sh_entsize != sizeof(Elf64_Sym) || !in_file(p, s->sh_offset, s->sh_size) ||
                    s->sh_link >= p->eh->e_shnum || (s->sh_offset & 7))
                        return -EBADMSG;
                str = &p->sh[s->sh_link];
                if (str->sh_type != SHT_STRTAB || !in_file(p, str->sh_offset, str->sh_size) || str->sh_size == 0 ||
                    p->elf[str->sh_offset + str->sh_size - 1] != '\0')
                        return -EBADMSG;
                p->symtab = (const Elf64_Sym *) (p->elf + s->sh_offset);
                p->n_syms = s->sh_size / sizeof(Elf64_Sym);
                p->strtab = (const char *) p->elf + str->sh_offset;
                p->strtab_size = str->sh_size;
                break;
        }
        if (!p->symtab)
                return -ENOEXEC;

        *ret = TAKE_PTR(p);
        return 0;
}

size_t purgatory_size(const purgatory *p) {
        return p->image_size;
}

uint64_t purgatory_align(const purgatory *p) {
        return p->align;
}

const void *purgatory_image(const purgatory *p) {
        return p->image;
}

static const char *sym_name(const purgatory *p, const Elf64_Sym *s) {
        if (s->st_name >= p->strtab_size)
                return "?";
        return p->strtab + s->st_name;
}

/* A symbol's value at load_addr: its section's place plus its offset. */
static int sym_value(const purgatory *p, const Elf64_Sym *s, uint64_t *ret, char **ret_error) {
        if (s->st_shndx == SHN_UNDEF)
                return set_error_message(ret_error, ENOENT, "purgatory symbol '%s' is undefined", sym_name(p, s));
        if (s->st_shndx == SHN_ABS) {
                *ret = s->st_value;
                return 0;
        }
        if (s->st_shndx >= p->eh->e_shnum || p->sec_off[s->st_shndx] == UINT64_MAX)
                return set_error_message(ret_error, EBADMSG, "purgatory symbol '%s' is in a section that is not loaded", sym_name(p, s));
        *ret = p->load_addr + p->sec_off[s->st_shndx] + s->st_value;
        return 0;
}

int purgatory_relocate(purgatory *p, uint64_t load_addr, char **ret_error) {
        int r;

        if (p->relocated)
                return -EALREADY;
        p->load_addr = load_addr;

        for (unsigned i = 0; i < p->eh->e_shnum; i++) {
                const Elf64_Shdr *rs = &p->sh[i], *target;
                const Elf64_Rela *rel;
                size_t n;

                if (rs->sh_type == SHT_REL && rs->sh_info < p->eh->e_shnum && p->sec_off[rs->sh_info] != UINT64_MAX)
                        return set_error_message(ret_error, EOPNOTSUPP, "purgatory has REL relocations; x86_64 uses RELA");
                if (rs->sh_type != SHT_RELA)
                        continue;
                if (rs->sh_info >= p->eh->e_shnum || rs->sh_entsize != sizeof(Elf64_Rela) ||
                    !in_file(p, rs->sh_offset, rs->sh_size) || (rs->sh_offset & 7))
                        return set_error_message(ret_error, EBADMSG, "purgatory relocation section %u is malformed", i);
                if (p->sec_off[rs->sh_info] == UINT64_MAX)
                        continue;       /* relocates debug info or the like: not loaded */
                target = &p->sh[rs->sh_info];
                rel = (const Elf64_Rela *) (p->elf + rs->sh_offset);
                n = rs->sh_size / sizeof(Elf64_Rela);

                for (size_t j = 0; j < n; j++) {
                        uint64_t sym_idx = ELF64_R_SYM(rel[j].r_info), type = ELF64_R_TYPE(rel[j].r_info);
                        uint64_t s, place, v;
                        uint8_t *loc;
                        size_t width = type == R_X86_64_64 ? 8 : 4;

                        if (sym_idx >= p->n_syms)
                                return set_error_message(ret_error, EBADMSG, "purgatory relocation %zu names symbol %llu of %zu",
                                            j, (unsigned long long) sym_idx, p->n_syms);
                        if (rel[j].r_offset > target->sh_size || target->sh_size - rel[j].r_offset < width)
                                return set_error_message(ret_error, EBADMSG, "purgatory relocation %zu lies outside its section", j);
                        if (target->sh_type == SHT_NOBITS)
                                return set_error_message(ret_error, EBADMSG, "purgatory relocation %zu applies to .bss", j);
                        r = sym_value(p, &p->symtab[sym_idx], &s, ret_error);
                        if (r < 0)
                                return r;
                        loc = p->image + p->sec_off[rs->sh_info] + rel[j].r_offset;
                        place = p->load_addr + p->sec_off[rs->sh_info] + rel[j].r_offset;
                        v = s + (uint64_t) rel[j].r_addend;

                        switch (type) {
                        case R_X86_64_64:
                                memcpy(loc, &v, 8);
                                break;
                        case R_X86_64_32:
                                if (v > UINT32_MAX)
                                        return set_error_message(ret_error, ERANGE,
                                                    "purgatory relocation R_X86_64_32 to '%s' (0x%llx) does not fit 32 bits: load it below 4 GiB",
                                                    sym_name(p, &p->symtab[sym_idx]), (unsigned long long) v);
                                memcpy(loc, &(uint32_t) { (uint32_t) v }, 4);
                                break;
                        case R_X86_64_32S:
                                if ((int64_t) v != (int64_t) (int32_t) v)
                                        return set_error_message(ret_error, ERANGE,
                                                    "purgatory relocation R_X86_64_32S to '%s' (0x%llx) does not fit signed 32 bits",
                                                    sym_name(p, &p->symtab[sym_idx]), (unsigned long long) v);
                                memcpy(loc, &(uint32_t) { (uint32_t) v }, 4);
                                break;
                        case R_X86_64_PC32:
                        case R_X86_64_PLT32: {
                                /* PLT32 is PC32 when there is no PLT (a
                                 * statically placed object). */
                                int64_t d = (int64_t) (v - place);

                                if (d != (int64_t) (int32_t) d)
                                        return set_error_message(ret_error, ERANGE, "purgatory PC-relative relocation to '%s' out of range",
                                                    sym_name(p, &p->symtab[sym_idx]));
                                memcpy(loc, &(uint32_t) { (uint32_t) d }, 4);
                                break;
                        }
                        default:
                                return set_error_message(ret_error, EOPNOTSUPP, "purgatory relocation type %llu is not supported",
                                            (unsigned long long) type);
                        }
                }
        }
        p->relocated = true;
        return 0;
}

static const Elf64_Sym *find_symbol(const purgatory *p, const char *name) {
        for (size_t i = 0; i < p->n_syms; i++) {
                const Elf64_Sym *s = &p->symtab[i];

                if (ELF64_ST_BIND(s->st_info) != STB_GLOBAL || s->st_shndx == SHN_UNDEF)
                        continue;
                if (strcmp(sym_name(p, s), name) == 0)
                        return s;
        }
        return NULL;
}

int purgatory_symbol_addr(const purgatory *p, const char *name, uint64_t *ret) {
        const Elf64_Sym *s = find_symbol(p, name);

        if (!s)
                return -ENOENT;
        if (!p->relocated)
                return -ESTALE;
        return sym_value(p, s, ret, NULL);
}

static int symbol_bytes(const purgatory *p, const char *name, size_t len, uint8_t **ret) {
        const Elf64_Sym *s = find_symbol(p, name);

        if (!s || s->st_shndx >= p->eh->e_shnum || p->sec_off[s->st_shndx] == UINT64_MAX)
                return -ENOENT;
        if (len > s->st_size)
                return -E2BIG;
        if (s->st_value > p->sh[s->st_shndx].sh_size || p->sh[s->st_shndx].sh_size - s->st_value < len)
                return -EBADMSG;
        /* The purgatory keeps loader-set variables in .data; refuse one
         * that moved to .bss, so a build change cannot go unnoticed. */
        if (p->sh[s->st_shndx].sh_type != SHT_PROGBITS)
                return -EBADMSG;
        *ret = p->image + p->sec_off[s->st_shndx] + s->st_value;
        return 0;
}

int purgatory_set_symbol(purgatory *p, const char *name, const void *value, size_t len) {
        uint8_t *b;
        int r = symbol_bytes(p, name, len, &b);

        if (r < 0)
                return r;
        memcpy(b, value, len);
        return 0;
}

int purgatory_get_symbol(const purgatory *p, const char *name, void *value, size_t len) {
        uint8_t *b;
        int r = symbol_bytes(p, name, len, &b);

        if (r < 0)
                return r;
        memcpy(value, b, len);
        return 0;
}
