/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/macro.h"
#include "crashkernel-reserve/crashkernel-param.h"
#include "crashkernel-reserve/crashkernel-policy.h"
#include "tests.h"

#define M (1ull << 20)
#define G (1ull << 30)

static struct crashkernel_inputs inputs(uint64_t ram) {
        /* The numbers measured on the build host (crashkernel-policy.h). */
        return (struct crashkernel_inputs) {
                .sz = sizeof(struct crashkernel_inputs),
                .kernel_init_size = 0x3f98000,
                .initramfs_size = 1709643,
                .initramfs_unpacked = 5406568,
                .initramfs_files = 46,
                .possible_cpus = 2,
                .capture_cpus = 1,
                .system_ram = ram,
        };
}

static uint64_t item(const struct crashkernel_estimate *e, const char *prefix) {
        for (size_t i = 0; i < e->n_items; i++)
                if (strncmp(e->items[i].name, prefix, strlen(prefix)) == 0)
                        return e->items[i].bytes;
        TEST_FAIL("no item \"%s\"", prefix);
}

TEST(estimate_is_the_sum_of_its_items) {
        struct crashkernel_inputs in = inputs(4 * G);
        struct crashkernel_estimate e;
        uint64_t sum = 0;

        ASSERT_OK(crashkernel_estimate(&in, &e));
        for (size_t i = 0; i < e.n_items; i++) {
                ASSERT_TRUE(e.items[i].name && e.items[i].basis);
                sum += e.items[i].bytes;
        }
        ASSERT_EQ(e.sum, sum);
        ASSERT_EQ(item(&e, "Capture kernel"), 0x3f98000);
        ASSERT_EQ(item(&e, "Initramfs, compressed"), ALIGN_UP(1709643, 4096));
        ASSERT_EQ(item(&e, "Initramfs, unpacked"), ALIGN_UP(5406568, 4096) + 46 * CK_ROOTFS_PER_FILE);
        ASSERT_EQ(item(&e, "Per GiB"), 4 * CK_PER_GIB_RAM);
        ASSERT_EQ(item(&e, "Per possible CPU"), 2 * CK_PER_POSSIBLE_CPU);
        ASSERT_EQ(item(&e, "Kernel runtime"), CK_KERNEL_RUNTIME);
        /* Headroom and struct pages on top, then rounded. */
        ASSERT_TRUE(e.total > e.sum + e.sum / 10);
        ASSERT_EQ(e.recommended % CK_ROUNDING, 0);
        ASSERT_TRUE(e.recommended >= e.total && e.recommended < e.total + CK_ROUNDING);
        /* Struct pages for the reservation fit inside it. */
        ASSERT_TRUE(e.total - e.total / CK_STRUCT_PAGE_RATIO >= e.sum + e.sum * CK_HEADROOM_PERCENT / 100);
        /* A small machine's capture environment is well under kdump-utils'
         * 192M for 1G-4G, and never below the 80M floor measured in the
         * capture kernel with these inputs (CK_KERNEL_RUNTIME). */
        printf("# recommended for 4 GiB: %llu MiB\n", (unsigned long long) (e.recommended / M));
        ASSERT_TRUE(e.recommended <= 128 * M);
        ASSERT_TRUE(e.recommended >= 80 * M);
}

TEST(measured_runtime_floor_replaces_the_estimate) {
        struct crashkernel_inputs in = inputs(4 * G);
        struct crashkernel_estimate a, b;

        ASSERT_OK(crashkernel_estimate(&in, &a));
        in.runtime_base = CK_KERNEL_RUNTIME + 64 * M;
        ASSERT_OK(crashkernel_estimate(&in, &b));
        ASSERT_EQ(b.sum - a.sum, 64 * M);
        ASSERT_TRUE(b.recommended > a.recommended);
        ASSERT_STREQ(b.items[1].basis, "measured here");
}

TEST(scales_with_ram_cpus_and_initramfs) {
        struct crashkernel_inputs in = inputs(4 * G);
        struct crashkernel_estimate small, big_ram, many_cpus, threads, big_initrd;

        ASSERT_OK(crashkernel_estimate(&in, &small));
        in.system_ram = 4096 * G;
        ASSERT_OK(crashkernel_estimate(&in, &big_ram));
        /* 4 TiB: 256 MiB of collector bitmaps more. */
        ASSERT_EQ(big_ram.sum - small.sum, (4096 - 4) * CK_PER_GIB_RAM);
        ASSERT_TRUE(big_ram.recommended >= small.recommended + 256 * M);

        in = inputs(4 * G);
        in.possible_cpus = 8192;
        ASSERT_OK(crashkernel_estimate(&in, &many_cpus));
        ASSERT_EQ(many_cpus.sum - small.sum, (8192 - 2) * CK_PER_POSSIBLE_CPU);

        in = inputs(4 * G);
        in.capture_cpus = 4;
        ASSERT_OK(crashkernel_estimate(&in, &threads));
        ASSERT_EQ(threads.sum - small.sum, 3 * (CK_PER_CAPTURE_CPU + CK_COLLECTOR_COMPRESSOR));

        /* A dracut-sized initramfs (47 MiB, kdump-utils#74): both copies count. */
        in = inputs(4 * G);
        in.initramfs_size = 47 * M;
        in.initramfs_unpacked = 140 * M;
        ASSERT_OK(crashkernel_estimate(&in, &big_initrd));
        ASSERT_TRUE(big_initrd.recommended >= small.recommended + 160 * M);
}

TEST(defaults_for_missing_inputs) {
        struct crashkernel_inputs in = { .sz = sizeof(in), .system_ram = 8 * G };
        struct crashkernel_estimate e;

        ASSERT_OK(crashkernel_estimate(&in, &e));
        ASSERT_EQ(item(&e, "Capture kernel"), CK_TYPICAL_INIT_SIZE);
        ASSERT_EQ(item(&e, "Initramfs, compressed"), CK_TYPICAL_INITRAMFS);
        ASSERT_EQ(item(&e, "Per capture CPU"), CK_PER_CAPTURE_CPU);
        ASSERT_CONTAINS(e.items[0].basis, "typical");

        in.sz = 4;
        ASSERT_ERR(crashkernel_estimate(&in, &e), EINVAL);
}

TEST(recommended_ranges_parse_and_agree_with_the_estimate) {
        struct crashkernel_inputs in = inputs(0);
        char buf[512];
        uint64_t rams[] = { 1 * G, 3 * G, 4 * G, 8 * G, 64 * G, 200 * G, 1024 * G, 3000 * G, 8192 * G };
        struct crashkernel_value v;

        ASSERT_OK(crashkernel_recommend_ranges(&in, buf, sizeof(buf)));
        printf("# recommended: %s\n", buf);
        ASSERT_OK(crashkernel_value_parse(buf, &v, NULL));
        ASSERT_EQ(v.form, CRASHKERNEL_FORM_RANGES);
        ASSERT_EQ(v.ranges[0].start, CK_MIN_SYSTEM_RAM);
        ASSERT_EQ(v.ranges[v.n_ranges - 1].end, UINT64_MAX);

        for (size_t i = 0; i < ELEMENTSOF(rams); i++) {
                _cleanup_free_ char *cmd = NULL, *err = NULL;
                struct crashkernel_result res;
                struct crashkernel_estimate e;

                ASSERT_TRUE(asprintf(&cmd, "crashkernel=%s", buf) > 0);
                ASSERT_OK(crashkernel_cmdline_evaluate(cmd, rams[i], &res, &err));
                in.system_ram = rams[i];
                ASSERT_OK(crashkernel_estimate(&in, &e));
                /* Each tier is sized for its top: never less than this
                 * machine's own estimate. */
                if (res.size < e.recommended)
                        TEST_FAIL("%llu GiB: the ranges give %llu MiB, the estimate %llu MiB",
                                  (unsigned long long) (rams[i] / G), (unsigned long long) (res.size / M),
                                  (unsigned long long) (e.recommended / M));
        }

        /* Below the first tier nothing is reserved; as the kernel does, the
         * evaluator reads every range then and finds sizes above the RAM. */
        {
                _cleanup_free_ char *cmd = NULL, *err = NULL;
                struct crashkernel_result res;

                ASSERT_TRUE(asprintf(&cmd, "crashkernel=%s", buf) > 0);
                ASSERT_ERR(crashkernel_cmdline_evaluate(cmd, 768 * M, &res, &err), EINVAL);
                ASSERT_CONTAINS(err, "not below the system RAM");
        }

        ASSERT_ERR(crashkernel_recommend_ranges(&in, buf, 8), ENOBUFS);
}

/* The arm64 test guest's inputs (tests/vm/arm64-e2e, Debian
 * 6.1.0-57-arm64): image_size 0x2010000, the capture initramfs kdumpctl
 * built there (2300117 bytes of zstd; its cpio 5988352 bytes page-rounded
 * in 48 entries), and the smallest reservation that captured there. */
#define ARM64_GUEST_UNPACKED 5988352
#define ARM64_GUEST_FILES 48
#define ARM64_MEASURED_FLOOR (52 * M)
static struct crashkernel_inputs inputs_arm64(uint64_t ram) {
        return (struct crashkernel_inputs) {
                .sz = sizeof(struct crashkernel_inputs),
                .kernel_init_size = 0x2010000,
                .initramfs_size = 2300117,
                .initramfs_unpacked = ARM64_GUEST_UNPACKED,
                .initramfs_files = ARM64_GUEST_FILES,
                .possible_cpus = 2,
                .capture_cpus = 1,
                .system_ram = ram,
                .arch = KERNEL_ARCH_ARM64,
        };
}

TEST(native_is_this_builds_arch) {
        struct crashkernel_inputs in = inputs(4 * G), in_x86 = inputs(4 * G);
        struct crashkernel_estimate a, b;

        ASSERT_TRUE(crashkernel_arch_figures(KERNEL_ARCH_NATIVE) == crashkernel_arch_figures(kernel_arch_native()));
        ASSERT_EQ(crashkernel_arch_figures(KERNEL_ARCH_X86_64)->arch, KERNEL_ARCH_X86_64);
        ASSERT_EQ(crashkernel_arch_figures(KERNEL_ARCH_ARM64)->arch, KERNEL_ARCH_ARM64);
        /* x86_64's figures, named or native on an x86_64 build, are the
         * ones above. */
        in_x86.arch = KERNEL_ARCH_X86_64;
        ASSERT_OK(crashkernel_estimate(&in_x86, &b));
        ASSERT_EQ(item(&b, "Capture kernel (init_size)"), 0x3f98000);
        ASSERT_EQ(item(&b, "Kernel runtime"), CK_KERNEL_RUNTIME);
        ASSERT_EQ(item(&b, "kexec segments"), CK_KEXEC_SEGMENTS);
        if (kernel_arch_native() == KERNEL_ARCH_X86_64) {
                ASSERT_OK(crashkernel_estimate(&in, &a));
                ASSERT_EQ(a.total, b.total);
        }
}

TEST(arm64_counts_image_size_and_its_runtime) {
        struct crashkernel_inputs in = inputs_arm64(1 * G);
        struct crashkernel_estimate e;

        ASSERT_OK(crashkernel_estimate(&in, &e));
        ASSERT_EQ(item(&e, "Capture kernel (image_size)"), 0x2010000);
        ASSERT_STREQ(e.items[0].basis, "arm64 Image header");
        ASSERT_EQ(item(&e, "Kernel runtime"), CK_ARM64_KERNEL_RUNTIME);
        ASSERT_EQ(item(&e, "kexec segments"), CK_ARM64_KEXEC_SEGMENTS);
        ASSERT_CONTAINS(e.items[2].basis, "device tree");
        ASSERT_EQ(item(&e, "Initramfs, compressed"), ALIGN_UP(2300117, 4096));
        printf("# arm64, 1 GiB, the test guest's inputs: needed %llu KiB, recommended %llu MiB\n",
               (unsigned long long) (e.total >> 10), (unsigned long long) (e.recommended / M));
        /* Measured (crashkernel-policy.h): the capture fails at 48M and
         * captures from 50M; the estimate must cover the floor with room,
         * and stay below the x86_64 recommendation (a smaller kernel). */
        ASSERT_TRUE(e.total >= ARM64_MEASURED_FLOOR);
        ASSERT_TRUE(e.recommended <= 96 * M);
}

TEST(arm64_typical_inputs) {
        struct crashkernel_inputs in = { .sz = sizeof(in), .system_ram = 8 * G, .arch = KERNEL_ARCH_ARM64 };
        struct crashkernel_estimate e, measured;

        ASSERT_OK(crashkernel_estimate(&in, &e));
        ASSERT_EQ(item(&e, "Capture kernel (image_size)"), CK_ARM64_TYPICAL_IMAGE_SIZE);
        ASSERT_EQ(item(&e, "Initramfs, compressed"), CK_ARM64_TYPICAL_INITRAMFS);
        ASSERT_CONTAINS(e.items[0].basis, "typical: Debian 6.1 arm64 Image");
        ASSERT_CONTAINS(e.items[3].basis, "arm64");
        /* The typical inputs are rounded up from the guest's. */
        in = inputs_arm64(8 * G);
        ASSERT_OK(crashkernel_estimate(&in, &measured));
        ASSERT_TRUE(e.total >= measured.total);
}

TEST(arm64_a_bigger_image_costs_its_size) {
        /* Debian trixie's 7.3.4 arm64 Image file is 51 MiB (image_size at
         * least that): 19 MiB more than 6.1's. */
        struct crashkernel_inputs in = inputs_arm64(4 * G);
        struct crashkernel_estimate a, b;

        ASSERT_OK(crashkernel_estimate(&in, &a));
        in.kernel_init_size = 51 * M;
        ASSERT_OK(crashkernel_estimate(&in, &b));
        ASSERT_EQ(b.sum - a.sum, 51 * M - 0x2010000);
        ASSERT_TRUE(b.recommended > a.recommended);
}

TEST(arm64_ranges_parse_and_agree_with_the_estimate) {
        struct crashkernel_inputs in = inputs_arm64(0), typical = { .sz = sizeof(typical), .arch = KERNEL_ARCH_ARM64 };
        char buf[512], x86[512];
        uint64_t rams[] = { 1 * G, 4 * G, 16 * G, 64 * G, 1024 * G, 8192 * G };
        struct crashkernel_value v;
        struct crashkernel_inputs in_x86 = inputs(0);

        ASSERT_OK(crashkernel_recommend_ranges(&typical, buf, sizeof(buf)));
        printf("# arm64 recommended (typical inputs): %s\n", buf);
        ASSERT_OK(crashkernel_recommend_ranges(&in, buf, sizeof(buf)));
        printf("# arm64 recommended (the test guest's inputs): %s\n", buf);
        ASSERT_OK(crashkernel_value_parse(buf, &v, NULL));
        ASSERT_EQ(v.form, CRASHKERNEL_FORM_RANGES);
        ASSERT_EQ(v.ranges[0].start, CK_MIN_SYSTEM_RAM);
        /* The plain range form, never ",high": Debian 12's arm64 kernel
         * (6.1) reserves no low memory for ",high" without ",low". */
        ASSERT_TRUE(!strstr(buf, ",high"));
        for (size_t i = 0; i < ELEMENTSOF(rams); i++) {
                _cleanup_free_ char *cmd = NULL, *err = NULL;
                struct crashkernel_result res;
                struct crashkernel_estimate e;

                ASSERT_TRUE(asprintf(&cmd, "crashkernel=%s", buf) > 0);
                ASSERT_OK(crashkernel_cmdline_evaluate(cmd, rams[i], &res, &err));
                in.system_ram = rams[i];
                ASSERT_OK(crashkernel_estimate(&in, &e));
                ASSERT_TRUE(res.size >= e.recommended);
        }
        /* Not x86_64's. */
        ASSERT_OK(crashkernel_recommend_ranges(&in_x86, x86, sizeof(x86)));
        ASSERT_TRUE(strcmp(buf, x86) != 0);
}

TEST(cpio_usage_of_the_fixture_archive) {
        /* Three entries written the way the builder's newc writer does. */
        static const char hdr[] = "070701";
        static char a[16384];
        char *p = a;
        uint64_t unpacked, files;
        size_t consumed;

#define ENTRY(name, size)                                                                  \
        do {                                                                               \
                int n = sprintf(p, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", \
                                hdr, 1, 0100644, 0, 0, 1, 0, (unsigned) (size), 0, 0, 0, 0, \
                                (unsigned) strlen(name) + 1, 0);                           \
                p += n;                                                                    \
                p = stpcpy(p, name) + 1;                                                   \
                while ((p - a) % 4)                                                        \
                        p++;                                                               \
                p += ALIGN_UP((size), 4);                                                  \
        } while (0)

        ENTRY("init", 5000);
        ENTRY("etc", 0);
        ENTRY("etc/capture.conf", 100);
        ENTRY("TRAILER!!!", 0);
        ASSERT_OK(crashkernel_cpio_usage(a, sizeof(a), &unpacked, &files, &consumed));
        ASSERT_EQ(files, 3);
        ASSERT_EQ(unpacked, 8192 + 0 + 4096);
        ASSERT_EQ(consumed, (size_t) (p - a));

        /* Truncated or not an archive. */
        ASSERT_ERR(crashkernel_cpio_usage(a, 100, &unpacked, &files, NULL), EBADMSG);
        ASSERT_ERR(crashkernel_cpio_usage("\x28\xb5\x2f\xfd", 4, &unpacked, &files, NULL), EBADMSG);
}

TEST_MAIN()
