/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "notes/file-window.h"
#include "notes/vmcore.h"
#include "synth-core.h"
#include "tests.h"

#define VI "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nNUMBER(phys_base)=1048576\n"

static const char *write_standard(const char *name, struct synth_core *c) {
        const char *p = test_tmp(name);
        synth_standard(c, VI);
        if (synth_write(c, p) < 0)
                TEST_FAIL("cannot write %s", p);
        return p;
}

TEST(cpus_and_vmcoreinfo) {
        struct synth_core c;
        _cleanup_vmcore_ vmcore *v = NULL;
        struct elf_prstatus_x86_64 p;
        const struct vmcore_load *l;
        size_t n;
        const char *path = write_standard("std", &c);

        ASSERT_OK(vmcore_open(path, 0, &v));
        ASSERT_EQ(vmcore_ncpus(v), 2);
        ASSERT_STREQ(vmcoreinfo_get(vmcore_vmcoreinfo(v), "OSRELEASE"), "6.1.0-test");
        ASSERT_OK(vmcore_prstatus(v, 1, &p));
        ASSERT_EQ(p.pid, 202);
        ASSERT_EQ(p.rip, SYNTH_KTEXT + 0x5678);
        ASSERT_ERR(vmcore_prstatus(v, 2, &p), ENOENT);
        ASSERT_EQ(vmcore_machine(v), EM_X86_64);
        ASSERT_EQ(vmcore_file_size(v), c.file_size);
        ASSERT_EQ(vmcore_headers_end(v), c.note_offset + c.notes_size);

        l = vmcore_loads(v, &n);
        ASSERT_EQ(n, 4);
        ASSERT_EQ(l[1].phys, 0x110000);
        ASSERT_EQ(l[1].file_size, 0x4000);
        ASSERT_EQ(l[1].mem_size, 0x8000);
        ASSERT_EQ(l[3].virt, SYNTH_KTEXT);
        ASSERT_EQ(l[3].file_offset, c.loads[3].file_offset);
        synth_done(&c);
}

TEST(phys_reads) {
        struct synth_core c;
        _cleanup_vmcore_ vmcore *v = NULL;
        uint8_t buf[0x2000];
        uint64_t off, len;
        const char *path = write_standard("phys", &c);

        ASSERT_OK(vmcore_open(path, 0, &v));
        /* Across the boundary of loads 0 and 1 (contiguous in physical
         * memory, not in the file). */
        ASSERT_OK(vmcore_read_phys(v, 0x10f000, buf, 0x2000));
        for (unsigned i = 0; i < 0x2000; i++)
                if (buf[i] != synth_pattern(0x10f000 + i))
                        TEST_FAIL("byte %u differs", i);

        /* Into load 1's hole: zeroes after the file part. */
        ASSERT_OK(vmcore_read_phys(v, 0x113000, buf, 0x2000));
        ASSERT_EQ(buf[0xfff], synth_pattern(0x113fff));
        for (unsigned i = 0x1000; i < 0x2000; i++)
                if (buf[i] != 0)
                        TEST_FAIL("hole byte %u is %u", i, buf[i]);

        /* Past load 1, before load 2: not in the dump. */
        ASSERT_ERR(vmcore_read_phys(v, 0x117ff0, buf, 0x20), EFAULT);
        ASSERT_ERR(vmcore_read_phys(v, 0x50000, buf, 1), EFAULT);

        ASSERT_EQ(vmcore_phys_to_offset(v, 0x110010, &off, &len), 1);
        ASSERT_EQ(off, c.loads[1].file_offset + 0x10);
        ASSERT_EQ(len, 0x4000 - 0x10);
        ASSERT_EQ(vmcore_phys_to_offset(v, 0x114000, &off, &len), 0);
        ASSERT_EQ(len, 0x4000);
        /* The kernel-image alias does not hide the RAM range around it. */
        ASSERT_EQ(vmcore_phys_to_offset(v, 0x20c000, &off, &len), 1);
        ASSERT_EQ(off, c.loads[2].file_offset + 0xc000);
        synth_done(&c);
}

TEST(virt_reads) {
        struct synth_core c;
        _cleanup_vmcore_ vmcore *v = NULL;
        uint8_t buf[0x100];
        uint64_t pa;
        const char *path = write_standard("virt", &c);

        ASSERT_OK(vmcore_open(path, 0, &v));
        ASSERT_OK(vmcore_read_virt(v, SYNTH_PAGE_OFFSET + 0x10ff80, buf, 0x100));
        for (unsigned i = 0; i < 0x100; i++)
                ASSERT_EQ(buf[i], synth_pattern(0x10ff80 + i));
        /* Kernel image mapping: the alias PT_LOAD, same bytes as RAM. */
        ASSERT_OK(vmcore_read_virt(v, SYNTH_KTEXT + 0x7f80, buf, 0x80));
        for (unsigned i = 0; i < 0x80; i++)
                ASSERT_EQ(buf[i], synth_pattern(0x207f80 + i));
        ASSERT_OK(vmcore_virt_to_phys(v, SYNTH_KTEXT + 0x10, &pa));
        ASSERT_EQ(pa, 0x200010);
        /* Past the image PT_LOAD: __START_KERNEL_map + phys_base rule. */
        ASSERT_OK(vmcore_virt_to_phys(v, UINT64_C(0xffffffff80000000) + 0x110000, &pa));
        ASSERT_EQ(pa, 0x210000);
        ASSERT_ERR(vmcore_read_virt(v, SYNTH_PAGE_OFFSET + 0x300000, buf, 8), EFAULT);
        synth_done(&c);
}

TEST(file_window_both_paths) {
        struct synth_core c;
        _cleanup_close_ int fd = -EBADF;
        const char *path = write_standard("window", &c);

        fd = open(path, O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        for (int no_mmap = 0; no_mmap <= 1; no_mmap++) {
                _cleanup_file_window_ file_window *w = NULL;
                const uint8_t *p;

                ASSERT_OK(file_window_new(fd, c.file_size, 8192, no_mmap, &w));
                ASSERT_OK(file_window_get(w, c.loads[0].file_offset + 0x1000, 8192, (const void **) &p));
                ASSERT_EQ(file_window_mmapped(w), !no_mmap);
                ASSERT_EQ(p[5], synth_pattern(0x101005));
                /* Unaligned start inside the window. */
                ASSERT_OK(file_window_get(w, c.loads[2].file_offset + 3, 100, (const void **) &p));
                ASSERT_EQ(p[0], synth_pattern(0x200003));
                ASSERT_ERR(file_window_get(w, c.file_size - 10, 20, (const void **) &p), ERANGE);
                ASSERT_ERR(file_window_get(w, 0, 8193, (const void **) &p), EINVAL);
        }
        synth_done(&c);
}

static void patch(const char *path, uint64_t off, const void *data, size_t n) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || pwrite(fd, data, n, (off_t) off) != (ssize_t) n)
                TEST_FAIL("patch %s", path);
        close(fd);
}

TEST(bad_inputs) {
        struct synth_core c;
        vmcore *v = NULL;
        const char *path = test_tmp("bad");
        uint32_t big = 0x10000;
        uint8_t b;

        /* Not ELF at all. */
        ASSERT_OK(write_file_atomic(path, "hello world", 11, 0644));
        ASSERT_ERR(vmcore_open(path, 0, &v), ENOEXEC);
        /* ELF magic, cut inside the header. */
        ASSERT_OK(write_file_atomic(path, "\177ELF\002\001\001", 7, 0644));
        ASSERT_ERR(vmcore_open(path, 0, &v), EBADMSG);

        synth_standard(&c, VI);
        ASSERT_OK(synth_write(&c, path));
        /* Truncated inside the program headers. */
        ASSERT_OK(truncate(path, 64 + 56 + 20));
        ASSERT_ERR(vmcore_open(path, 0, &v), EBADMSG);

        /* Truncated inside the last PT_LOAD's data. */
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(truncate(path, (off_t) (c.file_size - 0x100)));
        ASSERT_ERR(vmcore_open(path, 0, &v), ERANGE);
        ASSERT_OK(vmcore_open(path, VMCORE_OPEN_ALLOW_TRUNCATED, &v));
        ASSERT_TRUE(vmcore_is_truncated(v));
        {
                uint8_t buf[0x200];
                ASSERT_OK(vmcore_read_virt(v, SYNTH_KTEXT, buf, 16));
                ASSERT_ERR(vmcore_read_virt(v, SYNTH_KTEXT + 0x7e00, buf, 0x200), EIO);
        }
        v = vmcore_free(v);

        /* A note running past its PT_NOTE. */
        ASSERT_OK(synth_write(&c, path));
        patch(path, c.note_offset + 4, &big, 4);
        ASSERT_ERR(vmcore_open(path, 0, &v), EBADMSG);

        /* 32-bit class. */
        ASSERT_OK(synth_write(&c, path));
        b = ELFCLASS32;
        patch(path, EI_CLASS, &b, 1);
        ASSERT_ERR(vmcore_open(path, 0, &v), EPROTONOSUPPORT);

        /* Not a core file. */
        ASSERT_OK(synth_write(&c, path));
        {
                uint16_t t = ET_EXEC;
                patch(path, 16, &t, 2);
        }
        ASSERT_ERR(vmcore_open(path, 0, &v), ENOEXEC);
        synth_done(&c);
        ASSERT_TRUE(v == NULL);
}

TEST(overlapping_loads) {
        struct synth_core c;
        vmcore *v = NULL;
        const char *path = test_tmp("overlap");

        /* Same memory described twice through the direct map. */
        synth_init(&c);
        synth_add_prstatus(&c, 1, 0, 0);
        synth_add_load(&c, 0x100000, SYNTH_PAGE_OFFSET + 0x100000, 0x10000, 0x10000);
        synth_add_load(&c, 0x108000, SYNTH_PAGE_OFFSET + 0x108000, 0x10000, 0x10000);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_ERR(vmcore_open(path, 0, &v), ENOTUNIQ);
        synth_done(&c);

        /* Without virtual addresses, physical overlap is the conflict. */
        synth_init(&c);
        synth_add_load(&c, 0x100000, 0, 0x10000, 0x10000);
        synth_add_load(&c, 0x10f000, 0, 0x10000, 0x10000);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_ERR(vmcore_open(path, 0, &v), ENOTUNIQ);
        synth_done(&c);

        /* Disjoint physical ranges mapped at overlapping virtual ones. */
        synth_init(&c);
        synth_add_load(&c, 0x100000, SYNTH_PAGE_OFFSET, 0x10000, 0x10000);
        synth_add_load(&c, 0x300000, SYNTH_PAGE_OFFSET + 0x8000, 0x10000, 0x10000);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_ERR(vmcore_open(path, 0, &v), ENOTUNIQ);
        synth_done(&c);

        /* p_filesz > p_memsz. */
        synth_init(&c);
        synth_add_load(&c, 0x100000, SYNTH_PAGE_OFFSET, 0x1000, 0x1000);
        c.loads[0].file_size = 0x1000;
        c.loads[0].mem_size = 0x800;
        ASSERT_OK(synth_write(&c, path));
        ASSERT_ERR(vmcore_open(path, 0, &v), EBADMSG);
        synth_done(&c);
        ASSERT_TRUE(v == NULL);
}

TEST(missing_or_bad_vmcoreinfo) {
        struct synth_core c;
        _cleanup_vmcore_ vmcore *v = NULL, *w = NULL;
        const char *path = test_tmp("novi");

        synth_standard(&c, NULL);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(vmcore_open(path, 0, &v));
        ASSERT_TRUE(vmcore_vmcoreinfo(v) == NULL);
        ASSERT_ERR(vmcore_vmcoreinfo_error(v), ENOENT);
        ASSERT_EQ(vmcore_ncpus(v), 2);
        synth_done(&c);

        synth_standard(&c, "OSRELEASE=1\ngarbage line\n");
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(vmcore_open(path, 0, &w));
        ASSERT_TRUE(vmcore_vmcoreinfo(w) == NULL);
        ASSERT_ERR(vmcore_vmcoreinfo_error(w), EBADMSG);
        synth_done(&c);
}

TEST_MAIN();
