/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What an EFI-booted kernel tells a kexec loader about the firmware
 * (drivers/firmware/efi/efi.c and runtime-map.c, CONFIG_EFI_RUNTIME_MAP):
 * /sys/firmware/efi/{fw_vendor,runtime,config_table,systab} and the
 * runtime memory map, /sys/firmware/efi/runtime-map/<n>/{type,phys_addr,
 * virt_addr,num_pages,attribute}, the regions the running kernel mapped
 * for runtime services at the virtual addresses the capture kernel must
 * map them at again (SetVirtualAddressMap() can be called only once). */

#include <stddef.h>
#include <stdint.h>

/* More runtime regions than any firmware has; the loader refuses beyond. */
#define EFI_RUNTIME_MAP_MAX 1024u

struct efi_runtime_desc {
        uint32_t type;
        uint64_t phys_addr, virt_addr, num_pages, attribute;
};

struct efi_runtime {
        uint64_t fw_vendor, runtime, config_table;
        /* From systab (efi_show_systab()); 0 when absent. */
        uint64_t acpi20, acpi, smbios;
        struct efi_runtime_desc *map;
        size_t n_map;
};

/* Reads <root>/sys/firmware/efi.  -ENOENT when there is no runtime map:
 * not an EFI boot, runtime services off (efi=noruntime) or a kernel
 * without CONFIG_EFI_RUNTIME_MAP; the caller then passes no EFI state,
 * as setup_efi_state() does without EFI_RUNTIME_SERVICES.  -E2BIG beyond
 * EFI_RUNTIME_MAP_MAX entries, -EBADMSG on a malformed value. */
int efi_runtime_load(const char *root, struct efi_runtime **ret);
struct efi_runtime *efi_runtime_free(struct efi_runtime *e);
static inline void efi_runtime_freep(struct efi_runtime **e) {
        if (*e)
                efi_runtime_free(*e);
}

/* Parses systab's "KEY=0x..." lines into acpi20, acpi and smbios (other
 * keys, SMBIOS3 among them, are ignored). -EBADMSG on a malformed value. */
int efi_systab_parse(const char *text, struct efi_runtime *e);
