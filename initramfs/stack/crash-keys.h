/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * dm-crypt (LUKS) volumes under the dump target, on kernels that hand the
 * volume keys to the capture kernel (CONFIG_CRASH_DM_CRYPT, Linux 6.16):
 *
 *   running system: the volume key is in the user keyring as a logon key
 *     "kdump-cryptsetup:vk-<LUKS UUID>" (put there when the volume is
 *     opened: cryptsetup open --link-vk-to-keyring, or crypttab's
 *     link-volume-key=), which userspace cannot read back.  Before
 *     kexec_file_load, kdumpctl names that key in configfs
 *     (<keys dir>/<item>/description); the kernel copies the key into the
 *     crash reservation while it loads.  kexec_load cannot carry it.  On a
 *     reload with the same keys, <keys dir>/reuse says to keep the copy
 *     (the keyring's key may have expired since).
 *   capture kernel: kdump-stack writes 1 to <keys dir>/restore, which puts
 *     the keys into the user keyring as "user" keys of the same
 *     description, then loads the crypt table, whose key is a reference to
 *     one (":64:user:kdump-cryptsetup:vk-...").
 *
 * Only descriptions are ever written: no key reaches a file, the initramfs,
 * the console or the journal.
 */

#include <stdbool.h>

#include "initramfs/stack/storage-stack.h"

#define CRASH_KEYS_DIR "/sys/kernel/config/crash_dm_crypt_keys"
#define CRASH_KEY_PREFIX "kdump-cryptsetup:vk-"

/* Pure: params with the key replaced by ":<size>:user:<desc>", the key the
 * capture kernel restores; the size
 * is taken from the old key (a logon reference's size, or half the hex
 * digits).  The old key, whatever it was, is not in the result. */
int crash_key_table_with(const char *params, const char *desc, char **ret);

/* The descriptions the stack's crypt tables use, NULL-terminated. */
int crash_keys_of_stack(const storage_stack *s, char ***ret);

/* Running system: makes <dir>/<item>/description name each key, one item
 * per key.  When the items there name exactly these keys already, writes 1
 * to <dir>/reuse instead (ignored where the kernel has nothing to reuse);
 * else removes them first.  Order: removals, then per key mkdir and
 * description.  dir: NULL for CRASH_KEYS_DIR. */
int crash_keys_prepare(const char *dir, char *const *descs);

/* Capture kernel: asks the kernel to put the handed-over keys into the
 * user keyring, where the crypt tables' key references find them. */
int crash_keys_restore(const char *dir);
