/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs the real arm64 purgatory image, end to end, as an aarch64 program
 * (natively on arm64, under qemu-aarch64 elsewhere): a copy of the image at
 * a 4 KiB-aligned address in an RWX mapping, regions over buffers of known
 * bytes, their digest, and kernel_entry pointing at landed(), which checks
 * the registers booting.rst asks for.  Nothing in the purgatory is
 * privileged (it leaves DAIF alone), so EL0 runs it as EL1/EL2 would, but
 * with the MMU on.  The "PL011" is a shared page: FR reads what the test put
 * there, DR keeps the last byte written.  Each case runs in a child, since a
 * mismatch never returns.  Prints TAP.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture-kernel/purgatory-arm64/purgatory-arm64-blob.h"
#include "capture-kernel/purgatory/sha256.h"

#define DTB_PA 0x48000000ull    /* only compared, never read */
#define MAP_SIZE (1u << 20)
#define UART_OFF 0xf0000u
#define DATA_OFF 0x40000u

static uint8_t *map;
static const struct purgatory_arm64_layout *L = &kdump_purgatory_arm64_layout;

/* Entered by the purgatory's br, on its 4 KiB stack: exits with a raw
 * exit_group, since a call through the PLT (a dynamically linked build)
 * could run the dynamic linker's resolver on that small stack. */
static void __attribute__((noreturn, used)) landed(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3) {
        register long nr __asm__("x8") = 94;    /* __NR_exit_group, arm64 */
        register long code __asm__("x0") = x0 == DTB_PA && x1 == 0 && x2 == 0 && x3 == 0 ? 0 : 2;

        __asm__ volatile("svc #0" : : "r"(nr), "r"(code) : "memory");
        __builtin_unreachable();
}

static volatile uint32_t *uart_reg(unsigned off) {
        return (volatile uint32_t *) (map + UART_OFF + off);
}

/* Copies the image to map + at, fills the regions (corrupting one byte
 * after the digest if asked) and the variables. */
static uint8_t *prepare(size_t at, int corrupt, uint64_t uart) {
        uint8_t *img = map + at, *data = map + DATA_OFF, digest[SHA256_DIGEST_SIZE];
        struct purgatory_region r[PURGATORY_MAX_REGIONS] = { { 0, 0 } };
        uint64_t entry = (uintptr_t) landed, dtb = DTB_PA;
        struct sha256_ctx c;

        for (unsigned i = 0; i < 100000; i++)
                data[i] = (uint8_t) (i * 13 + 1);
        r[0] = (struct purgatory_region) { (uintptr_t) data, 65536 };
        r[3] = (struct purgatory_region) { (uintptr_t) data + 70000, 30000 };
        sha256_init(&c);
        sha256_update(&c, data, 65536);
        sha256_update(&c, data + 70000, 30000);
        sha256_final(&c, digest);
        if (corrupt)
                data[70000 + 29999] ^= 0x40;

        memcpy(img, kdump_purgatory_arm64, kdump_purgatory_arm64_size);
        memcpy(img + L->sha256_digest, digest, sizeof(digest));
        memcpy(img + L->sha_regions, r, sizeof(r));
        memcpy(img + L->kernel_entry, &entry, 8);
        memcpy(img + L->dtb, &dtb, 8);
        memcpy(img + L->uart, &uart, 8);
        __builtin___clear_cache((char *) img, (char *) img + kdump_purgatory_arm64_size);
        return img;
}

static pid_t start(uint8_t *img) {
        pid_t pid = fork();

        if (pid == 0) {
                ((void (*)(void))(img + L->start))();
                _exit(3);       /* the purgatory never returns */
        }
        return pid;
}

/* Waits up to ms for the child to exit: its wait status, or -1 if it runs on. */
static int wait_ms(pid_t pid, int ms) {
        int status;

        for (int i = 0; i < ms; i += 10) {
                if (waitpid(pid, &status, WNOHANG) == pid)
                        return status;
                nanosleep(&(struct timespec) { 0, 10 * 1000 * 1000 }, NULL);
        }
        return -1;
}

static void reap(pid_t pid) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

static int tap_n;

static void tap(int ok, const char *name, const char *why) {
        printf("%sok %d - %s%s%s\n", ok ? "" : "not ", ++tap_n, name, ok ? "" : ": ", ok ? "" : why);
        fflush(stdout);
}

/* A match: the kernel is entered with x0 = dtb, x1..x3 = 0; the UART untouched. */
static void match_case(const char *name, size_t at) {
        pid_t pid;
        int st;

        *uart_reg(0) = 0;
        *uart_reg(0x18) = 0;
        pid = start(prepare(at, 0, (uintptr_t) uart_reg(0)));
        st = wait_ms(pid, 20000);
        if (st == -1) {
                reap(pid);
                tap(0, name, "still running: the digest did not match");
        } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                tap(0, name, WIFEXITED(st) && WEXITSTATUS(st) == 2 ? "wrong x0..x3 at the kernel entry"
                                                                     : "did not reach the kernel entry");
        else
                tap(*uart_reg(0) == 0, name, "wrote to the UART");
}

/* A mismatch: the message ends on the UART (if any), then wfe forever. */
static void mismatch_case(const char *name, int with_uart, uint32_t fr) {
        pid_t pid;
        int st = -1;

        *uart_reg(0) = 0;
        *uart_reg(0x18) = fr;
        pid = start(prepare(0x10000, 1, with_uart ? (uintptr_t) uart_reg(0) : 0));
        /* With a UART, until the message's last byte (the match cases show
         * the hashing takes milliseconds); without, a second. */
        for (int i = 0; i < (with_uart ? 600 : 10) && st == -1 && (!with_uart || *uart_reg(0) != '\n'); i++)
                st = wait_ms(pid, 100);
        if (st == -1)
                st = wait_ms(pid, 300);
        if (st != -1) {
                tap(0, name, "the purgatory exited or entered the kernel");
                return;
        }
        reap(pid);
        tap(with_uart ? *uart_reg(0) == '\n' : *uart_reg(0) == 0, name,
            with_uart ? "the message did not end with \\r\\n on DR" : "wrote to a UART of 0");
}

int main(void) {
        map = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED) {
                printf("1..0 # SKIP no RWX mapping\n");
                return 0;
        }
        printf("1..5\n");
        match_case("match: enters the kernel with x0 = dtb, x1 = x2 = x3 = 0", 0x1000);
        match_case("match at another 4 KiB-aligned address (position independent)", 0x23000);
        mismatch_case("mismatch: message on the PL011, then waits forever", 1, 0);
        mismatch_case("mismatch with TXFF stuck: bounded waits, message, waits forever", 1, 1u << 5);
        mismatch_case("mismatch without a UART: waits forever, writes nothing", 0, 0);
        return 0;
}
