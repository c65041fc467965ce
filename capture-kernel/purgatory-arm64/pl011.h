/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Polled output on an ARM PL011 (or SBSA generic) UART, MMU off. */

#include <stdint.h>

void pl011_puts(uint64_t base, const char *s);
