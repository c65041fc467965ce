/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The serial port the arm64 purgatory reports a digest mismatch on: the
 * running device tree's console (/chosen stdout-path, or the older
 * linux,stdout-path; a path or an alias, ":options" ignored) when it is an
 * "arm,pl011", at the physical address its reg gives after the parents'
 * ranges.  Anything else -- no stdout-path, another UART, a bus without
 * ranges, addresses wider than 64 bits -- gives no port: the purgatory
 * then stays silent rather than write to an address that was guessed.
 * Pure: libfdt on a checked tree (arm64_dtb_check()). */

#include <stdint.h>

/* 1 and *ret_base when the console is a PL011 at a known address, else 0
 * (*ret_base untouched). */
int arm64_dtb_stdout_pl011(const void *fdt, uint64_t *ret_base);
