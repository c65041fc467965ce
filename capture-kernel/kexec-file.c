/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/macro.h"
#include "capture-kernel/kexec-file.h"

int kexec_file_load_crash(const char *kernel, const char *initrd, const char *cmdline) {
        _cleanup_close_ int kfd = -EBADF;

        kfd = open(kernel, O_RDONLY | O_CLOEXEC);
        if (kfd < 0)
                return negative_errno();
        return kexec_file_load_crash_fd(kfd, initrd, cmdline);
}

int kexec_file_load_crash_fd(int kfd, const char *initrd, const char *cmdline) {
        _cleanup_close_ int ifd = -EBADF;
        unsigned long flags = KEXEC_FILE_ON_CRASH;

        if (initrd) {
                ifd = open(initrd, O_RDONLY | O_CLOEXEC);
                if (ifd < 0)
                        return negative_errno();
        } else
                flags |= KEXEC_FILE_NO_INITRAMFS;

        /* cmdline_len counts the NUL (kernel/kexec_file.c checks
         * cmdline[cmdline_len - 1] == '\0'). */
        if (syscall(__NR_kexec_file_load, kfd, ifd, (unsigned long) strlen(cmdline) + 1, cmdline, flags) < 0)
                return negative_errno();
        return 0;
}

int kexec_file_unload_crash(void) {
        if (syscall(__NR_kexec_file_load, -1, -1, 0UL, NULL, (unsigned long) (KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH)) < 0)
                return negative_errno();
        return 0;
}

const char *kexec_file_explain(int error) {
        switch (error < 0 ? -error : error) {
        case EPERM:
                return "the kernel refused: this needs root (CAP_SYS_BOOT), and is also refused when "
                       "kernel.kexec_load_disabled=1, when kernel.kexec_load_limit_panic is used up, "
                       "or under lockdown with an unsigned kernel";
        case EBUSY:
                return "another kexec load or a reservation resize is in progress; try again";
        case ENOEXEC:
                return "the kernel does not recognise the image as a bootable kernel for kexec_file_load "
                       "(not a 64-bit bzImage on x86_64, not a raw Image on arm64?)";
        case EKEYREJECTED:
        case ENOKEY:
        case EBADMSG:
        case ENODATA:
        case ELIBBAD:
        case ENOPKG:
        case EMSGSIZE:
                return "the kernel image's signature was rejected (Secure Boot / KEXEC_SIG): use a kernel "
                       "signed by a key the running kernel trusts, such as the distribution's own";
        case EADDRNOTAVAIL:
        case ENOMEM:
                return "the crash reservation has no room for the capture kernel and initramfs: "
                       "reserve more memory with crashkernel= and reboot";
        case EINVAL:
                return "the kernel rejected the arguments (command line too long, a flag it does not know, "
                       "or on arm64 an Image it refuses)";
        case ENOSYS:
                return "this kernel has no kexec_file_load (CONFIG_KEXEC_FILE is off)";
        case ENOENT:
                return "a file was not found";
        default:
                return "unexpected error from kexec_file_load";
        }
}
