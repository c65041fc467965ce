/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The collector's own memory, a regression guard: kdump-collect's peak
 * resident set (the kernel's ru_maxrss of the child) on a 64 MiB synthetic
 * core, for each output the bench compares with makedumpfile, minus its peak
 * for `kdump-collect --version` (the program and its libraries mapped and
 * relocated, nothing read), must stay within MEMORY_BOUND_KIB.
 *
 * The bound: the page buffers (DUMP_BUDGET_DEFAULT, 256 KiB: on this host
 * MemAvailable is large, so the collector takes its largest budget), the
 * compressors' working memory for two threads (zlib level 1 touches about
 * 100 KiB each; lzo1x_1 32 KiB), the bitmaps (4 KiB here), the code of the
 * dump path that --version does not run (libelf, the compressor, about
 * 300 KiB of library pages mapped around what is executed) and 256 KiB for
 * the kernel's resident-set counters, which are approximate (per-CPU
 * batches) and moved that much between identical runs: 1536 KiB.  What it
 * catches: any buffer that grows with the dump or with MemAvailable (the
 * 8 MiB of page buffers and the 4 MiB mmap window of the input the
 * collector had before, 13 MiB over --version), a second output buffer per
 * page, a library loaded that is not needed (libsnappy and libstdc++,
 * 1.3 MiB).  Measured when written (Linux 6.18, glibc 2.36): 500-800 KiB.
 *
 * The core is 64 MiB, sixteen times the old mmap window, with a third zero
 * pages, a half text that compresses and a sixth random bytes; -l and -c
 * take well under a second each. */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/macro.h"
#include "synth-core.h"
#include "run-kdump-collect.h"
#include "tests.h"

#define MEMORY_BOUND_KIB 1536
#define CORE_RAM (UINT64_C(64) << 20)
#define PS 4096u

/* Runs kdump-collect with args (stdout to /dev/null); returns its
 * ru_maxrss (KiB), fails the test on a nonzero exit. */
static long peak_kib(const char *const *args) {
        struct rusage ru;
        char *err = NULL;
        int status = run_kdump_collect_usage(args, NULL, NULL, 0, &err, &ru);

        if (status != 0)
                TEST_FAIL("kdump-collect %s ... exited %d: %s", args[0], status, err);
        return ru.ru_maxrss;
}

static uint64_t xorshift(uint64_t *s) {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        return *s;
}

static const char *make_core(void) {
        static char path[4096];
        static const char vi[] = "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\nCRASHTIME=1764000000\n";
        static const char text[] = "kdump-collect keeps its memory small: every MiB counts in the crash reservation. ";
        struct synth_core c;
        uint64_t seed = 0x9e3779b97f4a7c15;

        if (path[0])
                return path;
        snprintf(path, sizeof(path), "%s", test_tmp("core"));
        synth_init(&c);
        synth_add_note(&c, "VMCOREINFO", 0, vi, strlen(vi));
        synth_add_load(&c, 0x100000, SYNTH_PAGE_OFFSET + 0x100000, CORE_RAM, CORE_RAM);
        for (uint64_t pg = 0; pg < CORE_RAM / PS; pg++) {
                uint8_t *p = c.loads[0].data + pg * PS;
                switch (pg % 6) {
                case 0: case 1:         /* zero */
                        break;
                case 2:                 /* random */
                        for (unsigned i = 0; i < PS; i += 8) {
                                uint64_t v = xorshift(&seed);
                                memcpy(p + i, &v, 8);
                        }
                        break;
                default:                /* text, numbered */
                        for (unsigned i = 0; i < PS; i += sizeof(text) - 1)
                                memcpy(p + i, text, MIN((size_t) (sizeof(text) - 1), (size_t) (PS - i)));
                        memcpy(p, &pg, sizeof(pg));
                }
        }
        if (synth_write(&c, path) < 0)
                TEST_FAIL("cannot write %s", path);
        synth_done(&c);
        return path;
}

static void check(const char *const *opts) {
        const char *core = make_core(), *out = test_tmp("out");
        const char *args[16];
        char label[64] = "";
        bool flat = false;
        long base, peak;
        size_t n = 0;

        if (getenv("KDUMP_SANITIZE") && strcmp(getenv("KDUMP_SANITIZE"), "none") != 0 &&
            strcmp(getenv("KDUMP_SANITIZE"), "") != 0) {
                printf("# built with -Db_sanitize=%s: resident sizes mean nothing, not checked\n", getenv("KDUMP_SANITIZE"));
                return;
        }
        base = peak_kib((const char *[]) { "--version", NULL });
        for (; *opts; opts++) {
                flat = flat || strcmp(*opts, "-F") == 0;
                snprintf(label + strlen(label), sizeof(label) - strlen(label), "%s%s", n ? " " : "", *opts);
                args[n++] = *opts;
        }
        args[n++] = "--num-threads";
        args[n++] = "2";
        args[n++] = "--message-level";
        args[n++] = "4";
        args[n++] = "-f";
        args[n++] = core;
        if (!flat)              /* -F: the stream goes to stdout, /dev/null */
                args[n++] = out;
        args[n] = NULL;
        peak = peak_kib(args);
        (void) unlink(out);
        printf("# kdump-collect %s: peak %ld KiB, --version %ld KiB, %ld KiB over it (bound %d KiB)\n",
               label, peak, base, peak - base, MEMORY_BOUND_KIB);
        if (peak - base > MEMORY_BOUND_KIB)
                TEST_FAIL("kdump-collect %s: peak resident set %ld KiB, %ld KiB over --version's %ld KiB: "
                          "more than the bound of %d KiB", label, peak, peak - base, base, MEMORY_BOUND_KIB);
}

TEST(lzo_level_31) {
        check((const char *[]) { "-l", "-d", "31", NULL });
}

TEST(zlib_level_31) {
        check((const char *[]) { "-c", "-d", "31", NULL });
}

TEST(lzo_level_1) {
        check((const char *[]) { "-l", "-d", "1", NULL });
}

TEST(elf_level_31) {
        check((const char *[]) { "-E", "-d", "31", NULL });
}

TEST(elf_copy) {
        check((const char *[]) { "-E", "-d", "0", NULL });
}

TEST(flattened_lzo) {
        check((const char *[]) { "-F", "-l", "-d", "31", NULL });
}

TEST_MAIN()
