/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The arm64 classic loader's plan: every segment kexec_load(2) gets for a
 * crash kernel on arm64, built from files and checked, without the syscall
 * (kexec-classic-arm64.c makes it).  Debian's arm64 kernels have no
 * kexec_file_load, so this is how the capture kernel gets loaded there.
 * Kept apart from the syscall so that every host builds and tests it
 * against a fixture tree.
 *
 * The segments, all in crashk_res (the main "Crash kernel" range: the
 * kernel checks KEXEC_ON_CRASH segments and the entry against it alone):
 *
 *   kernel      the raw Image (Image.gz and EFI zboot are unpacked), at the
 *               lowest 2 MiB-aligned base in the reservation plus
 *               text_offset, image_size bytes (Documentation/arch/arm64/
 *               booting.rst; lowest, so memory below the image, which
 *               kernels with flags bit 3 clear cannot map, is none of the
 *               capture kernel's);
 *   initrd      if any; with the image in one 1 GiB-aligned 32 GiB window;
 *   elfcorehdr  the arm64 ELF core header (notes/elfcorehdr.h);
 *   dtb         the running device tree with /chosen rewritten
 *               (arm64-dtb.h): linux,elfcorehdr and linux,usable-memory-
 *               range (both reservations, the main one first) -- arm64
 *               reads both from the tree, so bootargs is the command line
 *               as given, with no elfcorehdr= --, initrd start/end;
 *   purgatory   a copy of the arm64 purgatory patched with the SHA-256 of
 *               the other segments, the Image's address, the tree's (x0),
 *               and the console's PL011 (arm64-uart.h), 0 for none.
 *
 * Not checked: the Image's page-size flag (the CPU's granule support is not
 * visible from user space; the kernel's file loader reads it from ID
 * registers), nor pre-4.2 kernels' wish for the tree within 512 MiB of the
 * image.
 *
 * The entry is the purgatory's start: for kexec_load, arm64's
 * machine_kexec() enters kimage->start with x0 = 0 (dtb_mem is the file
 * loader's), so the purgatory passes the tree itself. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/purgatory-arm64/purgatory-arm64-abi.h"
#include "capture-kernel/segments.h"

/* arch/arm64/include/uapi/asm/setup.h: longer bootargs are cut. */
#define ARM64_COMMAND_LINE_SIZE 2048u
#define ARM64_KIMAGE_ALIGN (2u * 1024u * 1024u)     /* MIN_KIMG_ALIGN */

struct arm64_classic_opts {
        size_t sz;
        const char *kernel;            /* Image, Image.gz or EFI zboot */
        const char *initrd;            /* NULL: none */
        const char *cmdline;           /* bootargs, as given */
        const char *root;              /* where /proc and /sys are; NULL or "" = live */
        bool corrupt_digest;           /* test hook: the purgatory must refuse */
        /* The /chosen rng-seed; NULL: fresh bytes of the running tree's
         * size, none while the kernel's RNG is not ready. */
        const uint8_t *rng_seed;
        size_t rng_seed_size;
        /* The flat purgatory image to copy and patch (the embedded one on
         * arm64, purgatory-arm64-blob.h). */
        const uint8_t *purgatory;
        size_t purgatory_size;
        const struct purgatory_arm64_layout *purgatory_layout;
};

/* Where everything went, for messages and tests. */
struct arm64_classic_layout {
        uint64_t kernel, kernel_size;          /* the Image's load address (its entry), image_size */
        uint64_t initrd, initrd_size;          /* 0/0: none */
        uint64_t elfcorehdr, elfcorehdr_size;
        uint64_t dtb, dtb_size;
        uint64_t purgatory;
        uint64_t uart;                         /* 0: none */
        uint64_t res_start, res_end;           /* crashk_res, inclusive */
        uint64_t low_start, low_end;           /* crashk_low_res, 0/0: none */
};

typedef struct arm64_classic arm64_classic;

/* On failure *ret_error (if not NULL) gets a sentence for the user naming
 * the file or value at fault. */
int arm64_classic_prepare(const struct arm64_classic_opts *opts, arm64_classic **ret, char **ret_error);
arm64_classic *arm64_classic_free(arm64_classic *k);
static inline void arm64_classic_freep(arm64_classic **k) {
        if (*k)
                arm64_classic_free(*k);
}

const struct kexec_seg_list *arm64_classic_segments(const arm64_classic *k);
uint64_t arm64_classic_entry(const arm64_classic *k);
const char *arm64_classic_cmdline(const arm64_classic *k);
const struct arm64_classic_layout *arm64_classic_layout(const arm64_classic *k);
