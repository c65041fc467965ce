/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The arm64 capture kernel's device tree (arm64-dtb.h) from synthetic running
 * trees written with libfdt's sequential-write API, as a QEMU virt machine's
 * or a kexec'd first kernel's would look: root #address-cells/#size-cells 2
 * and 1, with and without /chosen, initrd, rng-seed and the properties a
 * previous kexec left; every property of the result read back with
 * fdt_getprop(); broken trees and options refused with a sentence; and the
 * I/O around it (/sys/firmware/fdt under a fake root, getrandom).  One real
 * layout too: a QEMU virt guest's tree (tests/fixtures/arm64-dtb/). */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "capture-kernel/arm64-dtb.h"
#include "tests.h"

#define OLD_INITRD_START 0x48000000ull
#define OLD_INITRD_END   0x48a01234ull          /* firmware reserved it page-rounded */
#define OTHER_RSV_START  0x4f000000ull          /* an unrelated /memreserve/: stays */
#define IMA_START        0x4e000000ull
#define IMA_SIZE         0x2000ull
#define UEFI_SYSTAB      0xbfe5f018ull
#define SEED_LEN         64

struct tree {
        int ac, sc;             /* the root's #address-cells, #size-cells */
        bool chosen, initrd, rng, kexeced;
        bool initrd_exact_rsv;  /* the old initrd reserved at its exact size (a kexec'd kernel) */
};

/* <addr size> in ac/sc big-endian cells. */
static int put_range(void *b, const char *name, int ac, int sc, uint64_t a, uint64_t s) {
        fdt32_t c[4];
        int n = 0;

        if (ac == 2)
                c[n++] = cpu_to_fdt32((uint32_t) (a >> 32));
        c[n++] = cpu_to_fdt32((uint32_t) a);
        if (sc == 2)
                c[n++] = cpu_to_fdt32((uint32_t) (s >> 32));
        c[n++] = cpu_to_fdt32((uint32_t) s);
        return fdt_property(b, name, c, n * 4);
}

static void chosen_node(void *b, const struct tree *t) {
        uint8_t seed[SEED_LEN];

        memset(seed, 0xaa, sizeof(seed));
        ASSERT_OK(fdt_begin_node(b, "chosen"));
        ASSERT_OK(fdt_property_string(b, "bootargs", "console=ttyAMA0 root=/dev/vda2 crashkernel=512M"));
        ASSERT_OK(fdt_property_string(b, "stdout-path", "/pl011@9000000"));
        ASSERT_OK(fdt_property_u64(b, "linux,uefi-system-table", UEFI_SYSTAB));
        ASSERT_OK(fdt_property_u64(b, "kaslr-seed", 0x1122334455667788ull));
        if (t->rng)
                ASSERT_OK(fdt_property(b, "rng-seed", seed, sizeof(seed)));
        if (t->initrd) {        /* as U-Boot writes them: one cell with #address-cells 1 */
                if (t->ac == 1) {
                        ASSERT_OK(fdt_property_u32(b, "linux,initrd-start", (uint32_t) OLD_INITRD_START));
                        ASSERT_OK(fdt_property_u32(b, "linux,initrd-end", (uint32_t) OLD_INITRD_END));
                } else {
                        ASSERT_OK(fdt_property_u64(b, "linux,initrd-start", OLD_INITRD_START));
                        ASSERT_OK(fdt_property_u64(b, "linux,initrd-end", OLD_INITRD_END));
                }
        }
        if (t->kexeced) {       /* what the kernel's kexec_file_load put there */
                ASSERT_OK(put_range(b, "linux,elfcorehdr", t->ac, t->sc, 0x5000000, 0x1000));
                ASSERT_OK(put_range(b, "linux,usable-memory-range", t->ac, t->sc, 0x60000000, 0x1000000));
                ASSERT_OK(fdt_property(b, "linux,booted-from-kexec", NULL, 0));
                ASSERT_OK(put_range(b, "linux,ima-kexec-buffer", t->ac, t->sc, IMA_START, IMA_SIZE));
                ASSERT_OK(put_range(b, "linux,kho-fdt", t->ac, t->sc, 0x4d000000, 0x1000));
        }
        ASSERT_OK(fdt_end_node(b));
}

static void *make_tree(const struct tree *t, size_t *ret_len) {
        const size_t cap = 8192;
        void *b = calloc(1, cap);
        uint64_t old_size = OLD_INITRD_END - OLD_INITRD_START;

        ASSERT_TRUE(b);
        ASSERT_OK(fdt_create(b, (int) cap));
        if (t->initrd)
                ASSERT_OK(fdt_add_reservemap_entry(b, OLD_INITRD_START,
                                                   t->initrd_exact_rsv ? old_size : ALIGN_UP(old_size, 4096)));
        ASSERT_OK(fdt_add_reservemap_entry(b, OTHER_RSV_START, 0x10000));
        if (t->kexeced)
                ASSERT_OK(fdt_add_reservemap_entry(b, IMA_START, IMA_SIZE));
        ASSERT_OK(fdt_finish_reservemap(b));
        ASSERT_OK(fdt_begin_node(b, ""));
        ASSERT_OK(fdt_property_string(b, "compatible", "linux,dummy-virt"));
        ASSERT_OK(fdt_property_u32(b, "#address-cells", (uint32_t) t->ac));
        ASSERT_OK(fdt_property_u32(b, "#size-cells", (uint32_t) t->sc));
        ASSERT_OK(fdt_begin_node(b, "memory@40000000"));
        ASSERT_OK(fdt_property_string(b, "device_type", "memory"));
        ASSERT_OK(put_range(b, "reg", t->ac, t->sc, 0x40000000, 0x80000000));
        ASSERT_OK(fdt_end_node(b));
        ASSERT_OK(fdt_begin_node(b, "reserved-memory"));
        ASSERT_OK(fdt_property_u32(b, "#address-cells", (uint32_t) t->ac));
        ASSERT_OK(fdt_property_u32(b, "#size-cells", (uint32_t) t->sc));
        ASSERT_OK(fdt_property(b, "ranges", NULL, 0));
        ASSERT_OK(fdt_begin_node(b, "linux,cma"));
        ASSERT_OK(fdt_property_string(b, "compatible", "shared-dma-pool"));
        ASSERT_OK(fdt_end_node(b));
        ASSERT_OK(fdt_end_node(b));
        if (t->chosen)
                chosen_node(b, t);
        ASSERT_OK(fdt_end_node(b));
        ASSERT_OK(fdt_finish(b));
        ASSERT_OK(fdt_check_full(b, fdt_totalsize(b)));
        *ret_len = fdt_totalsize(b);
        return b;
}

/* The capture kernel's side of things. */
static const struct arm64_dtb_range usable[] = {
        { 0xa0000000, 0x20000000 },     /* crashkernel= (high), first */
        { 0x7c000000, 0x04000000 },     /* crashkernel=,low */
};
#define CMDLINE "console=ttyAMA0 reset_devices nr_cpus=1 irqpoll"
#define ELFCOREHDR_ADDR 0xbfff0000ull
#define ELFCOREHDR_SIZE 0x2400ull
#define INITRD_START 0xa8000000ull
#define INITRD_END   0xa8654321ull

static struct arm64_dtb_opts opts(const uint8_t *seed, size_t seed_len, bool initrd) {
        return (struct arm64_dtb_opts) {
                .cmdline = CMDLINE,
                .elfcorehdr_addr = ELFCOREHDR_ADDR,
                .elfcorehdr_size = ELFCOREHDR_SIZE,
                .initrd_start = initrd ? INITRD_START : 0,
                .initrd_end = initrd ? INITRD_END : 0,
                .usable = usable,
                .n_usable = ELEMENTSOF(usable),
                .rng_seed = seed,
                .rng_seed_len = seed_len,
        };
}

static const void *chosen_prop(const void *fdt, const char *name, int *len) {
        int node = fdt_path_offset(fdt, "/chosen");

        ASSERT_TRUE(node >= 0);
        return fdt_getprop(fdt, node, name, len);
}

static uint64_t cells(const void *p, int n) {
        const fdt32_t *c = p;
        uint64_t v = 0;

        for (int i = 0; i < n; i++)
                v = (v << 32) | fdt32_to_cpu(c[i]);
        return v;
}

/* The idx-th <addr size> of a /chosen property in ac/sc cells, n of them in all. */
static void check_range(const void *fdt, const char *name, int ac, int sc, int n, int idx, uint64_t a, uint64_t s) {
        int len;
        const uint8_t *p = chosen_prop(fdt, name, &len);

        ASSERT_TRUE(p);
        ASSERT_EQ(len, n * 4 * (ac + sc));
        p += idx * 4 * (ac + sc);
        ASSERT_EQ(cells(p, ac), a);
        ASSERT_EQ(cells(p + 4 * ac, sc), s);
}

static void check_u64(const void *fdt, const char *name, uint64_t v) {
        int len;
        const void *p = chosen_prop(fdt, name, &len);

        ASSERT_TRUE(p);
        ASSERT_EQ(len, 8);
        ASSERT_EQ(cells(p, 2), v);
}

static bool has_rsv(const void *fdt, uint64_t start, uint64_t size) {
        for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
                uint64_t s, z;

                ASSERT_OK(fdt_get_mem_rsv(fdt, i, &s, &z));
                if (s == start && z == size)
                        return true;
        }
        return false;
}

/* What every result has, whatever the running tree. */
static void check_common(const void *fdt, size_t size, int ac, int sc) {
        int len;

        ASSERT_EQ(size, fdt_totalsize(fdt));
        ASSERT_OK(fdt_check_full(fdt, size));
        ASSERT_TRUE(size <= ARM64_DTB_MAX);
        check_range(fdt, "linux,elfcorehdr", ac, sc, 1, 0, ELFCOREHDR_ADDR, ELFCOREHDR_SIZE);
        check_range(fdt, "linux,usable-memory-range", ac, sc, 2, 0, usable[0].start, usable[0].size);
        check_range(fdt, "linux,usable-memory-range", ac, sc, 2, 1, usable[1].start, usable[1].size);
        /* The capture kernel reserves it and warns if it is already reserved. */
        ASSERT_TRUE(!has_rsv(fdt, ELFCOREHDR_ADDR, ELFCOREHDR_SIZE));
        ASSERT_STREQ(chosen_prop(fdt, "bootargs", &len), CMDLINE);
        ASSERT_EQ(len, strlen(CMDLINE) + 1);
        ASSERT_TRUE(!chosen_prop(fdt, "kaslr-seed", &len));
        ASSERT_TRUE(chosen_prop(fdt, "linux,booted-from-kexec", &len));
        ASSERT_EQ(len, 0);
        ASSERT_TRUE(!chosen_prop(fdt, "linux,ima-kexec-buffer", &len));
        ASSERT_TRUE(!chosen_prop(fdt, "linux,kho-fdt", &len));
}

static void check_initrd(const void *fdt) {
        check_u64(fdt, "linux,initrd-start", INITRD_START);
        check_u64(fdt, "linux,initrd-end", INITRD_END);
        ASSERT_TRUE(has_rsv(fdt, INITRD_START, INITRD_END - INITRD_START));
}

/* The running tree's other contents come through untouched. */
static void check_kept(const void *fdt, int ac, int sc) {
        int node = fdt_path_offset(fdt, "/memory@40000000"), len;
        const void *p;

        ASSERT_TRUE(node >= 0);
        p = fdt_getprop(fdt, node, "reg", &len);
        ASSERT_TRUE(p);
        ASSERT_EQ(len, 4 * (ac + sc));
        ASSERT_EQ(cells(p, ac), 0x40000000);
        ASSERT_TRUE(fdt_path_offset(fdt, "/reserved-memory/linux,cma") >= 0);
        check_u64(fdt, "linux,uefi-system-table", UEFI_SYSTAB);
        ASSERT_STREQ(chosen_prop(fdt, "stdout-path", &len), "/pl011@9000000");
        ASSERT_TRUE(has_rsv(fdt, OTHER_RSV_START, 0x10000));
        ASSERT_TRUE(!has_rsv(fdt, OLD_INITRD_START, ALIGN_UP(OLD_INITRD_END - OLD_INITRD_START, 4096)));
        ASSERT_TRUE(!has_rsv(fdt, OLD_INITRD_START, OLD_INITRD_END - OLD_INITRD_START));
}

TEST(cells_2_2) {
        struct tree t = { .ac = 2, .sc = 2, .chosen = true, .initrd = true, .rng = true };
        _cleanup_free_ void *in = NULL, *out = NULL;
        _cleanup_free_ uint8_t *seed = NULL;
        size_t len, size;
        const uint8_t *p;
        int plen;

        in = make_tree(&t, &len);
        ASSERT_EQ(arm64_dtb_rng_seed_size(in), SEED_LEN);
        ASSERT_OK(arm64_dtb_random_seed(arm64_dtb_rng_seed_size(in), &seed));
        struct arm64_dtb_opts o = opts(seed, SEED_LEN, true);
        ASSERT_OK(arm64_dtb_build(in, len, &o, &out, &size, NULL));
        check_common(out, size, 2, 2);
        check_initrd(out);
        check_kept(out, 2, 2);
        p = chosen_prop(out, "rng-seed", &plen);
        ASSERT_TRUE(p);
        ASSERT_EQ(plen, SEED_LEN);
        ASSERT_TRUE(memcmp(p, seed, SEED_LEN) == 0);
        ASSERT_TRUE(memcmp(p, chosen_prop(in, "rng-seed", &plen), SEED_LEN) != 0);
}

TEST(cells_1_1) {
        struct tree t = { .ac = 1, .sc = 1, .chosen = true, .initrd = true, .rng = true };
        _cleanup_free_ void *in = NULL, *out = NULL;
        _cleanup_free_ char *err = NULL;
        static const uint8_t seed[SEED_LEN] = { 1, 2, 3 };
        size_t len, size;

        in = make_tree(&t, &len);
        struct arm64_dtb_opts o = opts(seed, sizeof(seed), true);
        ASSERT_OK(arm64_dtb_build(in, len, &o, &out, &size, NULL));
        check_common(out, size, 1, 1);
        check_initrd(out);      /* u64 whatever the cells, as the kernel writes them */
        check_kept(out, 1, 1);

        /* An ELF core header above 4 GiB cannot be said in one cell. */
        o.elfcorehdr_addr = 0x100000000ull;
        free(out);
        out = NULL;
        ASSERT_ERR(arm64_dtb_build(in, len, &o, &out, &size, &err), ERANGE);
        ASSERT_TRUE(!out);
        ASSERT_CONTAINS(err, "#address-cells = 1");
}

TEST(no_initrd_no_seed) {
        struct tree t = { .ac = 2, .sc = 2, .chosen = true, .initrd = true, .rng = true, .initrd_exact_rsv = true };
        _cleanup_free_ void *in = NULL, *out = NULL;
        size_t len, size;
        int plen;

        in = make_tree(&t, &len);
        struct arm64_dtb_opts o = opts(NULL, 0, false);
        ASSERT_OK(arm64_dtb_build(in, len, &o, &out, &size, NULL));
        check_common(out, size, 2, 2);
        check_kept(out, 2, 2);
        ASSERT_TRUE(!chosen_prop(out, "linux,initrd-start", &plen));
        ASSERT_TRUE(!chosen_prop(out, "linux,initrd-end", &plen));
        ASSERT_TRUE(!chosen_prop(out, "rng-seed", &plen));
        ASSERT_EQ(fdt_num_mem_rsv(out), 1);     /* the unrelated one */
}

TEST(no_chosen) {
        struct tree t = { .ac = 2, .sc = 1 };
        _cleanup_free_ void *in = NULL, *out = NULL;
        _cleanup_free_ uint8_t *seed = NULL;
        size_t len, size;
        int plen;

        in = make_tree(&t, &len);
        ASSERT_TRUE(fdt_path_offset(in, "/chosen") < 0);
        ASSERT_EQ(arm64_dtb_rng_seed_size(in), ARM64_DTB_RNG_SEED_SIZE);
        ASSERT_OK(arm64_dtb_random_seed(ARM64_DTB_RNG_SEED_SIZE, &seed));
        struct arm64_dtb_opts o = opts(seed, ARM64_DTB_RNG_SEED_SIZE, true);
        ASSERT_OK(arm64_dtb_build(in, len, &o, &out, &size, NULL));
        check_common(out, size, 2, 1);
        check_initrd(out);
        ASSERT_TRUE(chosen_prop(out, "rng-seed", &plen));
        ASSERT_EQ(plen, ARM64_DTB_RNG_SEED_SIZE);
}

/* A first kernel itself started by kexec_file_load: its crash and IMA
 * properties are replaced or dropped, not appended to. */
TEST(kexeced_first_kernel) {
        struct tree t = { .ac = 2, .sc = 2, .chosen = true, .initrd = true, .kexeced = true,
                          .initrd_exact_rsv = true };
        _cleanup_free_ void *in = NULL, *out = NULL;
        size_t len, size;

        in = make_tree(&t, &len);
        struct arm64_dtb_opts o = opts(NULL, 0, true);
        ASSERT_OK(arm64_dtb_build(in, len, &o, &out, &size, NULL));
        check_common(out, size, 2, 2);  /* one elfcorehdr, exactly the two new ranges */
        check_initrd(out);
        check_kept(out, 2, 2);
        ASSERT_TRUE(!has_rsv(out, IMA_START, IMA_SIZE));
        ASSERT_EQ(fdt_num_mem_rsv(out), 2);     /* unrelated, new initrd */
}

static void expect_bad(const void *buf, size_t len, const char *msg) {
        _cleanup_free_ char *err = NULL;
        void *out = NULL;
        size_t size = 0;
        struct arm64_dtb_opts o = opts(NULL, 0, false);

        ASSERT_ERR(arm64_dtb_build(buf, len, &o, &out, &size, &err), EBADMSG);
        ASSERT_TRUE(!out && size == 0);
        ASSERT_CONTAINS(err, msg);
}

TEST(bad_input) {
        struct tree t = { .ac = 2, .sc = 2, .chosen = true };
        _cleanup_free_ void *in = NULL;
        _cleanup_free_ uint8_t *junk = NULL;
        size_t len;

        in = make_tree(&t, &len);
        expect_bad(in, 10, "shorter than its header");
        expect_bad(NULL, 0, "shorter than its header");
        expect_bad(in, len - 1, "truncated");
        expect_bad(in, len / 2, "truncated");
        ASSERT_OK(arm64_dtb_random_seed(4096, &junk));
        expect_bad(junk, 4096, "not a flattened device tree");
        /* A good header over a broken structure block. */
        memset((uint8_t *) in + fdt_off_dt_struct(in) + 8, 0xff, 8);
        expect_bad(in, len, "malformed");
}

TEST(bad_opts) {
        struct tree t = { .ac = 2, .sc = 2, .chosen = true };
        _cleanup_free_ void *in = NULL;
        size_t len, size;
        void *out = NULL;
        struct arm64_dtb_opts o;

        in = make_tree(&t, &len);
        o = opts(NULL, 0, false);
        o.elfcorehdr_size = 0;
        ASSERT_ERR(arm64_dtb_build(in, len, &o, &out, &size, NULL), EINVAL);
        o = opts(NULL, 0, false);
        o.n_usable = 0;
        ASSERT_ERR(arm64_dtb_build(in, len, &o, &out, &size, NULL), EINVAL);
        o = opts(NULL, 0, true);
        o.initrd_end = o.initrd_start;
        ASSERT_ERR(arm64_dtb_build(in, len, &o, &out, &size, NULL), EINVAL);
        o = opts(NULL, 16, false);
        ASSERT_ERR(arm64_dtb_build(in, len, &o, &out, &size, NULL), EINVAL);
        ASSERT_TRUE(!out);
}

TEST(read_running) {
        struct tree t = { .ac = 2, .sc = 2, .chosen = true, .rng = true };
        _cleanup_free_ void *in = NULL, *got = NULL;
        _cleanup_free_ char *err = NULL, *err2 = NULL;
        const char *root = test_tmp("root"), *dir = test_tmp("root/sys/firmware");
        const char *bad = test_tmp("bad"), *baddir = test_tmp("bad/sys/firmware");
        char path[4096];
        size_t len, size;

        in = make_tree(&t, &len);
        ASSERT_OK(mkdir_p(dir, 0755));
        snprintf(path, sizeof(path), "%s/fdt", dir);
        ASSERT_OK(write_file_atomic(path, in, len, 0444));
        ASSERT_OK(arm64_dtb_read_running(root, &got, &size, NULL));
        ASSERT_EQ(size, len);
        ASSERT_TRUE(memcmp(got, in, len) == 0);

        ASSERT_ERR(arm64_dtb_read_running(test_tmp("nowhere"), &got, &size, &err), ENOENT);
        ASSERT_CONTAINS(err, "/sys/firmware/fdt is missing");

        ASSERT_OK(mkdir_p(baddir, 0755));
        snprintf(path, sizeof(path), "%s/fdt", baddir);
        ASSERT_OK(write_file_atomic(path, in, len / 2, 0444));
        ASSERT_ERR(arm64_dtb_read_running(bad, &got, &size, &err2), EBADMSG);
        ASSERT_CONTAINS(err2, "bad/sys/firmware/fdt: a truncated flattened device tree");
}

/* A QEMU virt guest's /sys/firmware/fdt (tests/fixtures/arm64-dtb/qemu-virt.dts,
 * compiled with dtc): the wiped kaslr-seed goes, a 128-byte rng-seed comes. */
TEST(qemu_virt_fixture) {
        _cleanup_free_ void *in = NULL, *out = NULL;
        _cleanup_free_ uint8_t *seed = NULL;
        size_t len, size;
        int plen;

        ASSERT_OK(arm64_dtb_read_running(test_fixture("arm64-dtb/qemu-virt"), &in, &len, NULL));
        check_u64(in, "kaslr-seed", 0);
        ASSERT_EQ(arm64_dtb_rng_seed_size(in), ARM64_DTB_RNG_SEED_SIZE);
        ASSERT_OK(arm64_dtb_random_seed(ARM64_DTB_RNG_SEED_SIZE, &seed));
        struct arm64_dtb_opts o = opts(seed, ARM64_DTB_RNG_SEED_SIZE, true);
        ASSERT_OK(arm64_dtb_build(in, len, &o, &out, &size, NULL));
        check_common(out, size, 2, 2);
        check_initrd(out);
        ASSERT_EQ(fdt_num_mem_rsv(out), 1);     /* the initrd */
        ASSERT_TRUE(chosen_prop(out, "rng-seed", &plen));
        ASSERT_EQ(plen, ARM64_DTB_RNG_SEED_SIZE);
        ASSERT_STREQ(chosen_prop(out, "stdout-path", &plen), "/pl011@9000000");
        ASSERT_TRUE(fdt_path_offset(out, "/cpus/cpu@1") >= 0);
        ASSERT_TRUE(fdt_path_offset(out, "/psci") >= 0);
}

TEST(random_seed) {
        _cleanup_free_ uint8_t *a = NULL, *b = NULL;

        ASSERT_OK(arm64_dtb_random_seed(ARM64_DTB_RNG_SEED_SIZE, &a));
        ASSERT_OK(arm64_dtb_random_seed(ARM64_DTB_RNG_SEED_SIZE, &b));
        ASSERT_TRUE(memcmp(a, b, ARM64_DTB_RNG_SEED_SIZE) != 0);
}

TEST_MAIN()
