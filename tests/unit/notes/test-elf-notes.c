/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "notes/elf-notes.h"
#include "synth-core.h"
#include "tests.h"

TEST(iterate_with_padding) {
        struct synth_core c;
        struct elf_note_iter it;
        struct elf_note n;

        synth_init(&c);
        /* namesz 3 and descsz 5: both padded to 4-byte boundaries. */
        synth_add_note(&c, "AB", 7, "hello", 5);
        synth_add_note(&c, "VMCOREINFO", 0, "OSRELEASE=x\n", 12);
        elf_note_iter_init(&it, c.notes, c.notes_size);
        ASSERT_EQ(elf_note_next(&it, &n), 1);
        ASSERT_TRUE(elf_note_name_is(&n, "AB"));
        ASSERT_EQ(n.type, 7);
        ASSERT_EQ(n.descsz, 5);
        ASSERT_TRUE(memcmp(n.desc, "hello", 5) == 0);
        ASSERT_EQ(elf_note_next(&it, &n), 1);
        ASSERT_TRUE(elf_note_name_is(&n, "VMCOREINFO"));
        ASSERT_TRUE(!elf_note_name_is(&n, "VMCOREINF"));
        ASSERT_EQ(elf_note_next(&it, &n), 0);
        synth_done(&c);
}

TEST(scan_prstatus_and_vmcoreinfo) {
        struct synth_core c;
        struct elf_note n;
        struct elf_prstatus_x86_64 p;
        unsigned cpus;
        const char *vi;
        size_t vi_size;

        synth_init(&c);
        synth_add_prstatus(&c, 11, 0x1111, 0x2222);
        synth_add_note(&c, "VMCOREINFO", 0, "A=1\n", 4);
        synth_add_prstatus(&c, 22, 0x3333, 0x4444);
        synth_add_prstatus(&c, 33, 0x5555, 0x6666);
        /* Zero padding after the last note ends the list. */
        c.notes = realloc(c.notes, c.notes_size + 64);
        memset(c.notes + c.notes_size, 0, 64);
        c.notes_size += 64;

        ASSERT_OK(elf_notes_scan(c.notes, c.notes_size, &cpus, &vi, &vi_size));
        ASSERT_EQ(cpus, 3);
        ASSERT_EQ(vi_size, 4);
        ASSERT_TRUE(memcmp(vi, "A=1\n", 4) == 0);

        ASSERT_OK(elf_notes_find_prstatus(c.notes, c.notes_size, 1, &n));
        ASSERT_OK(elf_note_prstatus_x86_64(&n, &p));
        ASSERT_EQ(p.pid, 22);
        ASSERT_EQ(p.rip, 0x3333);
        ASSERT_EQ(p.rsp, 0x4444);
        ASSERT_ERR(elf_notes_find_prstatus(c.notes, c.notes_size, 3, &n), ENOENT);
        synth_done(&c);
}

TEST(note_past_end) {
        struct synth_core c;
        unsigned cpus;

        synth_init(&c);
        synth_add_prstatus(&c, 1, 0, 0);
        synth_add_note(&c, "VMCOREINFO", 0, "A=1\n", 4);
        /* descsz of the second note made larger than what follows. */
        uint32_t big = 4096;
        memcpy(c.notes + 12 + 8 + 336 + 4, &big, 4);
        ASSERT_ERR(elf_notes_scan(c.notes, c.notes_size, &cpus, NULL, NULL), EBADMSG);
        /* A header cut short, not zero: malformed too. */
        ASSERT_ERR(elf_notes_scan(c.notes, 12 + 8 + 336 + 6, &cpus, NULL, NULL), EBADMSG);
        /* The first note alone is fine. */
        ASSERT_OK(elf_notes_scan(c.notes, 12 + 8 + 336, &cpus, NULL, NULL));
        ASSERT_EQ(cpus, 1);
        synth_done(&c);
}

TEST(short_prstatus) {
        struct elf_note n = { .name = "CORE", .namesz = 5, .type = 1, .desc = "x", .descsz = 1 };
        struct elf_prstatus_x86_64 p;

        ASSERT_ERR(elf_note_prstatus_x86_64(&n, &p), EBADMSG);
}

TEST_MAIN();
