/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The one way the collector's address translators (x86-mmu.h, arm64-mmu.h,
 * kernel-mmu.h) and page readers get at the dumped machine's physical
 * memory, whatever holds it: an ELF vmcore, a kdump-compressed dump, a test's
 * array. */

#include <stddef.h>
#include <stdint.h>

/* Reads physical memory of the dumped machine; -errno (e.g. -ENXIO for an
 * address in no PT_LOAD). */
typedef int (*phys_read_fn)(void *userdata, uint64_t paddr, void *buf, size_t len);
