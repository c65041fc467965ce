/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The "zero page" (struct boot_params, Documentation/arch/x86/boot.rst) the
 * capture kernel is entered with, followed by its command line, as one
 * segment: the layout the kernel's file loader uses (kexec-bzimage64.c
 * bzImage64_load(): boot_params, then the command line right after it). */

#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/e820.h"

#define BOOT_PARAMS_SIZE 4096u

struct boot_params_input {
        size_t sz;
        /* The bzImage's first bytes (at least up to 0x202 + image[0x201]). */
        const uint8_t *image;
        size_t image_size;
        /* The running kernel's boot_params (/sys/kernel/boot_params/data),
         * for screen_info, EDD, hardware_subarch and the ACPI RSDP; NULL if
         * unavailable. */
        const uint8_t *running;
        size_t running_size;
        uint64_t load_addr;            /* where the segment goes */
        const char *cmdline;           /* complete, including elfcorehdr= */
        uint64_t initrd_addr, initrd_size;
        uint64_t acpi_rsdp;            /* 0: take the running kernel's, if any */
        const struct e820_map *e820;
};

/* Returns a malloc'ed buffer of BOOT_PARAMS_SIZE + strlen(cmdline) + 1
 * bytes.  -E2BIG when the command line exceeds the image's cmdline_size,
 * -ENOEXEC when the image is too short to hold its setup header. */
int boot_params_build(const struct boot_params_input *in, uint8_t **ret_buf, size_t *ret_size);
