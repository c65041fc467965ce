/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "basic/macro.h"
#include "notes/elf-notes.h"

void elf_note_iter_init(struct elf_note_iter *it, const void *buf, size_t size) {
        *it = (struct elf_note_iter) { .buf = buf, .size = buf ? size : 0, .pos = 0 };
}

static bool all_zero(const uint8_t *p, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (p[i])
                        return false;
        return true;
}

int elf_note_next(struct elf_note_iter *it, struct elf_note *ret) {
        uint32_t hdr[3];
        uint64_t name_off, desc_off, end;
        size_t left;

        if (it->pos >= it->size)
                return 0;
        left = it->size - it->pos;
        if (left < sizeof(hdr))
                /* Zero padding shorter than a header is the end; anything
                 * else is a note cut short. */
                return all_zero(it->buf + it->pos, left) ? 0 : -EBADMSG;

        memcpy(hdr, it->buf + it->pos, sizeof(hdr));
        if (hdr[0] == 0) {
                it->pos = it->size;
                return 0;
        }

        /* 64-bit arithmetic: namesz and descsz are u32 each, so no overflow. */
        name_off = (uint64_t) it->pos + sizeof(hdr);
        desc_off = name_off + ALIGN_UP(hdr[0], 4);
        end = desc_off + ALIGN_UP(hdr[1], 4);
        /* The last note may lack the padding of its desc. */
        if (desc_off + hdr[1] > it->size || name_off + hdr[0] > it->size)
                return -EBADMSG;

        *ret = (struct elf_note) {
                .name = (const char *) it->buf + name_off,
                .namesz = hdr[0],
                .descsz = hdr[1],
                .type = hdr[2],
                .desc = it->buf + desc_off,
        };
        it->pos = end > it->size ? it->size : (size_t) end;
        return 1;
}

bool elf_note_name_is(const struct elf_note *n, const char *name) {
        size_t l = strlen(name);

        if (n->namesz == l + 1)
                return memcmp(n->name, name, l) == 0 && n->name[l] == 0;
        if (n->namesz == l)
                return memcmp(n->name, name, l) == 0;
        return false;
}

int elf_note_prstatus_x86_64(const struct elf_note *n, struct elf_prstatus_x86_64 *ret) {
        const uint8_t *d = n->desc;
        struct elf_prstatus_x86_64 p;

        if (n->type != ELF_NOTE_NT_PRSTATUS || n->descsz < ELF_PRSTATUS_X86_64_SIZE)
                return -EBADMSG;
        memcpy(&p.pid, d + 32, sizeof(p.pid));
        memcpy(&p.rip, d + 112 + 16 * 8, sizeof(p.rip));
        memcpy(&p.rsp, d + 112 + 19 * 8, sizeof(p.rsp));
        *ret = p;
        return 0;
}

static bool is_prstatus(const struct elf_note *n) {
        return n->type == ELF_NOTE_NT_PRSTATUS && elf_note_name_is(n, "CORE");
}

int elf_notes_scan(const void *buf, size_t size,
                   unsigned *ret_n_prstatus,
                   const char **ret_vmcoreinfo, size_t *ret_vmcoreinfo_size) {
        struct elf_note_iter it;
        struct elf_note n;
        const char *vi = NULL;
        size_t vi_size = 0;
        unsigned cpus = 0;
        int r;

        elf_note_iter_init(&it, buf, size);
        while ((r = elf_note_next(&it, &n)) > 0) {
                if (is_prstatus(&n))
                        cpus++;
                else if (!vi && elf_note_name_is(&n, ELF_NOTE_VMCOREINFO_NAME)) {
                        vi = n.desc;
                        vi_size = n.descsz;
                }
        }
        if (r < 0)
                return r;

        if (ret_n_prstatus)
                *ret_n_prstatus = cpus;
        if (ret_vmcoreinfo)
                *ret_vmcoreinfo = vi;
        if (ret_vmcoreinfo_size)
                *ret_vmcoreinfo_size = vi_size;
        return 0;
}

int elf_notes_find_prstatus(const void *buf, size_t size, unsigned idx, struct elf_note *ret) {
        struct elf_note_iter it;
        struct elf_note n;
        int r;

        elf_note_iter_init(&it, buf, size);
        while ((r = elf_note_next(&it, &n)) > 0)
                if (is_prstatus(&n) && idx-- == 0) {
                        *ret = n;
                        return 0;
                }
        return r < 0 ? r : -ENOENT;
}
