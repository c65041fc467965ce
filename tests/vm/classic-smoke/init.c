/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /init of the classic-loader smoke test (run.sh).  First boot: load this
 * same image as the capture kernel with the classic loader (kexec_load, our
 * segments and purgatory), then crash.  Capture boot (/proc/vmcore exists):
 * print what the ELF core header produced and power off.  Everything is
 * printed to the console with a "SMOKE:" prefix for run.sh to grep.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "capture-kernel/kexec-classic.h"

static void off(void) {
        sync();
        reboot(RB_POWER_OFF);
        for (;;)
                pause();
}

static int capture(void) {
        Elf64_Ehdr eh;
        Elf64_Phdr ph;
        int fd = open("/proc/vmcore", O_RDONLY), notes = 0, loads = 0;
        unsigned long long total = 0;
        char line[256];
        FILE *f;

        if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh)) {
                printf("SMOKE: capture kernel has no readable /proc/vmcore: %m\n");
                return 1;
        }
        for (int i = 0; i < eh.e_phnum; i++) {
                if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
                        return 1;
                if (ph.p_type == PT_NOTE)
                        notes++;
                if (ph.p_type == PT_LOAD) {
                        loads++;
                        total += ph.p_memsz;
                        printf("SMOKE: PT_LOAD paddr=0x%llx vaddr=0x%llx size=0x%llx\n", (unsigned long long) ph.p_paddr,
                               (unsigned long long) ph.p_vaddr, (unsigned long long) ph.p_memsz);
                }
        }
        printf("SMOKE: vmcore notes=%d loads=%d bytes=%llu\n", notes, loads, total);
        /* read the last page of the dump, proving the old memory is reachable */
        {
                char page[4096];
                off_t end = lseek(fd, 0, SEEK_END);
                printf("SMOKE: vmcore size=%lld read-last-page=%zd\n", (long long) end,
                       pread(fd, page, sizeof(page), end - 4096));
        }
        f = fopen("/proc/iomem", "r");
        while (f && fgets(line, sizeof(line), f))
                if (strstr(line, "System RAM"))
                        printf("SMOKE: capture iomem %s", line);
        printf("SMOKE: CAPTURE OK\n");
        return 0;
}

int main(void) {
        kexec_classic *k = NULL;
        char *err = NULL, cmdline[1024];
        int r, corrupt;

        (void) mkdir("/proc", 0755);
        (void) mkdir("/sys", 0755);
        (void) mkdir("/dev", 0755);
        (void) mount("proc", "/proc", "proc", 0, NULL);
        (void) mount("sysfs", "/sys", "sysfs", 0, NULL);
        (void) mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
        setvbuf(stdout, NULL, _IONBF, 0);

        if (access("/proc/vmcore", F_OK) == 0) {
                capture();
                off();
        }

        corrupt = access("/corrupt", F_OK) == 0;
        snprintf(cmdline, sizeof(cmdline), "console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=-1 %s",
                 "cgroup_disable=memory mce=off numa=off nokaslr");
        r = kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts),
                        .kernel = "/vmlinuz", .initrd = "/capture.img", .cmdline = cmdline,
                        .corrupt_digest = corrupt,
                }, &k, &err);
        if (r < 0) {
                printf("SMOKE: prepare failed: %s (%s)\n", err ? err : "", strerror(-r));
                off();
        }
        {
                const struct kexec_seg_list *l = kexec_classic_segments(k);
                for (size_t i = 0; i < l->n; i++)
                        printf("SMOKE: segment %s mem=0x%llx memsz=0x%llx bufsz=0x%llx\n", l->segs[i].name,
                               (unsigned long long) l->segs[i].mem, (unsigned long long) l->segs[i].memsz,
                               (unsigned long long) l->segs[i].bufsz);
                printf("SMOKE: entry=0x%llx cmdline=%s\n", (unsigned long long) kexec_classic_entry(k),
                       kexec_classic_cmdline(k));
        }
        r = kexec_classic_load(k);
        if (r < 0) {
                printf("SMOKE: kexec_load failed: %s: %s\n", strerror(-r), kexec_classic_explain(r));
                off();
        }
        {
                char v[8] = "";
                int fd = open("/sys/kernel/kexec_crash_loaded", O_RDONLY);
                if (fd >= 0 && read(fd, v, sizeof(v) - 1) > 0)
                        printf("SMOKE: kexec_crash_loaded=%c\n", v[0]);
        }
        printf("SMOKE: LOADED%s, crashing now\n", corrupt ? " (digest corrupted on purpose)" : "");
        /* the lines are still in the serial port's transmit buffer, which
         * the crash would drop: run.sh needs them on the console */
        (void) tcdrain(STDOUT_FILENO);
        {
                int fd = open("/proc/sysrq-trigger", O_WRONLY);
                if (fd >= 0)
                        (void) !write(fd, "c", 1);
        }
        off();
}
