/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * An NFS dump target used from the running system: checked at kdumpctl
 * start, where a failure costs nothing (the server answers on port 2049,
 * the export mounts the way the capture kernel will mount it: mount(2),
 * the numeric address, soft, the same versions in the same order; root
 * can create the dump directory under it and write there), and read by
 * kdumpd after a reboot for the dumps this machine sent.  A failure names
 * the server, the step and what to change.
 *
 * The export is mounted in a private mount namespace of a child process,
 * so nothing on the running system sees it, and the child is killed when
 * it outlasts its limit: a server that stops answering halfway cannot
 * hang kdumpctl or kdumpd.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdumpd/dump-target.h"

struct nfs_check_result {
        char vers[8];           /* the NFS version that mounted: "4.2" */
        uint64_t free_bytes;    /* on the export, for root */
        bool created_path;      /* path did not exist and was created (0700) */
};

/* timeout_s bounds the whole check.  -EHOSTUNREACH / -ETIMEDOUT (no
 * answer), -EACCES / -EROFS (not writable), the mount's error otherwise;
 * *ret_error is the sentence for the user. */
int nfs_target_check(const dump_target *t, unsigned timeout_s, struct nfs_check_result *ret, char **ret_error);

/* Runs fn() in a child process that has the export mounted (privately) at
 * mnt.  What fn() prints to out (at most 4 KiB) comes back in *ret_text
 * when it returns 0; when it returns -errno, that is returned and its text
 * is the *ret_error.  The same bounds and messages as the check. */
int nfs_target_with_mount(const dump_target *t, unsigned timeout_s,
                          int (*fn)(const dump_target *t, const char *mnt, FILE *out, void *userdata), void *userdata,
                          char **ret_text, char **ret_error);
