/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/elf-dump.h"
#include "notes/vmcore.h"
#include "tests.h"

/* A VMCOREINFO note, as the kernel's crash_save_vmcoreinfo() lays it out. */
static size_t make_notes(uint8_t *buf) {
        static const char desc[] = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n";
        uint32_t h[3] = { sizeof("VMCOREINFO"), sizeof(desc) - 1, 0 };
        size_t n = 0;

        memcpy(buf, h, sizeof(h));
        n += sizeof(h);
        memcpy(buf + n, "VMCOREINFO", sizeof("VMCOREINFO"));
        n += ALIGN_UP(sizeof("VMCOREINFO"), 4);
        memcpy(buf + n, desc, sizeof(desc) - 1);
        n += ALIGN_UP(sizeof(desc) - 1, 4);
        return n;
}

/* Writes the headers for n PT_LOADs (one page each, all of it a zero tail,
 * so the file holds only headers and notes) and opens the result. */
static void round_trip(const char *name, size_t n, Elf64_Ehdr *ret_eh, vmcore **ret_v) {
        uint8_t notes[256];
        struct dump_source src = { .sz = sizeof(src), .notes = notes, .machine = EM_X86_64 };
        _cleanup_free_ struct elf_seg *segs = NULL;
        _cleanup_free_ uint8_t *hdr = NULL;
        _cleanup_close_ int fd = -EBADF;
        uint64_t notes_offset;
        size_t size;
        const char *p = test_tmp(name);

        src.notes_size = make_notes(notes);
        notes_offset = elf_dump_header_size(n);
        segs = calloc(n, sizeof(*segs));
        ASSERT_TRUE(segs);
        for (size_t i = 0; i < n; i++)
                segs[i] = (struct elf_seg) {
                        .phys = (uint64_t) i * 8192, .virt = UINT64_C(0xffff888000000000) + (uint64_t) i * 8192,
                        .offset = notes_offset + src.notes_size, .filesz = 0, .memsz = 4096,
                };
        ASSERT_OK(elf_dump_headers(&src, segs, n, notes_offset, false, &hdr, &size));
        ASSERT_EQ(size, notes_offset);
        memcpy(ret_eh, hdr, sizeof(*ret_eh));

        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(loop_write(fd, hdr, size));
        ASSERT_OK(loop_write(fd, notes, src.notes_size));
        ASSERT_OK(vmcore_open(p, 0, ret_v));
}

TEST(pn_xnum_past_65534_loads) {
        _cleanup_vmcore_ vmcore *v = NULL;
        const struct vmcore_load *l;
        Elf64_Ehdr eh;
        size_t n;

        /* 70000 PT_LOADs + the PT_NOTE do not fit e_phnum's 16 bits. */
        round_trip("xnum", 70000, &eh, &v);
        ASSERT_EQ(eh.e_phnum, PN_XNUM);
        ASSERT_EQ(eh.e_shnum, 1);
        ASSERT_TRUE(eh.e_shoff > 0);
        l = vmcore_loads(v, &n);
        ASSERT_EQ(n, 70000);
        ASSERT_EQ(l[69999].phys, UINT64_C(69999) * 8192);
        ASSERT_EQ(l[69999].virt, UINT64_C(0xffff888000000000) + UINT64_C(69999) * 8192);
        ASSERT_EQ(l[69999].mem_size, 4096);
        ASSERT_STREQ(vmcoreinfo_get(vmcore_vmcoreinfo(v), "OSRELEASE"), "6.1.0-test");
}

TEST(no_xnum_at_65534_loads) {
        _cleanup_vmcore_ vmcore *v = NULL;
        Elf64_Ehdr eh;
        size_t n;

        /* 65534 + 1 = 65535 = PN_XNUM itself: already the extension. */
        round_trip("xnum-edge", 65534, &eh, &v);
        ASSERT_EQ(eh.e_phnum, PN_XNUM);
        (void) vmcore_loads(v, &n);
        ASSERT_EQ(n, 65534);
        vmcore_free(v);
        v = NULL;

        round_trip("plain", 65533, &eh, &v);
        ASSERT_EQ(eh.e_phnum, 65534);
        ASSERT_EQ(eh.e_shnum, 0);
        ASSERT_EQ(eh.e_shoff, 0);
        (void) vmcore_loads(v, &n);
        ASSERT_EQ(n, 65533);
}

TEST(xnum_without_section_header_is_refused) {
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_free_ uint8_t *d = NULL;
        _cleanup_close_ int fd = -EBADF;
        Elf64_Ehdr eh;
        size_t size;
        const char *p = test_tmp("xnum-bad");

        round_trip("xnum-src", 70000, &eh, &v);
        ASSERT_OK(read_full_file(test_tmp("xnum-src"), (char **) &d, &size));
        /* e_phnum says "look in section header 0" but there is none. */
        eh.e_shoff = 0;
        eh.e_shnum = 0;
        memcpy(d, &eh, sizeof(eh));
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(loop_write(fd, d, size));
        vmcore_free(v);
        v = NULL;
        ASSERT_TRUE(vmcore_open(p, 0, &v) < 0);
}

TEST_MAIN();
