/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>

#include <asm/bootparam.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/e820.h"
#include "capture-kernel/boot-params.h"
#include "capture-kernel/kexec-classic.h"
#include "capture-kernel/purgatory-load.h"
#include "capture-kernel/purgatory/purgatory-abi.h"
#include "capture-kernel/purgatory/sha256.h"
#include "notes/elfcorehdr.h"
#include "tests.h"
#include "classic-fixtures.h"


static const char *forge_initrd(size_t size) {
        _cleanup_free_ char *b = calloc(1, size);
        for (size_t i = 0; i < size; i++)
                b[i] = (char) (i ^ 0x5a);
        ASSERT_OK(write_file_atomic(test_tmp("initrd"), b, size, 0644));
        return test_tmp("initrd");
}

static void e820_has(const struct boot_params *bp, uint64_t addr, uint64_t size, uint32_t type) {
        for (unsigned i = 0; i < bp->e820_entries; i++)
                if (bp->e820_table[i].addr == addr && bp->e820_table[i].size == size && bp->e820_table[i].type == type)
                        return;
        TEST_FAIL("no e820 entry 0x%llx+0x%llx type %u", (unsigned long long) addr, (unsigned long long) size, type);
}

/* The whole plan for the QEMU guest the VM test boots: 1 GiB, crashkernel=256M. */
TEST(qemu_guest_plan) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        _cleanup_free_ char *err = NULL, *root = NULL;
        const struct kexec_seg *kern, *ird, *hdr, *bps, *purg;
        const struct kexec_seg_list *l;
        const struct boot_params *bp;
        uint8_t digest[SHA256_DIGEST_SIZE], stored[SHA256_DIGEST_SIZE];
        struct purgatory_region regions[PURGATORY_MAX_REGIONS];
        uint64_t rip, rsi;
        char expect[64];
        int r;

        root = strdup(test_fixture("capture-kernel/qemu-pc-1g"));
        r = kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .initrd = forge_initrd(3000001),
                        .cmdline = "console=ttyS0 irqpoll nr_cpus=1 reset_devices", .root = root,
                }, &k, &err);
        if (r < 0)
                TEST_FAIL("prepare: %s", err);
        l = kexec_classic_segments(k);
        ASSERT_EQ(l->n, 5);
        ASSERT_OK(kexec_seg_check(l->segs, l->n, 0x10000000, 0x1fffffff, kexec_classic_entry(k), NULL));

        kern = seg(k, "kernel");
        ASSERT_EQ(kern->memsz, 0x3f98000);                    /* init_size, page-aligned */
        ASSERT_EQ(kern->bufsz, DEBIAN_VMLINUZ_SIZE - 40 * 512);
        ASSERT_EQ(kern->mem % 0x200000, 0);
        ird = seg(k, "initrd");
        ASSERT_EQ(ird->bufsz, 3000001);
        hdr = seg(k, "elfcorehdr");
        bps = seg(k, "boot_params");
        purg = seg(k, "purgatory");
        ASSERT_TRUE(kexec_classic_entry(k) >= purg->mem && kexec_classic_entry(k) < purg->mem + purg->memsz);

        snprintf(expect, sizeof(expect), "elfcorehdr=0x%llx console=ttyS0", (unsigned long long) hdr->mem);
        ASSERT_TRUE(string_has_prefix(kexec_classic_cmdline(k), expect));

        /* boot_params points at everything else. */
        bp = bps->buf;
        ASSERT_EQ(bp->hdr.version, 0x020f);
        ASSERT_EQ(bp->hdr.type_of_loader, 0xd0);
        ASSERT_EQ(bp->hdr.cmd_line_ptr, bps->mem + 4096);
        ASSERT_STREQ((const char *) bps->buf + 4096, kexec_classic_cmdline(k));
        ASSERT_EQ(bp->hdr.ramdisk_image, ird->mem);
        ASSERT_EQ(bp->hdr.ramdisk_size, 3000001);
        ASSERT_EQ(bp->hdr.init_size, 0x3f98000);
        ASSERT_EQ(bp->sentinel, 0);
        /* the memory map: low RAM, the reservation minus the header, firmware ranges */
        e820_has(bp, 0x1000, 0x9f000 - 0x1000 + 0xc00, E820_TYPE_RAM);
        e820_has(bp, 0x3ffdf000, 0x21000, E820_TYPE_RESERVED);
        e820_has(bp, 0x10000000, hdr->mem - 0x10000000, E820_TYPE_RAM);
        for (unsigned i = 0; i < bp->e820_entries; i++)
                if (bp->e820_table[i].type == E820_TYPE_RAM)
                        ASSERT_TRUE(bp->e820_table[i].addr >= hdr->mem + hdr->memsz ||
                                    bp->e820_table[i].addr + bp->e820_table[i].size <= hdr->mem);

        /* The purgatory enters the kernel at +0x200 with %rsi = boot_params
         * and checks a digest that matches the segments as loaded. */
        {
                _cleanup_(purgatory_freep) purgatory *p = NULL;
                struct sha256_ctx c;
                static const uint8_t zero[1];
                size_t nr = 0;

                /* read the variables back out of the relocated image */
                ASSERT_OK(purgatory_new(kdump_purgatory, kdump_purgatory_size, &p));
                memcpy((void *) purgatory_image(p), purg->buf, purgatory_size(p));
                ASSERT_OK(purgatory_get_symbol(p, "purgatory_entry_rip", &rip, 8));
                ASSERT_OK(purgatory_get_symbol(p, "purgatory_entry_rsi", &rsi, 8));
                ASSERT_OK(purgatory_get_symbol(p, "purgatory_sha256_digest", stored, sizeof(stored)));
                ASSERT_OK(purgatory_get_symbol(p, "purgatory_sha_regions", regions, sizeof(regions)));
                ASSERT_EQ(rip, kern->mem + 0x200);
                ASSERT_EQ(rsi, bps->mem);

                sha256_init(&c);
                for (unsigned i = 0; i < PURGATORY_MAX_REGIONS && regions[i].len; i++, nr++) {
                        const struct kexec_seg *s = NULL;
                        for (size_t j = 0; j < l->n; j++)
                                if (l->segs[j].mem == regions[i].start)
                                        s = &l->segs[j];
                        ASSERT_TRUE(s && s != purg);
                        ASSERT_EQ(regions[i].len, s->memsz);
                        sha256_update(&c, s->buf, s->bufsz);
                        for (uint64_t z = s->bufsz; z < s->memsz; z++)
                                sha256_update(&c, zero, 1);
                }
                sha256_final(&c, digest);
                ASSERT_EQ(nr, 4);
                ASSERT_TRUE(memcmp(digest, stored, sizeof(digest)) == 0);
        }
}

TEST(corrupt_digest_hook) {
        _cleanup_(kexec_classic_freep) kexec_classic *a = NULL, *b = NULL;
        const char *root = test_fixture("capture-kernel/qemu-pc-1g");
        const struct kexec_seg *pa, *pb;
        _cleanup_(purgatory_freep) purgatory *p = NULL, *q = NULL;
        uint8_t da[32], db[32];

        ASSERT_OK(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .cmdline = "x", .root = root,
                }, &a, NULL));
        ASSERT_OK(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .cmdline = "x", .root = root,
                        .corrupt_digest = true,
                }, &b, NULL));
        pa = seg(a, "purgatory");
        pb = seg(b, "purgatory");
        ASSERT_OK(purgatory_new(kdump_purgatory, kdump_purgatory_size, &p));
        ASSERT_OK(purgatory_new(kdump_purgatory, kdump_purgatory_size, &q));
        memcpy((void *) purgatory_image(p), pa->buf, purgatory_size(p));
        memcpy((void *) purgatory_image(q), pb->buf, purgatory_size(q));
        ASSERT_OK(purgatory_get_symbol(p, "purgatory_sha256_digest", da, 32));
        ASSERT_OK(purgatory_get_symbol(q, "purgatory_sha256_digest", db, 32));
        ASSERT_TRUE(memcmp(da, db, 32) != 0);
}

/* crashkernel=512M,high: segments go to the high range; the low one is
 * handed over as RAM and cut out of the dump. */
TEST(server_high_reservation) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        _cleanup_free_ char *err = NULL;
        const struct kexec_seg_list *l;
        const struct boot_params *bp;

        ASSERT_OK(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .initrd = forge_initrd(20 << 20),
                        .cmdline = "console=tty0", .root = test_fixture("capture-kernel/server-64g-high"),
                }, &k, &err));
        l = kexec_classic_segments(k);
        for (size_t i = 0; i < l->n; i++)
                ASSERT_TRUE(l->segs[i].mem >= 0x1020000000ull && l->segs[i].mem + l->segs[i].memsz <= 0x1040000000ull);
        bp = seg(k, "boot_params")->buf;
        e820_has(bp, 0x4f000000, 0x10000000, E820_TYPE_RAM);
        e820_has(bp, 0x6f3df000, 0x20000, E820_TYPE_ACPI);
        e820_has(bp, 0x6f3ff000, 0x400000, E820_TYPE_NVS);
        e820_has(bp, 0x70000000, 0x10000000, E820_TYPE_RESERVED);
        ASSERT_EQ(bp->acpi_rsdp_addr, 0x6f3fe014);           /* carried over from the running boot_params */
        ASSERT_EQ(bp->ext_ramdisk_image, 0x10);               /* initrd above 4 GiB */
        ASSERT_EQ((uint64_t) bp->ext_cmd_line_ptr << 32 | bp->hdr.cmd_line_ptr, seg(k, "boot_params")->mem + 4096);
}

TEST(errors_in_words) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        _cleanup_free_ char *err = NULL, *longline = NULL;

        /* not a kernel */
        ASSERT_OK(write_file_atomic(test_tmp("notakernel"), "hello", 5, 0644));
        ASSERT_ERR(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = test_tmp("notakernel"), .cmdline = "",
                        .root = test_fixture("capture-kernel/qemu-pc-1g"),
                }, &k, &err), ENOEXEC);
        ASSERT_CONTAINS(err, "not a 64-bit bzImage");

        /* an initramfs too large for a 192 MiB reservation */
        ASSERT_ERR(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .initrd = forge_initrd(130 << 20),
                        .cmdline = "", .root = test_fixture("capture-kernel/cloud-vm-4g-nokcore"),
                }, &k, &err), EADDRNOTAVAIL);
        ASSERT_CONTAINS(err, "has no room");

        /* a command line longer than the kernel's cmdline_size (2047) */
        longline = malloc(2100);
        memset(longline, 'a', 2099);
        longline[2099] = 0;
        ASSERT_ERR(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .cmdline = longline,
                        .root = test_fixture("capture-kernel/qemu-pc-1g"),
                }, &k, &err), E2BIG);
        ASSERT_CONTAINS(err, "command line");

        /* no reservation */
        ASSERT_OK(mkdir_p(test_tmp("noreserve/proc"), 0755));
        ASSERT_OK(write_file_atomic(test_tmp("noreserve/proc/iomem"), "00001000-0009ffff : System RAM\n", 31, 0644));
        ASSERT_ERR(kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts), .kernel = forge_kernel(), .cmdline = "",
                        .root = test_tmp("noreserve"),
                }, &k, &err), EADDRNOTAVAIL);
        ASSERT_CONTAINS(err, "no \"Crash kernel\" range");
}

TEST_MAIN()
