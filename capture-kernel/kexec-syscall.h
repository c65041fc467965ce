/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kexec_load(2) for a crash image, the one system call both classic loaders
 * make (x86_64's kexec-classic.c, arm64's kexec-classic-arm64.c), and what
 * its errors mean to a user.  The architecture is the flag the kernel
 * checks against its own (KEXEC_ARCH_X86_64, KEXEC_ARCH_AARCH64). */

#include <stdint.h>

#include "capture-kernel/segments.h"

/* kexec_load(entry, segs, KEXEC_ON_CRASH | arch_flag); 0 or -errno. */
int kexec_load_crash(uint64_t entry, const struct kexec_seg_list *segs, unsigned long arch_flag);
/* kexec_load(0, 0, NULL, KEXEC_ON_CRASH | arch_flag): drops the crash image. */
int kexec_load_crash_unload(unsigned long arch_flag);

/* A sentence for a kexec_load error; eperm_hint (or NULL) ends EPERM's. */
const char *kexec_load_crash_explain(int error, const char *eperm_hint);
