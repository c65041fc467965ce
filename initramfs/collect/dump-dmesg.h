/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The kernel log of a saved dump, whichever format it is in: an ELF vmcore
 * (addresses through its PT_LOADs, notes/printk.h, then through the dumped
 * kernel's page tables where no PT_LOAD has them) or a kdump-compressed
 * dump (no PT_LOADs: the dumped kernel's own page tables, x86_64 or arm64
 * as its VMCOREINFO says, kernel-mmu.h, over diskdump-read.h).  For kdump-collect
 * --dump-dmesg, kdumpd's missing vmcore-dmesg.txt and kdumpctl dmesg. */

#include <stdio.h>

/* Writes the log to f as dmesg shows it.  Returns the number of records, or
 *   -ENOEXEC          neither an ELF core nor a kdump-compressed dump
 *   -EMEDIUMTYPE      a flattened stream (-F), which kdump-collect -R turns
 *                     into a kdump-compressed dump first
 *   -ENOENT           no VMCOREINFO, or one without what either printk
 *                     format needs
 *   -EPROTONOSUPPORT  a kdump-compressed dump of a kernel whose page tables
 *                     this reader cannot walk (neither x86_64 nor arm64)
 *   -EINVAL           (kdump-compressed) VMCOREINFO's translation entries
 *                     do not fit together (arm64-mmu.h)
 *   -ENODATA          the log's pages were left out of the dump
 *   the errors of vmcore_open(), diskdump_reader_open() and printk_walk(). */
int dump_dmesg_write(const char *path, FILE *f);
