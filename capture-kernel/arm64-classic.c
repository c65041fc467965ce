/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The arm64 classic loader's segments (see arm64-classic.h): read, placed,
 * patched and checked; the syscall is kexec-classic-arm64.c's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/arm64-classic.h"
#include "capture-kernel/arm64-dtb.h"
#include "capture-kernel/arm64-image.h"
#include "capture-kernel/arm64-uart.h"
#include "capture-kernel/crash-ranges.h"
#include "capture-kernel/purgatory/sha256.h"
#include "notes/elfcorehdr.h"

/* booting.rst: the initrd and the image share a 1 GiB-aligned window of at
 * most 32 GiB; the image must end below 2^48 when placed anywhere. */
#define INITRD_WINDOW_ALIGN (1ull << 30)
#define INITRD_WINDOW_SIZE (32ull << 30)
#define PHYS_48BIT (1ull << 48)

struct arm64_classic {
        const uint8_t *image;          /* the raw Image, mapped (map_file_fd()) */
        size_t image_size;
        const uint8_t *initrd;
        size_t initrd_size;
        void *hdr;                     /* ELF core header */
        size_t hdr_size;
        void *running;                 /* /sys/firmware/fdt */
        size_t running_size;
        void *dtb;
        size_t dtb_size;
        uint8_t *purg;                 /* the patched copy */
        size_t purg_size;
        char *cmdline;
        struct arm64_image_header header;
        struct kexec_seg_list segs;
        struct arm64_classic_layout l;
        uint64_t entry;
};

arm64_classic *arm64_classic_free(arm64_classic *k) {
        if (!k)
                return NULL;
        if (k->image)
                (void) munmap((void *) k->image, k->image_size);
        if (k->initrd)
                (void) munmap((void *) k->initrd, k->initrd_size);
        free(k->hdr);
        free(k->running);
        free(k->dtb);
        free(k->purg);
        free(k->cmdline);
        free(k);
        return NULL;
}

const struct kexec_seg_list *arm64_classic_segments(const arm64_classic *k) {
        return &k->segs;
}

uint64_t arm64_classic_entry(const arm64_classic *k) {
        return k->entry;
}

const char *arm64_classic_cmdline(const arm64_classic *k) {
        return k->cmdline;
}

const struct arm64_classic_layout *arm64_classic_layout(const arm64_classic *k) {
        return &k->l;
}

static int check_opts(const struct arm64_classic_opts *o, char **ret_error) {
        const struct purgatory_arm64_layout *L = o->purgatory_layout;

        if (!o->kernel || !o->cmdline)
                return set_error_message(ret_error, EINVAL, "No kernel or command line to load.");
        if (strlen(o->cmdline) >= ARM64_COMMAND_LINE_SIZE)
                return set_error_message(ret_error, E2BIG,
                            "The capture command line is %zu bytes; an arm64 kernel takes at most %u.",
                            strlen(o->cmdline), ARM64_COMMAND_LINE_SIZE - 1);
        if (!o->purgatory || !L || o->purgatory_size == 0 || L->start >= o->purgatory_size ||
            L->sha256_digest + SHA256_DIGEST_SIZE > o->purgatory_size ||
            L->sha_regions + sizeof(struct purgatory_region) * PURGATORY_MAX_REGIONS > o->purgatory_size ||
            L->kernel_entry + 8 > o->purgatory_size || L->dtb + 8 > o->purgatory_size || L->uart + 8 > o->purgatory_size)
                return set_error_message(ret_error, EINVAL, "The arm64 purgatory image is missing or its layout lies outside it.");
        return 0;
}

/* The raw Image, unpacked if need be, and the header rules that matter
 * for placing it. */
static int read_kernel(arm64_classic *k, const char *path, char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *why = NULL;
        enum arm64_image_form form;
        int r;

        r = arm64_image_open(path, &fd, &k->header, &form, &why);
        if (r < 0)
                return set_error_message(ret_error, r, "Cannot load the kernel %s: %s.", path, why ? why : strerror(-r));
        r = map_file_fd(fd, (const void **) &k->image, &k->image_size);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to map the Image of %s: %s.", path, strerror(-r));
        if (k->header.text_offset % KEXEC_PAGE_SIZE != 0)
                return set_error_message(ret_error, ENOEXEC,
                            "The Image of %s has text_offset 0x%llx, not a multiple of 4096; it cannot be a kexec segment.",
                            path, (unsigned long long) k->header.text_offset);
        if (k->header.image_size < k->image_size)
                return set_error_message(ret_error, ENOEXEC,
                            "The Image of %s is %zu bytes but its header's image_size is %llu: not a well-formed Image.",
                            path, k->image_size, (unsigned long long) k->header.image_size);
        return 0;
}

static int read_initrd(arm64_classic *k, const char *path, char **ret_error) {
        int r;

        r = map_file(path, (const void **) &k->initrd, &k->initrd_size);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to read the initramfs %s: %s.", path, strerror(-r));
        return 0;
}

static int read_reservation(arm64_classic *k, const char *root, char **ret_error) {
        _cleanup_(iomem_freep) iomem *m = NULL;
        char p[4096];
        int r;

        snprintf(p, sizeof(p), "%s/proc/iomem", root);
        r = iomem_load(p, &m);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to read %s: %s.", p, strerror(-r));
        r = crash_ranges_from_iomem(m, &k->l.res_start, &k->l.res_end, &k->l.low_start, &k->l.low_end);
        if (r < 0)
                return set_error_message(ret_error, r, "%s lists more than two \"Crash kernel\" ranges.", p);
        if (r == 0)
                return set_error_message(ret_error, EADDRNOTAVAIL,
                            "%s has no \"Crash kernel\" range: nothing is reserved (boot with crashkernel=).", p);
        kexec_seg_list_init(&k->segs, k->l.res_start, k->l.res_end);
        return 0;
}

static int build_elfcorehdr(arm64_classic *k, const char *root, char **ret_error) {
        _cleanup_free_ char *why = NULL;
        struct elfcorehdr_info info = {};
        int r;

        r = elfcorehdr_collect_arch(root, ELFCOREHDR_ARCH_ARM64, &info, &why);
        if (r < 0 && why)       /* a sentence naming what is missing */
                return set_error_message(ret_error, r, "%s", why);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to gather the crash notes, VMCOREINFO and memory layout "
                            "from %s/sys and %s/proc: %s.", root, root, strerror(-r));
        r = elfcorehdr_build(&info, &k->hdr, &k->hdr_size);
        elfcorehdr_info_done(&info);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to build the ELF core header: %s.", strerror(-r));
        return 0;
}

static int no_room(const arm64_classic *k, const char *what, uint64_t size, char **ret_error) {
        char b1[32], b2[32];

        return set_error_message(ret_error, EADDRNOTAVAIL,
                    "The crash reservation 0x%llx-0x%llx (%s) has no room for the %s (%s); reserve more with crashkernel=.",
                    (unsigned long long) k->l.res_start, (unsigned long long) k->l.res_end,
                    format_bytes(b1, sizeof(b1), k->l.res_end - k->l.res_start + 1), what,
                    format_bytes(b2, sizeof(b2), size));
}

/* The Image first, at the bottom: text_offset past the lowest 2 MiB-aligned
 * base, image_size bytes (the kernel's image_load() does the same sums). */
static int place_kernel(arm64_classic *k, const char *path, char **ret_error) {
        uint64_t base = ALIGN_UP(k->l.res_start, ARM64_KIMAGE_ALIGN);
        uint64_t mem = base + k->header.text_offset, memsz = ALIGN_UP(k->header.image_size, KEXEC_PAGE_SIZE);

        if (base < k->l.res_start || mem < base || mem + memsz < mem || mem + memsz - 1 > k->l.res_end)
                return no_room(k, "kernel Image", k->header.text_offset + memsz, ret_error);
        if (k->header.placement_anywhere && mem + memsz > PHYS_48BIT)
                return set_error_message(ret_error, EADDRNOTAVAIL,
                            "The crash reservation starts above 2^48 (0x%llx); %s cannot run there.",
                            (unsigned long long) base, path);
        k->segs.segs[k->segs.n++] = (struct kexec_seg) {
                .name = "kernel", .buf = k->image, .bufsz = k->image_size, .mem = mem, .memsz = memsz,
        };
        k->l.kernel = mem;
        k->l.kernel_size = k->header.image_size;
        return 0;
}

/* The initrd and the ELF core header, top-down in what is left. */
static int place_data(arm64_classic *k, const char *initrd, char **ret_error) {
        int r;

        if (k->initrd) {
                r = kexec_seg_add(&k->segs, "initrd", k->initrd, k->initrd_size, k->initrd_size, KEXEC_PAGE_SIZE, 0,
                                  &k->l.initrd);
                if (r < 0)
                        return no_room(k, "initramfs", k->initrd_size, ret_error);
                k->l.initrd_size = k->initrd_size;
                if (ALIGN_DOWN(MIN(k->l.kernel, k->l.initrd), INITRD_WINDOW_ALIGN) + INITRD_WINDOW_SIZE <
                    MAX(k->l.kernel + k->l.kernel_size, k->l.initrd + k->initrd_size))
                        return set_error_message(ret_error, EADDRNOTAVAIL,
                                    "The initramfs %s at 0x%llx and the Image at 0x%llx do not fit one 1 GiB-aligned 32 GiB "
                                    "window, as arm64 kernels require.", initrd, (unsigned long long) k->l.initrd,
                                    (unsigned long long) k->l.kernel);
        }
        r = kexec_seg_add(&k->segs, "elfcorehdr", k->hdr, k->hdr_size, k->hdr_size, KEXEC_PAGE_SIZE, 0, &k->l.elfcorehdr);
        if (r < 0)
                return no_room(k, "ELF core header", k->hdr_size, ret_error);
        k->l.elfcorehdr_size = k->hdr_size;
        return 0;
}

static int seed_for(const struct arm64_classic_opts *o, const void *running, uint8_t **ret, size_t *ret_size) {
        size_t n;
        int r;

        if (o->rng_seed) {
                *ret = malloc(MAX(o->rng_seed_size, (size_t) 1));
                if (!*ret)
                        return -ENOMEM;
                memcpy(*ret, o->rng_seed, o->rng_seed_size);
                *ret_size = o->rng_seed_size;
                return 0;
        }
        n = arm64_dtb_rng_seed_size(running);
        r = arm64_dtb_random_seed(n, ret);
        if (r == -EAGAIN) {             /* the kernel omits rng-seed then too */
                *ret = NULL;
                *ret_size = 0;
                return 0;
        }
        if (r < 0)
                return r;
        *ret_size = n;
        return 0;
}

/* The capture kernel's tree: its size does not depend on the addresses in
 * it, so it goes last among the data segments, with every address known. */
static int place_dtb(arm64_classic *k, const struct arm64_classic_opts *o, char **ret_error) {
        struct arm64_dtb_range usable[2] = { { k->l.res_start, k->l.res_end - k->l.res_start + 1 } };
        _cleanup_free_ uint8_t *seed = NULL;
        _cleanup_free_ char *why = NULL;
        size_t seed_size = 0;
        int r;

        if (k->l.low_end > k->l.low_start)
                usable[1] = (struct arm64_dtb_range) { k->l.low_start, k->l.low_end - k->l.low_start + 1 };
        r = seed_for(o, k->running, &seed, &seed_size);
        if (r < 0)
                return set_error_message(ret_error, r, "Failed to get random bytes for the rng-seed: %s.", strerror(-r));
        r = arm64_dtb_build(k->running, k->running_size, &(struct arm64_dtb_opts) {
                        .cmdline = k->cmdline,
                        .elfcorehdr_addr = k->l.elfcorehdr, .elfcorehdr_size = k->l.elfcorehdr_size,
                        .initrd_start = k->l.initrd, .initrd_end = k->l.initrd + k->l.initrd_size,
                        .usable = usable, .n_usable = usable[1].size ? 2 : 1,
                        .rng_seed = seed, .rng_seed_len = seed_size,
                }, &k->dtb, &k->dtb_size, &why);
        if (seed)
                explicit_bzero(seed, seed_size);
        if (r < 0)
                return set_error_message(ret_error, r, "Cannot build the capture kernel's device tree: %s.",
                            why ? why : strerror(-r));
        r = kexec_seg_add(&k->segs, "dtb", k->dtb, k->dtb_size, k->dtb_size, KEXEC_PAGE_SIZE, 0, &k->l.dtb);
        if (r < 0)
                return no_room(k, "device tree", k->dtb_size, ret_error);
        k->l.dtb_size = k->dtb_size;
        return 0;
}

/* The purgatory's fields are little-endian (arm64 is). */
static void put_le64(uint8_t *p, uint64_t v) {
        for (unsigned i = 0; i < 8; i++)
                p[i] = (uint8_t) (v >> (8 * i));
}

/* A copy of the purgatory, 4 KiB-aligned (it addresses itself with adrp),
 * told where the Image, the tree and the console are. */
static int place_purgatory(arm64_classic *k, const struct arm64_classic_opts *o, char **ret_error) {
        const struct purgatory_arm64_layout *L = o->purgatory_layout;
        int r;

        k->purg = malloc(o->purgatory_size);
        if (!k->purg)
                return -ENOMEM;
        memcpy(k->purg, o->purgatory, o->purgatory_size);
        k->purg_size = o->purgatory_size;
        r = kexec_seg_add(&k->segs, "purgatory", k->purg, k->purg_size, k->purg_size, KEXEC_PAGE_SIZE, 0, &k->l.purgatory);
        if (r < 0)
                return no_room(k, "purgatory", k->purg_size, ret_error);
        if (arm64_dtb_stdout_pl011(k->running, &k->l.uart) <= 0)
                k->l.uart = 0;
        put_le64(k->purg + L->kernel_entry, k->l.kernel);
        put_le64(k->purg + L->dtb, k->l.dtb);
        put_le64(k->purg + L->uart, k->l.uart);
        k->entry = k->l.purgatory + L->start;
        return 0;
}

/* The purgatory's digest and regions (segments.h), written into its
 * variables as little-endian words. */
static int hash_segments(arm64_classic *k, const struct purgatory_arm64_layout *L, bool corrupt) {
        struct kexec_seg_region regions[PURGATORY_MAX_REGIONS];
        uint8_t digest[SHA256_DIGEST_SIZE];
        size_t nr;
        int r;

        r = kexec_seg_list_digest(&k->segs, k->purg, digest, regions, ELEMENTSOF(regions), &nr);
        if (r < 0)
                return r;
        if (corrupt)
                digest[0] ^= 0xff;
        memset(k->purg + L->sha_regions, 0, sizeof(struct purgatory_region) * PURGATORY_MAX_REGIONS);
        for (size_t i = 0; i < nr; i++) {
                uint8_t *region = k->purg + L->sha_regions + i * sizeof(struct purgatory_region);

                put_le64(region, regions[i].start);
                put_le64(region + 8, regions[i].len);
        }
        memcpy(k->purg + L->sha256_digest, digest, sizeof(digest));
        return 0;
}

static int gather(arm64_classic *k, const struct arm64_classic_opts *o, const char *root, char **ret_error) {
        _cleanup_free_ char *why = NULL;
        int r;

        r = read_kernel(k, o->kernel, ret_error);
        if (r < 0)
                return r;
        if (o->initrd) {
                r = read_initrd(k, o->initrd, ret_error);
                if (r < 0)
                        return r;
        }
        r = read_reservation(k, root, ret_error);
        if (r < 0)
                return r;
        r = arm64_dtb_read_running(root, &k->running, &k->running_size, &why);
        if (r < 0)
                return set_error_message(ret_error, r, "Cannot read the running device tree: %s.", why ? why : strerror(-r));
        return build_elfcorehdr(k, root, ret_error);
}

int arm64_classic_prepare(const struct arm64_classic_opts *opts, arm64_classic **ret, char **ret_error) {
        _cleanup_(arm64_classic_freep) arm64_classic *k = NULL;
        _cleanup_free_ char *why = NULL;
        const char *root = opts->root ? opts->root : "";
        int r;

        r = check_opts(opts, ret_error);
        if (r < 0)
                return r;
        k = calloc(1, sizeof(*k));
        if (!k)
                return -ENOMEM;
        k->cmdline = strdup(opts->cmdline);
        if (!k->cmdline)
                return -ENOMEM;
        r = gather(k, opts, root, ret_error);
        if (r < 0)
                return r;

        if ((r = place_kernel(k, opts->kernel, ret_error)) < 0 ||
            (r = place_data(k, opts->initrd, ret_error)) < 0 ||
            (r = place_dtb(k, opts, ret_error)) < 0 ||
            (r = place_purgatory(k, opts, ret_error)) < 0)
                return r;
        r = hash_segments(k, opts->purgatory_layout, opts->corrupt_digest);
        if (r < 0)
                return set_error_message(ret_error, r, "More segments than the purgatory can check (%u).",
                                         PURGATORY_MAX_REGIONS);

        r = kexec_seg_check(k->segs.segs, k->segs.n, k->l.res_start, k->l.res_end, k->entry, &why);
        if (r < 0)
                return set_error_message(ret_error, r, "The segment list breaks a rule of kexec_load: %s.", why ? why : strerror(-r));

        *ret = TAKE_PTR(k);
        return 0;
}
