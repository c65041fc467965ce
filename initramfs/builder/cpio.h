/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A writer for "newc" (magic "070701") cpio archives, the format the kernel
 * unpacks into its rootfs at boot (init/initramfs.c).
 *
 * Entries are collected in memory and serialised in one go, so the output is
 * deterministic: names sorted bytewise (a parent always sorts before its
 * children), inode numbers assigned sequentially in that order, uid/gid 0,
 * one fixed mtime.  Names are stored without the leading "/".
 *
 * Missing parent directories are created implicitly (mode 0755), once.
 * Intermediate components that are symlinks already in the archive are
 * followed (absolute targets from the archive root), so that an entry is
 * always stored under its canonical name: the kernel creates entries in
 * archive order and would fail to create "lib/modules" before "usr/lib"
 * exists when "lib" is a symlink to "usr/lib". */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "basic/macro.h"

/* The kernel refuses names (including the NUL) longer than PATH_MAX and
 * symlink bodies longer than PATH_MAX (init/initramfs.c: do_header()). */
#define CPIO_PATH_MAX 4096u
#define CPIO_NAME_COMPONENT_MAX 255u
/* c_filesize is eight hex digits. */
#define CPIO_FILE_SIZE_MAX UINT32_MAX
/* c_ino is eight hex digits too; a capture initramfs holds a few hundred. */
#define CPIO_ENTRIES_MAX 1000000u

typedef struct cpio_writer cpio_writer;

/* mtime is written into every entry (use 0 for reproducible archives). */
int cpio_writer_new(uint32_t mtime, cpio_writer **ret);
cpio_writer *cpio_writer_free(cpio_writer *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(cpio_writer *, cpio_writer_free);

/* All adders take an absolute or relative path ("/usr/bin/x" == "usr/bin/x");
 * "." and ".." components and empty names are rejected with -EINVAL, names
 * too long with -ENAMETOOLONG.  Only the permission bits (07777) of mode are
 * used.  Adding an entry that exists already returns 0 when it is identical
 * (same type, mode, content or target) and -EEXIST otherwise.  A directory
 * that was created implicitly takes the mode of a later explicit add.  A
 * path whose parent is a file in the archive gives -ENOTDIR. */
int cpio_add_directory(cpio_writer *w, const char *path, mode_t mode);
/* Copies data.  Sizes above CPIO_FILE_SIZE_MAX give -EFBIG. */
int cpio_add_file(cpio_writer *w, const char *path, const void *data, size_t size, mode_t mode);
/* Takes ownership of malloc()ed data, also on failure. */
int cpio_add_file_take(cpio_writer *w, const char *path, void *data, size_t size, mode_t mode);
int cpio_add_symlink(cpio_writer *w, const char *path, const char *target);

/* Resolves path through the symlinks in the archive, as cpio_add_*() does
 * for the parent directory, and also for the last component.  Returns the
 * canonical name without leading "/" and 0 if it exists, or -ENOENT with
 * *ret still set to the name it would have. */
int cpio_writer_resolve(cpio_writer *w, const char *path, char **ret);

/* Type of an entry (S_IFREG, S_IFDIR, S_IFLNK) by canonical name, or 0. */
mode_t cpio_writer_lookup(cpio_writer *w, const char *path);

size_t cpio_writer_entries(const cpio_writer *w);
/* Entries of one type (S_IFREG, S_IFDIR, S_IFLNK). */
size_t cpio_writer_count(const cpio_writer *w, mode_t type);
/* Exact size of the serialised archive, trailer included. */
uint64_t cpio_writer_archive_size(const cpio_writer *w);

/* Serialises all entries and the TRAILER!!! record through write(), which
 * returns 0 or -errno. */
int cpio_writer_serialize(cpio_writer *w, int (*write)(void *userdata, const void *p, size_t n),
                          void *userdata);
int cpio_writer_to_buffer(cpio_writer *w, void **ret_data, size_t *ret_size);
int cpio_writer_to_fd(cpio_writer *w, int fd);
