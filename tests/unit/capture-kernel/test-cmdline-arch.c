/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capture parameters per architecture (cmdline.c), both lists tested
 * on any host through capture_cmdline_opts.arch. */
#include <string.h>

#include "basic/macro.h"
#include "capture-kernel/cmdline.h"
#include "tests.h"

#define X86_PARAMS                                                                   \
        "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off "     \
        "panic=10 softlockup_panic=1 hung_task_panic=1 "                              \
        "acpi_no_memhotplug transparent_hugepage=never nokaslr "                      \
        "hest_disable novmcoredd cma=0 hugetlb_cma=0 pcie_ports=compat "             \
        "cgroup.memory=nokmem initcall_blacklist=tracer_init_tracefs"

#define ARM64_PARAMS                                                                 \
        "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory panic=10 "             \
        "softlockup_panic=1 hung_task_panic=1 "                                       \
        "swiotlb=noforce novmcoredd cma=0 hugetlb_cma=0 "                             \
        "cgroup.memory=nokmem initcall_blacklist=tracer_init_tracefs"

TEST(arm64_list) {
        _cleanup_free_ char *c = NULL;

        ASSERT_OK(capture_cmdline_build("BOOT_IMAGE=/vmlinuz root=/dev/vda2 console=ttyAMA0 crashkernel=256M",
                                        &(struct capture_cmdline_opts) {
                                                .sz = sizeof(struct capture_cmdline_opts),
                                                .disable_cpu_apicid = 3, .extra = "kdump.debug",
                                                .arch = KERNEL_ARCH_ARM64 }, &c));
        /* no disable_cpu_apicid: an x86 APIC id means nothing on arm64 */
        ASSERT_STREQ(c, "console=ttyAMA0 " ARM64_PARAMS " kdump.debug");
}

TEST(x86_64_list) {
        _cleanup_free_ char *c = NULL;

        ASSERT_OK(capture_cmdline_build("console=ttyS0 root=/dev/sda1", &(struct capture_cmdline_opts) {
                                                .sz = sizeof(struct capture_cmdline_opts),
                                                .disable_cpu_apicid = 2, .arch = KERNEL_ARCH_X86_64 }, &c));
        ASSERT_STREQ(c, "console=ttyS0 " X86_PARAMS " disable_cpu_apicid=2");
}

TEST(native_is_the_build) {
        _cleanup_free_ char *a = NULL, *b = NULL;

        ASSERT_OK(capture_cmdline_build("quiet", NULL, &a));
        ASSERT_OK(capture_cmdline_build("quiet", &(struct capture_cmdline_opts) {
                                                .disable_cpu_apicid = -1, .arch = kernel_arch_native() }, &b));
        ASSERT_STREQ(a, b);
#if defined(__x86_64__)
        ASSERT_STREQ(a, "quiet " X86_PARAMS);
#elif defined(__aarch64__)
        ASSERT_STREQ(a, "quiet " ARM64_PARAMS);
#endif
}

TEST_MAIN()
