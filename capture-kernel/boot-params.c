/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

#include "basic/macro.h"
#include "capture-kernel/boot-params.h"

/* The layout is ABI; make sure the system header agrees with boot.rst. */
_Static_assert(sizeof(struct boot_params) == BOOT_PARAMS_SIZE, "boot_params is one page");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "setup header at 0x1f1");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "e820_table at 0x2d0");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr at 0x070");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "packed e820 entries");

#define SETUP_HDR_OFFSET 0x1f1u
/* bzImage64_load(): "type_of_loader = 0x0D << 4", kexec's loader id. */
#define LOADER_TYPE_KEXEC 0xd0

int boot_params_build(const struct boot_params_input *in, uint8_t **ret_buf, size_t *ret_size) {
        _cleanup_free_ uint8_t *buf = NULL;
        struct boot_params *bp;
        size_t hdr_len, cmd_len, size;
        uint32_t cmdline_size;
        uint64_t cmd_addr;

        /* The setup header runs from 0x1f1 to the end of the jump at 0x200,
         * whose target byte 0x201 tells how long it is (boot.rst:
         * "the end of the setup header can be calculated as 0x0202 + the
         * byte value at offset 0x0201"). */
        if (!in->image || in->image_size < 0x202 + 4)
                return -ENOEXEC;
        hdr_len = 0x202 + in->image[0x201] - SETUP_HDR_OFFSET;
        if (SETUP_HDR_OFFSET + hdr_len > in->image_size || hdr_len > sizeof(struct setup_header))
                return -ENOEXEC;

        cmd_len = strlen(in->cmdline) + 1;
        size = BOOT_PARAMS_SIZE + cmd_len;
        buf = calloc(1, size);
        if (!buf)
                return -ENOMEM;
        bp = (struct boot_params *) buf;

        memcpy(&bp->hdr, in->image + SETUP_HDR_OFFSET, hdr_len);

        /* cmdline_size excludes the NUL (boot.rst). */
        cmdline_size = bp->hdr.version >= 0x0206 ? bp->hdr.cmdline_size : 255;
        if (cmd_len - 1 > cmdline_size)
                return -E2BIG;

        /* What the running kernel knew of the firmware and which the capture
         * kernel cannot find out again by itself (setup_boot_parameters()). */
        if (in->running && in->running_size >= BOOT_PARAMS_SIZE) {
                const struct boot_params *cur = (const struct boot_params *) in->running;

                bp->screen_info = cur->screen_info;
                bp->hdr.hardware_subarch = cur->hdr.hardware_subarch;
                bp->acpi_rsdp_addr = cur->acpi_rsdp_addr;
                memcpy(bp->eddbuf, cur->eddbuf, sizeof(bp->eddbuf));
                bp->eddbuf_entries = cur->eddbuf_entries;
                memcpy(bp->edd_mbr_sig_buffer, cur->edd_mbr_sig_buffer, sizeof(bp->edd_mbr_sig_buffer));
                bp->edd_mbr_sig_buf_entries = cur->edd_mbr_sig_buf_entries;
        }
        bp->screen_info.ext_mem_k = 0;
        bp->alt_mem_k = 0;
        if (in->acpi_rsdp)
                bp->acpi_rsdp_addr = in->acpi_rsdp;

        bp->hdr.type_of_loader = LOADER_TYPE_KEXEC;
        bp->hdr.loadflags = 0;
        bp->hdr.setup_data = 0;

        cmd_addr = in->load_addr + BOOT_PARAMS_SIZE;
        memcpy(buf + BOOT_PARAMS_SIZE, in->cmdline, cmd_len);
        bp->hdr.cmd_line_ptr = (uint32_t) cmd_addr;
        bp->ext_cmd_line_ptr = (uint32_t) (cmd_addr >> 32);

        bp->hdr.ramdisk_image = (uint32_t) in->initrd_addr;
        bp->hdr.ramdisk_size = (uint32_t) in->initrd_size;
        bp->ext_ramdisk_image = (uint32_t) (in->initrd_addr >> 32);
        bp->ext_ramdisk_size = (uint32_t) (in->initrd_size >> 32);

        if (in->e820) {
                if (in->e820->n > E820_MAX_ENTRIES_ZEROPAGE)
                        return -E2BIG;
                for (size_t i = 0; i < in->e820->n; i++) {
                        const struct e820_ent *e = &in->e820->e[i];
                        uint64_t end = e->addr + e->size - 1;

                        bp->e820_table[i].addr = e->addr;
                        bp->e820_table[i].size = e->size;
                        bp->e820_table[i].type = e->type;
                        /* The legacy memory sizes, from the RAM entry that
                         * spans 1 MiB (setup_boot_parameters()). */
                        if (e->type == E820_TYPE_RAM && e->addr <= 0x100000 && end > 0x100000) {
                                uint64_t mem_k = (end >> 10) - (0x100000 >> 10);

                                bp->screen_info.ext_mem_k = (uint16_t) MIN(mem_k, 0xfc00);
                                bp->alt_mem_k = (uint32_t) MIN(mem_k, 0xffffffffu);
                        }
                }
                bp->e820_entries = (uint8_t) in->e820->n;
        }

        *ret_size = size;
        *ret_buf = TAKE_PTR(buf);
        return 0;
}
