/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "basic/parse-util.h"
#include "initramfs/builder/chase.h"
#include "initramfs/builder/compress.h"
#include "initramfs/builder/cpio.h"
#include "initramfs/builder/elf-closure.h"
#include "initramfs/builder/hostdeps.h"
#include "initramfs/builder/initramfs.h"
#include "initramfs/builder/kmod-closure.h"
#include "initramfs/init/capture-layout.h"

#define ZSTD_LEVEL_DEFAULT 15   /* what dracut uses: most of -19's ratio, far faster */

struct initramfs {
        char *release, *modules_dir, *root, *sysfs;
        char **modprobe_config;
        int zstd_level;
        bool modules_by_name;

        cpio_writer *cpio;
        elf_closure *elf;
        kmod_closure *kmod;
        size_t kmod_installed;          /* closure entries already in the archive */

        char **load;                    /* archive paths, load order */
        size_t n_load;
        unsigned n_programs, n_libraries, n_builtin;

        bool sealed;
        uint64_t written_size;
        enum initramfs_compression written_compression;
        char *detail;
};

static int detail(initramfs *i, int r, const char *fmt, ...) _printf_(3, 4);
static int detail(initramfs *i, int r, const char *fmt, ...) {
        va_list ap;

        free(i->detail);
        i->detail = NULL;
        va_start(ap, fmt);
        if (vasprintf(&i->detail, fmt, ap) < 0)
                i->detail = NULL;
        va_end(ap);
        return r;
}

const char *initramfs_error_detail(const initramfs *i) {
        return i->detail;
}

static void clear_detail(initramfs *i) {
        free(i->detail);
        i->detail = NULL;
}

static bool is_root_slash(const char *root) {
        return strcmp(root, "/") == 0;
}

initramfs *initramfs_free(initramfs *i) {
        if (!i)
                return NULL;
        free(i->release);
        free(i->modules_dir);
        free(i->root);
        free(i->sysfs);
        if (i->modprobe_config)
                for (char **p = i->modprobe_config; *p; p++)
                        free(*p);
        free(i->modprobe_config);
        cpio_writer_free(i->cpio);
        elf_closure_free(i->elf);
        kmod_closure_free(i->kmod);
        for (size_t k = 0; k < i->n_load; k++)
                free(i->load[k]);
        free(i->load);
        free(i->detail);
        free(i);
        return NULL;
}

/* The merged-/usr symlinks go in first: cpio_add_*() then files everything
 * under its canonical name, and a later library install that meets the
 * same symlink finds it identical. */
static int add_toplevel_symlinks(initramfs *i) {
        static const char *const dirs[] = { "/bin", "/sbin", "/lib", "/lib64" };

        for (size_t k = 0; k < ELEMENTSOF(dirs); k++) {
                _cleanup_free_ char *host = NULL;
                char target[PATH_MAX];
                ssize_t l;
                int r;

                r = root_path(i->root, dirs[k], &host);
                if (r < 0)
                        return r;
                l = readlink(host, target, sizeof(target) - 1);
                if (l < 0)
                        continue;       /* a directory, or absent */
                target[l] = 0;
                r = cpio_add_symlink(i->cpio, dirs[k], target);
                if (r < 0)
                        return r;
        }
        return 0;
}

int initramfs_new(const struct initramfs_opts *opts, initramfs **ret) {
        struct initramfs_opts o = {};
        _cleanup_(initramfs_freep) initramfs *i = NULL;
        struct utsname u;
        int r;

        if (opts)
                memcpy(&o, opts, MIN(opts->sz ? opts->sz : sizeof(o), sizeof(o)));
        if (o.zstd_level == 0)
                o.zstd_level = ZSTD_LEVEL_DEFAULT;
        if (o.zstd_level < 1 || o.zstd_level > 19)
                return -EINVAL;

        i = calloc(1, sizeof(*i));
        if (!i)
                return -ENOMEM;
        i->zstd_level = o.zstd_level;
        i->modules_by_name = o.modules_by_name;

        if (o.kernel_release)
                i->release = strdup(o.kernel_release);
        else {
                if (uname(&u) < 0)
                        return negative_errno();
                i->release = strdup(u.release);
        }
        if (!i->release)
                return -ENOMEM;
        /* the release becomes a directory name in the archive */
        if (!i->release[0] || strchr(i->release, '/') || strcmp(i->release, ".") == 0 ||
            strcmp(i->release, "..") == 0)
                return -EINVAL;

        if (o.modules_dir)
                i->modules_dir = strdup(o.modules_dir);
        else if (asprintf(&i->modules_dir, "/lib/modules/%s", i->release) < 0)
                i->modules_dir = NULL;
        i->root = strdup(o.root && o.root[0] ? o.root : "/");
        i->sysfs = strdup(o.sysfs ? o.sysfs : "/sys");
        if (!i->modules_dir || !i->root || !i->sysfs)
                return -ENOMEM;
        if (o.modprobe_config) {
                size_t n = 0;

                while (o.modprobe_config[n])
                        n++;
                i->modprobe_config = calloc(n + 1, sizeof(char *));
                if (!i->modprobe_config)
                        return -ENOMEM;
                for (size_t k = 0; k < n; k++)
                        if (!(i->modprobe_config[k] = strdup(o.modprobe_config[k])))
                                return -ENOMEM;
        }

        r = cpio_writer_new(o.mtime, &i->cpio);
        if (r < 0)
                return r;
        r = elf_closure_new(i->root, NULL, &i->elf);
        if (r < 0)
                return r;
        r = add_toplevel_symlinks(i);
        if (r < 0)
                return detail(i, r, "cannot mirror the top-level symlinks of %s", i->root);

        *ret = TAKE_PTR(i);
        return 0;
}

static int check_open(initramfs *i) {
        clear_detail(i);
        return i->sealed ? -EBUSY : 0;
}

int initramfs_add_data(initramfs *i, const char *dest, const void *data, size_t size, mode_t mode) {
        int r = check_open(i);

        if (r < 0)
                return r;
        r = cpio_add_file(i->cpio, dest, data, size, mode);
        if (r < 0)
                return detail(i, r, "cannot add %s to the archive", dest);
        return 0;
}

int initramfs_add_directory(initramfs *i, const char *dest, mode_t mode) {
        int r = check_open(i);

        if (r < 0)
                return r;
        r = cpio_add_directory(i->cpio, dest, mode);
        if (r < 0)
                return detail(i, r, "cannot add directory %s to the archive", dest);
        return 0;
}

int initramfs_add_symlink(initramfs *i, const char *dest, const char *target) {
        int r = check_open(i);

        if (r < 0)
                return r;
        r = cpio_add_symlink(i->cpio, dest, target);
        if (r < 0)
                return detail(i, r, "cannot add symlink %s to the archive", dest);
        return 0;
}

/* Reads a host file whole; mode gets its permission bits. */
static int read_host_file(const char *host, void **ret, size_t *ret_size, mode_t *ret_mode) {
        struct stat st;
        char *data;
        size_t size;
        int r;

        if (stat(host, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        if ((uint64_t) st.st_size > CPIO_FILE_SIZE_MAX)
                return -EFBIG;
        r = read_full_file(host, &data, &size);
        if (r < 0)
                return r;
        *ret = data;
        *ret_size = size;
        if (ret_mode)
                *ret_mode = st.st_mode & 07777;
        return 0;
}

int initramfs_add_file(initramfs *i, const char *src, const char *dest, mode_t mode) {
        void *data;
        size_t size;
        mode_t m;
        int r = check_open(i);

        if (r < 0)
                return r;
        r = read_host_file(src, &data, &size, &m);
        if (r < 0)
                return detail(i, r, "cannot read %s", src);
        r = cpio_add_file_take(i->cpio, dest, data, size, mode ? mode : m);
        if (r < 0)
                return detail(i, r, "cannot add %s to the archive as %s", src, dest);
        return 0;
}

static int add_symlink_cb(const char *link, const char *target, void *userdata) {
        return cpio_add_symlink(userdata, link, target);
}

/* Installs a file from the root under the same name, recreating the
 * symlinks on its way.  Returns 1 if a file was added, 0 if there. */
static int install_from_root(initramfs *i, const char *path) {
        _cleanup_free_ char *resolved = NULL, *canon = NULL, *host = NULL;
        void *data;
        size_t size;
        mode_t mode;
        int r;

        r = chase_in_root(i->root, path, add_symlink_cb, i->cpio, &resolved);
        if (r < 0)
                return detail(i, r, "cannot install %s from %s", path, i->root);
        r = cpio_writer_resolve(i->cpio, resolved, &canon);
        if (r == 0)
                return 0;
        if (r != -ENOENT)
                return detail(i, r, "cannot install %s", path);
        r = root_path(i->root, resolved, &host);
        if (r < 0)
                return r;
        r = read_host_file(host, &data, &size, &mode);
        if (r < 0)
                return detail(i, r, "cannot read %s", host);
        /* no set-id bits in the capture environment */
        r = cpio_add_file_take(i->cpio, resolved, data, size, mode & 0777);
        if (r < 0)
                return detail(i, r, "cannot add %s to the archive", resolved);
        return 1;
}

int initramfs_add_program(initramfs *i, const char *src, const char *dest) {
        _cleanup_free_ char *abs = NULL, *resolved = NULL, *host = NULL;
        size_t before, size;
        void *data;
        int r = check_open(i);

        if (r < 0)
                return r;
        if (is_root_slash(i->root) && src[0] != '/') {
                abs = realpath(src, NULL);
                if (!abs)
                        return detail(i, negative_errno(), "cannot find program %s", src);
                src = abs;
        }
        if (!dest)
                dest = src;

        before = elf_closure_count(i->elf);
        r = elf_closure_add(i->elf, src);
        if (r == -ENOENT && elf_closure_failed_needed_by(i->elf))
                return detail(i, r, "%s, needed by %s, not found in %s", elf_closure_failed_name(i->elf),
                              elf_closure_failed_needed_by(i->elf), i->root);
        if (r == -ENOEXEC)
                return detail(i, r, "%s is not an ELF executable", src);
        if (r < 0)
                return detail(i, r, "cannot read program %s", src);

        for (size_t k = before; k < elf_closure_count(i->elf); k++) {
                r = install_from_root(i, elf_closure_get(i->elf, k)->path);
                if (r < 0)
                        return r;
                i->n_libraries += r;
        }

        r = chase_in_root(i->root, src, NULL, NULL, &resolved);
        if (r >= 0)
                r = root_path(i->root, resolved, &host);
        if (r >= 0)
                r = read_host_file(host, &data, &size, NULL);
        if (r < 0)
                return detail(i, r, "cannot read program %s", src);
        r = cpio_add_file_take(i->cpio, dest, data, size, 0755);
        if (r < 0)
                return detail(i, r, "cannot add %s to the archive as %s", src, dest);
        i->n_programs++;
        return 0;
}

static int ensure_kmod(initramfs *i) {
        int r;

        if (i->kmod)
                return 0;
        r = kmod_closure_new(i->modules_dir, (const char *const *) i->modprobe_config, &i->kmod);
        if (r == -ENOENT)
                return detail(i, r, "no module index in %s (depmod not run, or no modules for %s)",
                              i->modules_dir, i->release);
        if (r < 0)
                return detail(i, r, "cannot read the module index in %s", i->modules_dir);
        return 0;
}

/* "kernel/fs/ext4/ext4.ko.xz" -> archive path of the decompressed .ko */
static int module_dest(initramfs *i, const char *path, char **ret) {
        const char *dir = kmod_closure_modules_dir(i->kmod), *rel;
        size_t l = strlen(dir), n;
        _cleanup_free_ char *s = NULL;

        while (l > 1 && dir[l - 1] == '/')
                l--;
        if (strncmp(path, dir, l) == 0 && path[l] == '/')
                rel = path + l + 1;
        else
                rel = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;   /* outside: flatten */
        if (asprintf(&s, "/lib/modules/%s/%s%s", i->release, rel == path + l + 1 ? "" : "extra/", rel) < 0)
                return -ENOMEM;
        n = strlen(s);
        if (n > 6 && strcmp(s + n - 6, ".ko.xz") == 0)
                s[n - 3] = 0;
        else if (n > 7 && strcmp(s + n - 7, ".ko.zst") == 0)
                s[n - 4] = 0;
        else if (n > 6 && strcmp(s + n - 6, ".ko.gz") == 0)
                s[n - 3] = 0;
        *ret = TAKE_PTR(s);
        return 0;
}

static int push_load(initramfs *i, char *dest) {
        char **p = reallocarray(i->load, i->n_load + 1, sizeof(char *));

        if (!p)
                return -ENOMEM;
        i->load = p;
        i->load[i->n_load++] = dest;
        return 0;
}

/* Copies the closure's new modules into the archive. Returns how many. */
static int install_modules(initramfs *i) {
        int added = 0, r;

        for (; i->kmod_installed < kmod_closure_count(i->kmod); i->kmod_installed++) {
                const struct kmod_closure_module *m = kmod_closure_get(i->kmod, i->kmod_installed);
                _cleanup_free_ char *dest = NULL;
                void *data, *plain;
                size_t size, plain_size;
                enum compression c;

                if (!m->path) {
                        i->n_builtin++;
                        continue;
                }
                if (i->modules_by_name) {
                        dest = strdup(m->name);
                        if (!dest)
                                return -ENOMEM;
                        r = push_load(i, dest);
                        if (r < 0)
                                return r;
                        TAKE_PTR(dest);
                        added++;
                        continue;
                }
                r = module_dest(i, m->path, &dest);
                if (r < 0)
                        return r;
                r = read_host_file(m->path, &data, &size, NULL);
                if (r < 0)
                        return detail(i, r, "cannot read module %s", m->path);
                c = compression_detect(data, size);
                if (c != COMPRESSION_NONE) {
                        r = decompress_buffer(c, data, size, &plain, &plain_size);
                        free(data);
                        if (r < 0)
                                return detail(i, r, "cannot decompress module %s", m->path);
                        data = plain;
                        size = plain_size;
                }
                r = cpio_add_file_take(i->cpio, dest, data, size, 0644);
                if (r < 0)
                        return detail(i, r, "cannot add module %s to the archive", m->path);
                r = push_load(i, dest);
                if (r < 0)
                        return r;
                TAKE_PTR(dest);
                added++;
        }
        return added;
}

static int add_module(initramfs *i, const char *name, unsigned flags) {
        int r = kmod_closure_add(i->kmod, name, flags);

        if (r == -ENOENT) {
                const char *failed = kmod_closure_failed_name(i->kmod);

                if (failed && strcmp(failed, name) != 0)
                        return detail(i, r, "module %s, needed by %s, is missing from %s", failed, name,
                                      i->modules_dir);
                return detail(i, r, "module %s not found in %s", name, i->modules_dir);
        }
        if (r < 0)
                return detail(i, r, "cannot resolve module %s in %s", name, i->modules_dir);
        return 0;
}

static int add_modules(initramfs *i, const char *const *names, unsigned flags) {
        int r = check_open(i);

        if (r < 0)
                return r;
        r = ensure_kmod(i);
        if (r < 0)
                return r;
        for (const char *const *n = names; n && *n; n++) {
                r = add_module(i, *n, flags);
                if (r < 0)
                        return r;
        }
        return install_modules(i);
}

int initramfs_add_modules(initramfs *i, const char *const *names) {
        return add_modules(i, names, 0);
}

int initramfs_add_modules_optional(initramfs *i, const char *const *names) {
        return add_modules(i, names, KMOD_CLOSURE_OPTIONAL);
}

/* The modules hostdeps found: the driver modules bound on this system must
 * exist for the capture kernel too; modaliases nobody claims are normal.
 * Frees d. */
static int add_hostdeps(initramfs *i, struct hostdeps *d) {
        int r = ensure_kmod(i);

        for (size_t k = 0; r >= 0 && k < d->n_modules; k++)
                r = add_module(i, d->modules[k], 0);
        for (size_t k = 0; r >= 0 && k < d->n_modaliases; k++)
                r = add_module(i, d->modaliases[k], KMOD_CLOSURE_OPTIONAL);
        hostdeps_done(d);
        if (r < 0)
                return r;
        return install_modules(i);
}

int initramfs_add_modules_for_device(initramfs *i, const char *devnode) {
        struct hostdeps d = {};
        dev_t dev;
        int r = check_open(i);

        if (r < 0)
                return r;
        r = hostdeps_parse_device(devnode, &dev);
        if (r < 0)
                return detail(i, r, "%s is not a block device", devnode);
        r = hostdeps_for_device(i->sysfs, dev, &d);
        if (r < 0)
                return detail(i, r, "cannot find %s in %s", devnode, i->sysfs);
        return add_hostdeps(i, &d);
}

/* The drivers of a class device's device (hostdeps_for_netdev() or
 * _for_watchdog()); noun names it in the detail. */
static int add_for_class_device(initramfs *i, int (*hostdeps_for)(const char *, const char *, struct hostdeps *),
                                const char *noun, const char *name) {
        struct hostdeps d = {};
        int r = check_open(i);

        if (r < 0)
                return r;
        r = hostdeps_for(i->sysfs, name, &d);
        if (r < 0)
                return detail(i, r, "cannot find the device of %s %s in %s", noun, name, i->sysfs);
        return add_hostdeps(i, &d);
}

int initramfs_add_modules_for_netdev(initramfs *i, const char *ifname) {
        return add_for_class_device(i, hostdeps_for_netdev, "network interface", ifname);
}

int initramfs_add_modules_for_watchdog(initramfs *i, const char *name) {
        return add_for_class_device(i, hostdeps_for_watchdog, "the watchdog", name);
}

const char *initramfs_compression_to_string(enum initramfs_compression c) {
        switch (c) {
        case INITRAMFS_COMPRESSION_NONE: return "none";
        case INITRAMFS_COMPRESSION_ZSTD: return "zstd";
        default:                         return NULL;
        }
}

int initramfs_compression_from_kconfig(const char *config_path, enum initramfs_compression *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_full_file(config_path, &text, NULL);
        if (r < 0)
                return r;
        /* lib/decompress.c: the kernel unpacks what its RD_* options allow */
        for (char *line = text; line && *line;) {
                char *nl = strchr(line, '\n');

                if (nl)
                        *nl = 0;
                if (strcmp(line, "CONFIG_RD_ZSTD=y") == 0) {
                        *ret = INITRAMFS_COMPRESSION_ZSTD;
                        return 0;
                }
                line = nl ? nl + 1 : NULL;
        }
        *ret = INITRAMFS_COMPRESSION_NONE;
        return 0;
}

int initramfs_module_names(const initramfs *i, char ***ret) {
        char **v = calloc(i->n_load + 1, sizeof(char *));

        if (!v)
                return -ENOMEM;
        for (size_t k = 0; k < i->n_load; k++)
                if (!(v[k] = strdup(i->load[k]))) {
                        strv_free(v);
                        return -ENOMEM;
                }
        *ret = v;
        return 0;
}

static int seal(initramfs *i) {
        _cleanup_free_ char *list = NULL;
        size_t len = 0;
        int r;

        if (i->sealed)
                return 0;
        if (i->modules_by_name) {
                i->sealed = true;
                return 0;
        }
        for (size_t k = 0; k < i->n_load; k++)
                len += strlen(i->load[k]) + 1;
        list = malloc(len + 1);
        if (!list)
                return -ENOMEM;
        len = 0;
        for (size_t k = 0; k < i->n_load; k++) {
                size_t l = strlen(i->load[k]);

                memcpy(list + len, i->load[k], l);
                list[len + l] = '\n';
                len += l + 1;
        }
        r = cpio_add_file(i->cpio, CAPTURE_MODULES_LOAD, list, len, 0644);
        if (r < 0)
                return detail(i, r, "cannot add %s to the archive", CAPTURE_MODULES_LOAD);
        i->sealed = true;
        return 0;
}

int initramfs_write(initramfs *i, const char *path, enum initramfs_compression c, uint64_t *ret_size) {
        _cleanup_free_ void *archive = NULL, *packed = NULL;
        size_t size, packed_size;
        int r;

        clear_detail(i);
        if ((unsigned) c >= _INITRAMFS_COMPRESSION_MAX)
                return -EINVAL;
        r = seal(i);
        if (r < 0)
                return r;
        r = cpio_writer_to_buffer(i->cpio, &archive, &size);
        if (r < 0)
                return r;
        if (c == INITRAMFS_COMPRESSION_ZSTD) {
                r = zstd_compress_buffer(archive, size, i->zstd_level, &packed, &packed_size);
                if (r < 0)
                        return detail(i, r, "cannot compress the archive");
                free(archive);
                archive = TAKE_PTR(packed);
                size = packed_size;
        }
        r = write_file_atomic(path, archive, size, 0600);
        if (r < 0)
                return detail(i, r, "cannot write %s", path);
        i->written_size = size;
        i->written_compression = c;
        if (ret_size)
                *ret_size = size;
        return 0;
}

void initramfs_get_stats(const initramfs *i, struct initramfs_stats *ret) {
        *ret = (struct initramfs_stats) {
                .n_entries = (unsigned) cpio_writer_entries(i->cpio),
                .n_files = (unsigned) cpio_writer_count(i->cpio, S_IFREG),
                .n_programs = i->n_programs,
                .n_libraries = i->n_libraries,
                .n_modules = (unsigned) i->n_load,
                .n_builtin_modules = i->n_builtin,
                .uncompressed_size = cpio_writer_archive_size(i->cpio),
                .compressed_size = i->written_size,
                .compression = i->written_compression,
        };
}

int initramfs_summary(const initramfs *i, char **ret) {
        struct initramfs_stats s;
        char a[32], b[32];
        char *text;

        initramfs_get_stats(i, &s);
        format_bytes(a, sizeof(a), s.uncompressed_size);
        format_bytes(b, sizeof(b), s.compressed_size);
        if (asprintf(&text, "%u files (%u programs, %u libraries, %u modules + %u built in), %s%s%s%s",
                     s.n_files, s.n_programs, s.n_libraries, s.n_modules, s.n_builtin_modules, a,
                     s.compressed_size && s.compression != INITRAMFS_COMPRESSION_NONE ? ", " : "",
                     s.compressed_size && s.compression != INITRAMFS_COMPRESSION_NONE ? b : "",
                     s.compressed_size && s.compression != INITRAMFS_COMPRESSION_NONE ? " zstd" : "") < 0)
                return -ENOMEM;
        *ret = text;
        return 0;
}

size_t initramfs_module_count(const initramfs *i) {
        return i->n_load;
}

const char *initramfs_module_path(const initramfs *i, size_t idx) {
        return idx < i->n_load ? i->load[idx] : NULL;
}
