/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "crashkernel-reserve/crashkernel-param.h"
#include "crashkernel-reserve/crashkernel-policy.h"

static void add(struct crashkernel_estimate *e, const char *name, uint64_t bytes, const char *basis) {
        /* CK_ITEMS_MAX is sized for the fixed list below. */
        if (e->n_items >= CK_ITEMS_MAX)
                return;
        e->items[e->n_items++] = (struct crashkernel_item) { .name = name, .bytes = bytes, .basis = basis };
        e->sum += bytes;
}

static const struct crashkernel_arch_figures figures_x86_64 = {
        .arch = KERNEL_ARCH_X86_64,
        .kernel_item = "Capture kernel (init_size)",
        .kernel_basis = "bzImage setup header",
        .kernel_typical = "typical: Debian 6.1 bzImage",
        .typical_kernel = CK_TYPICAL_INIT_SIZE,
        .runtime = CK_KERNEL_RUNTIME,
        .runtime_basis = "measured in the QEMU test guest",
        .kexec_segments = CK_KEXEC_SEGMENTS,
        .kexec_basis = "purgatory, boot_params, ELF core header",
        .typical_initramfs = CK_TYPICAL_INITRAMFS,
        .typical_initramfs_unpacked = CK_TYPICAL_INITRAMFS_UNPACKED,
        .typical_initramfs_files = CK_TYPICAL_INITRAMFS_FILES,
        .initramfs_typical = "typical: kdumpctl's image on Debian 6.1",
};

static const struct crashkernel_arch_figures figures_arm64 = {
        .arch = KERNEL_ARCH_ARM64,
        .kernel_item = "Capture kernel (image_size)",
        .kernel_basis = "arm64 Image header",
        .kernel_typical = "typical: Debian 6.1 arm64 Image",
        .typical_kernel = CK_ARM64_TYPICAL_IMAGE_SIZE,
        .runtime = CK_ARM64_KERNEL_RUNTIME,
        .runtime_basis = "measured in the arm64 QEMU test guest",
        .kexec_segments = CK_ARM64_KEXEC_SEGMENTS,
        .kexec_basis = "purgatory, device tree, ELF core header",
        .typical_initramfs = CK_ARM64_TYPICAL_INITRAMFS,
        .typical_initramfs_unpacked = CK_ARM64_TYPICAL_INITRAMFS_UNPACKED,
        .typical_initramfs_files = CK_ARM64_TYPICAL_INITRAMFS_FILES,
        .initramfs_typical = "typical: kdumpctl's image on Debian 6.1 arm64",
};

const struct crashkernel_arch_figures *crashkernel_arch_figures(enum kernel_arch arch) {
        return kernel_arch_resolve(arch) == KERNEL_ARCH_ARM64 ? &figures_arm64 : &figures_x86_64;
}

int crashkernel_estimate(const struct crashkernel_inputs *in, struct crashkernel_estimate *ret) {
        const struct crashkernel_arch_figures *f;
        struct crashkernel_estimate e = {};
        uint64_t init_size, initrd, unpacked, files, runtime, gib, with_headroom;
        unsigned possible, capture;
        bool typical_initramfs;

        if (!in || in->sz < sizeof(struct crashkernel_inputs) || !ret)
                return -EINVAL;

        f = crashkernel_arch_figures(in->arch);
        init_size = in->kernel_init_size ?: f->typical_kernel;
        typical_initramfs = in->initramfs_size == 0;
        initrd = in->initramfs_size ?: f->typical_initramfs;
        unpacked = in->initramfs_unpacked ?: f->typical_initramfs_unpacked;
        files = in->initramfs_files ?: f->typical_initramfs_files;
        runtime = in->runtime_base ?: f->runtime;
        possible = in->possible_cpus ?: 1;
        capture = in->capture_cpus ?: 1;
        gib = DIV_ROUND_UP(in->system_ram, 1ull << 30);

        /* x86_64: the kernel segment's memsz is init_size
         * (kexec-bzimage64.c); the image keeps most of it after boot, so
         * count it whole: that is conservative by the decompression slack
         * only.  arm64: image_size from a 2 MiB-aligned base (the
         * reservation's start; text_offset is 0 since 3.17), all of it kept
         * until the init sections are freed. */
        add(&e, f->kernel_item, ALIGN_UP(init_size, 4096), in->kernel_init_size ? f->kernel_basis : f->kernel_typical);
        add(&e, "Kernel runtime allocations", runtime, in->runtime_base ? "measured here" : f->runtime_basis);
        add(&e, "kexec segments", f->kexec_segments, f->kexec_basis);
        /* The compressed initramfs stays until populate_rootfs() has
         * unpacked it: both are there at the peak. */
        add(&e, "Initramfs, compressed", ALIGN_UP(initrd, 4096),
            typical_initramfs ? f->initramfs_typical : "capture initramfs file");
        add(&e, "Initramfs, unpacked", ALIGN_UP(unpacked, 4096) + files * CK_ROOTFS_PER_FILE,
            typical_initramfs ? f->initramfs_typical : "capture initramfs contents");
        add(&e, "Collector buffers",
            CK_COLLECTOR_BATCH + CK_COLLECTOR_FILTER_CHUNK + CK_COLLECTOR_PROCESS + capture * CK_COLLECTOR_COMPRESSOR,
            "page batch, filter chunk, a compressor per thread");
        add(&e, "Per GiB of system RAM", gib * CK_PER_GIB_RAM, "collector page bitmaps (2 bits per page)");
        add(&e, "Per possible CPU", possible * CK_PER_POSSIBLE_CPU, "ELF notes in /proc/vmcore");
        add(&e, "Per capture CPU", capture * CK_PER_CAPTURE_CPU, "per-CPU areas and stacks (nr_cpus=)");

        with_headroom = e.sum + e.sum * CK_HEADROOM_PERCENT / 100;
        /* R = S + R/64: struct pages for the reservation come out of it. */
        e.total = DIV_ROUND_UP(with_headroom * CK_STRUCT_PAGE_RATIO, CK_STRUCT_PAGE_RATIO - 1);
        e.recommended = ALIGN_UP(e.total, CK_ROUNDING);

        *ret = e;
        return 0;
}

int crashkernel_recommend_ranges(const struct crashkernel_inputs *in, char *buf, size_t len) {
        /* Tier boundaries; each tier is sized for its top, the open last
         * one for CK_OPEN_TIER_RAM. */
        static const uint64_t bounds[] = {
                CK_MIN_SYSTEM_RAM, 4ull << 30, 16ull << 30, 64ull << 30, 256ull << 30, 1ull << 40, 4ull << 40,
        };
        const uint64_t open_tier_ram = 16ull << 40;
        uint64_t sizes[ELEMENTSOF(bounds)];
        size_t pos = 0;
        int r;

        if (!in || in->sz < sizeof(struct crashkernel_inputs) || !buf || len == 0)
                return -EINVAL;

        for (size_t i = 0; i < ELEMENTSOF(bounds); i++) {
                struct crashkernel_inputs t = *in;
                struct crashkernel_estimate e;

                t.system_ram = i + 1 < ELEMENTSOF(bounds) ? bounds[i + 1] : open_tier_ram;
                r = crashkernel_estimate(&t, &e);
                if (r < 0)
                        return r;
                sizes[i] = e.recommended;
        }

        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(bounds);) {
                size_t j = i;
                char s[32], st[32], en[32];
                int n;

                /* Merge neighbours that come out the same. */
                while (j + 1 < ELEMENTSOF(bounds) && sizes[j + 1] == sizes[i])
                        j++;
                crashkernel_format_size(st, sizeof(st), bounds[i]);
                if (j + 1 < ELEMENTSOF(bounds))
                        crashkernel_format_size(en, sizeof(en), bounds[j + 1]);
                else
                        en[0] = 0;
                n = snprintf(buf + pos, len - pos, "%s%s-%s:%s", pos ? "," : "", st, en,
                             crashkernel_format_size(s, sizeof(s), sizes[i]));
                if (n < 0 || (size_t) n >= len - pos)
                        return -ENOBUFS;
                pos += (size_t) n;
                i = j + 1;
        }
        return 0;
}

static int hex8(const char *p, uint64_t *ret) {
        uint64_t v = 0;

        for (unsigned i = 0; i < 8; i++) {
                char c = p[i];
                v <<= 4;
                if (c >= '0' && c <= '9')
                        v |= (uint64_t) (c - '0');
                else if (c >= 'a' && c <= 'f')
                        v |= (uint64_t) (c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        v |= (uint64_t) (c - 'A' + 10);
                else
                        return -EBADMSG;
        }
        *ret = v;
        return 0;
}

int crashkernel_cpio_usage(const void *data, size_t size, uint64_t *ret_unpacked, uint64_t *ret_files,
                           size_t *ret_consumed) {
        const char *d = data;
        uint64_t unpacked = 0, files = 0;
        size_t off = 0;

        /* The newc header: 6 bytes of magic, 13 fields of 8 hex digits;
         * c_filesize is the 7th field, c_namesize the 12th.  Name and data
         * are each padded to 4 bytes. */
        for (;;) {
                uint64_t filesize, namesize;
                const char *h = d + off;

                if (size - off < 110 || (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0))
                        return -EBADMSG;
                if (hex8(h + 6 + 6 * 8, &filesize) < 0 || hex8(h + 6 + 11 * 8, &namesize) < 0)
                        return -EBADMSG;
                if (namesize == 0 || namesize > size - off - 110)
                        return -EBADMSG;
                if (h[110 + namesize - 1] != 0)
                        return -EBADMSG;
                if (strcmp(h + 110, "TRAILER!!!") == 0) {
                        off += ALIGN_UP(110 + namesize, 4);
                        break;
                }
                off += ALIGN_UP(110 + namesize, 4);
                if (filesize > size - MIN(off, size))
                        return -EBADMSG;
                off += ALIGN_UP(filesize, 4);
                if (off > size)
                        off = size;
                unpacked += ALIGN_UP(filesize, 4096);
                files++;
        }
        *ret_unpacked = unpacked;
        *ret_files = files;
        if (ret_consumed)
                *ret_consumed = MIN(off, size);
        return 0;
}
