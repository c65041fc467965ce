/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The arm64 classic loader's segments (arm64-classic.h) on any host, from a
 * fixture tree of a QEMU virt guest (Debian 6.1, 1 GiB at 0x40000000,
 * crashkernel=256M at 0x6fc00000): its /proc/iomem, VMCOREINFO and
 * crash_notes (tests/fixtures/capture-kernel/qemu-virt-arm64-1g), its
 * /sys/firmware/fdt (tests/fixtures/arm64-dtb/qemu-virt), a /proc/kcore
 * written here, and a small synthetic arm64 Image whose entry code records
 * x0..x3 and exits.  Checked as a user would: every segment in the
 * reservation, the Image 2 MiB-aligned plus text_offset, the tree's /chosen
 * pointing at the real segments, the purgatory's digest the SHA-256 of its
 * regions; and, where an aarch64 runner is given (ARM64_CLASSIC_RUN, with
 * ARM64_CLASSIC_QEMU off arm64), the real purgatory run over the segments
 * at their addresses, entering the Image with x0 = the tree, or refusing a
 * corrupted digest on the PL011.  Refusals come with a sentence. */
#include <elf.h>
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "capture-kernel/arm64-classic.h"
#include "capture-kernel/purgatory/sha256.h"
#include "tests.h"
#ifdef HAVE_PURGATORY_ARM64_BLOB
#include "capture-kernel/purgatory-arm64/purgatory-arm64-blob.h"
#endif

#define RES_START 0x6fc00000ull
#define RES_END 0x7fbfffffull
#define IMAGE_FILE_SIZE 0x10000u
#define IMAGE_SIZE 0x400000ull             /* image_size: with its bss */
#define FLAGS_LE_4K_ANYWHERE 0xaull
#define CMDLINE "console=ttyAMA0 reset_devices nr_cpus=1 systemd.unit=kdump-capture.target"
#define PL011 0x9000000ull

/* The purgatory: the embedded one where the arm64 compiler built it, else
 * a stand-in with the same kind of layout (placement and patching only). */
#ifdef HAVE_PURGATORY_ARM64_BLOB
#define PURG kdump_purgatory_arm64
#define PURG_SIZE kdump_purgatory_arm64_size
#define PURG_LAYOUT (&kdump_purgatory_arm64_layout)
#else
static const uint8_t fake_purgatory[8192];
static const struct purgatory_arm64_layout fake_layout = {
        .start = 0, .sha256_digest = 0x1000, .sha_regions = 0x1100, .kernel_entry = 0x1200, .dtb = 0x1208, .uart = 0x1210,
};
#define PURG fake_purgatory
#define PURG_SIZE sizeof(fake_purgatory)
#define PURG_LAYOUT (&fake_layout)
#endif

/* Entry code (b past the header; at 0x40: store x0..x3 at entry + 0x10000,
 * exit_group(42)); the header after it; a patterned body. */
static const char *write_image(const char *name, uint64_t text_offset, bool magic) {
        static const uint32_t code[] = { 0x1007fe09, 0xa9000520, 0xa9010d22, 0xd2800540, 0xd2800bc8, 0xd4000001 };
        _cleanup_free_ uint8_t *img = calloc(1, IMAGE_FILE_SIZE);
        uint64_t image_size = IMAGE_SIZE, flags = FLAGS_LE_4K_ANYWHERE;
        uint32_t b = 0x14000010, nop = 0xd503201f;

        ASSERT_TRUE(img);
        for (size_t i = 0x100; i < IMAGE_FILE_SIZE; i++)
                img[i] = (uint8_t) (i * 7 + 3);
        memcpy(img, &b, 4);
        memcpy(img + 4, &nop, 4);
        memcpy(img + 8, &text_offset, 8);
        memcpy(img + 16, &image_size, 8);
        memcpy(img + 24, &flags, 8);
        if (magic)
                memcpy(img + 0x38, "ARM\x64", 4);
        memcpy(img + 0x40, code, sizeof(code));
        ASSERT_OK(write_file_atomic(test_tmp(name), img, IMAGE_FILE_SIZE, 0644));
        return test_tmp(name);
}

static const char *write_initrd(void) {
        char buf[70000];

        for (size_t i = 0; i < sizeof(buf); i++)
                buf[i] = (char) (i * 13 + 1);
        ASSERT_OK(write_file_atomic(test_tmp("initrd.img"), buf, sizeof(buf), 0644));
        return test_tmp("initrd.img");
}

static Elf64_Phdr load(uint64_t vaddr, uint64_t paddr, uint64_t size) {
        return (Elf64_Phdr) { .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_vaddr = vaddr, .p_paddr = paddr,
                              .p_filesz = size, .p_memsz = size, .p_align = 4096 };
}

/* /proc/kcore's program headers as 6.1 writes them with nokaslr: notes,
 * text, vmalloc, modules, RAM (linear map), vmemmap. */
static void write_kcore(const char *path) {
        const Elf64_Phdr ph[] = {
                { .p_type = PT_NOTE, .p_offset = 0x1000, .p_filesz = 0x1c00 },
                load(0xffff800008000000ull, 0x40200000, 0x1c90000),
                load(0xffff800008000000ull, UINT64_MAX, 0xfffffbfff0000000ull - 0xffff800008000000ull),
                load(0xffff800000000000ull, UINT64_MAX, 0x8000000),
                load(0xffff000000000000ull, 0x40000000, 0x40000000),
                load(0xfffffc0000000000ull, UINT64_MAX, 0x1000000),
        };
        uint8_t buf[sizeof(Elf64_Ehdr) + sizeof(ph)] = {};
        Elf64_Ehdr *eh = (Elf64_Ehdr *) buf;

        memcpy(eh->e_ident, ELFMAG, SELFMAG);
        eh->e_ident[EI_CLASS] = ELFCLASS64;
        eh->e_ident[EI_DATA] = ELFDATA2LSB;
        eh->e_ident[EI_VERSION] = EV_CURRENT;
        eh->e_type = ET_CORE;
        eh->e_machine = EM_AARCH64;
        eh->e_version = EV_CURRENT;
        eh->e_phoff = sizeof(Elf64_Ehdr);
        eh->e_ehsize = sizeof(Elf64_Ehdr);
        eh->e_phentsize = sizeof(Elf64_Phdr);
        eh->e_phnum = ELEMENTSOF(ph);
        memcpy(buf + sizeof(Elf64_Ehdr), ph, sizeof(ph));
        ASSERT_OK(write_file_atomic(path, buf, sizeof(buf), 0400));
}

/* A root: the fixture's sys/kernel, sys/devices and firmware tree, this
 * iomem (NULL: the fixture's), a kcore unless !kcore. */
static const char *make_root(const char *name, const char *iomem, bool kcore, bool fdt) {
        static char root[8][4096];
        static unsigned k;
        char *r = root[k++ % 8], p[4096];

        snprintf(r, sizeof(root[0]), "%s", test_tmp(name));
        snprintf(p, sizeof(p), "%s/proc", r);
        ASSERT_OK(mkdir_p(p, 0755));
        snprintf(p, sizeof(p), "%s/sys/firmware", r);
        ASSERT_OK(mkdir_p(p, 0755));
        snprintf(p, sizeof(p), "%s/sys/kernel", r);
        ASSERT_OK(symlink(test_fixture("capture-kernel/qemu-virt-arm64-1g/sys/kernel"), p));
        snprintf(p, sizeof(p), "%s/sys/devices", r);
        ASSERT_OK(symlink(test_fixture("capture-kernel/qemu-virt-arm64-1g/sys/devices"), p));
        if (fdt) {
                snprintf(p, sizeof(p), "%s/sys/firmware/fdt", r);
                ASSERT_OK(symlink(test_fixture("arm64-dtb/qemu-virt/sys/firmware/fdt"), p));
        }
        snprintf(p, sizeof(p), "%s/proc/iomem", r);
        if (iomem)
                ASSERT_OK(write_file_atomic(p, iomem, strlen(iomem), 0444));
        else
                ASSERT_OK(symlink(test_fixture("capture-kernel/qemu-virt-arm64-1g/proc/iomem"), p));
        if (kcore) {
                snprintf(p, sizeof(p), "%s/proc/kcore", r);
                write_kcore(p);
        }
        return r;
}

static struct arm64_classic_opts opts(const char *root, const char *kernel, const char *initrd) {
        static const uint8_t seed[32] = { 7, 7, 7 };

        return (struct arm64_classic_opts) {
                .sz = sizeof(struct arm64_classic_opts), .kernel = kernel, .initrd = initrd, .cmdline = CMDLINE,
                .root = root, .rng_seed = seed, .rng_seed_size = sizeof(seed),
                .purgatory = PURG, .purgatory_size = PURG_SIZE, .purgatory_layout = PURG_LAYOUT,
        };
}

static const struct kexec_seg *seg(const arm64_classic *k, const char *name) {
        const struct kexec_seg_list *l = arm64_classic_segments(k);

        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->segs[i].name, name) == 0)
                        return &l->segs[i];
        TEST_FAIL("no segment %s", name);
}

static uint64_t le64(const uint8_t *p) {
        uint64_t v = 0;

        for (int i = 7; i >= 0; i--)
                v = (v << 8) | p[i];
        return v;
}

static uint64_t be_cells(const void *p, int i) {
        const fdt32_t *c = p;

        return (uint64_t) fdt32_ld(c + 2 * i) << 32 | fdt32_ld(c + 2 * i + 1);
}

static void check_placement(const arm64_classic *k, uint64_t text_offset, size_t n, uint64_t rs, uint64_t re) {
        const struct kexec_seg_list *l = arm64_classic_segments(k);
        const struct kexec_seg *kern = seg(k, "kernel"), *purg = seg(k, "purgatory");

        ASSERT_EQ(l->n, n);
        for (size_t i = 0; i < l->n; i++) {
                ASSERT_TRUE(l->segs[i].mem >= rs);
                ASSERT_TRUE(l->segs[i].mem + l->segs[i].memsz - 1 <= re);
                ASSERT_EQ(l->segs[i].mem % 4096, 0);
                ASSERT_EQ(l->segs[i].memsz % 4096, 0);
                ASSERT_TRUE(l->segs[i].bufsz <= l->segs[i].memsz);
                for (size_t j = 0; j < i; j++)
                        ASSERT_TRUE(l->segs[i].mem + l->segs[i].memsz <= l->segs[j].mem ||
                                    l->segs[j].mem + l->segs[j].memsz <= l->segs[i].mem);
        }
        /* booting.rst: text_offset past a 2 MiB-aligned base, image_size bytes */
        ASSERT_EQ(kern->mem, ALIGN_UP(rs, 2u << 20) + text_offset);
        ASSERT_EQ((kern->mem - text_offset) % (2u << 20), 0);
        ASSERT_EQ(kern->memsz, IMAGE_SIZE);
        ASSERT_EQ(kern->bufsz, IMAGE_FILE_SIZE);
        ASSERT_EQ(arm64_classic_layout(k)->kernel, kern->mem);
        ASSERT_EQ(arm64_classic_entry(k), purg->mem + PURG_LAYOUT->start);
        ASSERT_STREQ(arm64_classic_cmdline(k), CMDLINE);
}

/* /chosen as the capture kernel reads it: <addr size> pairs in the root's
 * 2/2 cells, u64 initrd bounds, bootargs without elfcorehdr=. */
static void check_dtb(const arm64_classic *k, bool initrd) {
        const struct kexec_seg *d = seg(k, "dtb"), *h = seg(k, "elfcorehdr");
        const void *fdt = d->buf;
        const void *p;
        int chosen, len;
        bool rsv = false;

        ASSERT_OK(fdt_check_full(fdt, d->bufsz));
        ASSERT_EQ(arm64_classic_layout(k)->dtb, d->mem);
        chosen = fdt_path_offset(fdt, "/chosen");
        ASSERT_TRUE(chosen >= 0);
        ASSERT_TRUE((p = fdt_getprop(fdt, chosen, "linux,elfcorehdr", &len)) && len == 16);
        ASSERT_EQ(be_cells(p, 0), h->mem);
        ASSERT_EQ(be_cells(p, 1), h->bufsz);
        ASSERT_TRUE((p = fdt_getprop(fdt, chosen, "linux,usable-memory-range", &len)) && len >= 16);
        ASSERT_EQ(be_cells(p, 0), arm64_classic_layout(k)->res_start);
        ASSERT_EQ(be_cells(p, 1), arm64_classic_layout(k)->res_end - arm64_classic_layout(k)->res_start + 1);
        ASSERT_EQ(len, arm64_classic_layout(k)->low_end ? 32 : 16);
        ASSERT_STREQ(fdt_getprop(fdt, chosen, "bootargs", NULL), CMDLINE);
        for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
                uint64_t a, s;

                ASSERT_OK(fdt_get_mem_rsv(fdt, i, &a, &s));
                rsv = rsv || (a == h->mem && s == h->bufsz);
        }
        ASSERT_TRUE(!rsv);      /* the capture kernel reserves it itself */
        p = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
        if (!initrd) {
                ASSERT_TRUE(!p);
                return;
        }
        ASSERT_TRUE(p && len == 8);
        ASSERT_EQ(fdt64_ld(p), seg(k, "initrd")->mem);
        ASSERT_TRUE((p = fdt_getprop(fdt, chosen, "linux,initrd-end", &len)) && len == 8);
        ASSERT_EQ(fdt64_ld(p), seg(k, "initrd")->mem + seg(k, "initrd")->bufsz);
}

static void check_elfcorehdr(const arm64_classic *k) {
        const Elf64_Ehdr *eh = seg(k, "elfcorehdr")->buf;

        ASSERT_TRUE(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
        ASSERT_EQ(eh->e_machine, EM_AARCH64);
        ASSERT_EQ(eh->e_phnum, 6);       /* 2 CPUs, VMCOREINFO, text, RAM below and above the reservation */
}

/* The digest is the SHA-256 of the regions as loaded (buffer, then zeros to
 * memsz), the regions are every other segment. */
static void check_purgatory(const arm64_classic *k, bool corrupt) {
        const struct purgatory_arm64_layout *L = PURG_LAYOUT;
        const uint8_t *purg = seg(k, "purgatory")->buf;
        const struct kexec_seg_list *l = arm64_classic_segments(k);
        static const uint8_t zero[4096];
        uint8_t digest[SHA256_DIGEST_SIZE];
        struct sha256_ctx c;
        size_t nr = 0;

        sha256_init(&c);
        for (; nr < PURGATORY_MAX_REGIONS; nr++) {
                const uint8_t *r = purg + L->sha_regions + nr * 16;
                const struct kexec_seg *s = NULL;

                if (le64(r + 8) == 0)
                        break;
                for (size_t i = 0; i < l->n; i++)
                        if (l->segs[i].mem == le64(r) && l->segs[i].memsz == le64(r + 8))
                                s = &l->segs[i];
                ASSERT_TRUE(s && strcmp(s->name, "purgatory") != 0);
                sha256_update(&c, s->buf, s->bufsz);
                for (uint64_t pad = s->memsz - s->bufsz; pad > 0; pad -= MIN(pad, sizeof(zero)))
                        sha256_update(&c, zero, MIN(pad, sizeof(zero)));
        }
        sha256_final(&c, digest);
        ASSERT_EQ(nr, l->n - 1);
        ASSERT_EQ(memcmp(digest, purg + L->sha256_digest, sizeof(digest)) == 0, !corrupt);
        ASSERT_EQ(le64(purg + L->kernel_entry), seg(k, "kernel")->mem);
        ASSERT_EQ(le64(purg + L->dtb), seg(k, "dtb")->mem);
        ASSERT_EQ(le64(purg + L->uart), PL011);
        ASSERT_EQ(arm64_classic_layout(k)->uart, PL011);
        /* the rest of the image as built */
        ASSERT_TRUE(memcmp(purg, PURG, L->sha256_digest) == 0);
}

/* The segments for the aarch64 runner: "KDA64SEG", entry, dtb, uart,
 * kernel, n (u64 each), then per segment mem, memsz, bufsz and the bytes. */
static const char *dump_segments(const arm64_classic *k, const char *name) {
        const struct kexec_seg_list *l = arm64_classic_segments(k);
        const struct arm64_classic_layout *a = arm64_classic_layout(k);
        uint64_t head[5] = { arm64_classic_entry(k), a->dtb, a->uart, a->kernel, l->n };
        FILE *f = fopen(test_tmp(name), "we");

        ASSERT_TRUE(f);
        ASSERT_EQ(fwrite("KDA64SEG", 1, 8, f), 8);
        ASSERT_EQ(fwrite(head, 8, 5, f), 5);
        for (size_t i = 0; i < l->n; i++) {
                uint64_t s[3] = { l->segs[i].mem, l->segs[i].memsz, l->segs[i].bufsz };

                ASSERT_EQ(fwrite(s, 8, 3, f), 3);
                ASSERT_EQ(fwrite(l->segs[i].buf, 1, l->segs[i].bufsz, f), l->segs[i].bufsz);
        }
        ASSERT_EQ(fclose(f), 0);
        return test_tmp(name);
}

/* The runner's exit status (see test-arm64-classic-run.c), or -1 when
 * there is no runner here. */
static int run_purgatory(const arm64_classic *k, const char *name, const char *mode) {
        const char *runner = getenv("ARM64_CLASSIC_RUN"), *qemu = getenv("ARM64_CLASSIC_QEMU");
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        const char *argv[5];
        size_t n = 0;

        if (!runner || !*runner)
                return -1;
        if (qemu && *qemu)
                argv[n++] = qemu;
        argv[n++] = runner;
        argv[n++] = dump_segments(k, name);
        argv[n++] = mode;
        argv[n] = NULL;
        ASSERT_OK(spawn_capture((char *const *) argv, &(struct spawn_opts) {
                        .sz = sizeof(struct spawn_opts), .stdout_fd = -1, .timeout_ms = 100000 }, &res));
        if (res.err && *res.err)
                printf("# runner: %s", res.err);
        return res.timed_out ? -2 : res.status;
}

/* 0: the runner's verdict was `want`; prints why a run was skipped. */
static void expect_run(const arm64_classic *k, const char *name, const char *mode, int want) {
        int st = run_purgatory(k, name, mode);

        if (st == -1) {
                printf("# no aarch64 runner (ARM64_CLASSIC_RUN): the purgatory is not run\n");
                return;
        }
        if (st == 77) {
                printf("# the runner could not map the reservation's addresses: not run\n");
                return;
        }
        ASSERT_EQ(st, want);
}

TEST(qemu_virt_with_initrd) {
        _cleanup_(arm64_classic_freep) arm64_classic *k = NULL;
        _cleanup_free_ char *err = NULL;
        struct arm64_classic_opts o = opts(make_root("virt", NULL, true, true), write_image("Image", 0, true), write_initrd());

        ASSERT_OK(arm64_classic_prepare(&o, &k, &err));
        ASSERT_TRUE(!err);
        check_placement(k, 0, 5, RES_START, RES_END);
        check_dtb(k, true);
        check_elfcorehdr(k);
        check_purgatory(k, false);
        /* 0: entered the Image with x0 = the tree, x1..x3 = 0 */
        expect_run(k, "virt.segs", "match", 0);
}

TEST(text_offset_without_initrd) {
        _cleanup_(arm64_classic_freep) arm64_classic *k = NULL;
        struct arm64_classic_opts o = opts(make_root("virt-to", NULL, true, true), write_image("Image-to", 0x80000, true), NULL);

        ASSERT_OK(arm64_classic_prepare(&o, &k, NULL));
        check_placement(k, 0x80000, 4, RES_START, RES_END);
        check_dtb(k, false);
        check_purgatory(k, false);
        expect_run(k, "virt-to.segs", "match", 0);
}

TEST(corrupt_digest_stops_in_purgatory) {
        _cleanup_(arm64_classic_freep) arm64_classic *k = NULL;
        struct arm64_classic_opts o = opts(make_root("virt-bad", NULL, true, true), write_image("Image-bad", 0, true),
                                           write_initrd());

        o.corrupt_digest = true;
        ASSERT_OK(arm64_classic_prepare(&o, &k, NULL));
        check_purgatory(k, true);
        /* 4: still waiting after its message ended on the PL011 */
        expect_run(k, "virt-bad.segs", "mismatch", 4);
}

TEST(high_and_low_reservations) {
        static const char iomem[] =
                "09000000-09000fff : pl011@9000000\n"
                "40000000-13fffffff : System RAM\n"
                "  40210000-4168ffff : Kernel code\n"
                "  41a60000-41e8ffff : Kernel data\n"
                "  6fc00000-7fbfffff : Crash kernel\n"
                "  100100000-1100fffff : Crash kernel\n";
        _cleanup_(arm64_classic_freep) arm64_classic *k = NULL;
        struct arm64_classic_opts o = opts(make_root("highlow", iomem, true, true), write_image("Image-hl", 0, true),
                                           write_initrd());
        const void *p, *fdt;
        int len;

        ASSERT_OK(arm64_classic_prepare(&o, &k, NULL));
        /* crashk_res is the high one: everything there, the Image at its
         * first 2 MiB boundary */
        check_placement(k, 0, 5, 0x100100000ull, 0x1100fffffull);
        ASSERT_EQ(seg(k, "kernel")->mem, 0x100200000ull);
        check_dtb(k, true);
        fdt = seg(k, "dtb")->buf;
        p = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "linux,usable-memory-range", &len);
        ASSERT_EQ(len, 32);
        ASSERT_EQ(be_cells(p, 2), RES_START);
        ASSERT_EQ(be_cells(p, 3), RES_END - RES_START + 1);
        check_purgatory(k, false);
}

static void refused(const struct arm64_classic_opts *o, int error, const char *msg) {
        _cleanup_(arm64_classic_freep) arm64_classic *k = NULL;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(arm64_classic_prepare(o, &k, &err), error);
        ASSERT_TRUE(!k);
        ASSERT_CONTAINS(err, msg);
        printf("# %s\n", err);
}

TEST(no_reservation) {
        static const char iomem[] = "40000000-7fffffff : System RAM\n  40210000-4168ffff : Kernel code\n";
        struct arm64_classic_opts o = opts(make_root("nores", iomem, true, true), write_image("Image-nr", 0, true), NULL);

        refused(&o, EADDRNOTAVAIL, "/proc/iomem has no \"Crash kernel\" range");
}

TEST(reservation_too_small) {
        static const char iomem[] = "40000000-7fffffff : System RAM\n  6fc00000-6fdfffff : Crash kernel\n";
        struct arm64_classic_opts o = opts(make_root("small", iomem, true, true), write_image("Image-sm", 0, true), NULL);

        refused(&o, EADDRNOTAVAIL, "The crash reservation 0x6fc00000-0x6fdfffff (2.0 MiB) has no room for the kernel Image");
}

TEST(reservation_full_after_image) {
        static const char iomem[] = "40000000-7fffffff : System RAM\n  6fc00000-6fffffff : Crash kernel\n";
        struct arm64_classic_opts o = opts(make_root("full", iomem, true, true), write_image("Image-full", 0, true), NULL);

        refused(&o, EADDRNOTAVAIL, "has no room for the ELF core header");
}

TEST(image_without_magic) {
        struct arm64_classic_opts o = opts(make_root("nomagic", NULL, true, true), write_image("Image-nm", 0, false), NULL);

        refused(&o, ENOEXEC, "Image-nm is not an arm64 Image, Image.gz or EFI zboot image");
}

TEST(no_kcore) {
        struct arm64_classic_opts o = opts(make_root("nokcore", NULL, false, true), write_image("Image-nk", 0, true), NULL);

        refused(&o, ENOENT, "CONFIG_PROC_KCORE");
}

TEST(no_device_tree) {
        struct arm64_classic_opts o = opts(make_root("nofdt", NULL, true, false), write_image("Image-nf", 0, true), NULL);

        refused(&o, ENOENT, "/sys/firmware/fdt is missing");
}

TEST(command_line_too_long) {
        struct arm64_classic_opts o = opts(make_root("longcmd", NULL, true, true), write_image("Image-lc", 0, true), NULL);
        char cmd[ARM64_COMMAND_LINE_SIZE + 1];

        memset(cmd, 'x', sizeof(cmd) - 1);
        cmd[sizeof(cmd) - 1] = 0;
        o.cmdline = cmd;
        refused(&o, E2BIG, "an arm64 kernel takes at most 2047");
}

TEST(missing_initrd) {
        struct arm64_classic_opts o = opts(make_root("noinitrd", NULL, true, true), write_image("Image-ni", 0, true),
                                           "/nonexistent/initrd.img");

        refused(&o, ENOENT, "Failed to read the initramfs /nonexistent/initrd.img");
}

TEST_MAIN()
