/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kexec_file_load(2) for the crash image: the kernel reads, verifies and
 * places the kernel and initramfs in the reservation itself and builds the
 * ELF core header (kernel/kexec_file.c, arch/x86/kernel/crash.c). */

#include <stdbool.h>

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD 0x00000001
#define KEXEC_FILE_ON_CRASH 0x00000002
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

/* Both return -errno from the syscall.  Note the kernel drops the current
 * crash image before it tries to load the new one
 * (kimage_file_alloc_init() runs after the old image is freed with
 * KEXEC_FILE_ON_CRASH), so a failed load leaves nothing loaded. */
int kexec_file_load_crash(const char *kernel, const char *initrd, const char *cmdline);
/* The same with the kernel already open (arm64: a memfd holding an unpacked
 * Image, kernel-facts.h). */
int kexec_file_load_crash_fd(int kernel_fd, const char *initrd, const char *cmdline);
int kexec_file_unload_crash(void);

/* What to tell a user about a failed load: never NULL. */
const char *kexec_file_explain(int error);
