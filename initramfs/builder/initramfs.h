/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The capture-initramfs builder: collects programs with their shared
 * libraries, kernel modules in load order (decompressed), configuration
 * files, and writes one deterministic newc cpio archive, optionally
 * zstd-compressed.
 *
 *   initramfs_new()                  options: kernel release, modules dir, root
 *   initramfs_add_program()          ELF + DT_NEEDED closure + interpreter
 *   initramfs_add_modules()          module closure (names, aliases, modaliases)
 *   initramfs_add_modules_for_device()  drivers that reach a block device
 *   initramfs_add_modules_for_netdev()  drivers of a network interface
 *   initramfs_add_modules_for_watchdog() drivers of a watchdog device
 *   initramfs_add_data()/_file()/_symlink()/_directory()
 *   initramfs_write()                atomically, mode 0600
 *
 * Layout inside the archive:
 *   - /bin, /sbin, /lib, /lib64 are symlinks when they are in the root
 *     (merged /usr), created first, so every later name goes through them;
 *   - libraries under the names the dynamic loader opens, with the host's
 *     symlink chain recreated (libfoo.so.1 -> libfoo.so.1.2.3);
 *   - modules at /lib/modules/<release>/<path relative to the modules
 *     dir>, a .ko.xz/.ko.zst/.ko.gz stored decompressed as .ko: the capture
 *     /init loads them with finit_module() and has no libkmod (libkmod
 *     pulls libcrypto, 4 MB);
 *   - CAPTURE_MODULES_LOAD (/etc/kdump/modules.load): the absolute archive
 *     path of each module to load, one per line, in load order; built-in
 *     modules are left out.
 *
 * Errors are -errno.  When an error concerns a named thing a user can fix
 * (a module, a library, a device), initramfs_error_detail() describes it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "basic/macro.h"

typedef struct initramfs initramfs;

struct initramfs_opts {
        size_t sz;                      /* sizeof(struct initramfs_opts) */
        const char *kernel_release;     /* default: uname -r */
        const char *modules_dir;        /* default: /lib/modules/<release>, a host path */
        const char *root;               /* where programs and libraries are read: default "/" */
        const char *sysfs;              /* default "/sys" */
        const char *const *modprobe_config; /* modprobe.d paths; NULL: libkmod's defaults */
        uint32_t mtime;                 /* of every entry; default 0 (reproducible) */
        int zstd_level;                 /* 1..19, default 15 */
        /* Modules are resolved (names and dependencies) but not put in, and
         * no CAPTURE_MODULES_LOAD is written: another builder (dracut) puts
         * them in; initramfs_module_names() gives the names. */
        bool modules_by_name;
};

int initramfs_new(const struct initramfs_opts *opts, initramfs **ret);
initramfs *initramfs_free(initramfs *i);
DEFINE_TRIVIAL_CLEANUP_FUNC(initramfs *, initramfs_free);

/* Archive contents from memory.  dest is an absolute archive path. */
int initramfs_add_data(initramfs *i, const char *dest, const void *data, size_t size, mode_t mode);
int initramfs_add_directory(initramfs *i, const char *dest, mode_t mode);
int initramfs_add_symlink(initramfs *i, const char *dest, const char *target);

/* A host file (src is a host path, not under root).  mode 0: the source's
 * permission bits. */
int initramfs_add_file(initramfs *i, const char *src, const char *dest, mode_t mode);

/* An ELF program at src (inside root; with root "/" any host path), stored
 * at dest (NULL: same as src) with mode 0755, plus its libraries and
 * interpreter from root.  A statically linked program brings nothing else.
 * -ENOENT with a detail naming the missing library and who needs it;
 * -ENOEXEC for a file that is not an ELF executable. */
int initramfs_add_program(initramfs *i, const char *src, const char *dest);

/* Module names, modprobe aliases ("fs-ext4", "crc32c") or modaliases, NULL-
 * terminated, with their dependencies and softdeps.  Returns the number of
 * modules added to the load list.  -ENOENT with the unknown name in the
 * detail. */
int initramfs_add_modules(initramfs *i, const char *const *names);
/* The same for names (aliases) no module may claim on this kernel: those
 * are skipped, as for a modalias nobody claims. */
int initramfs_add_modules_optional(initramfs *i, const char *const *names);

/* The drivers of a block device ("/dev/vdb", "/dev/vdb1", "254:17"): every
 * driver module and every modalias on its sysfs path (modaliases no module
 * claims are fine: most bus devices have a built-in driver or none).
 * Returns the number of modules added. */
int initramfs_add_modules_for_device(initramfs *i, const char *devnode);
/* The same for a network interface ("enp0s3"): its device's drivers. */
int initramfs_add_modules_for_netdev(initramfs *i, const char *ifname);
/* The drivers of a watchdog device ("watchdog0"). */
int initramfs_add_modules_for_watchdog(initramfs *i, const char *name);

enum initramfs_compression {
        INITRAMFS_COMPRESSION_NONE,
        INITRAMFS_COMPRESSION_ZSTD,
        _INITRAMFS_COMPRESSION_MAX,
};

const char *initramfs_compression_to_string(enum initramfs_compression c);

/* The best compression a kernel decompresses by itself, from its config
 * file: zstd with CONFIG_RD_ZSTD=y, else none.  -ENOENT if the file is
 * missing. */
int initramfs_compression_from_kconfig(const char *config_path, enum initramfs_compression *ret);

/* With modules_by_name: the names of the modules resolved so far
 * (dependencies first, built-in ones left out), a NULL-terminated copy. */
int initramfs_module_names(const initramfs *i, char ***ret);

/* Writes the archive to path atomically (temporary file, fsync, rename),
 * mode 0600.  The first write adds CAPTURE_MODULES_LOAD and seals the
 * builder: later adds fail with -EBUSY, later writes give the same bytes.
 * ret_size (may be NULL): the size of the written file. */
int initramfs_write(initramfs *i, const char *path, enum initramfs_compression c, uint64_t *ret_size);

struct initramfs_stats {
        unsigned n_entries;             /* cpio entries (files, dirs, symlinks) */
        unsigned n_files;               /* regular files */
        unsigned n_programs;
        unsigned n_libraries;           /* shared libraries and interpreters */
        unsigned n_modules;             /* modules to load */
        unsigned n_builtin_modules;     /* needed, but built into the kernel */
        uint64_t uncompressed_size;     /* the cpio archive */
        uint64_t compressed_size;       /* the last written file, 0 before */
        enum initramfs_compression compression;
};

void initramfs_get_stats(const initramfs *i, struct initramfs_stats *ret);
/* One line for kdumpctl: "152 files (3 programs, 9 libraries, 14 modules +
 * 3 built in), 12.1 MiB, 4.2 MiB zstd". */
int initramfs_summary(const initramfs *i, char **ret);

/* What the last failing call was about ("module 'foo' not found in
 * /lib/modules/6.1.0-21-amd64", "libfoo.so.1 needed by /usr/bin/x not
 * found in /"), or NULL. */
const char *initramfs_error_detail(const initramfs *i);

/* The in-archive names of the modules to load, in order. */
size_t initramfs_module_count(const initramfs *i);
const char *initramfs_module_path(const initramfs *i, size_t idx);
