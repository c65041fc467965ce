/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fills a test guest's memory with the kinds of pages a crash dump filter
 * tells apart, then holds them until the guest crashes (tests/vm/big-guest,
 * issue 15's measurement on a big machine):
 *   --anon MIB    anonymous memory with a non-zero pattern (user data)
 *   --zero MIB    anonymous memory written with zeros (zero pages)
 *   --cache FILE:MIB  a file written, synced and read back (page cache)
 *   --files DIR:N N empty files in DIR (a tmpfs: inodes and dentries, slab)
 * Prints "MEMFILL: ready ..." on stdout when done, then sleeps.  Built
 * statically by the test so the guest needs no libraries for it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024UL * 1024UL)

/* Where the filled memory is kept: without a pointer that escapes, the
 * compiler may drop a malloc() whose memory is written and never read. */
void *volatile memfill_kept[2];

static void *fill(unsigned long mib, int zero) {
        unsigned char *p = malloc(mib * MIB);

        if (!p) {
                perror("memfill: malloc");
                exit(1);
        }
        for (unsigned long i = 0; i < mib * MIB; i += 4096) {
                if (zero)
                        memset(p + i, 0, 4096);
                else
                        for (unsigned j = 0; j < 4096; j += 8)
                                *(unsigned long *) (p + i + j) = (i + j) * 0x9e3779b97f4a7c15UL | 1;
        }
        return p;
}

static void cache(const char *spec) {
        char path[256], *colon;
        static unsigned char buf[1 << 20];
        unsigned long mib;
        int fd;

        snprintf(path, sizeof(path), "%s", spec);
        colon = strrchr(path, ':');
        if (!colon)
                exit(2);
        *colon = 0;
        mib = strtoul(colon + 1, NULL, 10);
        for (unsigned i = 0; i < sizeof(buf); i++)
                buf[i] = (unsigned char) (i * 131 + 7);
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) {
                perror("memfill: open");
                exit(1);
        }
        for (unsigned long i = 0; i < mib; i++)
                if (write(fd, buf, sizeof(buf)) != (ssize_t) sizeof(buf)) {
                        perror("memfill: write");
                        exit(1);
                }
        fsync(fd);
        lseek(fd, 0, SEEK_SET);
        while (read(fd, buf, sizeof(buf)) > 0)
                ;
        close(fd);
}

static void files(const char *spec) {
        char dir[200], path[256], *colon;
        unsigned long n;

        snprintf(dir, sizeof(dir), "%s", spec);
        colon = strrchr(dir, ':');
        if (!colon)
                exit(2);
        *colon = 0;
        n = strtoul(colon + 1, NULL, 10);
        mkdir(dir, 0700);
        for (unsigned long i = 0; i < n; i++) {
                int fd;

                snprintf(path, sizeof(path), "%s/f%lu", dir, i);
                fd = open(path, O_WRONLY | O_CREAT, 0600);
                if (fd < 0) {
                        perror("memfill: creat");
                        exit(1);
                }
                close(fd);
        }
}

int main(int argc, char **argv) {
        unsigned long anon = 0, zero = 0;

        for (int i = 1; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--anon") == 0)
                        anon = strtoul(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--zero") == 0)
                        zero = strtoul(argv[i + 1], NULL, 10);
                else if (strcmp(argv[i], "--cache") == 0)
                        cache(argv[i + 1]);
                else if (strcmp(argv[i], "--files") == 0)
                        files(argv[i + 1]);
                else {
                        fprintf(stderr, "memfill: unknown option %s\n", argv[i]);
                        return 2;
                }
        }
        if (anon)
                memfill_kept[0] = fill(anon, 0);
        if (zero)
                memfill_kept[1] = fill(zero, 1);
        printf("MEMFILL: ready (anon %lu MiB, zero %lu MiB)\n", anon, zero);
        fflush(stdout);
        for (;;)
                pause();
}
