/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Loads the purgatory, a relocatable x86_64 ELF object (ET_REL) embedded in
 * the program, as the kernel does for its own (kernel/kexec_file.c
 * kexec_purgatory_setup_sechdrs() and arch/x86/kernel/machine_kexec_64.c
 * arch_kexec_apply_relocations_add()): the allocated sections laid out in
 * one buffer, the relocations applied for a chosen load address, variables
 * set by symbol name.  Pure: works on a byte array. */

#include <stddef.h>
#include <stdint.h>

typedef struct purgatory purgatory;

/* The purgatory built into this program. */
extern const unsigned char kdump_purgatory[];
extern const size_t kdump_purgatory_size;

/* -ENOEXEC when it is not an x86_64 ET_REL object, -EBADMSG when a header,
 * section or symbol points outside the file. */
int purgatory_new(const void *elf, size_t size, purgatory **ret);
purgatory *purgatory_free(purgatory *p);
static inline void purgatory_freep(purgatory **p) {
        if (*p)
                purgatory_free(*p);
}

size_t purgatory_size(const purgatory *p);       /* the whole image, .bss included */
uint64_t purgatory_align(const purgatory *p);    /* largest section alignment, at least a page */
const void *purgatory_image(const purgatory *p);

/* Applies R_X86_64_64, _32, _32S, _PC32 and _PLT32 for load_addr.
 * -EOPNOTSUPP for any other type, -ERANGE when a value does not fit its
 * field, -ENOENT for an undefined symbol.  With ret_error, a sentence. */
int purgatory_relocate(purgatory *p, uint64_t load_addr, char **ret_error);

/* After purgatory_relocate(): a global symbol's load address. */
int purgatory_symbol_addr(const purgatory *p, const char *name, uint64_t *ret);
/* Writes len bytes into a defined data symbol; -ENOENT if absent, -E2BIG
 * when len exceeds its size. */
int purgatory_set_symbol(purgatory *p, const char *name, const void *value, size_t len);
int purgatory_get_symbol(const purgatory *p, const char *name, void *value, size_t len);
