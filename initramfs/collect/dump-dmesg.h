/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The kernel log of a saved dump, whichever format it is in: an ELF vmcore
 * (addresses through its PT_LOADs, notes/printk.h) or a kdump-compressed
 * dump (no PT_LOADs: VMCOREINFO's init_top_pgt and the dumped kernel's own
 * page tables, x86-mmu.h, over diskdump-read.h).  For kdump-collect
 * --dump-dmesg, kdumpd's missing vmcore-dmesg.txt and kdumpctl dmesg. */

#include <stdio.h>

/* Writes the log to f as dmesg shows it.  Returns the number of records, or
 *   -ENOEXEC          neither an ELF core nor a kdump-compressed dump
 *   -EMEDIUMTYPE      a flattened stream (-F), which kdump-collect -R turns
 *                     into a kdump-compressed dump first
 *   -ENOENT           no VMCOREINFO, or one without what either printk
 *                     format needs
 *   -EPROTONOSUPPORT  a kdump-compressed dump of a kernel whose page tables
 *                     this reader cannot walk (not x86_64)
 *   -ENODATA          the log's pages were left out of the dump
 *   the errors of vmcore_open(), diskdump_reader_open() and printk_walk(). */
int dump_dmesg_write(const char *path, FILE *f);
