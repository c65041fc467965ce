/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-collect end to end on synthetic cores (exact ELF copy, filtered
 * ELF, kdump-compressed, -F/-R, option handling), and its progress rules. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/progress.h"
#include "notes/vmcore.h"
#include "printk-sim.h"
#include "run-kdump-collect.h"
#include "tests.h"

static int run(const char *const *args, uint64_t fsize_limit, char **ret_err) {
        return run_kdump_collect(args, NULL, NULL, fsize_limit, ret_err);
}

static bool same_file(const char *a, const char *b) {
        _cleanup_free_ uint8_t *x = NULL, *y = NULL;
        size_t nx, ny;

        if (synth_read_file(a, &x, &nx) < 0 || synth_read_file(b, &y, &ny) < 0)
                return false;
        return nx == ny && memcmp(x, y, nx) == 0;
}

static const char *make_core(const char *name, struct printk_sim *s, struct synth_core *c) {
        const char *p = strdup(test_tmp(name));  /* test_tmp() reuses 8 buffers */

        synth_standard(c, printk_sim_vmcoreinfo());
        printk_sim_init(s, c, 3, 8, 1);
        printk_sim_emit(s, 1500000000, "Linux version 6.1.0-sim", 2);
        printk_sim_emit(s, 2000000000, "sysrq: Trigger a crash", 2);
        /* A large zero run in the file, for the sparse path. */
        synth_add_load(c, 0x1000000, SYNTH_PAGE_OFFSET + 0x1000000, 0x100000, 0x100000);
        c->loads[4].data[0x80000] = 0x77;
        if (synth_write(c, p) < 0)
                TEST_FAIL("cannot write %s", p);
        return p;
}

TEST(copy_identical_0600_no_overwrite) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core1", &s, &c);
        char out[4096];
        snprintf(out, sizeof(out), "%s", test_tmp("out1"));
        struct stat st;
        char *err;

        ASSERT_EQ(run((const char *[]) { "-E", "-d", "0", in, out, NULL }, 0, &err), 0);
        ASSERT_TRUE(same_file(in, out));
        ASSERT_OK(stat(out, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        /* Sparse: the 1 MiB of zeroes did not take 1 MiB of blocks. */
        ASSERT_TRUE((uint64_t) st.st_blocks * 512 < (uint64_t) st.st_size);

        /* Refuses to overwrite, and leaves the file alone. */
        ASSERT_EQ(run((const char *[]) { "-E", in, out, NULL }, 0, &err), 3);
        ASSERT_CONTAINS(err, "--force");
        ASSERT_TRUE(same_file(in, out));
        /* --force replaces it (again 0600, even if it was not). */
        ASSERT_OK(chmod(out, 0644));
        ASSERT_EQ(run((const char *[]) { "-E", "--force", in, out, NULL }, 0, &err), 0);
        ASSERT_OK(stat(out, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_TRUE(same_file(in, out));
        synth_done(&c);
}

TEST(copy_pread_path_and_progress) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core2", &s, &c);
        char out[4096];
        snprintf(out, sizeof(out), "%s", test_tmp("out2"));
        char *err;

        ASSERT_EQ(run((const char *[]) { "-E", "--non-mmap", "--no-sparse", in, out, NULL }, 0, &err), 0);
        ASSERT_TRUE(same_file(in, out));
        /* The final progress line. */
        ASSERT_CONTAINS(err, "Copied 100%");
        ASSERT_CONTAINS(err, "2 CPUs");
        ASSERT_CONTAINS(err, "6.1.0-sim");
        synth_done(&c);
}

TEST(dump_dmesg) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core3", &s, &c);
        char out[4096];
        snprintf(out, sizeof(out), "%s", test_tmp("dmesg.txt"));
        _cleanup_free_ uint8_t *text = NULL;
        size_t n;
        struct stat st;

        ASSERT_EQ(run((const char *[]) { "--dump-dmesg", in, out, NULL }, 0, NULL), 0);
        ASSERT_OK(synth_read_file(out, &text, &n));
        text[n] = 0;
        ASSERT_STREQ((char *) text,
                     "[    1.500000] Linux version 6.1.0-sim\n"
                     "[    2.000000] sysrq: Trigger a crash\n");
        ASSERT_OK(stat(out, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_EQ(run((const char *[]) { "--dump-dmesg", in, out, NULL }, 0, NULL), 3);
        synth_done(&c);
}

TEST(disk_full_marks_incomplete) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core4", &s, &c);
        char out[4096];
        snprintf(out, sizeof(out), "%s", test_tmp("out4"));
        _cleanup_free_ uint8_t *data = NULL;
        Elf64_Ehdr eh;
        size_t n;
        char *err;

        ASSERT_EQ(run((const char *[]) { "-E", "--no-sparse", in, out, NULL }, 40960, &err), 4);
        ASSERT_CONTAINS(err, "full");
        ASSERT_OK(synth_read_file(out, &data, &n));
        ASSERT_EQ(n, 40960);
        memcpy(&eh, data, sizeof(eh));
        ASSERT_EQ(eh.e_flags, 1);
        /* Everything else written is the original. */
        {
                _cleanup_free_ uint8_t *orig = NULL;
                size_t on;
                ASSERT_OK(synth_read_file(in, &orig, &on));
                ASSERT_TRUE(memcmp(orig + sizeof(eh), data + sizeof(eh), n - sizeof(eh)) == 0);
        }
        synth_done(&c);
}

TEST(options) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core5", &s, &c);
        char out[4096];
        snprintf(out, sizeof(out), "%s", test_tmp("out5"));
        struct stat st;
        char *err;

        ASSERT_EQ(run((const char *[]) { "-d", "32", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "0..31");
        ASSERT_EQ(run((const char *[]) { "-l", "-c", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "-l and -c");
        ASSERT_EQ(run((const char *[]) { "-E", "-z", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "-E");
        ASSERT_EQ(run((const char *[]) { "--num-threads", "0", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "--num-threads");
        ASSERT_EQ(run((const char *[]) { "-F", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "-F");
        ASSERT_EQ(run((const char *[]) { "-R", NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "-R");
        ASSERT_EQ(run((const char *[]) { "--split", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "--split");
        /* snappy: accepted only where built in. */
        {
                int k = run((const char *[]) { "-p", "--help", NULL }, 0, &err);
                ASSERT_TRUE(k == 0 || (k == 2 && strstr(err, "snappy")));
        }
        ASSERT_EQ(run((const char *[]) { in, NULL }, 0, &err), 2);
        ASSERT_EQ(run((const char *[]) { "--help", NULL }, 0, &err), 0);
        /* Nothing was created by the refused runs. */
        ASSERT_TRUE(stat(out, &st) < 0 && errno == ENOENT);

        /* Not a dump: refused, nothing left behind. */
        char notcore[4096];
        snprintf(notcore, sizeof(notcore), "%s", test_tmp("notcore"));
        ASSERT_OK(write_file_atomic(notcore, "#!/bin/sh\n", 10, 0644));
        ASSERT_EQ(run((const char *[]) { notcore, out, NULL }, 0, &err), 1);
        ASSERT_CONTAINS(err, "not an ELF64 core");
        ASSERT_TRUE(stat(out, &st) < 0 && errno == ENOENT);
        synth_done(&c);
}

/* Equal but for the header's timestamp (408..423): the synthetic
 * VMCOREINFO has no CRASHTIME, so the collector's clock is used. */
static bool same_dump(const char *a, const char *b) {
        _cleanup_free_ uint8_t *x = NULL, *y = NULL;
        size_t nx, ny;

        if (synth_read_file(a, &x, &nx) < 0 || synth_read_file(b, &y, &ny) < 0 || nx != ny || nx < 424)
                return false;
        return memcmp(x, y, 408) == 0 && memcmp(x + 424, y + 424, nx - 424) == 0;
}

static uint32_t get_u32(const uint8_t *p) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
}

/* Every byte of every PT_LOAD of a reads the same in b (both ELF). */
static bool same_memory(const char *a, const char *b) {
        _cleanup_vmcore_ vmcore *va = NULL, *vb = NULL;
        const struct vmcore_load *l;
        size_t n;

        if (vmcore_open(a, 0, &va) < 0 || vmcore_open(b, 0, &vb) < 0)
                return false;
        l = vmcore_loads(va, &n);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ uint8_t *x = malloc(l[i].mem_size), *y = malloc(l[i].mem_size);
                if (!x || !y || vmcore_read_phys(va, l[i].phys, x, l[i].mem_size) < 0 ||
                    vmcore_read_phys(vb, l[i].phys, y, l[i].mem_size) < 0 ||
                    memcmp(x, y, l[i].mem_size) != 0)
                        return false;
        }
        return true;
}

TEST(kdump_compressed_default_threads_flat) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core6", &s, &c);
        char o1[4096], o3[4096], flat[4096], rebuilt[4096], onone[4096];
        _cleanup_free_ uint8_t *d1 = NULL, *dn = NULL;
        size_t n1, nn;
        char *err;

        snprintf(o1, sizeof(o1), "%s", test_tmp("kc1"));
        snprintf(o3, sizeof(o3), "%s", test_tmp("kc3"));
        snprintf(flat, sizeof(flat), "%s", test_tmp("kc.flat"));
        snprintf(rebuilt, sizeof(rebuilt), "%s", test_tmp("kc.rebuilt"));
        snprintf(onone, sizeof(onone), "%s", test_tmp("kc.none"));

        ASSERT_EQ(run((const char *[]) { "-l", "-d", "31", "--num-threads", "1", in, o1, NULL }, 0, &err), 0);
        /* The synthetic core has no page tables: the level is lowered, loudly. */
        ASSERT_CONTAINS(err, "lowered to 1");
        ASSERT_CONTAINS(err, "peak memory");
        ASSERT_EQ(run((const char *[]) { "-l", "-d", "31", "--num-threads", "3", in, o3, NULL }, 0, &err), 0);
        ASSERT_TRUE(same_dump(o1, o3));
        ASSERT_OK(synth_read_file(o1, &d1, &n1));
        ASSERT_TRUE(n1 > 4096 && memcmp(d1, "KDUMP   ", 8) == 0);
        ASSERT_EQ(get_u32(d1 + 8), 6);                  /* header_version */
        ASSERT_EQ(get_u32(d1 + 424) & 0x7, 0x2);        /* status: lzo */

        /* -F | -R gives the file the direct write gave. */
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-l", "-d", "31", "-F", in, NULL }, NULL, flat, 0, &err), 0);
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", rebuilt, NULL }, flat, NULL, 0, &err), 0);
        ASSERT_TRUE(same_dump(o1, rebuilt));
        /* --dump-dmesg on the stream names it and the way out. */
        {
                char dm[4096];
                ASSERT_TRUE(snprintf(dm, sizeof(dm), "%s.dmesg", flat) < (int) sizeof(dm));
                ASSERT_EQ(run((const char *[]) { "--dump-dmesg", flat, dm, NULL }, 0, &err), 1);
                ASSERT_CONTAINS(err, "is a flattened stream (-F); rebuild the dump first: kdump-collect -R");
                ASSERT_TRUE(access(dm, F_OK) < 0);
        }
        /* A stream cut short is refused. */
        ASSERT_OK(truncate(flat, 5000));
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", "--force", rebuilt, NULL }, flat, NULL, 0, &err), 1);

        /* No format option: kdump-compressed without compression, as makedumpfile. */
        ASSERT_EQ(run((const char *[]) { in, onone, NULL }, 0, &err), 0);
        ASSERT_OK(synth_read_file(onone, &dn, &nn));
        ASSERT_TRUE(memcmp(dn, "KDUMP   ", 8) == 0);
        ASSERT_EQ(get_u32(dn + 424) & 0x27, 0);
        synth_done(&c);
}

/* make_core() plus 600 pages with data only in pages 0, 300, 301 and 599:
 * zero runs of 299 pages (a new PT_LOAD in filtered ELF) and 297. */
static const char *make_core_holes(const char *name, struct printk_sim *s, struct synth_core *c) {
        const char *p = strdup(test_tmp(name));

        synth_standard(c, printk_sim_vmcoreinfo());
        printk_sim_init(s, c, 3, 8, 1);
        printk_sim_emit(s, 1500000000, "Linux version 6.1.0-sim", 2);
        synth_add_load(c, 0x1000000, SYNTH_PAGE_OFFSET + 0x1000000, 600 * 4096, 600 * 4096);
        c->loads[4].data[0] = 0x11;
        c->loads[4].data[300 * 4096 + 5] = 0x22;
        c->loads[4].data[301 * 4096 + 7] = 0x33;
        c->loads[4].data[599 * 4096 + 4095] = 0x44;
        if (synth_write(c, p) < 0)
                TEST_FAIL("cannot write %s", p);
        return p;
}

TEST(elf_filtered_reads_back_and_disk_full) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core_holes("core7", &s, &c);
        char out[4096], flat[4096], rebuilt[4096], full[4096];
        struct stat st;
        _cleanup_free_ uint8_t *d = NULL;
        size_t n;
        Elf64_Ehdr eh;
        char *err;

        snprintf(out, sizeof(out), "%s", test_tmp("ef"));
        snprintf(flat, sizeof(flat), "%s", test_tmp("ef.flat"));
        snprintf(rebuilt, sizeof(rebuilt), "%s", test_tmp("ef.rebuilt"));
        snprintf(full, sizeof(full), "%s", test_tmp("kc.full"));

        /* -d 1 drops only zero pages: every address reads as before, through
         * the extra PT_LOAD that the long zero run made. */
        ASSERT_EQ(run((const char *[]) { "-E", "-d", "1", in, out, NULL }, 0, &err), 0);
        ASSERT_TRUE(same_memory(in, out));
        {
                _cleanup_free_ uint8_t *e = NULL;
                size_t en;
                Elf64_Ehdr h;
                ASSERT_OK(synth_read_file(out, &e, &en));
                memcpy(&h, e, sizeof(h));
                ASSERT_TRUE(h.e_phnum > c.n_loads + 1);
                /* No room reserved past what is used: the notes follow the
                 * program headers and the first data the notes, as in
                 * makedumpfile's output (never larger than it). */
                {
                        Elf64_Phdr note, load;
                        memcpy(&note, e + h.e_phoff, sizeof(note));
                        memcpy(&load, e + h.e_phoff + sizeof(Elf64_Phdr), sizeof(load));
                        ASSERT_EQ(note.p_type, PT_NOTE);
                        ASSERT_EQ(note.p_offset, h.e_phoff + (uint64_t) h.e_phnum * sizeof(Elf64_Phdr));
                        ASSERT_EQ(load.p_type, PT_LOAD);
                        ASSERT_EQ(load.p_offset, note.p_offset + note.p_filesz);
                }
        }
        {
                struct stat sin;
                ASSERT_OK(stat(in, &sin));
                ASSERT_OK(stat(out, &st));
                /* the 299-page run takes no file space */
                ASSERT_TRUE(st.st_size + 299 * 4096 <= sin.st_size + 64 * 1024);
        }
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-E", "-d", "1", "-F", in, NULL }, NULL, flat, 0, &err), 0);
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", rebuilt, NULL }, flat, NULL, 0, &err), 0);
        ASSERT_TRUE(same_file(out, rebuilt));

        /* A full disk: exit 4, the header says incomplete. */
        ASSERT_EQ(run((const char *[]) { "-c", in, full, NULL }, 40960, &err), 4);
        ASSERT_CONTAINS(err, "full");
        ASSERT_OK(synth_read_file(full, &d, &n));
        ASSERT_TRUE(n >= 464);
        ASSERT_TRUE(get_u32(d + 424) & 0x8);
        free(d);
        d = NULL;
        ASSERT_EQ(run((const char *[]) { "-E", "-d", "1", "--force", in, out, NULL }, 3 * 4096 + 2048, &err), 4);
        ASSERT_TRUE(strlen(err) > 0 && err[strlen(err) - 1] == '\n');
        ASSERT_OK(synth_read_file(out, &d, &n));
        memcpy(&eh, d, sizeof(eh));
        ASSERT_EQ(eh.e_flags, 1);
        synth_done(&c);
}

/* "N of M RAM pages dumped" in filtered ELF: each RAM page once (the
 * kernel-text load writes 8 of them again), so N and the excluded pages
 * add up to M; a filtered ELF filtered again says what it has; and
 * kdump-compressed, where zero pages stay (as one), does not call them
 * excluded. */
TEST(elf_counts_ram_pages_once) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core_holes("core9", &s, &c);
        char once[4096], twice[4096];
        char *err;

        snprintf(once, sizeof(once), "%s", test_tmp("once"));
        snprintf(twice, sizeof(twice), "%s", test_tmp("twice"));
        ASSERT_EQ(run((const char *[]) { "-E", "-d", "1", in, once, NULL }, 0, &err), 0);
        ASSERT_CONTAINS(err, "Dump level 1: 40 of 636 RAM pages dumped; excluded pages: zero 596.");
        ASSERT_EQ(run((const char *[]) { "-E", "-d", "1", once, twice, NULL }, 0, &err), 0);
        ASSERT_CONTAINS(err, "Dump level 1: 40 of 40 RAM pages dumped; excluded pages: zero 0.");
        ASSERT_TRUE(same_memory(in, twice));
        /* kdump-compressed keeps the zero pages, readable, as one page */
        ASSERT_EQ(run((const char *[]) { "-l", "-d", "1", in, test_tmp("once.kc"), NULL }, 0, &err), 0);
        ASSERT_CONTAINS(err, "Dump level 1: 636 of 636 RAM pages dumped, 596 of them zero (stored as one page); "
                             "excluded pages: none.");
        synth_done(&c);
}

TEST(progress_rate) {
        struct progress p;
        const uint64_t s = UINT64_C(1000000000), total = UINT64_C(1000) << 20;
        char line[128];
        unsigned lines = 0;

        /* A fast copy (1 GiB in 2 s, 4 MiB steps): not one line per step. */
        progress_init(&p, total, 0);
        for (uint64_t done = 4 << 20, t = 0; done <= total; done += 4 << 20) {
                t = done * 2 * s / total;
                if (progress_due(&p, done, t))
                        lines++;
        }
        ASSERT_TRUE(lines <= 3);
        ASSERT_TRUE(lines >= 1);        /* at least the final line */

        /* A slow copy (100 s): a line per 5% step at most once a second. */
        progress_init(&p, total, 0);
        lines = 0;
        for (uint64_t done = 1 << 20; done <= total; done += 1 << 20)
                if (progress_due(&p, done, (uint64_t) ((double) done / (double) total * 100.0 * (double) s)))
                        lines++;
        ASSERT_TRUE(lines >= 19 && lines <= 21);

        /* A stalled copy still says something every 10 s. */
        progress_init(&p, total, 0);
        ASSERT_TRUE(!progress_due(&p, 1, 5 * s));
        ASSERT_TRUE(progress_due(&p, 1, 11 * s));

        progress_format(&p, total / 2, 10 * s, line, sizeof(line));
        ASSERT_CONTAINS(line, "50%");
        ASSERT_CONTAINS(line, "500.0 MiB of 1000.0 MiB");
        ASSERT_CONTAINS(line, "50.0 MiB/s");
}

static char *read_stream(FILE *f) {
        static char buf[1024];
        size_t n;

        rewind(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = 0;
        return buf;
}

TEST(progress_lines_end_with_newline) {
        struct progress_out o = { .tty = true };
        FILE *f = tmpfile();

        ASSERT_TRUE(f);
        /* A terminal: redrawn with \r, a longer line blanked, and the line
         * still open at an error ends with a newline before the message. */
        progress_emit(&o, f, "Dumped 10%", false);
        progress_emit(&o, f, "Dumped 9%", false);
        ASSERT_TRUE(o.open);
        progress_close(&o, f);
        ASSERT_STREQ(read_stream(f), "\rDumped 10%\rDumped 9% \n");
        progress_close(&o, f);          /* nothing open: nothing added */
        ASSERT_STREQ(read_stream(f), "\rDumped 10%\rDumped 9% \n");
        fclose(f);

        /* The final line ends itself. */
        f = tmpfile();
        o = (struct progress_out) { .tty = true };
        progress_emit(&o, f, "Dumped 50%", false);
        progress_emit(&o, f, "Dumped 100%", true);
        progress_close(&o, f);
        ASSERT_STREQ(read_stream(f), "\rDumped 50%\rDumped 100%\n");
        fclose(f);

        /* A serial console: whole lines only. */
        f = tmpfile();
        o = (struct progress_out) { .tty = false };
        progress_emit(&o, f, "Dumped 5%", false);
        progress_emit(&o, f, "Dumped 10%", false);
        progress_close(&o, f);
        ASSERT_STREQ(read_stream(f), "Dumped 5%\nDumped 10%\n");
        fclose(f);
}

TEST_MAIN();
