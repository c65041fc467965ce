/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The x86 boot protocol's setup header (Documentation/arch/x86/boot.rst),
 * read from a bzImage file.  Pure: works on the first bytes of the file
 * (at least BZIMAGE_HEADER_MIN) and its size. */

#include <stddef.h>
#include <stdint.h>

#define BZIMAGE_HEADER_MIN 0x270u   /* up to and including init_size */

#define XLF_KERNEL_64 (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define XLF_EFI_HANDOVER_32 (1u << 2)
#define XLF_EFI_HANDOVER_64 (1u << 3)
#define XLF_EFI_KEXEC (1u << 4)
#define XLF_5LEVEL (1u << 5)
#define XLF_5LEVEL_ENABLED (1u << 6)

struct bzimage_info {
        uint16_t version;          /* boot protocol, e.g. 0x020f */
        uint8_t setup_sects;
        uint16_t xloadflags;
        uint32_t kernel_alignment;
        uint32_t cmdline_size;     /* 2.06+ */
        uint32_t init_size;        /* memory the kernel needs to decompress and run from */
        uint64_t pref_address;
        uint64_t setup_size;       /* (setup_sects + 1) * 512 */
        uint64_t payload_size;     /* file size - setup_size */
};

/* -ENOEXEC: not a bzImage; -EPROTONOSUPPORT: protocol older than 2.12 or no
 * 64-bit entry (kexec_file_load's bzImage64_probe() refuses those too). */
int bzimage_parse(const void *hdr, size_t hdr_size, uint64_t file_size, struct bzimage_info *ret);
int bzimage_parse_file(const char *path, struct bzimage_info *ret);
