/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

#include "basic/macro.h"
#include "capture-kernel/boot-params.h"
#include "capture-kernel/setup-data.h"

/* The layout is ABI; make sure the system header agrees with boot.rst. */
_Static_assert(sizeof(struct boot_params) == BOOT_PARAMS_SIZE, "boot_params is one page");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "setup header at 0x1f1");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "e820_table at 0x2d0");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr at 0x070");
_Static_assert(offsetof(struct boot_params, efi_info) == 0x1c0, "efi_info at 0x1c0");
_Static_assert(offsetof(struct boot_params, secure_boot) == 0x1ec, "secure_boot at 0x1ec");
_Static_assert(sizeof(struct efi_info) == 32, "efi_info is eight u32");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "packed e820 entries");
_Static_assert(sizeof(struct kexec_efi_setup_data) == 96, "efi_setup_data is 12 u64");
_Static_assert(sizeof(struct kexec_efi_memory_desc) == EFI_MEMDESC_MIN_SIZE, "efi_memory_desc_t is 40 bytes");

#define SETUP_HDR_OFFSET 0x1f1u
/* bzImage64_load(): "type_of_loader = 0x0D << 4", kexec's loader id. */
#define LOADER_TYPE_KEXEC 0xd0
#define EFI64_LOADER_SIGNATURE "EL64"
#define EFI32_LOADER_SIGNATURE "EL32"

/* Everything placed after boot_params, computed once for both the size and
 * the build. */
struct layout {
        size_t cmd_len;                 /* with the NUL */
        bool efi;                       /* setup_efi_state() applies */
        uint32_t desc_size;
        size_t memmap_off, memmap_size;
        size_t sd_off;
        struct setup_data_chain chain;
        struct boot_e820_entry *e820_ext;   /* owned */
        struct kexec_efi_setup_data esd;
        size_t size;
};

static void layout_done(struct layout *l) {
        free(l->e820_ext);
}

static int layout_compute(const struct boot_params_input *in, struct layout *l) {
        const struct boot_params *cur = in->running && in->running_size >= BOOT_PARAMS_SIZE ?
                (const struct boot_params *) in->running : NULL;
        int r;

        *l = (struct layout) {};
        l->cmd_len = strlen(in->cmdline) + 1;

        /* setup_efi_state(): only with runtime services and a memory map
         * in the running kernel's efi_info. */
        if (in->efi && cur && cur->efi_info.efi_memmap_size > 0) {
                struct efi_info ei_copy = cur->efi_info, *ei = &ei_copy;   /* boot_params is packed */

                if (memcmp(&ei->efi_loader_signature, EFI32_LOADER_SIGNATURE, 4) == 0)
                        return -EOPNOTSUPP;
                if (ei->efi_memdesc_size < EFI_MEMDESC_MIN_SIZE || ei->efi_memdesc_size % 8 != 0)
                        return -EBADMSG;
                if (in->efi->n_map > EFI_RUNTIME_MAP_MAX)
                        return -E2BIG;
                l->efi = true;
                /* efi_get_runtime_map_desc_size(): the running kernel's
                 * stride, which the firmware chose. */
                l->desc_size = ei->efi_memdesc_size;
                l->memmap_size = in->efi->n_map * l->desc_size;
        }
        l->memmap_off = ALIGN_UP(BOOT_PARAMS_SIZE + l->cmd_len, SETUP_DATA_ALIGN);
        l->sd_off = ALIGN_UP(l->memmap_off + l->memmap_size, SETUP_DATA_ALIGN);

        /* setup_data, in the order the file loader fills them: the memory
         * map first (the kernel still truncates at 128, see
         * setup_e820_entries()'s TODO; kexec-tools and the boot side
         * e820__memory_setup_extended() take the rest from SETUP_E820_EXT),
         * then EFI, then the RNG seed. */
        if (in->e820 && in->e820->n > E820_MAP_MAX)
                return -E2BIG;
        if (in->e820 && in->e820->n > E820_ZEROPAGE_MAX) {
                size_t n = in->e820->n - E820_ZEROPAGE_MAX;

                l->e820_ext = calloc(n, sizeof(struct boot_e820_entry));
                if (!l->e820_ext)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        const struct e820_ent *e = &in->e820->e[E820_ZEROPAGE_MAX + i];
                        l->e820_ext[i] = (struct boot_e820_entry) { .addr = e->addr, .size = e->size, .type = e->type };
                }
                r = setup_data_chain_add(&l->chain, SETUP_E820_EXT, l->e820_ext, n * sizeof(struct boot_e820_entry));
                if (r < 0)
                        return r;
        }
        if (l->efi) {
                l->esd = (struct kexec_efi_setup_data) {
                        .fw_vendor = in->efi->fw_vendor,
                        .runtime = in->efi->runtime,
                        .tables = in->efi->config_table,
                        .smbios = in->efi->smbios,
                };
                r = setup_data_chain_add(&l->chain, SETUP_EFI, &l->esd, sizeof(l->esd));
                if (r < 0)
                        return r;
        }
        if (in->rng_seed) {
                r = setup_data_chain_add(&l->chain, SETUP_RNG_SEED, in->rng_seed, in->rng_seed_size);
                if (r < 0)
                        return r;
        }
        l->size = l->sd_off + setup_data_chain_size(&l->chain);
        return 0;
}

int boot_params_size(const struct boot_params_input *in, size_t *ret_size) {
        struct layout l;
        int r;

        r = layout_compute(in, &l);
        if (r >= 0)
                *ret_size = l.size;
        layout_done(&l);
        return r;
}

static void write_efi_memmap(const struct efi_runtime *efi, uint32_t desc_size, uint8_t *dst) {
        for (size_t i = 0; i < efi->n_map; i++) {
                const struct efi_runtime_desc *d = &efi->map[i];
                struct kexec_efi_memory_desc md = {
                        .type = d->type, .phys_addr = d->phys_addr, .virt_addr = d->virt_addr,
                        .num_pages = d->num_pages, .attribute = d->attribute,
                };

                /* The rest of a longer stride stays zero. */
                memcpy(dst + i * desc_size, &md, sizeof(md));
        }
}

/* What the running kernel knew of the firmware and which the capture
 * kernel cannot find out again by itself (setup_boot_parameters()). */
static void fill_firmware(struct boot_params *bp, const struct boot_params *cur, const struct boot_params_input *in) {
        if (cur) {
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
        /* setup_boot_parameters(): "Always fill in RSDP", from the EFI
         * configuration table when boot_params had none (an EFI stub boot
         * leaves it 0 and the kernel finds it through efi.acpi20). */
        if (!bp->acpi_rsdp_addr && in->efi)
                bp->acpi_rsdp_addr = in->efi->acpi20 ? in->efi->acpi20 : in->efi->acpi;
}

/* The zero page's e820 table (the first E820_ZEROPAGE_MAX entries), and
 * the legacy memory sizes from the RAM entry that spans 1 MiB
 * (setup_boot_parameters()). */
static void fill_e820(struct boot_params *bp, const struct e820_map *t) {
        size_t n = MIN(t->n, (size_t) E820_ZEROPAGE_MAX);

        for (size_t i = 0; i < t->n; i++) {
                const struct e820_ent *e = &t->e[i];
                uint64_t end = e->addr + e->size - 1;

                if (i < n)
                        bp->e820_table[i] = (struct boot_e820_entry) { .addr = e->addr, .size = e->size, .type = e->type };
                if (e->type == E820_TYPE_RAM && e->addr <= 0x100000 && end > 0x100000) {
                        uint64_t mem_k = (end >> 10) - (0x100000 >> 10);

                        bp->screen_info.ext_mem_k = (uint16_t) MIN(mem_k, 0xfc00);
                        bp->alt_mem_k = (uint32_t) MIN(mem_k, 0xffffffffu);
                }
        }
        bp->e820_entries = (uint8_t) n;
}

/* setup_efi_state(): the firmware's identity and system table from the
 * running efi_info, the memory map replaced by the runtime map (only the
 * regions SetVirtualAddressMap() mapped, at the virtual addresses
 * kexec_enter_virtual_mode() must map again), written into buf. */
static void fill_efi(struct boot_params *bp, const struct boot_params *cur, const struct boot_params_input *in,
                     const struct layout *l, uint8_t *buf) {
        struct efi_info ei_copy = cur->efi_info, *ei = &ei_copy;   /* boot_params is packed */
        uint64_t map_addr = in->load_addr + l->memmap_off;

        bp->secure_boot = cur->secure_boot;
        bp->efi_info.efi_loader_signature = ei->efi_loader_signature;
        bp->efi_info.efi_systab = ei->efi_systab;
        bp->efi_info.efi_systab_hi = ei->efi_systab_hi;
        bp->efi_info.efi_memdesc_version = ei->efi_memdesc_version;
        bp->efi_info.efi_memdesc_size = l->desc_size;
        if (l->memmap_size > 0) {
                write_efi_memmap(in->efi, l->desc_size, buf + l->memmap_off);
                bp->efi_info.efi_memmap = (uint32_t) map_addr;
                bp->efi_info.efi_memmap_hi = (uint32_t) (map_addr >> 32);
                bp->efi_info.efi_memmap_size = (uint32_t) l->memmap_size;
        }
}

int boot_params_build(const struct boot_params_input *in, uint8_t **ret_buf, size_t *ret_size) {
        _cleanup_free_ uint8_t *buf = NULL;
        const struct boot_params *cur = in->running && in->running_size >= BOOT_PARAMS_SIZE ?
                (const struct boot_params *) in->running : NULL;
        struct boot_params *bp;
        struct layout l;
        size_t hdr_len;
        uint32_t cmdline_size;
        uint64_t cmd_addr, head;
        int r;

        /* The setup header runs from 0x1f1 to the end of the jump at 0x200,
         * whose target byte 0x201 tells how long it is (boot.rst:
         * "the end of the setup header can be calculated as 0x0202 + the
         * byte value at offset 0x0201"). */
        if (!in->image || in->image_size < 0x202 + 4)
                return -ENOEXEC;
        hdr_len = 0x202 + in->image[0x201] - SETUP_HDR_OFFSET;
        if (SETUP_HDR_OFFSET + hdr_len > in->image_size || hdr_len > sizeof(struct setup_header))
                return -ENOEXEC;
        if (in->load_addr % SETUP_DATA_ALIGN != 0)
                return -EINVAL;

        r = layout_compute(in, &l);
        if (r < 0)
                goto finish;

        buf = calloc(1, l.size);
        if (!buf) {
                r = -ENOMEM;
                goto finish;
        }
        bp = (struct boot_params *) buf;

        memcpy(&bp->hdr, in->image + SETUP_HDR_OFFSET, hdr_len);

        /* cmdline_size excludes the NUL (boot.rst). */
        cmdline_size = bp->hdr.version >= 0x0206 ? bp->hdr.cmdline_size : 255;
        if (l.cmd_len - 1 > cmdline_size) {
                r = -E2BIG;
                goto finish;
        }

        fill_firmware(bp, cur, in);
        bp->hdr.type_of_loader = LOADER_TYPE_KEXEC;
        bp->hdr.loadflags = 0;
        bp->hdr.setup_data = 0;

        cmd_addr = in->load_addr + BOOT_PARAMS_SIZE;
        memcpy(buf + BOOT_PARAMS_SIZE, in->cmdline, l.cmd_len);
        bp->hdr.cmd_line_ptr = (uint32_t) cmd_addr;
        bp->ext_cmd_line_ptr = (uint32_t) (cmd_addr >> 32);

        bp->hdr.ramdisk_image = (uint32_t) in->initrd_addr;
        bp->hdr.ramdisk_size = (uint32_t) in->initrd_size;
        bp->ext_ramdisk_image = (uint32_t) (in->initrd_addr >> 32);
        bp->ext_ramdisk_size = (uint32_t) (in->initrd_size >> 32);

        if (in->e820)
                fill_e820(bp, in->e820);
        if (l.efi)
                fill_efi(bp, cur, in, &l, buf);

        r = setup_data_chain_place(&l.chain, buf, l.size, l.sd_off, in->load_addr, &head);
        if (r < 0)
                goto finish;
        bp->hdr.setup_data = head;

        *ret_size = l.size;
        *ret_buf = TAKE_PTR(buf);
        r = 0;
finish:
        layout_done(&l);
        return r;
}
