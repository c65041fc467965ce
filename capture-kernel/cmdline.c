/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/cmdline.h"

/* Parameters removed by name (the part before '='). */
static const char *const dropped[] = {
        /* the first boot's root and init: the capture kernel runs our /init */
        "root", "rootflags", "rootfstype", "rootwait", "rootdelay", "ro", "rw",
        "init", "rdinit", "initrd", "BOOT_IMAGE", "resume", "resume_offset",
        "noresume", "systemd.unit", "single", "emergency", "rescue",
        /* the reservation itself, and what the capture kernel must not redo */
        "crashkernel", "elfcorehdr", "kexec_jump_back_entry", "panic_on_warn",
        "panic", "oops", "memmap", "mem", "softlockup_panic", "hung_task_panic",
        /* memory-hungry or CPU-multiplying settings; we set our own */
        "hugepages", "hugepagesz", "default_hugepagesz", "hugetlb_cma", "cma",
        "nr_cpus", "maxcpus", "possible_cpus", "numa", "transparent_hugepage",
        "irqpoll", "reset_devices", "nokaslr", "kaslr", "disable_cpu_apicid",
        "crash_kexec_post_notifiers",
};

/* Dropped by prefix: initramfs-tools' and dracut's own switches mean
 * nothing to our /init. */
static const char *const dropped_prefix[] = { "rd.", "rd_", "dracut.", "boot=" };

/* What kdump-utils gives a capture kernel on x86_64, less udev's (we have no
 * udev): one CPU, devices reset from whatever state the crash left them in,
 * no memory cgroup, no MCE handling, no KASLR (simpler analysis, no extra
 * relocation), and a reboot 10 s after a panic of the capture kernel itself
 * so a failed capture never hangs the machine.  And the two settings that
 * turn a hang of the capture kernel into such a panic: a CPU stuck in the
 * kernel for 20 s (softlockup_panic=1), a task stuck uninterruptibly for
 * 120 s, an I/O that never completes (hung_task_panic=1; killable waits,
 * as NFS's, are not counted, and NFS is mounted soft anyway).
 *
 * And two of our own that let a capture boot in 80 MiB (issue 15; measured
 * in the capture kernel with Debian 6.1, README "The smallest reservation"):
 *   - cgroup.memory=nokmem: with kernel memory accounting on, every
 *     dynamic per-CPU chunk carries an obj_cgroup pointer per 4 bytes of the
 *     chunk (mm/percpu.c): 4 MiB of vmalloc for the first one, although
 *     cgroup_disable=memory means nothing is ever charged.
 *   - initcall_blacklist=tracer_init_tracefs: the tracefs files of every
 *     trace event (a dentry and an inode each, pinned) took 8 MiB of slab
 *     on 6.1 before eventfs made them lazy.  Tracing itself is untouched;
 *     only /sys/kernel/tracing of the capture kernel stays empty, which
 *     nothing in a capture reads.  A kernel without that initcall ignores
 *     the name. */
static const char capture_params_x86_64[] =
        "irqpoll nr_cpus=%u reset_devices cgroup_disable=memory mce=off numa=off "
        "panic=10 softlockup_panic=1 hung_task_panic=1 acpi_no_memhotplug transparent_hugepage=never nokaslr "
        "hest_disable novmcoredd cma=0 hugetlb_cma=0 pcie_ports=compat "
        "cgroup.memory=nokmem initcall_blacklist=tracer_init_tracefs";

/* Both lists are formats: nr_cpus=%u takes capture_cmdline_opts.nr_cpus. */

/* kdump-utils' aarch64 list (KDUMP_COMMANDLINE_APPEND in
 * gen-kdump-sysconfig.sh), less udev's: the same core, with
 * swiotlb=noforce (no bounce buffers forced on devices the capture kernel
 * inherits) and none of x86's ACPI/MCE/APIC switches; then our two
 * architecture-neutral additions as on x86_64. */
static const char capture_params_arm64[] =
        "irqpoll nr_cpus=%u reset_devices cgroup_disable=memory panic=10 softlockup_panic=1 hung_task_panic=1 "
        "swiotlb=noforce novmcoredd cma=0 hugetlb_cma=0 "
        "cgroup.memory=nokmem initcall_blacklist=tracer_init_tracefs";

static const char *capture_params(enum kernel_arch a) {
        return kernel_arch_resolve(a) == KERNEL_ARCH_ARM64 ? capture_params_arm64 : capture_params_x86_64;
}

static bool is_dropped(const char *param, size_t len) {
        size_t klen = strcspn(param, "=");

        if (klen > len)
                klen = len;
        for (size_t i = 0; i < ELEMENTSOF(dropped); i++)
                if (strlen(dropped[i]) == klen && strncmp(param, dropped[i], klen) == 0)
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(dropped_prefix); i++)
                if (string_has_prefix(param, dropped_prefix[i]))
                        return true;
        return false;
}

/* Mirrors lib/cmdline.c next_arg(): a parameter ends at white space outside
 * double quotes; "--" ends the kernel's own parameters (what follows goes
 * to init, which is ours now, so it is dropped). */
static size_t next_param(const char *s) {
        bool quoted = false;
        size_t i;

        for (i = 0; s[i]; i++) {
                if (s[i] == '"')
                        quoted = !quoted;
                else if (!quoted && isspace((unsigned char) s[i]))
                        break;
        }
        return i;
}

int capture_cmdline_build(const char *running, const struct capture_cmdline_opts *opts, char **ret) {
        _cleanup_free_ char *out = NULL;
        enum kernel_arch arch = kernel_arch_resolve(opts ? opts->arch : KERNEL_ARCH_NATIVE);
        const char *params = capture_params(arch);
        size_t len = 0, cap = strlen(running) + strlen(params) + 64 + 10;
        const char *p = running;

        if (opts && opts->extra)
                cap += strlen(opts->extra) + 1;
        out = malloc(cap);
        if (!out)
                return -ENOMEM;
        out[0] = 0;

        for (;;) {
                size_t n;

                p += strspn(p, " \t\n");
                if (!*p)
                        break;
                n = next_param(p);
                if (n == 2 && strncmp(p, "--", 2) == 0)
                        break;
                if (!is_dropped(p, n)) {
                        memcpy(out + len, p, n);
                        len += n;
                        out[len++] = ' ';
                }
                p += n;
        }

        len += (size_t) snprintf(out + len, cap - len, params, opts && opts->nr_cpus ? opts->nr_cpus : 1u);
        /* An x86 APIC id; arm64 has no such parameter. */
        if (opts && opts->disable_cpu_apicid >= 0 && arch == KERNEL_ARCH_X86_64)
                len += (size_t) snprintf(out + len, cap - len, " disable_cpu_apicid=%d", opts->disable_cpu_apicid);
        if (opts && opts->extra && *opts->extra)
                len += (size_t) snprintf(out + len, cap - len, " %s", opts->extra);

        if (len + 1 + CAPTURE_CMDLINE_ELFCOREHDR_RESERVE > CAPTURE_CMDLINE_MAX)
                return -E2BIG;

        *ret = TAKE_PTR(out);
        return 0;
}
