/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Choosing between kexec_file_load (the kernel places and verifies) and
 * kexec_load (kexec-classic.c: we place, the purgatory verifies). */

#include <stdbool.h>
#include <stddef.h>

enum kexec_loader {
        KEXEC_LOADER_AUTO,
        KEXEC_LOADER_FILE,
        KEXEC_LOADER_CLASSIC,
};

/* "auto", "file", "classic"; -EINVAL otherwise. */
int kexec_loader_from_string(const char *s, enum kexec_loader *ret);
const char *kexec_loader_to_string(enum kexec_loader l);

/* auto falls back from the file loader to the classic one only where the
 * file loader is missing or does not recognise the image: ENOSYS (no
 * CONFIG_KEXEC_FILE), EINVAL (a kernel that rejects the arguments, e.g. an
 * old one), ENOEXEC (no image loader matched).  Never on a signature or
 * lockdown refusal (EPERM, EKEYREJECTED, ...): kexec_load would be refused
 * too, or would sidestep a policy the administrator set. */
bool kexec_loader_should_fall_back(int error);

struct kexec_crash_load {
        size_t sz;
        enum kexec_loader loader;
        const char *kernel, *initrd, *cmdline;
        /* If not NULL, kexec_file_load takes this fd for the kernel instead
         * of opening kernel (arm64: the unpacked Image, kernel-facts.h);
         * kernel still names it, and the classic loader reads kernel. */
        const int *kernel_fd;
        bool corrupt_digest;                 /* classic only: test hook */
        /* auto only: where the file loader's answer is remembered for this
         * boot (loader-probe.h); NULL probes every time. */
        const char *probe_path;
        const char *boot_id_path;            /* NULL: KEXEC_BOOT_ID_PATH */
        /* If not NULL, set to true when auto went straight to kexec_load
         * because of a remembered answer (*ret_file_error then holds the
         * remembered error). */
        bool *ret_remembered;
};

/* Loads the crash kernel.  *ret_used says which loader made the final
 * attempt; *ret_error (classic loader preparation) a sentence, or NULL when
 * the syscall itself failed (then explain with kexec_file_explain() or
 * kexec_classic_explain()).  *ret_file_error, if not NULL, gets the file
 * loader's error when auto fell back, else 0. */
int kexec_crash_load(const struct kexec_crash_load *o, enum kexec_loader *ret_used, int *ret_file_error,
                     char **ret_error);
