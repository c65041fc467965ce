/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The "zero page" (struct boot_params, Documentation/arch/x86/boot.rst) the
 * capture kernel is entered with, and everything it points to, as one
 * segment: the layout the kernel's file loader uses (kexec-bzimage64.c
 * bzImage64_load()):
 *
 *   0x0000  struct boot_params
 *   0x1000  the command line, NUL-terminated
 *   align16 the EFI runtime memory map (efi_info.efi_memmap points here)
 *   align16 setup_data records, linked by physical address
 *           (setup-data.h): SETUP_E820_EXT (e820 entries past 128),
 *           SETUP_EFI (struct efi_setup_data), SETUP_RNG_SEED (32 bytes) */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture-kernel/e820.h"
#include "capture-kernel/efi-runtime.h"

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
        /* The running kernel's EFI runtime state (efi-runtime.h); NULL on a
         * BIOS boot.  Used only when running's efi_info has a memory map,
         * the condition of setup_efi_state(). */
        const struct efi_runtime *efi;
        /* SETUP_RNG_SEED payload (the loader takes it from getrandom());
         * NULL: no record, like setup_rng_seed() before the RNG is ready. */
        const uint8_t *rng_seed;
        size_t rng_seed_size;
};

/* struct efi_setup_data (arch/x86/include/asm/efi.h), the SETUP_EFI
 * payload: efi_systab_init() of a kexec'ed kernel reads the firmware's
 * vendor string, configuration tables and SMBIOS from it instead of the
 * tables SetVirtualAddressMap() already converted. */
struct kexec_efi_setup_data {
        uint64_t fw_vendor;
        uint64_t runtime;      /* "__unused" since 5.7; older kernels read it (kexec-tools fills it) */
        uint64_t tables;
        uint64_t smbios;
        uint64_t reserved[8];
};

/* The EFI memory descriptor, efi_memory_desc_t (include/linux/efi.h); the
 * map's stride is efi_info.efi_memdesc_size, which may be larger. */
struct kexec_efi_memory_desc {
        uint32_t type;
        uint32_t pad;
        uint64_t phys_addr;
        uint64_t virt_addr;
        uint64_t num_pages;
        uint64_t attribute;
};

#define EFI_MEMDESC_MIN_SIZE 40u
/* Bytes of setup_data payload for SETUP_RNG_SEED (RNG_SEED_LENGTH). */
#define BOOT_PARAMS_RNG_SEED_SIZE 32u

/* The segment's size for these inputs (load_addr does not matter), so the
 * loader can place it before building it.  Same errors as the build. */
int boot_params_size(const struct boot_params_input *in, size_t *ret_size);

/* Returns a malloc'ed buffer of boot_params_size() bytes, every pointer in
 * it (command line, EFI memory map, setup_data chain) computed from
 * load_addr.  -E2BIG when the command line exceeds the image's
 * cmdline_size or the e820 map exceeds E820_MAP_MAX, -ENOEXEC when the image
 * is too short to hold its setup header, -EOPNOTSUPP on 32-bit EFI ("EL32":
 * a 64-bit kernel cannot be handed 32-bit runtime services, bzImage64_probe()),
 * -EBADMSG when the running efi_info's descriptor size is below
 * EFI_MEMDESC_MIN_SIZE, -EINVAL when load_addr is not 16-byte aligned. */
int boot_params_build(const struct boot_params_input *in, uint8_t **ret_buf, size_t *ret_size);
