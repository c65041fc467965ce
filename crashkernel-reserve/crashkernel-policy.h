/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* How much memory to reserve for the capture environment: a sum of what it
 * is measured or derived to need, not a table copied from another stack.
 *
 * The capture kernel sees only the reservation as RAM (the e820 table
 * kexec builds), so nothing in it scales with the first kernel's struct
 * pages.  What does scale:
 *   - the kernel segment (bzImage init_size) and the initramfs, loaded into
 *     the reservation; the initramfs then unpacked into the rootfs while the
 *     compressed copy is still there;
 *   - the kernel's own runtime allocations (slab, page tables, modules);
 *   - the collector's buffers, and its two page bitmaps (2 bits per page of
 *     the first kernel's memory);
 *   - per CPU: /proc/vmcore's ELF notes for each of the first kernel's
 *     possible CPUs, and per-CPU areas, stacks and a compressor for each CPU
 *     the capture kernel brings up (nr_cpus=, 1 by default; on x86
 *     prefill_possible_map() cuts the possible CPUs to nr_cpu_ids, so
 *     per-CPU areas follow nr_cpus=, not the first kernel's CPU count);
 *   - struct pages for the reservation itself (64 bytes per 4 KiB page).
 *
 * Pure: takes the measured inputs, so it can be tested and so the runtime
 * floor measured in the QEMU guest can be plugged in.
 *
 * Per architecture (the inputs' arch; the figures below are x86_64's, the
 * CK_ARM64_* ones arm64's): what the kernel segment occupies and what the
 * kernel needs beyond it differ.  An x86_64 bzImage is counted by its
 * init_size, which includes the room it decompresses in, so most of the
 * kernel's runtime fits in that slack; an arm64 Image is uncompressed and
 * counted by its header's image_size (text, data, init and bss: nothing to
 * spare but the init sections, freed only after the initramfs unpacked), so
 * arm64 counts the kernel's runtime whole.  Everything that is generic
 * kernel or collector code (struct pages, bitmaps, per-CPU notes, the
 * collector, the rootfs) is the same on both. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/kernel-arch.h"

/* The kernel's own runtime allocations beyond what the kernel segment's
 * init_size leaves free once the image has decompressed (init_size is
 * counted whole above: the image and its boot-time reservations keep about
 * 49 of its 63.6 MiB on Debian 6.1; the rest is the first memory the
 * kernel allocates from).  Measured in the capture kernel itself
 * (tests/vm/run-e2e --crashkernel SIZE, Debian 6.1.0-57, 1 GiB guest,
 * nr_cpus=1, the command line of capture-kernel/cmdline.c, a 2.4 MiB image
 * with 6.9 MiB of files): 80M captures ("Memory with the modules loaded:
 * 13.1 MiB free of 31.1 MiB"; the kernel's slab, vmalloc, module and stack
 * memory are 13.9 MiB of it), so does 76M, and 74M dies of OOM while the
 * initramfs unpacks, short of the page allocator's min watermark and the
 * 2 MiB watermark boost (a pageblock) it carries at that moment.  4 MiB is
 * that margin; a machine's own measurement can replace it through
 * crashkernel_inputs.runtime_base. */
#define CK_KERNEL_RUNTIME (4ull << 20)

/* initramfs/collect/dump-job.h: DUMP_BUDGET_DEFAULT, the page buffers
 * (pages, compressed copies and the diskdump writer's buffer); the whole
 * collector peaked at 2.5 MiB in the 80 MiB capture. */
#define CK_COLLECTOR_BATCH (256ull << 10)
/* initramfs/collect/page-filter.c: CHUNK_PAGES (1024) + 1 pages of struct
 * page data read per step. */
#define CK_COLLECTOR_FILTER_CHUNK ((1024ull + 1) * 4096)
/* One page compressor per collector thread: a zstd compression context at
 * the low levels used is about 1.3 MiB (ZSTD_estimateCCtxSize()), LZO's
 * work memory 64 KiB; rounded up. */
#define CK_COLLECTOR_COMPRESSOR (2ull << 20)
/* The collector process itself beyond its file pages (libc heap, stack). */
#define CK_COLLECTOR_PROCESS (1ull << 20)

/* initramfs/collect/dump-job.c: two bitmaps of max_mapnr bits each, i.e.
 * 2 bits per 4 KiB page = 64 KiB per GiB; memmap.c adds one range per
 * 128 MiB section (32 bytes each).  /proc/vmcore is read with pread() or
 * through mmap windows of a fixed size, and the capture kernel maps old
 * memory one page at a time for reads (copy_oldmem_page()), so no page
 * tables grow with the first kernel's RAM. */
#define CK_PER_GIB_RAM ((64ull << 10) + 8 * 32)

/* fs/proc/vmcore.c merges one NT_PRSTATUS note per possible CPU of the
 * first kernel (about 400 bytes with its header) into elfnotes_buf, and the
 * collector copies the notes into the dump header: rounded to 2 KiB. */
#define CK_PER_POSSIBLE_CPU (2ull << 10)

/* Each CPU the capture kernel brings up: its per-CPU area (Debian 6.1
 * embeds 61 pages per CPU), IRQ and kthread stacks (cpuhp, migration,
 * ksoftirqd, kworkers: about 8 x 16 KiB), per-CPU page lists; rounded to
 * 1 MiB.  The collector thread's compressor is counted separately. */
#define CK_PER_CAPTURE_CPU (1ull << 20)

/* sizeof(struct page) on x86_64: the capture kernel's memmap covers the
 * reservation, so 1/64 of it goes to struct pages. */
#define CK_STRUCT_PAGE_RATIO 64u

/* Per-file cost of the unpacked rootfs beyond the page-rounded data: an
 * inode (shmem_inode_cache objects are about 760 bytes on 6.1) and a dentry
 * (192 bytes); rounded to 1 KiB. */
#define CK_ROOTFS_PER_FILE (1ull << 10)

/* kexec's own pieces in the reservation: purgatory, boot_params with the
 * command line, the ELF core header, setup_data.  A few pages; 1 MiB as
 * kdumpctl start already allows. */
#define CK_KEXEC_SEGMENTS (1ull << 20)

/* Headroom for what differs between machines (drivers the initramfs loads,
 * firmware they request), as a percentage of the sum. */
#define CK_HEADROOM_PERCENT 10u

/* The recommended size is rounded up to this. */
#define CK_ROUNDING (16ull << 20)

/* Typical inputs when this machine's own are not at hand, measured on the
 * project's build host: Debian's 6.1.0-56-amd64 bzImage has init_size
 * 0x3f98000 (63.6 MiB); the capture initramfs kdumpctl built for it was
 * 1.7 MiB zstd, 5.4 MiB unpacked, 46 entries (rounded up below). */
#define CK_TYPICAL_INIT_SIZE (64ull << 20)
#define CK_TYPICAL_INITRAMFS (2ull << 20)
#define CK_TYPICAL_INITRAMFS_UNPACKED (6ull << 20)
#define CK_TYPICAL_INITRAMFS_FILES 64u

/* arm64: the capture kernel's own memory beyond its Image's image_size
 * (there is no decompression slack to run in), measured in the capture
 * kernel itself (tests/vm/arm64-e2e --crashkernel SIZE: Debian
 * 6.1.0-57-arm64, 4 KiB pages, qemu -M virt, cortex-a57, 1 GiB guest,
 * nr_cpus=1, a 2.2 MiB zstd initramfs of 5.6 MiB, kdump-collect -E -d 31 to
 * ext4).  Its "Memory:" line reserves 39.6-39.8 MiB at boot at every size,
 * 4.5 MiB of it beyond the 32.1 MiB image and the 2.2 MiB initrd (memmap,
 * page tables, the per-CPU chunk, the device tree, log buffers); with the
 * modules loaded its slab, vmalloc, module and stack memory is 11.1-11.5
 * MiB (the capture /init's "Memory with the modules loaded": MemTotal less
 * free less the 3.7 MiB initramfs, at 52M, 56M and 64M).  4.5 + 11.5,
 * rounded: 16 MiB.  The 6.3 MiB of init sections inside image_size are not
 * subtracted: they are freed only after the initramfs has unpacked, the
 * tight moment (52M captures; 50M and 48M die of OOM in unpack_to_rootfs
 * with 11.3 and 9.3 MiB available at boot). */
#define CK_ARM64_KERNEL_RUNTIME (16ull << 20)

/* The arm64 classic loader's other segments (arm64-classic.h): a copy of
 * the running device tree with /chosen rewritten, the ELF core header and
 * the purgatory.  QEMU virt's tree has a totalsize of 1 MiB (7 KiB of it
 * used: qemu-system-aarch64 -machine virt,dumpdtb=FILE); a board's or an
 * EFI stub's is smaller.  With x86_64's 1 MiB for the rest: 2 MiB. */
#define CK_ARM64_KEXEC_SEGMENTS (2ull << 20)

/* Typical arm64 inputs: Debian's 6.1.0-57-arm64 Image has image_size
 * 0x2010000 (32.1 MiB; the 7.3.4 trixie Image's file is 51 MiB), the capture
 * initramfs kdumpctl built for it in the arm64 test guest 2.2 MiB zstd,
 * 5.7 MiB unpacked (page-rounded), 48 entries (rounded up below). */
#define CK_ARM64_TYPICAL_IMAGE_SIZE (34ull << 20)
#define CK_ARM64_TYPICAL_INITRAMFS (3ull << 20)
#define CK_ARM64_TYPICAL_INITRAMFS_UNPACKED (6ull << 20)
#define CK_ARM64_TYPICAL_INITRAMFS_FILES 64u

/* What differs per architecture, for the estimate and its labels. */
struct crashkernel_arch_figures {
        enum kernel_arch arch;           /* resolved */
        const char *kernel_item;         /* "Capture kernel (init_size)" */
        const char *kernel_basis;        /* where a real kernel's figure comes from */
        const char *kernel_typical;      /* ... and the typical one */
        uint64_t typical_kernel;         /* CK_TYPICAL_INIT_SIZE */
        uint64_t runtime;                /* CK_KERNEL_RUNTIME */
        const char *runtime_basis;
        uint64_t kexec_segments;         /* CK_KEXEC_SEGMENTS */
        const char *kexec_basis;
        uint64_t typical_initramfs, typical_initramfs_unpacked, typical_initramfs_files;
        const char *initramfs_typical;   /* "typical: kdumpctl's image on Debian 6.1" */
};

/* KERNEL_ARCH_NATIVE is this build's architecture. */
const struct crashkernel_arch_figures *crashkernel_arch_figures(enum kernel_arch arch);

/* Below this much RAM the recommendation reserves nothing: the capture
 * environment would take a fifth of the machine or more. */
#define CK_MIN_SYSTEM_RAM (1ull << 30)

struct crashkernel_inputs {
        size_t sz;                       /* sizeof(struct crashkernel_inputs) */
        uint64_t kernel_init_size;       /* bzImage init_size, arm64 Image image_size; 0: typical */
        uint64_t initramfs_size;         /* compressed, as loaded; 0: typical */
        uint64_t initramfs_unpacked;     /* page-rounded file data once unpacked; 0: typical */
        uint64_t initramfs_files;        /* entries in the archive; 0: typical */
        unsigned possible_cpus;          /* first kernel's possible CPUs; 0: 1 */
        unsigned capture_cpus;           /* nr_cpus= of the capture kernel; 0: 1 */
        uint64_t system_ram;             /* first kernel's RAM */
        uint64_t runtime_base;           /* measured runtime floor; 0: the arch's (CK_KERNEL_RUNTIME) */
        enum kernel_arch arch;           /* the capture kernel's; KERNEL_ARCH_NATIVE: this build's */
};

#define CK_ITEMS_MAX 12u

struct crashkernel_item {
        const char *name;                /* "Capture kernel (init_size)" */
        uint64_t bytes;
        const char *basis;               /* where the number comes from */
};

struct crashkernel_estimate {
        struct crashkernel_item items[CK_ITEMS_MAX];
        size_t n_items;
        uint64_t sum;                    /* the items */
        uint64_t total;                  /* with headroom and the reservation's own struct pages */
        uint64_t recommended;            /* total rounded up to CK_ROUNDING */
};

/* -EINVAL for a missing or too-small inputs struct. */
int crashkernel_estimate(const struct crashkernel_inputs *in, struct crashkernel_estimate *ret);

/* The recommendation as a crashkernel= value in the range form, so it stays
 * right when RAM is added or removed: the estimate for the inputs with the
 * RAM set to the top of each tier (1G-4G, 4G-16G, 16G-64G, 64G-256G,
 * 256G-1T, 1T-4T, 4T- evaluated at 16T), equal neighbours merged.
 * in->system_ram is ignored.  Writes at most len bytes; -ENOBUFS if the
 * text does not fit. */
int crashkernel_recommend_ranges(const struct crashkernel_inputs *in, char *buf, size_t len);

/* What an uncompressed newc cpio archive occupies once unpacked: the file
 * data rounded to pages, and the number of entries.  Pure; -EBADMSG on a
 * malformed archive.  Stops at the first "TRAILER!!!"; ret_consumed gets the
 * bytes read up to there (an archive may be followed by another). */
int crashkernel_cpio_usage(const void *data, size_t size, uint64_t *ret_unpacked, uint64_t *ret_files,
                           size_t *ret_consumed);
