/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Upper bound for read_full_file(): the files read whole are configuration,
 * sysfs and procfs texts; anything larger is refused with -EFBIG rather than
 * truncated. */
#define READ_FULL_FILE_MAX (64u * 1024u * 1024u)

/* Reads a whole file (also procfs/sysfs files whose st_size is 0).  The
 * buffer is NUL-terminated; ret_size excludes the NUL. */
int read_full_file(const char *path, char **ret_contents, size_t *ret_size);

/* Maps a whole regular file read-only, for files too large to copy (kernel
 * images, initramfs files): -EBADFD when it is not a regular file, -ENODATA
 * when it is empty.  The caller munmap()s *ret. */
int map_file_fd(int fd, const void **ret, size_t *ret_size);
int map_file(const char *path, const void **ret, size_t *ret_size);

/* Reads the first line, without its newline. */
int read_one_line_file(const char *path, char **ret_line);

/* Parses the first line of a file as an unsigned number (base auto-detected
 * as strtoull's base 0 does, or forced by base). */
int read_u64_file(const char *path, int base, uint64_t *ret);

/* Writes the string, plus a newline, to an existing file (sysfs). */
int write_string_file(const char *path, const char *s);

/* Writes a whole buffer, retrying on short writes and EINTR. */
int loop_write(int fd, const void *buf, size_t n);

/* Reads exactly n bytes at offset, or fails with -EIO on a short file. */
int pread_full(int fd, void *buf, size_t n, uint64_t offset);

/* Writes exactly n bytes at offset, retrying on short writes and EINTR. */
int pwrite_full(int fd, const void *buf, size_t n, uint64_t offset);

/* mkdir -p with the given mode for each created component. */
int mkdir_p(const char *path, unsigned mode);

/* Creates a file atomically: written to a temporary name beside it, synced,
 * renamed over path. */
int write_file_atomic(const char *path, const void *data, size_t size, unsigned mode);
