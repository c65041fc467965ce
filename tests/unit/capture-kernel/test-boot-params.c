/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include <asm/bootparam.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "capture-kernel/boot-params.h"
#include "capture-kernel/e820.h"
#include "capture-kernel/efi-runtime.h"
#include "capture-kernel/kexec-classic.h"
#include "capture-kernel/setup-data.h"
#include "tests.h"
#include "classic-fixtures.h"

#define OVMF_TREE "capture-kernel/qemu-ovmf-1g"

static const uint8_t seed[BOOT_PARAMS_RNG_SEED_SIZE] = {
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
};

/* Follows hdr.setup_data the way parse_setup_data() does, through physical
 * addresses, and returns the record of that type (NULL if none).  Every
 * link must land inside the segment. */
static const struct setup_data *find_setup_data(const uint8_t *buf, uint64_t mem, size_t size, uint32_t type,
                                                unsigned *ret_count) {
        const struct boot_params *bp = (const struct boot_params *) buf;
        const struct setup_data *found = NULL;
        unsigned n = 0;

        for (uint64_t pa = bp->hdr.setup_data; pa; n++) {
                const struct setup_data *sd;

                if (pa < mem || pa + SETUP_DATA_HDR_SIZE > mem + size || n > 16)
                        TEST_FAIL("setup_data link 0x%llx outside the segment 0x%llx+0x%zx", (unsigned long long) pa,
                                  (unsigned long long) mem, size);
                sd = (const struct setup_data *) (buf + (pa - mem));
                if (pa + SETUP_DATA_HDR_SIZE + sd->len > mem + size)
                        TEST_FAIL("setup_data type %u overruns the segment", sd->type);
                if (sd->type == type && !found)
                        found = sd;
                pa = sd->next;
        }
        if (ret_count)
                *ret_count = n;
        return found;
}

static uint64_t fixture_u64(const char *rel) {
        uint64_t v;
        ASSERT_OK(read_u64_file(test_fixture(rel), 0, &v));
        return v;
}

/* The sysfs files of the OVMF guest, read back as the loader reads them. */
TEST(efi_runtime_from_ovmf_guest) {
        _cleanup_(efi_runtime_freep) struct efi_runtime *e = NULL;
        char p[256];

        ASSERT_OK(efi_runtime_load(test_fixture(OVMF_TREE), &e));
        ASSERT_EQ(e->fw_vendor, fixture_u64(OVMF_TREE "/sys/firmware/efi/fw_vendor"));
        ASSERT_EQ(e->runtime, fixture_u64(OVMF_TREE "/sys/firmware/efi/runtime"));
        ASSERT_EQ(e->config_table, fixture_u64(OVMF_TREE "/sys/firmware/efi/config_table"));
        /* systab: ACPI20=0x3fb7e014 ACPI=0x3fb7e000 SMBIOS=0x3f918000 */
        ASSERT_EQ(e->acpi20, 0x3fb7e014);
        ASSERT_EQ(e->acpi, 0x3fb7e000);
        ASSERT_EQ(e->smbios, 0x3f918000);
        ASSERT_EQ(e->n_map, 5);
        for (size_t i = 0; i < e->n_map; i++) {
                snprintf(p, sizeof(p), OVMF_TREE "/sys/firmware/efi/runtime-map/%zu/phys_addr", i);
                ASSERT_EQ(e->map[i].phys_addr, fixture_u64(p));
                snprintf(p, sizeof(p), OVMF_TREE "/sys/firmware/efi/runtime-map/%zu/virt_addr", i);
                ASSERT_EQ(e->map[i].virt_addr, fixture_u64(p));
        }
        /* entry 0: RuntimeServicesData (6), 32 pages, UC|WC|WT|WB|RUNTIME */
        ASSERT_EQ(e->map[0].type, 6);
        ASSERT_EQ(e->map[0].num_pages, 0x20);
        ASSERT_EQ(e->map[0].attribute, 0x800000000000000full);

        /* a BIOS boot has no runtime map */
        ASSERT_ERR(efi_runtime_load(test_fixture("capture-kernel/qemu-pc-1g"), &e), ENOENT);
}

TEST(systab_parse) {
        struct efi_runtime e = {};

        ASSERT_OK(efi_systab_parse("SMBIOS3=0x7f000\nACPI=0xe0000\nSMBIOS=0xf0000\n", &e));
        ASSERT_EQ(e.acpi20, 0);
        ASSERT_EQ(e.acpi, 0xe0000);
        ASSERT_EQ(e.smbios, 0xf0000);   /* not SMBIOS3 */
        ASSERT_ERR(efi_systab_parse("ACPI20=zz\n", &e), EBADMSG);
        ASSERT_ERR(efi_systab_parse("ACPI20=\n", &e), EBADMSG);
}

/* The whole classic plan on the tree captured from an OVMF guest (1 GiB,
 * crashkernel=256M): what the capture kernel's efi_init() and
 * parse_setup_data() read. */
TEST(ovmf_guest_plan) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        _cleanup_(efi_runtime_freep) struct efi_runtime *e = NULL;
        _cleanup_free_ char *err = NULL, *running = NULL;
        const struct boot_params *bp, *cur;
        const struct kexec_seg *bps, *hdr;
        const struct setup_data *sd;
        const struct kexec_efi_setup_data *esd;
        uint64_t memmap, ram_in_crash = 0;
        unsigned count;
        size_t n;
        int r;

        ASSERT_OK(read_full_file(test_fixture(OVMF_TREE "/sys/kernel/boot_params/data"), &running, &n));
        ASSERT_EQ(n, 4096);
        cur = (const struct boot_params *) running;
        ASSERT_OK(efi_runtime_load(test_fixture(OVMF_TREE), &e));

        r = kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(),
                        .cmdline = "console=ttyS0 irqpoll nr_cpus=1 reset_devices", .root = test_fixture(OVMF_TREE),
                        .rng_seed = seed,
                }, &k, &err);
        if (r < 0)
                TEST_FAIL("prepare: %s", err);
        ASSERT_OK(kexec_seg_check(kexec_classic_segments(k)->segs, kexec_classic_segments(k)->n, 0x2b000000, 0x3affffff,
                                  kexec_classic_entry(k), NULL));
        bps = seg(k, "boot_params");
        hdr = seg(k, "elfcorehdr");
        bp = bps->buf;

        /* efi_info: the firmware's signature and system table, the
         * runtime map in the segment. */
        ASSERT_TRUE(memcmp(&bp->efi_info.efi_loader_signature, "EL64", 4) == 0);
        ASSERT_EQ(bp->efi_info.efi_systab, cur->efi_info.efi_systab);
        ASSERT_EQ(bp->efi_info.efi_systab_hi, cur->efi_info.efi_systab_hi);
        ASSERT_EQ(bp->efi_info.efi_systab, 0x3f9ec018);
        ASSERT_EQ(bp->efi_info.efi_memdesc_version, 1);
        ASSERT_EQ(bp->efi_info.efi_memdesc_size, 0x30);
        ASSERT_EQ(bp->efi_info.efi_memmap_size, 5 * 0x30);
        ASSERT_EQ(bp->secure_boot, cur->secure_boot);
        memmap = (uint64_t) bp->efi_info.efi_memmap_hi << 32 | bp->efi_info.efi_memmap;
        ASSERT_TRUE(memmap >= bps->mem + 4096 + strlen(kexec_classic_cmdline(k)) + 1);
        ASSERT_TRUE(memmap + bp->efi_info.efi_memmap_size <= bps->mem + bps->bufsz);
        ASSERT_EQ(memmap % 16, 0);
        for (size_t i = 0; i < e->n_map; i++) {
                struct kexec_efi_memory_desc md;

                memcpy(&md, (const uint8_t *) bps->buf + (memmap - bps->mem) + i * 0x30, sizeof(md));
                ASSERT_EQ(md.type, e->map[i].type);
                ASSERT_EQ(md.phys_addr, e->map[i].phys_addr);
                ASSERT_EQ(md.virt_addr, e->map[i].virt_addr);
                ASSERT_EQ(md.num_pages, e->map[i].num_pages);
                ASSERT_EQ(md.attribute, e->map[i].attribute);
        }
        /* The running boot_params has no RSDP (EFI stub boot): the loader
         * takes ACPI20 from systab, as setup_boot_parameters() takes efi.acpi20. */
        ASSERT_EQ(cur->acpi_rsdp_addr, 0);
        ASSERT_EQ(bp->acpi_rsdp_addr, 0x3fb7e014);

        /* setup_data: SETUP_EFI and SETUP_RNG_SEED, nothing else. */
        sd = find_setup_data(bps->buf, bps->mem, bps->bufsz, SETUP_EFI, &count);
        ASSERT_EQ(count, 2);
        ASSERT_TRUE(sd);
        ASSERT_EQ(sd->len, sizeof(struct kexec_efi_setup_data));
        esd = (const struct kexec_efi_setup_data *) sd->data;
        ASSERT_EQ(esd->fw_vendor, fixture_u64(OVMF_TREE "/sys/firmware/efi/fw_vendor"));
        ASSERT_EQ(esd->runtime, fixture_u64(OVMF_TREE "/sys/firmware/efi/runtime"));
        ASSERT_EQ(esd->tables, fixture_u64(OVMF_TREE "/sys/firmware/efi/config_table"));
        ASSERT_EQ(esd->smbios, 0x3f918000);
        for (unsigned i = 0; i < 8; i++)
                ASSERT_EQ(esd->reserved[i], 0);
        sd = find_setup_data(bps->buf, bps->mem, bps->bufsz, SETUP_RNG_SEED, NULL);
        ASSERT_TRUE(sd);
        ASSERT_EQ(sd->len, 32);
        ASSERT_TRUE(memcmp(sd->data, seed, 32) == 0);
        ASSERT_TRUE(!find_setup_data(bps->buf, bps->mem, bps->bufsz, SETUP_E820_EXT, NULL));

        /* e820: the reservation (0x2b000000-0x3affffff) is RAM except the
         * ELF core header, and the firmware's runtime regions stay reserved. */
        for (unsigned i = 0; i < bp->e820_entries; i++) {
                const struct boot_e820_entry *x = &bp->e820_table[i];

                if (x->type == E820_TYPE_RAM && x->addr >= 0x2b000000 && x->addr + x->size <= 0x3b000000)
                        ram_in_crash += x->size;
                if (x->type == E820_TYPE_RAM)
                        ASSERT_TRUE(x->addr >= hdr->mem + hdr->memsz || x->addr + x->size <= hdr->mem);
        }
        ASSERT_EQ(ram_in_crash, 0x10000000 - ALIGN_UP(hdr->memsz, 4096));
        {
                bool found = false;
                for (unsigned i = 0; i < bp->e820_entries; i++)
                        if (bp->e820_table[i].addr == 0x3f8ed000 && bp->e820_table[i].size == 0x280000 &&
                            bp->e820_table[i].type == E820_TYPE_RESERVED)
                                found = true;
                ASSERT_TRUE(found);   /* holds runtime-map entries 1 and 2 */
        }
}

/* A BIOS boot gets no EFI state at all. */
TEST(bios_guest_has_no_efi) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        const struct kexec_seg *bps;
        const struct boot_params *bp;
        unsigned count;

        ASSERT_OK(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .cmdline = "x",
                        .root = test_fixture("capture-kernel/qemu-pc-1g"), .rng_seed = seed,
                }, &k, NULL));
        bps = seg(k, "boot_params");
        bp = bps->buf;
        ASSERT_EQ(bp->efi_info.efi_loader_signature, 0);
        ASSERT_EQ(bp->efi_info.efi_memmap_size, 0);
        ASSERT_TRUE(!find_setup_data(bps->buf, bps->mem, bps->bufsz, SETUP_EFI, &count));
        ASSERT_EQ(count, 1);
        ASSERT_TRUE(find_setup_data(bps->buf, bps->mem, bps->bufsz, SETUP_RNG_SEED, NULL));
}

/* 160 reserved ranges on top of qemu-pc-1g's map: the zero page holds the
 * first 128 entries and SETUP_E820_EXT the rest; together they are exactly
 * the map capture_e820_build() makes, each reserved range once. */
TEST(fragmented_e820_through_the_loader) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        _cleanup_free_ char *err = NULL;
        const struct kexec_seg *bps, *hdr;
        const struct boot_params *bp;
        const struct setup_data *sd;
        struct boot_e820_entry all[E820_ZEROPAGE_MAX + 64];
        size_t n = 0, ext;
        unsigned high_reserved = 0;
        uint64_t ram_in_crash = 0;
        int r;

        r = kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .cmdline = "console=ttyS0",
                        .root = test_fixture("capture-kernel/fragmented-e820"), .rng_seed = seed,
                }, &k, &err);
        if (r < 0)
                TEST_FAIL("prepare: %s", err);
        bps = seg(k, "boot_params");
        hdr = seg(k, "elfcorehdr");
        bp = bps->buf;
        ASSERT_EQ(bp->e820_entries, 128);
        sd = find_setup_data(bps->buf, bps->mem, bps->bufsz, SETUP_E820_EXT, NULL);
        ASSERT_TRUE(sd);
        ASSERT_EQ(sd->len % sizeof(struct boot_e820_entry), 0);
        ext = sd->len / sizeof(struct boot_e820_entry);
        ASSERT_TRUE(ext > 0 && ext <= 64);
        memcpy(all, bp->e820_table, 128 * sizeof(struct boot_e820_entry));
        memcpy(all + 128, sd->data, sd->len);
        n = 128 + ext;
        /* the RNG seed still follows in the chain */
        ASSERT_TRUE(find_setup_data(bps->buf, bps->mem, bps->bufsz, SETUP_RNG_SEED, NULL));

        for (size_t i = 0; i < n; i++) {
                if (all[i].type == E820_TYPE_RESERVED && all[i].addr >= 0x180000000ull) {
                        ASSERT_EQ((all[i].addr - 0x180000000ull) % 0x200000, 0);
                        ASSERT_EQ(all[i].size, 0x100000);
                        high_reserved++;
                }
                if (all[i].type == E820_TYPE_RAM && all[i].addr >= 0x10000000 && all[i].addr + all[i].size <= 0x20000000)
                        ram_in_crash += all[i].size;
                for (size_t j = 0; j < i; j++)
                        ASSERT_TRUE(all[j].addr != all[i].addr);
        }
        ASSERT_EQ(high_reserved, 160);
        ASSERT_EQ(ram_in_crash, 0x10000000 - ALIGN_UP(hdr->memsz, 4096));
}

/* The pure builder on hand-made inputs. */
static struct boot_params_input base_input(const uint8_t *image, size_t image_size) {
        return (struct boot_params_input) {
                .sz = sizeof(struct boot_params_input), .image = image, .image_size = image_size,
                .load_addr = 0x1fff0000, .cmdline = "elfcorehdr=0x1000000 console=ttyS0",
        };
}

TEST(e820_beyond_128_goes_to_setup_e820_ext) {
        _cleanup_free_ char *head = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        _cleanup_free_ struct e820_map *m = calloc(1, sizeof(*m));
        const struct boot_params *bp;
        const struct setup_data *sd;
        const struct boot_e820_entry *ext;
        struct boot_params_input in;
        size_t n, size, want;

        ASSERT_OK(read_full_file(test_fixture("capture-kernel/vmlinuz-6.1.0-56-amd64.head"), &head, &n));
        for (size_t i = 0; i < 200; i++)
                m->e[i] = (struct e820_ent) { .addr = 0x100000000ull + i * 0x200000, .size = 0x100000,
                                              .type = i % 2 ? E820_TYPE_RESERVED : E820_TYPE_RAM };
        m->n = 200;
        in = base_input((const uint8_t *) head, n);
        in.e820 = m;
        ASSERT_OK(boot_params_size(&in, &want));
        ASSERT_OK(boot_params_build(&in, &buf, &size));
        ASSERT_EQ(size, want);
        bp = (const struct boot_params *) buf;
        ASSERT_EQ(bp->e820_entries, 128);
        ASSERT_EQ(bp->e820_table[127].addr, 0x100000000ull + 127 * 0x200000);
        ASSERT_EQ(bp->e820_table[127].type, E820_TYPE_RESERVED);
        sd = find_setup_data(buf, in.load_addr, size, SETUP_E820_EXT, NULL);
        ASSERT_TRUE(sd);
        ASSERT_EQ(sd->len, 72 * sizeof(struct boot_e820_entry));
        ext = (const struct boot_e820_entry *) sd->data;
        for (size_t i = 0; i < 72; i++) {
                ASSERT_EQ(ext[i].addr, m->e[128 + i].addr);
                ASSERT_EQ(ext[i].size, m->e[128 + i].size);
                ASSERT_EQ(ext[i].type, m->e[128 + i].type);
        }
        ASSERT_TRUE(!find_setup_data(buf, in.load_addr, size, SETUP_RNG_SEED, NULL));   /* no seed given */

        /* exactly 128: no record */
        free(buf);
        buf = NULL;
        m->n = 128;
        ASSERT_OK(boot_params_build(&in, &buf, &size));
        ASSERT_EQ(((const struct boot_params *) buf)->hdr.setup_data, 0);

        /* beyond the capture kernel's table */
        m->n = E820_MAP_MAX + 1;
        ASSERT_ERR(boot_params_size(&in, &size), E2BIG);
        /* a misaligned segment cannot hold aligned records */
        m->n = 10;
        in.load_addr = 0x1fff0008;
        ASSERT_ERR(boot_params_build(&in, &buf, &size), EINVAL);
}

TEST(efi_refusals) {
        _cleanup_free_ char *head = NULL, *running = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        _cleanup_(efi_runtime_freep) struct efi_runtime *e = NULL;
        struct boot_params *cur;
        struct boot_params_input in;
        size_t n, rn, size;

        ASSERT_OK(read_full_file(test_fixture("capture-kernel/vmlinuz-6.1.0-56-amd64.head"), &head, &n));
        ASSERT_OK(read_full_file(test_fixture(OVMF_TREE "/sys/kernel/boot_params/data"), &running, &rn));
        ASSERT_OK(efi_runtime_load(test_fixture(OVMF_TREE), &e));
        cur = (struct boot_params *) running;
        in = base_input((const uint8_t *) head, n);
        in.running = (const uint8_t *) running;
        in.running_size = rn;
        in.efi = e;

        ASSERT_OK(boot_params_build(&in, &buf, &size));
        ASSERT_EQ(((const struct boot_params *) buf)->efi_info.efi_memmap_size, 5 * 0x30);
        free(buf);
        buf = NULL;

        /* 32-bit firmware: bzImage64_probe() refuses too */
        memcpy(&cur->efi_info.efi_loader_signature, "EL32", 4);
        ASSERT_ERR(boot_params_build(&in, &buf, &size), EOPNOTSUPP);
        memcpy(&cur->efi_info.efi_loader_signature, "EL64", 4);
        /* a descriptor stride shorter than efi_memory_desc_t */
        cur->efi_info.efi_memdesc_size = 24;
        ASSERT_ERR(boot_params_build(&in, &buf, &size), EBADMSG);
        /* no memory map in the running efi_info: no EFI state, like
         * setup_efi_state() */
        cur->efi_info.efi_memdesc_size = 0x30;
        cur->efi_info.efi_memmap_size = 0;
        ASSERT_OK(boot_params_build(&in, &buf, &size));
        ASSERT_EQ(((const struct boot_params *) buf)->efi_info.efi_loader_signature, 0);
        ASSERT_EQ(((const struct boot_params *) buf)->hdr.setup_data, 0);
}

TEST_MAIN()
