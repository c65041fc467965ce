/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capture kernel's device tree on arm64 (see arm64-dtb.h): the running
 * tree grown with fdt_open_into() and its /chosen rewritten with libfdt as
 * drivers/of/kexec.c does for kexec_file_load, for the classic loader. */
#include <errno.h>
#include <libfdt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "capture-kernel/arm64-dtb.h"

/* drivers/of/kexec.c FDT_EXTRA_SPACE: room for the properties added. */
#define DTB_EXTRA_SPACE 0x1000u
/* More ranges than any crash reservation has (crashkernel= high and low). */
#define DTB_USABLE_MAX 64u

static int fail(int r, char **ret_err, const char *fmt, ...) _printf_(3, 4);
static int fail(int r, char **ret_err, const char *fmt, ...) {
        va_list ap;

        if (ret_err) {
                va_start(ap, fmt);
                if (vasprintf(ret_err, fmt, ap) < 0)
                        *ret_err = NULL;
                va_end(ap);
        }
        return r;
}

/* libfdt's -FDT_ERR_* as -errno. */
static int fdt_errno(int fdt_r) {
        switch (-fdt_r) {
        case FDT_ERR_NOSPACE:   return -ENOSPC;
        case FDT_ERR_NOTFOUND:  return -ENOENT;
        case FDT_ERR_BADVALUE:  return -ERANGE;
        default:                return -EBADMSG;
        }
}

static int fdt_fail(int fdt_r, char **ret_err, const char *what) {
        return fail(fdt_errno(fdt_r), ret_err, "cannot %s in the capture kernel's device tree: %s",
                    what, fdt_strerror(fdt_r));
}

int arm64_dtb_check(const void *fdt, size_t len, char **ret_err) {
        int r;

        if (!fdt || len < sizeof(struct fdt_header))
                return fail(-EBADMSG, ret_err, "not a flattened device tree: %zu bytes, shorter than its header", len);
        r = fdt_check_header(fdt);
        if (r < 0)
                return fail(-EBADMSG, ret_err, "not a flattened device tree: %s", fdt_strerror(r));
        if (fdt_totalsize(fdt) > len)
                return fail(-EBADMSG, ret_err, "a truncated flattened device tree: its header says %u bytes, %zu there",
                            fdt_totalsize(fdt), len);
        r = fdt_check_full(fdt, fdt_totalsize(fdt));
        if (r < 0)
                return fail(-EBADMSG, ret_err, "a malformed flattened device tree: %s", fdt_strerror(r));
        return 0;
}

size_t arm64_dtb_rng_seed_size(const void *fdt) {
        int chosen, len;

        chosen = fdt_path_offset(fdt, "/chosen");
        if (chosen >= 0 && fdt_getprop(fdt, chosen, "rng-seed", &len) && len > 0)
                return (size_t) len;
        return ARM64_DTB_RNG_SEED_SIZE;
}

static int check_opts(const struct arm64_dtb_opts *o, char **ret_err) {
        if (o->elfcorehdr_size == 0)
                return fail(-EINVAL, ret_err, "no ELF core header segment to hand on (size 0)");
        if (!o->usable || o->n_usable == 0 || o->n_usable > DTB_USABLE_MAX)
                return fail(-EINVAL, ret_err, "%zu crash kernel memory ranges to hand on, expected 1 to %u",
                            o->usable ? o->n_usable : 0, DTB_USABLE_MAX);
        for (size_t i = 0; i < o->n_usable; i++)
                if (o->usable[i].size == 0 || o->usable[i].start + o->usable[i].size < o->usable[i].start)
                        return fail(-EINVAL, ret_err, "crash kernel memory range 0x%llx+0x%llx is not a range",
                                    (unsigned long long) o->usable[i].start, (unsigned long long) o->usable[i].size);
        if ((o->initrd_start != 0 || o->initrd_end != 0) && o->initrd_end <= o->initrd_start)
                return fail(-EINVAL, ret_err, "initrd 0x%llx-0x%llx is not a range",
                            (unsigned long long) o->initrd_start, (unsigned long long) o->initrd_end);
        if (o->rng_seed_len > 0 && !o->rng_seed)
                return fail(-EINVAL, ret_err, "an rng-seed length without the bytes");
        return 0;
}

/* The running tree reorganised into a buffer with room for the additions:
 * the kernel's sizing (the tree, the command line, FDT_EXTRA_SPACE) plus
 * what can outgrow it here (the seed, the ranges). */
static int open_tree(const void *fdt, const struct arm64_dtb_opts *o, void **ret, size_t *ret_size, char **ret_err) {
        size_t cmdline_len = o->cmdline ? strlen(o->cmdline) + 1 : 0;
        size_t size;
        void *buf;
        int r;

        if (fdt_totalsize(fdt) > ARM64_DTB_MAX || cmdline_len > ARM64_DTB_MAX || o->rng_seed_len > ARM64_DTB_MAX)
                return fail(-EFBIG, ret_err, "the capture kernel's device tree would exceed the %u bytes arm64 allows",
                            ARM64_DTB_MAX);
        size = fdt_totalsize(fdt) + cmdline_len + o->rng_seed_len + o->n_usable * 16 + DTB_EXTRA_SPACE;
        buf = malloc(size);
        if (!buf)
                return -ENOMEM;
        r = fdt_open_into(fdt, buf, (int) size);
        if (r < 0) {
                free(buf);
                return fail(-EBADMSG, ret_err, "cannot open the running device tree: %s", fdt_strerror(r));
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

static int chosen_node(void *fdt, char **ret_err) {
        int r = fdt_path_offset(fdt, "/chosen");

        if (r == -FDT_ERR_NOTFOUND)
                r = fdt_add_subnode(fdt, 0, "chosen");
        if (r < 0)
                return fdt_fail(r, ret_err, "find or add /chosen");
        return r;
}

static int delprop(void *fdt, int node, const char *name) {
        int r = fdt_delprop(fdt, node, name);

        return r == -FDT_ERR_NOTFOUND ? 0 : r;
}

/* Deletes the /memreserve/ entry start+size: 1 if there was one, else 0. */
static int del_rsv(void *fdt, uint64_t start, uint64_t size) {
        int n = fdt_num_mem_rsv(fdt);

        for (int i = 0; i < n; i++) {
                uint64_t s, z;
                int r = fdt_get_mem_rsv(fdt, i, &s, &z);

                if (r < 0)
                        return r;
                if (s == start && z == size) {
                        r = fdt_del_mem_rsv(fdt, i);
                        return r < 0 ? r : 1;
                }
        }
        return 0;
}

/* A big-endian number of 1 or 2 cells (of_read_number()). */
static uint64_t read_cells(const void *p, int cells) {
        const fdt32_t *c = p;
        uint64_t v = 0;

        for (int i = 0; i < cells; i++)
                v = (v << 32) | fdt32_ld(c + i);
        return v;
}

/* The first kernel's initrd reservation: kexec reserves the exact size,
 * firmware may round up to a page (4K, 16K or 64K on arm64). */
static int drop_old_initrd_rsv(void *fdt, int chosen) {
        static const uint64_t page[] = { 1, 4096, 16384, 65536 };
        const void *p;
        uint64_t start, end;
        int len, r = 0;

        p = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
        if (!p || (len != 4 && len != 8))
                return 0;
        start = read_cells(p, len / 4);
        p = fdt_getprop(fdt, chosen, "linux,initrd-end", &len);
        if (!p || (len != 4 && len != 8))
                return 0;
        end = read_cells(p, len / 4);
        if (end <= start)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(page) && r == 0; i++)
                r = del_rsv(fdt, start, ALIGN_UP(end - start, page[i]));
        return r < 0 ? r : 0;
}

/* A previous kernel's IMA measurement buffer: of no use to the next one. */
static int drop_ima_buffer(void *fdt, int chosen) {
        int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0), len, r;
        const void *p = fdt_getprop(fdt, chosen, "linux,ima-kexec-buffer", &len);
        uint64_t addr, size;

        if (!p)
                return 0;
        if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 4 * (ac + sc))
                return fdt_delprop(fdt, chosen, "linux,ima-kexec-buffer");
        addr = read_cells(p, ac);
        size = read_cells((const uint8_t *) p + 4 * ac, sc);
        r = fdt_delprop(fdt, chosen, "linux,ima-kexec-buffer");
        if (r < 0)
                return r;
        r = del_rsv(fdt, addr, size);
        return r < 0 ? r : 0;
}

static int drop_stale(void *fdt, int chosen, char **ret_err) {
        static const char *const stale[] = {
                "linux,elfcorehdr", "linux,usable-memory-range", "linux,kho-fdt", "linux,kho-scratch", "kaslr-seed",
        };
        int r;

        r = drop_old_initrd_rsv(fdt, chosen);
        if (r < 0)
                return fdt_fail(r, ret_err, "drop the old initrd's /memreserve/ entry");
        r = drop_ima_buffer(fdt, chosen);
        if (r < 0)
                return fdt_fail(r, ret_err, "drop linux,ima-kexec-buffer");
        for (size_t i = 0; i < ELEMENTSOF(stale); i++) {
                r = delprop(fdt, chosen, stale[i]);
                if (r < 0)
                        return fdt_fail(r, ret_err, "delete a stale /chosen property");
        }
        return 0;
}

static int set_initrd(void *fdt, int chosen, const struct arm64_dtb_opts *o, char **ret_err) {
        int r;

        if (o->initrd_start == 0 && o->initrd_end == 0) {
                r = delprop(fdt, chosen, "linux,initrd-start");
                if (r >= 0)
                        r = delprop(fdt, chosen, "linux,initrd-end");
                return r < 0 ? fdt_fail(r, ret_err, "delete linux,initrd-start/-end") : 0;
        }
        r = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", o->initrd_start);
        if (r >= 0)
                r = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", o->initrd_end);
        if (r >= 0)
                r = fdt_add_mem_rsv(fdt, o->initrd_start, o->initrd_end - o->initrd_start);
        return r < 0 ? fdt_fail(r, ret_err, "set linux,initrd-start/-end") : 0;
}

/* Appends <addr size> in the root's cells. */
static int append_range(void *fdt, int chosen, const char *name, uint64_t addr, uint64_t size, char **ret_err) {
        int r = fdt_appendprop_addrrange(fdt, 0, chosen, name, addr, size);

        if (r == -FDT_ERR_BADVALUE || r == -FDT_ERR_BADNCELLS)
                return fail(-ERANGE, ret_err,
                            "%s 0x%llx+0x%llx does not fit the device tree's #address-cells = %d, #size-cells = %d",
                            name, (unsigned long long) addr, (unsigned long long) size,
                            fdt_address_cells(fdt, 0), fdt_size_cells(fdt, 0));
        return r < 0 ? fdt_fail(r, ret_err, "set linux,elfcorehdr/linux,usable-memory-range") : 0;
}

static int set_crash(void *fdt, int chosen, const struct arm64_dtb_opts *o, char **ret_err) {
        int r;

        r = append_range(fdt, chosen, "linux,elfcorehdr", o->elfcorehdr_addr, o->elfcorehdr_size, ret_err);
        if (r < 0)
                return r;
        /* No /memreserve/ for it: the capture kernel reserves
         * linux,elfcorehdr itself (drivers/of/fdt.c) and warns "elfcorehdr
         * is overlapped" when the region is already reserved. */
        for (size_t i = 0; i < o->n_usable; i++) {
                r = append_range(fdt, chosen, "linux,usable-memory-range", o->usable[i].start, o->usable[i].size,
                                 ret_err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int set_boot(void *fdt, int chosen, const struct arm64_dtb_opts *o, char **ret_err) {
        int r;

        r = o->cmdline ? fdt_setprop_string(fdt, chosen, "bootargs", o->cmdline) : delprop(fdt, chosen, "bootargs");
        if (r < 0)
                return fdt_fail(r, ret_err, "set bootargs");
        r = o->rng_seed_len > 0 ? fdt_setprop(fdt, chosen, "rng-seed", o->rng_seed, (int) o->rng_seed_len)
                                : delprop(fdt, chosen, "rng-seed");
        if (r < 0)
                return fdt_fail(r, ret_err, "set rng-seed");
        r = fdt_setprop_empty(fdt, chosen, "linux,booted-from-kexec");
        if (r < 0)
                return fdt_fail(r, ret_err, "set linux,booted-from-kexec");
        return 0;
}

static int edit_chosen(void *fdt, const struct arm64_dtb_opts *o, char **ret_err) {
        int chosen, r;

        chosen = chosen_node(fdt, ret_err);
        if (chosen < 0)
                return chosen;
        r = drop_stale(fdt, chosen, ret_err);
        if (r < 0)
                return r;
        r = set_initrd(fdt, chosen, o, ret_err);
        if (r < 0)
                return r;
        r = set_crash(fdt, chosen, o, ret_err);
        if (r < 0)
                return r;
        return set_boot(fdt, chosen, o, ret_err);
}

int arm64_dtb_build(const void *running_fdt, size_t len, const struct arm64_dtb_opts *o,
                    void **ret, size_t *ret_size, char **ret_err) {
        _cleanup_free_ void *buf = NULL;
        size_t size;
        void *shrunk;
        int r;

        r = arm64_dtb_check(running_fdt, len, ret_err);
        if (r < 0)
                return r;
        r = check_opts(o, ret_err);
        if (r < 0)
                return r;
        r = open_tree(running_fdt, o, &buf, &size, ret_err);
        if (r < 0)
                return r;
        r = edit_chosen(buf, o, ret_err);
        if (r < 0)
                return r;
        r = fdt_pack(buf);
        if (r < 0)
                return fdt_fail(r, ret_err, "pack the tree");
        size = fdt_totalsize(buf);
        if (size > ARM64_DTB_MAX)
                return fail(-EFBIG, ret_err, "the capture kernel's device tree is %zu bytes, more than the %u arm64 allows",
                            size, ARM64_DTB_MAX);
        shrunk = realloc(buf, size);
        if (shrunk)
                buf = shrunk;
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

int arm64_dtb_read_running(const char *root, void **ret, size_t *ret_size, char **ret_err) {
        _cleanup_free_ char *path = NULL, *buf = NULL, *why = NULL;
        size_t size;
        int r;

        if (asprintf(&path, "%s%s", root && strcmp(root, "/") != 0 ? root : "", ARM64_DTB_SYSFS_PATH) < 0)
                return -ENOMEM;
        r = read_full_file(path, &buf, &size);
        if (r == -ENOENT)
                return fail(r, ret_err, "%s is missing: the running kernel exposes no flattened device tree", path);
        if (r < 0)
                return fail(r, ret_err, "cannot read %s: %s", path, strerror(-r));
        r = arm64_dtb_check(buf, size, &why);
        if (r < 0)
                return fail(r, ret_err, "%s: %s", path, why ? why : "not a flattened device tree");
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

int arm64_dtb_random_seed(size_t n, uint8_t **ret) {
        _cleanup_free_ uint8_t *buf = NULL;
        size_t done = 0;

        buf = malloc(n ? n : 1);
        if (!buf)
                return -ENOMEM;
        while (done < n) {
                ssize_t k = getrandom(buf + done, n - done, GRND_NONBLOCK);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                done += (size_t) k;
        }
        *ret = TAKE_PTR(buf);
        return 0;
}
