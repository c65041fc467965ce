/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* VMCOREINFO: the "KEY=value\n" text the crashed kernel leaves in an ELF note
 * (kernel/vmcore_info.c, formerly crash_core.c) so that tools can find its
 * symbols and struct layouts without a vmlinux.  The VMCOREINFO_* macros
 * print:
 *   SYMBOL(name)=%lx          address, hex without 0x
 *   SIZE(type)=%lu            sizeof, decimal
 *   OFFSET(type.member)=%lu   offsetof, decimal
 *   LENGTH(name)=%lu          array length, decimal
 *   NUMBER(name)=%ld          signed decimal
 *   KERNELOFFSET=%lx, PAGESIZE=%ld, OSRELEASE=, BUILD-ID=, CRASHTIME=%lld
 * The parser is pure (text in, object out); it never logs. */

#include <stddef.h>
#include <stdint.h>

typedef struct vmcoreinfo vmcoreinfo;

/* Upper bounds: the kernel's buffer is one page (VMCOREINFO_BYTES); we allow
 * more for other sources, but refuse silly inputs with -EFBIG. */
#define VMCOREINFO_TEXT_MAX (1024u * 1024u)
#define VMCOREINFO_LINE_MAX 4096u
/* SIZE() and OFFSET() above this are treated as corrupt (-ERANGE): no kernel
 * structure the tools read is anywhere near 16 MiB. */
#define VMCOREINFO_LAYOUT_MAX (16u * 1024u * 1024u)

/* Parses text of len bytes (need not be NUL-terminated; parsing stops at the
 * first NUL, which is where the note's zero padding starts).  Empty lines are
 * skipped.  Errors: -EBADMSG for a line without '=' or with an empty key or a
 * control character, -EFBIG for a text or line over the limits, -ENOMEM.
 * Duplicate keys: the first one wins, as makedumpfile's lookup does. */
int vmcoreinfo_parse(const char *text, size_t len, vmcoreinfo **ret);
vmcoreinfo *vmcoreinfo_free(vmcoreinfo *info);

/* Raw value of a key ("OSRELEASE", "SYMBOL(prb)"), NULL if absent. */
const char *vmcoreinfo_get(const vmcoreinfo *info, const char *key);
size_t vmcoreinfo_count(const vmcoreinfo *info);

/* Typed lookups by the name inside the parentheses: "prb" for SYMBOL(prb),
 * "printk_info.ts_nsec" for OFFSET(printk_info.ts_nsec).
 * -ENOENT when absent, -EINVAL when the value is not a number in the
 * expected base, -ERANGE when it overflows or is absurd (SIZE/OFFSET over
 * VMCOREINFO_LAYOUT_MAX). */
int vmcoreinfo_symbol(const vmcoreinfo *info, const char *name, uint64_t *ret);
int vmcoreinfo_size(const vmcoreinfo *info, const char *name, uint64_t *ret);
int vmcoreinfo_offset(const vmcoreinfo *info, const char *name, uint64_t *ret);
int vmcoreinfo_length(const vmcoreinfo *info, const char *name, uint64_t *ret);
int vmcoreinfo_number(const vmcoreinfo *info, const char *name, int64_t *ret);

/* A plain key parsed as an unsigned number: base 16 for KERNELOFFSET, 10 for
 * PAGESIZE and CRASHTIME. */
int vmcoreinfo_get_u64(const vmcoreinfo *info, const char *key, int base, uint64_t *ret);

#include "basic/macro.h"
DEFINE_TRIVIAL_CLEANUP_FUNC(vmcoreinfo *, vmcoreinfo_free);
#define _cleanup_vmcoreinfo_ _cleanup_(vmcoreinfo_freep)
