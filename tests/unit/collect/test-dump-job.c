/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole job over a synthetic memory: thread count does not change a
 * byte of the output; a VMCOREINFO the filter cannot use lowers the level
 * and says why. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/dump-job.h"
#include "tests.h"

#define PAGES 3000
static uint8_t *mem;

static int rd(void *ud, uint64_t paddr, void *buf, size_t len) {
        if (paddr >= (uint64_t) PAGES * 4096 || len > (uint64_t) PAGES * 4096 - paddr)
                return -ENXIO;
        memcpy(buf, mem + paddr, len);
        return 0;
}

static const char notes_text[] = "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\n";

static void run(unsigned threads, const char *path, struct dump_result *res) {
        static const struct dump_segment segs[] = { { 0, 1000 * 4096 }, { 1500 * 4096, 1500 * 4096 } };
        struct dump_source src = {
                .sz = sizeof(src), .read = rd, .segments = segs, .n_segments = 2,
                .notes = notes_text, .notes_size = sizeof(notes_text) - 1,
                .vmcoreinfo_offset = 0, .vmcoreinfo_size = sizeof(notes_text) - 1, .nr_cpus = 2,
        };
        struct dump_options o = {
                .sz = sizeof(o), .dump_level = 31, .compression = PAGE_COMPRESS_ZSTD,
                .threads = threads, .memory_budget = 256 * 1024,
        };
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(dump_job_run(&src, &o, fd, res));
}

TEST(threads_identical_and_fallback) {
        struct dump_result r1, r4;
        _cleanup_free_ char *a = NULL, *b = NULL;
        size_t na, nb;

        mem = calloc(PAGES, 4096);
        ASSERT_TRUE(mem);
        for (size_t p = 0; p < PAGES; p++)
                if (p % 3)
                        for (size_t i = 0; i < 4096; i += 8)
                                mem[p * 4096 + i] = (uint8_t) (p * 7 + i / 512 + (p % 5 == 0 ? i : 0));

        run(1, test_tmp("t1"), &r1);
        run(4, test_tmp("t4"), &r4);
        ASSERT_OK(read_full_file(test_tmp("t1"), &a, &na));
        ASSERT_OK(read_full_file(test_tmp("t4"), &b, &nb));
        ASSERT_EQ(na, nb);
        /* the header's timestamp (408..423) differs between runs */
        ASSERT_TRUE(memcmp(a + 424, b + 424, na - 424) == 0);

        /* no page-table root in VMCOREINFO: only zero pages can go */
        ASSERT_EQ(r1.effective_level, 1);
        ASSERT_TRUE(r1.fallback_reason != NULL);
        ASSERT_EQ(r1.ram_pages, 2500);
        ASSERT_EQ(r1.dumped_pages, 2500);
        ASSERT_EQ(r1.zero_pages, 834);           /* p % 3 == 0 among the RAM pages */
        ASSERT_TRUE(!r1.incomplete);
        ASSERT_TRUE(r1.bytes_written < 2500 * 4096 / 4);
        free(mem);
}

TEST_MAIN()
