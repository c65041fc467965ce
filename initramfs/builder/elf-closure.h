/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The shared-library closure of ELF programs: what the dynamic loader would
 * map to start them, computed by reading DT_NEEDED, DT_RPATH/DT_RUNPATH and
 * PT_INTERP with libelf, inside a root directory (the host's "/" or a
 * fixture tree; see chase.h).
 *
 * Search order per DT_NEEDED name, as glibc's _dl_map_object() does (minus
 * LD_LIBRARY_PATH and ld.so.cache, which have no meaning at build time):
 *   1. a name with a '/' is used as is;
 *   2. DT_RPATH of the needing object and of the objects that loaded it
 *      (only when the needing object has no DT_RUNPATH);
 *   3. DT_RUNPATH of the needing object;
 *   4. the system directories: /lib/<triplet>, /usr/lib/<triplet>, /lib64,
 *      /usr/lib64, /lib, /usr/lib, with the Debian multiarch triplet of the
 *      program's e_machine (x86_64-linux-gnu, aarch64-linux-gnu, ...), or
 *      the caller's list.
 * $ORIGIN and ${ORIGIN} in rpaths are expanded; a candidate of the wrong
 * ELF class or machine is skipped, as the loader skips it.  A name found
 * once is not searched again (the loader matches loaded sonames first).
 *
 * Entries are the paths the loader opens ("/lib/x86_64-linux-gnu/libc.so.6",
 * the interpreter as PT_INTERP spells it), not the files the symlinks end
 * at: the initramfs must hold those names (see chase_in_root()). */

#include <stdbool.h>
#include <stddef.h>

#include "basic/macro.h"

/* Bounds the recursion (no real program nears it). */
#define ELF_CLOSURE_DEPTH_MAX 64u

struct elf_closure_entry {
        const char *path;       /* absolute path inside the root */
        const char *needed_by;  /* in-root path of the first object that needed it */
        bool interpreter;       /* came from PT_INTERP */
};

typedef struct elf_closure elf_closure;

/* root: NULL or "/" for the host.  search_dirs: NULL-terminated list that
 * replaces the system directories of step 4, or NULL for the defaults. */
int elf_closure_new(const char *root, const char *const *search_dirs, elf_closure **ret);
elf_closure *elf_closure_free(elf_closure *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(elf_closure *, elf_closure_free);

/* Adds the libraries and interpreter of the program at path (inside the
 * root); the program itself is not an entry.  Returns the number of new
 * entries.  Errors: -ENOEXEC (not an ELF file, or not an executable or
 * shared object), -ENOENT (the program, or a library: see
 * elf_closure_failed_name() and elf_closure_failed_needed_by()), -ELOOP,
 * -ENOMEM.  A statically linked program adds nothing. */
int elf_closure_add(elf_closure *c, const char *path);

const char *elf_closure_failed_name(const elf_closure *c);
const char *elf_closure_failed_needed_by(const elf_closure *c);

size_t elf_closure_count(const elf_closure *c);
const struct elf_closure_entry *elf_closure_get(const elf_closure *c, size_t i);
