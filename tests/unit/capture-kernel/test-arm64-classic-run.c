/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The aarch64 side of test-arm64-classic: loads the segments the arm64
 * classic loader planned (a file test-arm64-classic.c writes) at their
 * physical addresses, as kexec_load would, and enters the purgatory there,
 * natively on arm64 or under qemu-aarch64.  User space stands in for the
 * machine with the MMU off: each segment is a shared RWX mapping at its
 * address (zero beyond its buffer, as the kernel zero-fills crash
 * segments), the PL011 a shared page at its base.  The synthetic Image's
 * entry stores x0..x3 at entry + 0x10000 and exits 42.
 *
 *   test-arm64-classic-run SEGMENTS match|mismatch
 *
 * Exit status: 0 the Image was entered with x0 = the tree, x1..x3 = 0;
 * 1 entered with other registers; 2 still running, the UART silent;
 * 4 still running after the mismatch message ended on the UART (\n);
 * 5 the purgatory ended some other way; 77 the addresses could not be
 * mapped here; 99 a bad segments file.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define SLOT_OFF 0x10000u

struct head {
        uint64_t entry, dtb, uart, kernel, n;
};

static uint8_t *map_at(uint64_t addr, uint64_t size, int prot) {
        void *p = mmap((void *) (uintptr_t) addr, size, prot, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

        if (p == MAP_FAILED || p != (void *) (uintptr_t) addr) {
                fprintf(stderr, "cannot map 0x%llx+0x%llx\n", (unsigned long long) addr, (unsigned long long) size);
                exit(77);
        }
        return p;
}

/* Reads the file's segments into place; returns the header. */
static struct head load(const char *path) {
        struct head h;
        char magic[8];
        FILE *f = fopen(path, "re");

        if (!f || fread(magic, 1, 8, f) != 8 || memcmp(magic, "KDA64SEG", 8) != 0 || fread(&h, 8, 5, f) != 5 || h.n > 16) {
                fprintf(stderr, "%s: not a segments file\n", path);
                exit(99);
        }
        for (uint64_t i = 0; i < h.n; i++) {
                uint64_t s[3];
                uint8_t *p;

                if (fread(s, 8, 3, f) != 3 || s[2] > s[1]) {
                        fprintf(stderr, "%s: bad segment %llu\n", path, (unsigned long long) i);
                        exit(99);
                }
                p = map_at(s[0], s[1], PROT_READ | PROT_WRITE | PROT_EXEC);
                if (fread(p, 1, s[2], f) != s[2]) {
                        fprintf(stderr, "%s: short segment %llu\n", path, (unsigned long long) i);
                        exit(99);
                }
                __builtin___clear_cache((char *) p, (char *) p + s[1]);
        }
        fclose(f);
        return h;
}

static int wait_ms(pid_t pid, int ms) {
        int status;

        for (int i = 0; i < ms; i += 10) {
                if (waitpid(pid, &status, WNOHANG) == pid)
                        return status;
                nanosleep(&(struct timespec) { 0, 10 * 1000 * 1000 }, NULL);
        }
        return -1;
}

static int entered(const struct head *h) {
        const volatile uint64_t *x = (const volatile uint64_t *) (uintptr_t) (h->kernel + SLOT_OFF);

        if (x[0] == h->dtb && x[1] == 0 && x[2] == 0 && x[3] == 0)
                return 0;
        fprintf(stderr, "entered with x0=0x%llx x1=0x%llx x2=0x%llx x3=0x%llx, expected x0=0x%llx\n",
                (unsigned long long) x[0], (unsigned long long) x[1], (unsigned long long) x[2],
                (unsigned long long) x[3], (unsigned long long) h->dtb);
        return 1;
}

int main(int argc, char **argv) {
        volatile uint32_t *uart = NULL;
        struct head h;
        pid_t pid;
        int st = -1, mismatch;

        if (argc != 3)
                return 99;
        mismatch = strcmp(argv[2], "mismatch") == 0;
        h = load(argv[1]);
        if (h.uart)
                uart = (volatile uint32_t *) map_at(h.uart, 4096, PROT_READ | PROT_WRITE);
        pid = fork();
        if (pid < 0)
                return 99;
        if (pid == 0) {
                ((void (*)(void)) (uintptr_t) h.entry)();
                _exit(3);
        }
        for (int i = 0; i < 600 && st == -1 && !(mismatch && uart && uart[0] == '\n'); i++)
                st = wait_ms(pid, 100);
        if (st == -1)
                st = wait_ms(pid, mismatch ? 500 : 0);
        if (st != -1) {
                if (WIFEXITED(st) && WEXITSTATUS(st) == 42)
                        return entered(&h);
                fprintf(stderr, "the purgatory ended with status 0x%x\n", st);
                return 5;
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return uart && uart[0] == '\n' ? 4 : 2;
}
