/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Lookups in VMCOREINFO text ("KEY=VALUE" lines) as the page filter needs
 * them: SYMBOL() values are hex, NUMBER() signed decimal (%ld),
 * SIZE()/OFFSET()/LENGTH() decimal, as the kernel's VMCOREINFO_* macros
 * print them.  The text need not be NUL-terminated. */

#include <stddef.h>
#include <stdint.h>

struct vmci {
        const char *text;
        size_t len;
};

/* -ENOENT if the key is absent, -EINVAL if its value is not a number. */
int vmci_symbol(const struct vmci *v, const char *name, uint64_t *ret);
int vmci_number(const struct vmci *v, const char *name, int64_t *ret);
/* A NUMBER() that is a 64-bit quantity printed with "0x%llx" (arm64's
 * kimage_voffset, PHYS_OFFSET: above INT64_MAX, where vmci_number() says
 * -EINVAL); decimal, also negative (two's complement), is taken too. */
int vmci_number_u64(const struct vmci *v, const char *name, uint64_t *ret);
int vmci_size(const struct vmci *v, const char *name, uint64_t *ret);
int vmci_offset(const struct vmci *v, const char *name, uint64_t *ret);
int vmci_length(const struct vmci *v, const char *name, uint64_t *ret);
/* A raw value (e.g. "OSRELEASE"), copied into buf. */
int vmci_string(const struct vmci *v, const char *key, char *buf, size_t size);
