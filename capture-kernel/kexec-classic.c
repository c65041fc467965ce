/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <linux/kexec.h>

#include "basic/fileio.h"
#include "basic/error-message.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/boot-params.h"
#include "capture-kernel/bzimage.h"
#include "capture-kernel/e820.h"
#include "capture-kernel/efi-runtime.h"
#include "capture-kernel/kexec-classic.h"
#include "capture-kernel/kexec-syscall.h"
#include "capture-kernel/purgatory-load.h"
#include "capture-kernel/purgatory/purgatory-abi.h"
#include "capture-kernel/purgatory/sha256.h"
#include "notes/elfcorehdr.h"

/* Lowest addresses, as kexec-bzimage64.c and kexec-tools keep them. */
#define MIN_KERNEL_LOAD_ADDR 0x100000ull
#define MIN_INITRD_LOAD_ADDR 0x1000000ull
#define MIN_BOOTPARAM_ADDR 0x3000ull

struct kexec_classic {
        const char *kernel_data;     /* mapped (map_file()) */
        size_t kernel_size;
        const char *initrd_data;
        size_t initrd_size;
        void *hdr;                    /* ELF core header */
        size_t hdr_size;
        uint8_t *bp;                  /* boot_params + command line + EFI map + setup_data */
        size_t bp_size;
        purgatory *purg;
        char *cmdline;
        struct kexec_seg_list segs;
        uint64_t entry;

        /* what the steps of kexec_classic_prepare() hand on */
        struct bzimage_info bz;
        uint64_t res_start, res_end, low_start, low_end;   /* crashk_res, crashk_low_res */
        uint64_t kernel_addr, initrd_addr, hdr_addr, bp_addr;
};

kexec_classic *kexec_classic_free(kexec_classic *k) {
        if (!k)
                return NULL;
        if (k->kernel_data)
                (void) munmap((void *) k->kernel_data, k->kernel_size);
        if (k->initrd_data)
                (void) munmap((void *) k->initrd_data, k->initrd_size);
        free(k->hdr);
        free(k->bp);
        purgatory_free(k->purg);
        free(k->cmdline);
        free(k);
        return NULL;
}

const struct kexec_seg_list *kexec_classic_segments(const kexec_classic *k) {
        return &k->segs;
}

uint64_t kexec_classic_entry(const kexec_classic *k) {
        return k->entry;
}

const char *kexec_classic_cmdline(const kexec_classic *k) {
        return k->cmdline;
}

/* 5-level paging is on when the user address space reaches above 47 bits:
 * only then can a mapping be placed there. */
static bool la57_enabled(void) {
        void *hint = (void *) (1ull << 48), *p;

        p = mmap(hint, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == MAP_FAILED)
                return false;
        (void) munmap(p, 4096);
        return p == hint;
}

static int hash_segments(kexec_classic *k, bool corrupt, char **ret_error) {
        struct purgatory_region regions[PURGATORY_MAX_REGIONS] = {};
        struct kexec_seg_region seg_regions[PURGATORY_MAX_REGIONS];
        uint8_t digest[SHA256_DIGEST_SIZE];
        size_t nr;
        int r;

        r = kexec_seg_list_digest(&k->segs, purgatory_image(k->purg), digest, seg_regions, ELEMENTSOF(seg_regions), &nr);
        if (r < 0)
                return set_error_message(ret_error, r, "More segments than the purgatory can check (%u).",
                                         PURGATORY_MAX_REGIONS);
        for (size_t i = 0; i < nr; i++)
                regions[i] = (struct purgatory_region) { .start = seg_regions[i].start, .len = seg_regions[i].len };
        if (corrupt)
                digest[0] ^= 0xff;

        r = purgatory_set_symbol(k->purg, "purgatory_sha256_digest", digest, sizeof(digest));
        if (r >= 0)
                r = purgatory_set_symbol(k->purg, "purgatory_sha_regions", regions, sizeof(regions));
        if (r < 0)
                return set_error_message(ret_error, r, "The built-in purgatory lacks its digest variables (%s).", strerror(-r));
        return 0;
}

static uint16_t serial_port_for(const char *cmdline) {
        /* Report a digest mismatch where the user looks: the legacy port of
         * the serial console, if the capture kernel logs to one. */
        static const struct { const char *name; uint16_t port; } ports[] = {
                { "console=ttyS0", 0x3f8 }, { "console=ttyS1", 0x2f8 },
                { "console=ttyS2", 0x3e8 }, { "console=ttyS3", 0x2e8 },
        };
        for (size_t i = 0; i < ELEMENTSOF(ports); i++)
                if (strstr(cmdline, ports[i].name))
                        return ports[i].port;
        return 0;
}

/* The kernel: a relocatable 64-bit bzImage the purgatory can enter at
 * +0x200 (bzImage64_probe()'s conditions); and the initramfs. */
static int read_images(kexec_classic *k, const struct kexec_classic_opts *opts, char **ret_error) {
        int r;

        r = map_file(opts->kernel, (const void **) &k->kernel_data, &k->kernel_size);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to read the kernel %s: %s.", opts->kernel, strerror(-r));
        r = bzimage_parse(k->kernel_data, k->kernel_size, k->kernel_size, &k->bz);
        if (r < 0)
                return set_error_message(ret_error, -ENOEXEC,
                            "%s is not a 64-bit bzImage with boot protocol 2.12 or newer; the classic loader cannot enter it.",
                            opts->kernel);
        if (!(k->bz.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
                return set_error_message(ret_error, -ENOEXEC, "%s does not declare XLF_CAN_BE_LOADED_ABOVE_4G.", opts->kernel);
        if (!(k->bz.xloadflags & XLF_5LEVEL) && la57_enabled())
                return set_error_message(ret_error, -ENOEXEC,
                            "This machine runs with 5-level paging and %s cannot be entered in it (no XLF_5LEVEL).",
                            opts->kernel);
        if (!(k->kernel_data[0x211] & 1))   /* loadflags LOADED_HIGH */
                return set_error_message(ret_error, -ENOEXEC, "%s is a zImage, not a bzImage.", opts->kernel);

        if (opts->initrd) {
                r = map_file(opts->initrd, (const void **) &k->initrd_data, &k->initrd_size);
                if (r < 0)
                        return set_error_message(ret_error, r, "Failed to read the initramfs %s: %s.", opts->initrd, strerror(-r));
        }
        return 0;
}

/* crashk_res (and crashk_low_res) from /proc/iomem, kept for the memory map;
 * the ELF core header that describes the memory to dump. */
static int read_machine(kexec_classic *k, const char *root, iomem **ret_iomem, char **ret_error) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        struct elfcorehdr_info info = {};
        char p[4096];
        int r;

        snprintf(p, sizeof(p), "%s/proc/iomem", root);
        r = iomem_load(p, &m);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to read %s: %s.", p, strerror(-r));
        r = crash_ranges_from_iomem(m, &k->res_start, &k->res_end, &k->low_start, &k->low_end);
        if (r < 0)
                return set_error_message(ret_error, r, "%s lists more than two \"Crash kernel\" ranges.", p);
        if (r == 0)
                return set_error_message(ret_error, -EADDRNOTAVAIL, "%s has no \"Crash kernel\" range: nothing is reserved.", p);

        r = elfcorehdr_collect(root, &info);
        if (r < 0)
                return set_error_message(ret_error, r,
                            "Failed to gather the crash notes, VMCOREINFO and memory ranges from %s/sys and %s/proc: %s.",
                            root, root, strerror(-r));
        r = elfcorehdr_build(&info, &k->hdr, &k->hdr_size);
        elfcorehdr_info_done(&info);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to build the ELF core header: %s.", strerror(-r));
        *ret_iomem = TAKE_PTR(m);
        return 0;
}

/* A segment did not fit: the reservation and about what it takes. */
static int no_room(const kexec_classic *k, int r, char **ret_error) {
        char b1[32], b2[32];
        uint64_t need = ALIGN_UP(k->bz.init_size, 1ull << 21) + ALIGN_UP(k->initrd_size, KEXEC_PAGE_SIZE) + (1ull << 20);

        if (r != -ENOSPC)
                return set_error_message(ret_error, r, "Failed to place a segment in the crash reservation: %s.",
                                         strerror(-r));
        return set_error_message(ret_error, -EADDRNOTAVAIL,
                    "The crash reservation 0x%llx-0x%llx (%s) has no room for the segments (about %s).",
                    (unsigned long long) k->res_start, (unsigned long long) k->res_end,
                    format_bytes(b1, sizeof(b1), k->res_end - k->res_start + 1), format_bytes(b2, sizeof(b2), need));
}

/* Top-down in crashk_res: the kernel first (the largest, at its
 * alignment), then the initrd and the ELF core header; the command line
 * then names the header. */
static int place_images(kexec_classic *k, const struct kexec_classic_opts *opts, char **ret_error) {
        const struct bzimage_info *bz = &k->bz;
        int r;

        kexec_seg_list_init(&k->segs, k->res_start, k->res_end);
        r = kexec_seg_add(&k->segs, "kernel", k->kernel_data + bz->setup_size, bz->payload_size,
                          ALIGN_UP(bz->init_size, KEXEC_PAGE_SIZE), MAX(bz->kernel_alignment, KEXEC_PAGE_SIZE),
                          MAX(bz->pref_address, MIN_KERNEL_LOAD_ADDR), &k->kernel_addr);
        if (r == -ENOSPC)
                /* pref_address only matters for where it would run without
                 * relocation; anywhere aligned will do. */
                r = kexec_seg_add(&k->segs, "kernel", k->kernel_data + bz->setup_size, bz->payload_size,
                                  ALIGN_UP(bz->init_size, KEXEC_PAGE_SIZE), MAX(bz->kernel_alignment, KEXEC_PAGE_SIZE),
                                  MIN_KERNEL_LOAD_ADDR, &k->kernel_addr);
        if (r >= 0 && k->initrd_data)
                r = kexec_seg_add(&k->segs, "initrd", k->initrd_data, k->initrd_size, k->initrd_size, KEXEC_PAGE_SIZE,
                                  MIN_INITRD_LOAD_ADDR, &k->initrd_addr);
        if (r >= 0)
                r = kexec_seg_add(&k->segs, "elfcorehdr", k->hdr, k->hdr_size, k->hdr_size, KEXEC_PAGE_SIZE, 0,
                                  &k->hdr_addr);
        if (r < 0)
                return no_room(k, r, ret_error);
        if (asprintf(&k->cmdline, "elfcorehdr=0x%llx %s", (unsigned long long) k->hdr_addr, opts->cmdline) < 0)
                return -ENOMEM;
        return 0;
}

/* What boot_params is made from: the memory map (it does not depend on
 * where boot_params goes, but boot_params' size depends on it:
 * SETUP_E820_EXT past 128 entries), the running boot_params, the EFI
 * runtime map.  bpi points into *ret_e820, *ret_running and *ret_efi. */
static int boot_params_inputs(kexec_classic *k, const char *root, const iomem *m, struct e820_map **ret_e820,
                              char **ret_running, struct efi_runtime **ret_efi, struct boot_params_input *bpi,
                              char **ret_error) {
        _cleanup_free_ struct e820_map *e820 = NULL;
        _cleanup_free_ char *running = NULL;
        _cleanup_(efi_runtime_freep) struct efi_runtime *efi = NULL;
        size_t running_size = 0;
        char p[4096];
        int r;

        e820 = calloc(1, sizeof(*e820));
        if (!e820)
                return -ENOMEM;
        r = capture_e820_build(&(struct capture_e820_input) {
                        .sz = sizeof(struct capture_e820_input), .iomem = m,
                        .crash_start = k->res_start, .crash_end = k->res_end, .low_start = k->low_start,
                        .low_end = k->low_end, .hdr_start = k->hdr_addr, .hdr_size = ALIGN_UP(k->hdr_size, KEXEC_PAGE_SIZE),
                }, e820);
        if (r < 0)
                return set_error_message(ret_error, r, "The capture kernel's memory map needs more than %u entries.", E820_MAP_MAX);

        snprintf(p, sizeof(p), "%s/sys/kernel/boot_params/data", root);
        if (read_full_file(p, &running, &running_size) < 0)
                running_size = 0;
        r = efi_runtime_load(root, &efi);
        if (r < 0 && r != -ENOENT)
                return set_error_message(ret_error, r, "Failed to read the EFI runtime map from %s/sys/firmware/efi: %s.",
                            root, strerror(-r));

        *bpi = (struct boot_params_input) {
                .sz = sizeof(struct boot_params_input),
                .image = (const uint8_t *) k->kernel_data, .image_size = k->kernel_size,
                .running = (const uint8_t *) running, .running_size = running_size,
                .cmdline = k->cmdline,
                .e820 = e820, .efi = efi,
        };
        *ret_e820 = TAKE_PTR(e820);
        *ret_running = TAKE_PTR(running);
        *ret_efi = TAKE_PTR(efi);
        return 0;
}

/* boot_params, its segment placed first (its size is known before its
 * contents), with a fresh RNG seed: setup_rng_seed() takes one only from an
 * initialised RNG, so GRND_NONBLOCK and no seed on EAGAIN. */
static int place_boot_params(kexec_classic *k, const struct kexec_classic_opts *opts, const char *root,
                             const iomem *m, char **ret_error) {
        _cleanup_free_ struct e820_map *e820 = NULL;
        _cleanup_free_ char *running = NULL;
        _cleanup_(efi_runtime_freep) struct efi_runtime *efi = NULL;
        struct boot_params_input bpi;
        uint8_t seed[BOOT_PARAMS_RNG_SEED_SIZE];
        bool have_seed = true;
        size_t bp_size = 0;
        int r;

        r = boot_params_inputs(k, root, m, &e820, &running, &efi, &bpi, ret_error);
        if (r < 0)
                return r;
        if (opts->rng_seed)
                memcpy(seed, opts->rng_seed, sizeof(seed));
        else if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t) sizeof(seed))
                have_seed = false;
        bpi.rng_seed = have_seed ? seed : NULL;
        bpi.rng_seed_size = sizeof(seed);

        r = boot_params_size(&bpi, &bp_size);
        if (r >= 0) {
                r = kexec_seg_add(&k->segs, "boot_params", NULL, bp_size, bp_size, KEXEC_PAGE_SIZE, MIN_BOOTPARAM_ADDR,
                                  &k->bp_addr);
                if (r < 0) {
                        explicit_bzero(seed, sizeof(seed));
                        return no_room(k, r, ret_error);
                }
                bpi.load_addr = k->bp_addr;
                bpi.initrd_addr = k->initrd_addr;
                bpi.initrd_size = k->initrd_size;
                r = boot_params_build(&bpi, &k->bp, &k->bp_size);
        }
        explicit_bzero(seed, sizeof(seed));
        if (r == -E2BIG)
                return set_error_message(ret_error, r, "The capture command line (%zu bytes with elfcorehdr=) is longer than %s accepts, "
                            "or the memory map has more than %u entries.", strlen(k->cmdline), opts->kernel, E820_MAP_MAX);
        if (r == -EOPNOTSUPP)
                return set_error_message(ret_error, r, "This machine runs on 32-bit EFI firmware; a 64-bit capture kernel cannot use its "
                            "runtime services (the kernel's own loader refuses this too).");
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to build boot_params: %s.", strerror(-r));
        for (size_t i = 0; i < k->segs.n; i++)
                if (k->segs.segs[i].mem == k->bp_addr)
                        k->segs.segs[i].buf = k->bp;
        return 0;
}

/* The purgatory, last, so it can learn where everything went: relocated to
 * its segment, told the kernel's 64-bit entry, boot_params and the serial
 * port, and the digest of every other segment. */
static int place_purgatory(kexec_classic *k, bool corrupt_digest, char **ret_error) {
        _cleanup_free_ char *perr = NULL;
        uint64_t purg_addr, entry_rip;
        uint16_t port;
        int r;

        r = purgatory_new(kdump_purgatory, kdump_purgatory_size, &k->purg);
        if (r < 0)
                return set_error_message(ret_error, r, "The built-in purgatory is not a valid relocatable object: %s.", strerror(-r));
        r = kexec_seg_add(&k->segs, "purgatory", purgatory_image(k->purg), purgatory_size(k->purg),
                          purgatory_size(k->purg), purgatory_align(k->purg), MIN_BOOTPARAM_ADDR, &purg_addr);
        if (r < 0)
                return no_room(k, r, ret_error);
        r = purgatory_relocate(k->purg, purg_addr, &perr);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to relocate the purgatory to 0x%llx: %s.", (unsigned long long) purg_addr,
                            perr ? perr : strerror(-r));
        entry_rip = k->kernel_addr + 0x200;   /* boot.rst: the 64-bit entry is 0x200 past the load address */
        port = serial_port_for(k->cmdline);
        if ((r = purgatory_set_symbol(k->purg, "purgatory_entry_rip", &entry_rip, sizeof(entry_rip))) < 0 ||
            (r = purgatory_set_symbol(k->purg, "purgatory_entry_rsi", &k->bp_addr, sizeof(k->bp_addr))) < 0 ||
            (r = purgatory_set_symbol(k->purg, "purgatory_serial_port", &port, sizeof(port))) < 0 ||
            (r = purgatory_symbol_addr(k->purg, "purgatory_start", &k->entry)) < 0)
                return set_error_message(ret_error, r, "The built-in purgatory lacks a symbol the loader needs: %s.", strerror(-r));
        return hash_segments(k, corrupt_digest, ret_error);
}

int kexec_classic_prepare(const struct kexec_classic_opts *opts, kexec_classic **ret, char **ret_error) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        _cleanup_(iomem_freep) iomem *m = NULL;
        _cleanup_free_ char *why = NULL;
        const char *root = opts->root ? opts->root : "";
        int r;

        k = calloc(1, sizeof(*k));
        if (!k)
                return -ENOMEM;
        if ((r = read_images(k, opts, ret_error)) < 0 ||
            (r = read_machine(k, root, &m, ret_error)) < 0 ||
            (r = place_images(k, opts, ret_error)) < 0 ||
            (r = place_boot_params(k, opts, root, m, ret_error)) < 0 ||
            (r = place_purgatory(k, opts->corrupt_digest, ret_error)) < 0)
                return r;

        r = kexec_seg_check(k->segs.segs, k->segs.n, k->res_start, k->res_end, k->entry, &why);
        if (r < 0)
                return set_error_message(ret_error, r, "The segment list breaks a rule of kexec_load: %s.", why ? why : strerror(-r));

        *ret = TAKE_PTR(k);
        return 0;
}

int kexec_classic_load(const kexec_classic *k) {
        return kexec_load_crash(k->entry, &k->segs, KEXEC_ARCH_X86_64);
}

int kexec_classic_unload(void) {
        return kexec_load_crash_unload(KEXEC_ARCH_X86_64);
}

const char *kexec_classic_explain(int error) {
        /* EPERM's sentence names the way out that x86_64 has. */
        return kexec_load_crash_explain(error,
                                        "the kernel refused: this needs root (CAP_SYS_BOOT), and kexec_load is refused "
                                        "when kernel.kexec_load_disabled=1, when kernel.kexec_load_limit_panic is used "
                                        "up, and always under lockdown or Secure Boot (use --loader=file there)");
}
