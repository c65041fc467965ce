/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whole-string number parsing: trailing garbage, empty strings and overflow
 * are errors (-EINVAL, -ERANGE), never silently accepted. */
int safe_atou64_base(const char *s, int base, uint64_t *ret);
static inline int safe_atou64(const char *s, uint64_t *ret) {
        return safe_atou64_base(s, 0, ret);
}
int safe_atou(const char *s, unsigned *ret);

/* "256M", "1G", "4096", "2K" with the kernel's memparse() suffixes
 * (K, M, G, T, P, E; powers of 1024). */
int parse_size(const char *s, uint64_t *ret);
/* The same, reading a prefix of s; *ret_end points past what was read. */
int parse_size_prefix(const char *s, const char **ret_end, uint64_t *ret);

/* A sysfs CPU list, "0-3,8,10-11" (Documentation/ABI/testing/
 * sysfs-devices-system-cpu), into the CPU numbers; -E2BIG past limit CPUs
 * or a CPU number >= limit. */
int parse_cpu_list(const char *s, unsigned limit, uint64_t **ret, size_t *ret_n);

/* Formats a byte count as "12.3 MiB" into buf (at least 16 bytes). */
const char *format_bytes(char *buf, unsigned len, uint64_t bytes);

bool string_has_prefix(const char *s, const char *prefix);

/* Whether item is one of the sep-separated entries of list (whole entries:
 * "noauto" is not in "noautomount,ro"). */
bool string_list_contains(const char *list, char sep, const char *item);

/* The first n bytes of s with the \ooo escapes of /proc/self/mountinfo and
 * /etc/fstab (space, tab, newline, backslash) decoded; a malloc()ed string,
 * NULL when out of memory. */
char *octal_unescape(const char *s, size_t n);

/* The lines of a record ("<keyword> <words>..." a line; blank lines and
 * '#' comments skipped), each handed to parse() as a writable copy.  A
 * parse() failure other than -ENOMEM stops the walk with -EINVAL and
 * *ret_error "<what>, line N: <reason>: '<line>'" (reason: what parse()
 * put in *ret_reason, malloc()ed, or "invalid"). */
int parse_record_lines(const char *text, const char *what, int (*parse)(char *line, char **ret_reason, void *userdata),
                       void *userdata, char **ret_error);
