/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/macro.h"
#include "capture-kernel/cmdline.h"
#include "tests.h"

static bool has_param(const char *cmdline, const char *param) {
        size_t n = strlen(param);
        for (const char *p = cmdline; (p = strstr(p, param)); p += n)
                if ((p == cmdline || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
                        return true;
        return false;
}

static unsigned count_param(const char *cmdline, const char *param) {
        size_t n = strlen(param);
        unsigned k = 0;
        for (const char *p = cmdline; (p = strstr(p, param)); p += n)
                if ((p == cmdline || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
                        k++;
        return k;
}

TEST(debian_grub_line) {
        _cleanup_free_ char *c = NULL;
        const char *running = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=1234 ro quiet "
                              "crashkernel=256M console=ttyS0,115200 console=tty0 resume=/dev/sda2 "
                              "hugepages=64 nr_cpus=8 panic=5";

        ASSERT_OK(capture_cmdline_build(running, &(struct capture_cmdline_opts) {
                .sz = sizeof(struct capture_cmdline_opts), .disable_cpu_apicid = 0 }, &c));
        ASSERT_TRUE(!strstr(c, "BOOT_IMAGE"));
        ASSERT_TRUE(!strstr(c, "root="));
        ASSERT_TRUE(!strstr(c, "crashkernel"));
        ASSERT_TRUE(!strstr(c, "resume"));
        ASSERT_TRUE(!strstr(c, "hugepages"));
        ASSERT_TRUE(!has_param(c, "ro"));
        ASSERT_TRUE(!has_param(c, "nr_cpus=8"));
        ASSERT_TRUE(!has_param(c, "panic=5"));
        ASSERT_TRUE(has_param(c, "quiet"));
        ASSERT_TRUE(has_param(c, "console=ttyS0,115200"));
        ASSERT_TRUE(has_param(c, "console=tty0"));
        ASSERT_TRUE(has_param(c, "irqpoll"));
        ASSERT_TRUE(has_param(c, "nr_cpus=1"));
        ASSERT_TRUE(has_param(c, "reset_devices"));
        ASSERT_TRUE(has_param(c, "panic=10"));
        /* a hang of the capture kernel panics, and so reboots */
        ASSERT_TRUE(has_param(c, "softlockup_panic=1"));
        ASSERT_TRUE(has_param(c, "hung_task_panic=1"));
        ASSERT_TRUE(has_param(c, "disable_cpu_apicid=0"));
        /* capture_cpus unset: one CPU */
        ASSERT_EQ(count_param(c, "nr_cpus=1"), 1u);
        /* what lets the capture boot in 80 MiB (cmdline.c) */
        ASSERT_TRUE(has_param(c, "cgroup.memory=nokmem"));
        ASSERT_TRUE(has_param(c, "initcall_blacklist=tracer_init_tracefs"));
        /* console order is kept: the last console= is /dev/console */
        ASSERT_TRUE(strstr(c, "console=ttyS0,115200") < strstr(c, "console=tty0"));
}

TEST(quoted_values_and_double_dash) {
        _cleanup_free_ char *c = NULL;

        ASSERT_OK(capture_cmdline_build("dyndbg=\"file a.c +p\" root=/dev/sda -- single",
                                        &(struct capture_cmdline_opts) { .disable_cpu_apicid = -1 }, &c));
        ASSERT_CONTAINS(c, "dyndbg=\"file a.c +p\" ");
        ASSERT_TRUE(!strstr(c, "single"));
        ASSERT_TRUE(!strstr(c, "disable_cpu_apicid"));
}

TEST(no_duplicates_of_ours) {
        _cleanup_free_ char *c = NULL;

        ASSERT_OK(capture_cmdline_build("irqpoll reset_devices nokaslr rd.lvm.vg=x", NULL, &c));
        ASSERT_EQ(count_param(c, "irqpoll"), 1);
        ASSERT_EQ(count_param(c, "reset_devices"), 1);
        ASSERT_EQ(count_param(c, "nokaslr"), 1);
        ASSERT_TRUE(!strstr(c, "rd.lvm"));
}

TEST(too_long) {
        char *c = NULL;
        char running[CAPTURE_CMDLINE_MAX + 100];

        memset(running, 'x', sizeof(running) - 1);
        running[sizeof(running) - 1] = 0;
        ASSERT_ERR(capture_cmdline_build(running, NULL, &c), E2BIG);
        ASSERT_TRUE(c == NULL);
}

TEST(extra_appended) {
        _cleanup_free_ char *c = NULL;

        ASSERT_OK(capture_cmdline_build("console=ttyS0", &(struct capture_cmdline_opts) {
                .extra = "kdump.debug", .disable_cpu_apicid = -1 }, &c));
        ASSERT_TRUE(has_param(c, "kdump.debug"));
        ASSERT_TRUE(strncmp(c, "console=ttyS0 ", 14) == 0);
}


/* kdump.conf capture_cpus: nr_cpus= of the capture kernel, once, whatever
 * the running kernel had. */
TEST(capture_cpus) {
        _cleanup_free_ char *c = NULL;

        ASSERT_OK(capture_cmdline_build("root=/dev/sda nr_cpus=16 maxcpus=8", &(struct capture_cmdline_opts) {
                .sz = sizeof(struct capture_cmdline_opts), .disable_cpu_apicid = -1, .nr_cpus = 4 }, &c));
        ASSERT_TRUE(has_param(c, "nr_cpus=4"));
        ASSERT_EQ(count_param(c, "nr_cpus=4"), 1u);
        ASSERT_TRUE(!strstr(c, "nr_cpus=16"));
        ASSERT_TRUE(!strstr(c, "nr_cpus=1 "));
        ASSERT_TRUE(!strstr(c, "maxcpus"));
}

TEST_MAIN()
