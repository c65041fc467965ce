/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-collect end to end on synthetic cores, and its progress rules. */
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
#include "printk-sim.h"
#include "tests.h"

/* Runs kdump-collect with args; stderr goes to a file returned in
 * *ret_err (static buffer).  fsize_limit > 0 sets RLIMIT_FSIZE, which makes
 * writes past it fail with EFBIG: a full disk without mounting anything. */
static int run(const char *const *args, uint64_t fsize_limit, char **ret_err) {
        static char errbuf[8192];
        const char *exe = getenv("KDUMP_COLLECT");
        const char *errpath = test_tmp("stderr");
        char *argv[16];
        size_t n = 0;
        pid_t pid;
        int status, fd;
        ssize_t k;

        if (!exe)
                TEST_FAIL("KDUMP_COLLECT not set");
        argv[n++] = (char *) "kdump-collect";
        for (; *args && n < 15; args++)
                argv[n++] = (char *) *args;
        argv[n] = NULL;

        pid = fork();
        if (pid < 0)
                TEST_FAIL("fork");
        if (pid == 0) {
                fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (fd >= 0)
                        dup2(fd, STDERR_FILENO);
                fd = open("/dev/null", O_WRONLY);
                if (fd >= 0)
                        dup2(fd, STDOUT_FILENO);
                if (fsize_limit) {
                        struct rlimit rl = { fsize_limit, fsize_limit };
                        signal(SIGXFSZ, SIG_IGN);
                        setrlimit(RLIMIT_FSIZE, &rl);
                }
                execv(exe, argv);
                _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
                TEST_FAIL("kdump-collect did not exit normally");
        fd = open(errpath, O_RDONLY);
        k = fd >= 0 ? read(fd, errbuf, sizeof(errbuf) - 1) : 0;
        errbuf[k > 0 ? k : 0] = 0;
        if (fd >= 0)
                close(fd);
        if (ret_err)
                *ret_err = errbuf;
        return WEXITSTATUS(status);
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
        ASSERT_EQ(run((const char *[]) { in, out, NULL }, 0, &err), 3);
        ASSERT_CONTAINS(err, "--force");
        ASSERT_TRUE(same_file(in, out));
        /* --force replaces it (again 0600, even if it was not). */
        ASSERT_OK(chmod(out, 0644));
        ASSERT_EQ(run((const char *[]) { "--force", in, out, NULL }, 0, &err), 0);
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

        ASSERT_EQ(run((const char *[]) { "--non-mmap", "--no-sparse", in, out, NULL }, 0, &err), 0);
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

        ASSERT_EQ(run((const char *[]) { "--no-sparse", in, out, NULL }, 40960, &err), 4);
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

        ASSERT_EQ(run((const char *[]) { "-d", "31", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "Dump level 31 needs page filtering, not implemented yet");
        ASSERT_EQ(run((const char *[]) { "-l", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "-l");
        ASSERT_CONTAINS(err, "not supported yet");
        ASSERT_EQ(run((const char *[]) { "--num-threads", "4", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "--num-threads");
        ASSERT_EQ(run((const char *[]) { "-F", in, out, NULL }, 0, &err), 2);
        ASSERT_CONTAINS(err, "-F");
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

TEST_MAIN();
