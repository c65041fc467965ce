/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compression-only rate of kdump-collect's page compressors, one core:
 * every non-zero 4 KiB page of FILE (e.g. the -E -d 31 output, which holds
 * exactly the pages a -d 31 dump keeps) compressed on its own, as the
 * kdump-compressed format stores them.
 *
 *   compress-rate FILE [lzo|zlib|zstd|snappy ...]
 *
 * Prints, per algorithm, input MiB/s of one core and the output/input ratio
 * (pages that do not shrink counted at 4 KiB, stored raw). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basic/macro.h"
#include "initramfs/collect/page-compress.h"

#define PS 4096u

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static bool zero_page(const uint8_t *p) {
        for (size_t i = 0; i < PS; i++)
                if (p[i])
                        return false;
        return true;
}

int main(int argc, char *argv[]) {
        static const struct { const char *name; enum page_compression c; } all[] = {
                { "lzo", PAGE_COMPRESS_LZO }, { "zlib", PAGE_COMPRESS_ZLIB },
                { "zstd", PAGE_COMPRESS_ZSTD }, { "snappy", PAGE_COMPRESS_SNAPPY },
        };
        _cleanup_free_ uint8_t *pages = NULL, *out = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n = 0, np;
        struct stat st;
        const uint8_t *m;

        if (argc < 2) {
                fprintf(stderr, "usage: compress-rate FILE [lzo|zlib|zstd|snappy ...]\n");
                return 2;
        }
        fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0) {
                fprintf(stderr, "compress-rate: %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        np = (size_t) st.st_size / PS;
        m = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        pages = malloc(np * PS);
        out = malloc(page_compress_bound(PS));
        if (m == MAP_FAILED || !pages || !out) {
                fprintf(stderr, "compress-rate: out of memory\n");
                return 1;
        }
        /* Into memory first: the rate of compression alone, no faults. */
        for (size_t i = 0; i < np; i++)
                if (!zero_page(m + i * PS))
                        memcpy(pages + n++ * PS, m + i * PS, PS);
        printf("%zu non-zero pages (%.1f MiB) of %s\n", n, (double) n * PS / 1048576.0, argv[1]);

        for (size_t a = 0; a < ELEMENTSOF(all); a++) {
                struct page_compressor *pc;
                bool want = argc == 2;
                size_t total = 0, sz;
                double t0, t;
                int r;

                for (int k = 2; k < argc; k++)
                        want = want || strcmp(argv[k], all[a].name) == 0;
                if (!want)
                        continue;
                if (page_compressor_new(all[a].c, PS, &pc) < 0) {
                        printf("%-7s not in this build\n", all[a].name);
                        continue;
                }
                t0 = now();
                for (size_t i = 0; i < n; i++) {
                        r = page_compress(pc, pages + i * PS, out, &sz);
                        total += r > 0 ? sz : PS;
                }
                t = now() - t0;
                printf("%-7s %8.1f MiB/s per core, output %.3f of input\n", all[a].name,
                       (double) n * PS / 1048576.0 / t, (double) total / ((double) n * PS));
                page_compressor_free(pc);
        }
        return 0;
}
