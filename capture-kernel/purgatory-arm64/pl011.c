/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's only way to say why it stops: polled writes to a PL011
 * the firmware or the crashed kernel already set up (baud rate, enable bits
 * untouched).  32-bit accesses, as U-Boot's pl01x and the SBSA generic UART
 * (which only promises 32-bit access) want.  The wait for room in the FIFO
 * is bounded: a UART that never drains must not keep us from the wfe loop.
 */
#include "pl011.h"

#define PL011_DR   0x00
#define PL011_FR   0x18
#define PL011_TXFF (1u << 5)

#define PL011_SPINS 100000

static inline uint32_t mmio_read32(uint64_t addr) {
        return *(volatile uint32_t *) (uintptr_t) addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v) {
        *(volatile uint32_t *) (uintptr_t) addr = v;
}

void pl011_puts(uint64_t base, const char *s) {
        if (!base)
                return;
        for (; *s; s++) {
                for (unsigned spin = 0; spin < PL011_SPINS && (mmio_read32(base + PL011_FR) & PL011_TXFF); spin++)
                        ;
                mmio_write32(base + PL011_DR, (uint8_t) *s);
        }
}
