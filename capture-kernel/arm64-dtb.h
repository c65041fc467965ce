/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The capture kernel's device tree on arm64.  Debian's arm64 kernels have no
 * kexec_file_load, so the classic loader (kexec_load) must hand the capture
 * kernel the device tree the kernel's file loader would have built
 * (drivers/of/kexec.c of_kexec_alloc_and_setup_fdt(), called by
 * arch/arm64/kernel/machine_kexec_file.c): the running one
 * (/sys/firmware/fdt) with /chosen rewritten --
 *
 *   linux,elfcorehdr            <addr size> of the ELF core header segment,
 *                               without the /memreserve/ entry the kernel's
 *                               loader adds: the capture kernel reserves the
 *                               header itself and warns "elfcorehdr is
 *                               overlapped" when it is already reserved;
 *   linux,usable-memory-range   the crash reservation ranges, the main
 *                               (crashkernel=) one first: the capture kernel
 *                               caps memory to the first and adds the others;
 *   linux,initrd-start/-end     u64 each, and a /memreserve/ entry; removed
 *                               when there is no initrd;
 *   bootargs                    the capture command line;
 *   rng-seed                    fresh random bytes (or removed);
 *   kaslr-seed                  removed: the capture kernel need not
 *                               randomise its virtual layout;
 *   linux,booted-from-kexec     set, as the kernel sets it (the TPM event
 *                               log is not the capture kernel's);
 *
 * and what a kexec'd first kernel left behind dropped: a previous
 * linux,elfcorehdr and linux,usable-memory-range, linux,ima-kexec-buffer
 * (with its /memreserve/ entry), linux,kho-fdt and linux,kho-scratch.  The
 * /memreserve/ entry of the first kernel's initrd goes too (exact size or
 * rounded up to a 4K/16K/64K page, as the kernel tries).  Other
 * /memreserve/ entries and the reserved-memory nodes stay: the kernel's
 * kexec code keeps them too.  (It also drops an entry for the running tree's
 * own physical address, which user space does not know; left, it reserves
 * memory outside the usable ranges the capture kernel is confined to.)
 * <addr size> pairs are written in the root's #address-cells/#size-cells.
 *
 * Pure: arm64_dtb_check(), arm64_dtb_rng_seed_size(), arm64_dtb_build()
 * work on buffers (libfdt).  I/O: arm64_dtb_read_running(),
 * arm64_dtb_random_seed(). */

#include <stddef.h>
#include <stdint.h>

/* Documentation/arch/arm64/booting.rst: the device tree blob must not
 * exceed 2 megabytes. */
#define ARM64_DTB_MAX (2u * 1024u * 1024u)
/* drivers/of/kexec.c RNG_SEED_SIZE: the rng-seed the kernel hands on when
 * the running tree had none to take the size from. */
#define ARM64_DTB_RNG_SEED_SIZE 128u
#define ARM64_DTB_SYSFS_PATH "/sys/firmware/fdt"

struct arm64_dtb_range {
        uint64_t start, size;
};

struct arm64_dtb_opts {
        const char *cmdline;                    /* NULL: bootargs removed */
        uint64_t elfcorehdr_addr, elfcorehdr_size;
        uint64_t initrd_start, initrd_end;      /* 0/0: no initrd */
        const struct arm64_dtb_range *usable;   /* at least one; main range first */
        size_t n_usable;
        const uint8_t *rng_seed;                /* NULL/0: rng-seed removed */
        size_t rng_seed_len;
};

/* 0 when buf[0..len) holds a whole, well-formed flattened device tree,
 * else -EBADMSG with a sentence in *ret_err. */
int arm64_dtb_check(const void *fdt, size_t len, char **ret_err);

/* The size of the rng-seed to hand on: that of the running tree's /chosen
 * rng-seed, else ARM64_DTB_RNG_SEED_SIZE.  fdt must have passed
 * arm64_dtb_check(). */
size_t arm64_dtb_rng_seed_size(const void *fdt);

/* The capture kernel's device tree, packed, in a new buffer.  -EBADMSG for
 * a bad input tree, -EINVAL for bad options, -ERANGE for an address or size
 * that does not fit the root's cells, -EFBIG beyond ARM64_DTB_MAX, each
 * with a sentence in *ret_err (when ret_err is not NULL); -ENOMEM without. */
int arm64_dtb_build(const void *running_fdt, size_t len, const struct arm64_dtb_opts *o,
                    void **ret, size_t *ret_size, char **ret_err);

/* Reads and checks root/sys/firmware/fdt (root NULL: "/"). */
int arm64_dtb_read_running(const char *root, void **ret, size_t *ret_size, char **ret_err);

/* n fresh random bytes from getrandom(2), without blocking: -EAGAIN while
 * the kernel's pool is not initialised (the kernel then omits rng-seed). */
int arm64_dtb_random_seed(size_t n, uint8_t **ret);
