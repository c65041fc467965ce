/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Path resolution inside a root directory, the way the dynamic loader or the
 * capture kernel would see the tree if it were "/": symlinks are followed one
 * component at a time and absolute targets are taken relative to the root, so
 * a fixture tree (or a mounted image) never escapes into the host's files.
 * Every symlink passed on the way is reported to a callback, so that callers
 * can recreate the same chain inside the initramfs (the loader opens the
 * DT_NEEDED name, not the file it finally resolves to). */

/* Mirrors the kernel's MAXSYMLINKS (fs/namei.c). */
#define CHASE_MAX_SYMLINKS 40

typedef int (*chase_symlink_cb)(const char *link, const char *target, void *userdata);

/* Resolves path (absolute or relative to the root, both mean the same) inside
 * root ("/" or NULL for the host's root).  On success *ret_resolved is the
 * canonical absolute path inside the root ("/usr/lib/x86_64-linux-gnu/libc.so.6").
 * cb (may be NULL) is called with the absolute in-root path of each symlink
 * and its raw target, in the order they are met; a negative return aborts.
 * Errors: -ENOENT (a component is missing), -ENOTDIR, -ELOOP (more than
 * CHASE_MAX_SYMLINKS), -ENAMETOOLONG, -ENOMEM. */
int chase_in_root(const char *root, const char *path, chase_symlink_cb cb, void *userdata,
                  char **ret_resolved);

/* Joins root and an absolute in-root path into a host path ("/" root gives
 * the path unchanged). */
int root_path(const char *root, const char *path, char **ret);

/* Normalises an absolute path lexically: collapses "//" and ".", resolves
 * ".." without going above "/".  No symlinks are looked at. */
int path_normalize(const char *path, char **ret);
