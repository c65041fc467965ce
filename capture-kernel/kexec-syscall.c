/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kexec.h>

#include "basic/macro.h"
#include "capture-kernel/kexec-syscall.h"

int kexec_load_crash(uint64_t entry, const struct kexec_seg_list *l, unsigned long arch_flag) {
        struct kexec_segment segs[KEXEC_SEGMENTS_MAX];

        if (l->n > KEXEC_SEGMENTS_MAX)
                return -E2BIG;
        for (size_t i = 0; i < l->n; i++)
                segs[i] = (struct kexec_segment) {
                        .buf = l->segs[i].buf, .bufsz = l->segs[i].bufsz,
                        .mem = (const void *) (uintptr_t) l->segs[i].mem, .memsz = l->segs[i].memsz,
                };
        if (syscall(__NR_kexec_load, (unsigned long) entry, (unsigned long) l->n, segs,
                    (unsigned long) KEXEC_ON_CRASH | arch_flag) < 0)
                return negative_errno();
        return 0;
}

int kexec_load_crash_unload(unsigned long arch_flag) {
        if (syscall(__NR_kexec_load, 0UL, 0UL, NULL, (unsigned long) KEXEC_ON_CRASH | arch_flag) < 0)
                return negative_errno();
        return 0;
}

const char *kexec_load_crash_explain(int error, const char *eperm_hint) {
        switch (abs(error)) {
        case EPERM:
                return eperm_hint ? eperm_hint :
                       "the kernel refused: this needs root (CAP_SYS_BOOT), and kexec_load is refused when "
                       "kernel.kexec_load_disabled=1, when kernel.kexec_load_limit_panic is used up, and under "
                       "lockdown or Secure Boot";
        case EBUSY:
                return "another kexec load or a reservation resize is in progress; try again";
        case EADDRNOTAVAIL:
                return "a segment or the entry point lies outside the crash reservation or is misaligned";
        case EINVAL:
                return "the kernel rejected the segment list (overlap, size, or more than 16 segments)";
        case ENOSYS:
                return "this kernel has no kexec_load (CONFIG_KEXEC is off)";
        case ENOMEM:
                return "the kernel could not allocate its control pages in the crash reservation";
        default:
                return "unexpected error from kexec_load";
        }
}
