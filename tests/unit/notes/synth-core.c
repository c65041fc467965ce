/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "synth-core.h"

void synth_init(struct synth_core *c) {
        memset(c, 0, sizeof(*c));
        c->machine = EM_X86_64;
}

void synth_done(struct synth_core *c) {
        free(c->notes);
        for (size_t i = 0; i < c->n_loads; i++)
                free(c->loads[i].data);
        memset(c, 0, sizeof(*c));
}

void synth_add_note(struct synth_core *c, const char *name, uint32_t type, const void *desc, size_t descsz) {
        uint32_t namesz = (uint32_t) strlen(name) + 1;
        size_t add = 12 + ALIGN_UP(namesz, 4) + ALIGN_UP(descsz, 4);
        uint8_t *p;
        uint32_t hdr[3] = { namesz, (uint32_t) descsz, type };

        c->notes = realloc(c->notes, c->notes_size + add);
        if (!c->notes)
                abort();
        p = c->notes + c->notes_size;
        memset(p, 0, add);
        memcpy(p, hdr, 12);
        memcpy(p + 12, name, namesz);
        if (descsz)
                memcpy(p + 12 + ALIGN_UP(namesz, 4), desc, descsz);
        c->notes_size += add;
}

void synth_add_prstatus(struct synth_core *c, int32_t pid, uint64_t rip, uint64_t rsp) {
        uint8_t d[336] = {};

        memcpy(d + 32, &pid, 4);
        memcpy(d + 112 + 16 * 8, &rip, 8);
        memcpy(d + 112 + 19 * 8, &rsp, 8);
        synth_add_note(c, "CORE", NT_PRSTATUS, d, sizeof(d));
}

void synth_add_load(struct synth_core *c, uint64_t phys, uint64_t virt, uint64_t mem_size, uint64_t file_size) {
        struct synth_load *l;

        if (c->n_loads >= SYNTH_MAX_LOADS)
                abort();
        l = &c->loads[c->n_loads++];
        *l = (struct synth_load) { .phys = phys, .virt = virt, .mem_size = mem_size, .file_size = file_size };
        l->data = calloc(1, mem_size ? mem_size : 1);
        if (!l->data)
                abort();
}

void synth_poke_phys(struct synth_core *c, uint64_t phys, const void *data, size_t n) {
        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < c->n_loads; k++) {
                        struct synth_load *l = &c->loads[k];
                        if (phys + i >= l->phys && phys + i < l->phys + l->mem_size)
                                l->data[phys + i - l->phys] = ((const uint8_t *) data)[i];
                }
}

void synth_poke_virt(struct synth_core *c, uint64_t virt, const void *data, size_t n) {
        for (size_t i = 0; i < n; i++) {
                size_t k;
                for (k = 0; k < c->n_loads; k++) {
                        struct synth_load *l = &c->loads[k];
                        if (l->virt && virt + i >= l->virt && virt + i < l->virt + l->mem_size) {
                                synth_poke_phys(c, l->phys + (virt + i - l->virt), (const uint8_t *) data + i, 1);
                                break;
                        }
                }
                if (k == c->n_loads)
                        abort();        /* a test bug: address outside the fixture */
        }
}

void synth_poke_u64(struct synth_core *c, uint64_t virt, uint64_t v) { synth_poke_virt(c, virt, &v, sizeof(v)); }
void synth_poke_u32(struct synth_core *c, uint64_t virt, uint32_t v) { synth_poke_virt(c, virt, &v, sizeof(v)); }
void synth_poke_u16(struct synth_core *c, uint64_t virt, uint16_t v) { synth_poke_virt(c, virt, &v, sizeof(v)); }

uint8_t synth_pattern(uint64_t phys) {
        return (uint8_t) ((phys * 131) ^ (phys >> 8) ^ 0x5a);
}

void synth_fill_pattern(struct synth_core *c, size_t load) {
        struct synth_load *l = &c->loads[load];
        for (uint64_t i = 0; i < l->file_size; i++)
                synth_poke_phys(c, l->phys + i, &(uint8_t) { synth_pattern(l->phys + i) }, 1);
}

int synth_write(struct synth_core *c, const char *path) {
        _cleanup_close_ int fd = -EBADF;
        Elf64_Ehdr eh = {};
        Elf64_Phdr ph[SYNTH_MAX_LOADS + 1] = {};
        size_t nph = 1 + c->n_loads;
        uint64_t off;
        int r;

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        eh.e_type = ET_CORE;
        eh.e_machine = c->machine;
        eh.e_version = EV_CURRENT;
        eh.e_phoff = sizeof(eh);
        eh.e_ehsize = sizeof(eh);
        eh.e_phentsize = sizeof(Elf64_Phdr);
        eh.e_phnum = (Elf64_Half) nph;

        off = sizeof(eh) + nph * sizeof(Elf64_Phdr);
        c->note_offset = off;
        ph[0] = (Elf64_Phdr) { .p_type = PT_NOTE, .p_offset = off, .p_filesz = c->notes_size, .p_memsz = c->notes_size };
        off += c->notes_size;
        for (size_t i = 0; i < c->n_loads; i++) {
                struct synth_load *l = &c->loads[i];
                off = ALIGN_UP(off, 4096);
                l->file_offset = off;
                ph[1 + i] = (Elf64_Phdr) {
                        .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
                        .p_offset = off, .p_vaddr = l->virt, .p_paddr = l->phys,
                        .p_filesz = l->file_size, .p_memsz = l->mem_size, .p_align = 0,
                };
                off += l->file_size;
        }
        c->file_size = off;

        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        if ((r = loop_write(fd, &eh, sizeof(eh))) < 0 ||
            (r = loop_write(fd, ph, nph * sizeof(Elf64_Phdr))) < 0 ||
            (c->notes_size && (r = loop_write(fd, c->notes, c->notes_size)) < 0))
                return r;
        for (size_t i = 0; i < c->n_loads; i++) {
                struct synth_load *l = &c->loads[i];
                if (pwrite(fd, l->data, l->file_size, (off_t) l->file_offset) != (ssize_t) l->file_size)
                        return -EIO;
        }
        if (ftruncate(fd, (off_t) off) < 0)
                return -errno;
        return 0;
}

void synth_standard(struct synth_core *c, const char *vi) {
        synth_init(c);
        synth_add_prstatus(c, 101, SYNTH_KTEXT + 0x1234, UINT64_C(0xffffc90000001000));
        synth_add_prstatus(c, 202, SYNTH_KTEXT + 0x5678, UINT64_C(0xffffc90000002000));
        if (vi)
                synth_add_note(c, "VMCOREINFO", 0, vi, strlen(vi));
        synth_add_load(c, 0x100000, SYNTH_PAGE_OFFSET + 0x100000, 0x10000, 0x10000);
        synth_add_load(c, 0x110000, SYNTH_PAGE_OFFSET + 0x110000, 0x8000, 0x4000);
        synth_add_load(c, 0x200000, SYNTH_PAGE_OFFSET + 0x200000, 0x10000, 0x10000);
        synth_add_load(c, 0x200000, SYNTH_KTEXT, 0x8000, 0x8000);
        synth_fill_pattern(c, 0);
        synth_fill_pattern(c, 1);
        synth_fill_pattern(c, 2);
}

int synth_read_file(const char *path, uint8_t **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        uint8_t *b;
        int r;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        b = malloc((size_t) st.st_size + 1);
        if (!b)
                return -ENOMEM;
        r = pread_full(fd, b, (size_t) st.st_size, 0);
        if (r < 0) {
                free(b);
                return r;
        }
        *ret = b;
        *ret_size = (size_t) st.st_size;
        return 0;
}
