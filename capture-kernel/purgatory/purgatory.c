/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory: runs between the crashed kernel and the capture kernel, in
 * the identity-mapped long mode that relocate_kernel_64 leaves behind, with
 * interrupts off and no IDT to speak of.  It refuses to start a capture
 * kernel whose segments were overwritten after loading (a crashing kernel
 * may scribble over the reservation), as the kernel's own purgatory does
 * (arch/x86/purgatory/purgatory.c verify_sha256_digest()).
 */
#include "purgatory-abi.h"
#include "digest-check.h"
#include "sha256.h"

/* Written by the loader.  In .data, never .bss: the loader can only fill in
 * bytes that exist in the object file. */
#define LOADER_SET __attribute__((section(".data"), used))

LOADER_SET uint8_t purgatory_sha256_digest[SHA256_DIGEST_SIZE] = { 0 };
LOADER_SET struct purgatory_region purgatory_sha_regions[PURGATORY_MAX_REGIONS] = { { 0, 0 } };
LOADER_SET uint64_t purgatory_entry_rip = 0;
LOADER_SET uint64_t purgatory_entry_rsi = 0;
LOADER_SET uint16_t purgatory_serial_port = 0;

void purgatory_main(void);

static inline void outb(uint16_t port, uint8_t v) {
        __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port) {
        uint8_t v;
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        return v;
}

static void say(const char *s) {
        uint16_t port = purgatory_serial_port;

        if (!port)
                return;
        for (; *s; s++) {
                /* wait (boundedly) for the transmit holding register */
                for (unsigned spin = 0; spin < 100000 && !(inb(port + 5) & 0x20); spin++)
                        ;
                outb(port, (uint8_t) *s);
        }
}

void purgatory_main(void) {
        if (purgatory_digest_matches(purgatory_sha_regions, purgatory_sha256_digest))
                return;
        say("kdumpd purgatory: SHA-256 mismatch, the capture kernel's memory was overwritten; not booting it\r\n");
        for (;;)
                __asm__ volatile("cli; hlt");
}
