/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The crashkernel= kernel parameter, as kernel/crash_reserve.c
 * (parse_crashkernel(), formerly in kernel/crash_core.c) reads it:
 *
 *   crashkernel=size[@offset]
 *   crashkernel=start-[end]:size[,start-[end]:size...][@offset]
 *   crashkernel=size,high   (with an optional crashkernel=size,low)
 *   crashkernel=size,cma    (extra memory from CMA, beside one of the above)
 *
 * Sizes are memparse() numbers: decimal, 0x hex or 0 octal, with an optional
 * K/M/G/T/P/E suffix (powers of 1024).
 *
 * Pure: parsing and evaluation work on strings and numbers only.  Errors a
 * user can fix come back as -EINVAL with a message in *ret_error that names
 * the value and the valid forms.
 *
 * Where the kernel is lenient we are strict, on purpose: the kernel ignores
 * trailing garbage after a range list and a bad ",cma" value, and reads
 * "crashkernel=" anywhere inside another parameter (it uses strstr()).  A
 * value the kernel half-ignores is a mistake the user wants to hear about. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRASHKERNEL_RANGES_MAX 16u
#define CRASHKERNEL_VALUE_MAX 1024u   /* longer values are refused with -E2BIG */

/* arch/x86/include/asm/crash_reserve.h, crash_low_size_default():
 * max(swiotlb_size_or_default() + 8M, 256M); with the default 64M swiotlb
 * that is 256M.  The kernel uses it for ",high" without ",low", and when a
 * plain size found no room below 4G and fell back above it. */
#define CRASHKERNEL_LOW_DEFAULT (256ull << 20)

/* parse_crashkernel_mem(): "Firmware sometimes reserves some memory regions
 * for its own use": system RAM is rounded up to this before the ranges are
 * matched. */
#define CRASHKERNEL_RAM_ROUNDING (128ull << 20)

enum crashkernel_form {
        CRASHKERNEL_FORM_SIMPLE,        /* size[@offset] */
        CRASHKERNEL_FORM_RANGES,        /* start-[end]:size,...[@offset] */
        CRASHKERNEL_FORM_HIGH,          /* size,high */
        CRASHKERNEL_FORM_LOW,           /* size,low */
        CRASHKERNEL_FORM_CMA,           /* size,cma */
};

struct crashkernel_range {
        uint64_t start;                 /* inclusive */
        uint64_t end;                   /* exclusive; UINT64_MAX when open ("2G-") */
        uint64_t size;
};

/* One crashkernel= value, parsed. */
struct crashkernel_value {
        char text[CRASHKERNEL_VALUE_MAX];  /* as written, without "crashkernel=" */
        enum crashkernel_form form;
        uint64_t size;                  /* all forms but RANGES */
        struct crashkernel_range ranges[CRASHKERNEL_RANGES_MAX];
        size_t n_ranges;
        bool has_offset;                /* SIMPLE and RANGES only */
        uint64_t offset;
};

/* Parses the text after "crashkernel=".  The form follows from the value,
 * as __parse_crashkernel() decides it: a ",high"/",low"/",cma" ending is a
 * suffix form; else a ':' makes it the range form; else it is simple. */
int crashkernel_value_parse(const char *value, struct crashkernel_value *ret, char **ret_error);

/* The crashkernel= parameters of one kernel command line: the kernel takes
 * the last plain one (get_last_crashkernel() skips those with a suffix), and
 * separately the last ",high", the last ",low" and the last ",cma". */
struct crashkernel_spec {
        bool has_plain, has_high, has_low, has_cma;
        struct crashkernel_value plain, high, low, cma;
};

/* -ENOENT when the command line has no crashkernel= at all. */
int crashkernel_cmdline_parse(const char *cmdline, struct crashkernel_spec *ret, char **ret_error);

/* What the kernel would reserve. */
struct crashkernel_result {
        uint64_t size;                  /* 0: nothing (a range list with no matching range) */
        bool has_offset;
        uint64_t offset;
        bool high;                      /* ",high": placed above 4G if possible */
        uint64_t low_size;              /* with ",high": the part below 4G */
        bool low_default;               /* low_size is CRASHKERNEL_LOW_DEFAULT, not given */
        uint64_t cma_size;              /* extra CMA memory; 0 if none */
};

/* Evaluates a parsed command line for a machine with system_ram bytes
 * (memblock_phys_mem_size(): all RAM, the reservation included), with
 * parse_crashkernel()'s rules: the plain form wins over ",high"; ",low" only
 * counts with ",high"; ",cma" alone reserves nothing; a size of 0 or one
 * not below system RAM is refused.  A range list none of whose ranges match
 * is not an error: it gives size 0, the kernel's "crashkernel size resulted
 * in zero bytes". */
int crashkernel_spec_evaluate(const struct crashkernel_spec *spec, uint64_t system_ram,
                              struct crashkernel_result *ret, char **ret_error);

/* crashkernel_cmdline_parse() + crashkernel_spec_evaluate(). */
int crashkernel_cmdline_evaluate(const char *cmdline, uint64_t system_ram, struct crashkernel_result *ret,
                                 char **ret_error);

/* Formats a size the way people write it on the command line: the largest
 * unit that divides it exactly ("256M", "1G", "4096K", "123"). */
const char *crashkernel_format_size(char *buf, size_t len, uint64_t size);

/* Text listing the valid forms, for error messages and --help. */
extern const char crashkernel_valid_forms[];
