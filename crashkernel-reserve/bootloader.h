/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Writing crashkernel= into the boot loader configuration:
 *
 *   /etc/default/grub   GRUB_CMDLINE_LINUX / GRUB_CMDLINE_LINUX_DEFAULT,
 *                       shell assignments that update-grub (grub-mkconfig)
 *                       sources and puts on every "linux" line;
 *   /etc/kernel/cmdline the command line kernel-install (systemd-boot, UKIs)
 *                       writes into boot entries.
 *
 * The editors are pure (text in, text out) and change only crashkernel=
 * words: every plain, ",high" and ",low" crashkernel= is dropped except the
 * last, which takes the new value in place; with none, the new word is
 * appended to the last GRUB_CMDLINE_LINUX assignment (or a new one).
 * ",cma" words stay: the kernel adds CMA memory to a plain reservation too.
 * Everything else stays byte for byte, quotes included.  A value the editor
 * cannot change safely (a crashkernel= built from shell expansions, a value
 * that is not one quoted string) is refused with -EINVAL and a message. */

#include <stdbool.h>

enum bootloader_kind {
        BOOTLOADER_GRUB_DEFAULTS,       /* /etc/default/grub */
        BOOTLOADER_KERNEL_CMDLINE,      /* /etc/kernel/cmdline */
        _BOOTLOADER_KIND_MAX,
};

#define BOOTLOADER_GRUB_DEFAULTS_PATH "/etc/default/grub"
#define BOOTLOADER_KERNEL_CMDLINE_PATH "/etc/kernel/cmdline"

const char *bootloader_kind_to_string(enum bootloader_kind k);

/* value is what follows "crashkernel=" and must be the plain or the range
 * form (checked with crashkernel_value_parse()).  ret_old, if not NULL, gets
 * the value that was replaced (the last one), or NULL. */
int grub_defaults_set_crashkernel(const char *text, const char *value, char **ret_text, char **ret_old,
                                  char **ret_error);
int kernel_cmdline_set_crashkernel(const char *text, const char *value, char **ret_text, char **ret_old,
                                   char **ret_error);

/* Reads path, edits it and replaces it atomically (same mode) when the text
 * changed.  ret_changed tells whether it was written. */
int bootloader_file_set_crashkernel(enum bootloader_kind kind, const char *path, const char *value,
                                    bool *ret_changed, char **ret_old, char **ret_error);
