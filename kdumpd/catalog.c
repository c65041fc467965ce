/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/collect/dump-dmesg.h"
#include "kdumpd/catalog.h"
#include "kdumpd/dump-target.h"
#include "notes/vmcore.h"

static void entry_done(struct dump_entry *e) {
        free(e->id);
        free(e->dir);
        free(e->vmcore);
        free(e->dmesg);
        free(e->panic);
        free(e->host);
}

void dump_catalog_entry_drop(dump_catalog *c, size_t i) {
        entry_done(&c->entries[i]);
        memmove(&c->entries[i], &c->entries[i + 1], (c->n - i - 1) * sizeof(c->entries[0]));
        c->n--;
}

dump_catalog *dump_catalog_free(dump_catalog *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n; i++)
                entry_done(&c->entries[i]);
        free(c->entries);
        free(c);
        return NULL;
}

int dump_time_from_name(const char *name, int64_t *ret) {
        const char *p = name;
        struct tm tm;
        time_t t;

        /* kdump-utils: "<host or IP>-YYYY-MM-DD-HH:MM:SS"; ours: without the
         * host.  The date is the last 19 characters. */
        if (strlen(p) < 19)
                return -EINVAL;
        p += strlen(p) - 19;
        if (p != name && p[-1] != '-')
                return -EINVAL;
        memset(&tm, 0, sizeof(tm));
        const char *end = strptime(p, "%Y-%m-%d-%H:%M:%S", &tm);
        if (!end || *end)
                return -EINVAL;
        /* The capture /init names the directory in UTC (gmtime_r). */
        t = timegm(&tm);
        if (t == (time_t) -1)
                return -EINVAL;
        *ret = (int64_t) t;
        return 0;
}

int dump_host_from_name(const char *name, char **ret) {
        int64_t t;
        size_t n = strlen(name);
        char *h;

        /* "<host>-" before the 19 characters of the date */
        if (dump_time_from_name(name, &t) < 0 || n < 21)
                return -ENOENT;
        h = strndup(name, n - 20);
        if (!h)
                return -ENOMEM;
        *ret = h;
        return 0;
}

static char *strip(const char *s, size_t n) {
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
                n--;
        return strndup(s, n);
}

int dump_release_from_dmesg(const char *text, size_t len, char **ret) {
        static const char key[] = "Linux version ";
        const char *p = memmem(text, len, key, strlen(key)), *end = text + len, *q;
        char *s;

        if (!p)
                return -ENOENT;
        p += strlen(key);
        for (q = p; q < end && *q != ' ' && *q != '\n'; q++)
                ;
        if (q == p)
                return -ENOENT;
        s = strndup(p, (size_t) (q - p));
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int dump_panic_from_dmesg(const char *text, size_t len, char **ret) {
        static const char *const panic = "Kernel panic - not syncing: ";
        /* Without a panic line (a log cut short), the first of these names
         * what went wrong: what the kernel prints at an oops (die(),
         * report_bug(), page_fault_oops()). */
        static const char *const fallback[] = { "BUG: ", "Oops: ", "general protection fault", "kernel BUG at ", NULL };
        const char *end = text + len;
        const char *best = NULL;
        size_t best_len = 0;
        int best_rank = 1000;
        char *s;

        for (const char *l = text; l < end;) {
                const char *nl = memchr(l, '\n', (size_t) (end - l));
                size_t n = nl ? (size_t) (nl - l) : (size_t) (end - l);
                const char *hit;
                int rank = -1;
                size_t skip = 0;

                /* memmem: lines are not NUL-terminated. */
                if ((hit = memmem(l, n, panic, strlen(panic)))) {
                        rank = 0;
                        skip = strlen(panic);
                } else
                        for (size_t i = 0; fallback[i]; i++)
                                if ((hit = memmem(l, n, fallback[i], strlen(fallback[i])))) {
                                        rank = 1 + (int) i;
                                        break;
                                }
                if (rank == 0) {
                        best = hit + skip;
                        best_len = n - (size_t) (hit + skip - l);
                        best_rank = 0;
                        break;
                }
                if (rank > 0 && rank < best_rank) {
                        best = hit;
                        best_len = n - (size_t) (hit - l);
                        best_rank = rank;
                }
                l = nl ? nl + 1 : end;
        }
        if (!best)
                return -ENOENT;
        s = strip(best, best_len);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int join(const char *a, const char *b, char **ret) {
        return asprintf(ret, "%s/%s", a, b) < 0 ? -ENOMEM : 0;
}

/* A sealed dump: its files and sizes; what is inside needs the private key. */
static bool read_sealed(const char *dir, struct dump_entry *e) {
        _cleanup_free_ char *complete = NULL, *incomplete = NULL, *dmesg = NULL;
        struct stat st;

        if (join(dir, CATALOG_VMCORE_SEALED, &complete) < 0 || join(dir, CATALOG_VMCORE_INCOMPLETE_SEALED, &incomplete) < 0 ||
            join(dir, CATALOG_DMESG_SEALED, &dmesg) < 0)
                return false;
        if (stat(complete, &st) == 0 && S_ISREG(st.st_mode)) {
                e->vmcore = TAKE_PTR(complete);
                e->complete = true;
        } else if (stat(incomplete, &st) == 0 && S_ISREG(st.st_mode)) {
                e->vmcore = TAKE_PTR(incomplete);
                e->incomplete_reason = "the capture did not finish (vmcore-incomplete.age)";
        } else if (stat(dmesg, &st) < 0)
                return false;
        if (e->vmcore) {
                e->size = (uint64_t) st.st_size;
                e->disk_size = (uint64_t) st.st_blocks * 512u;
        } else
                e->incomplete_reason = "no vmcore was written (only the kernel log)";
        if (stat(dmesg, &st) == 0 && S_ISREG(st.st_mode))
                e->dmesg = TAKE_PTR(dmesg);
        e->sealed = true;
        e->info_error = -ENOKEY;
        return true;
}

static int read_entry(const char *base, const char *name, struct dump_entry *e) {
        _cleanup_free_ char *dir = NULL, *complete = NULL, *incomplete = NULL, *dmesg = NULL;
        struct stat st;
        int r;

        if (join(base, name, &dir) < 0 || join(dir, CATALOG_VMCORE, &complete) < 0 ||
            join(dir, CATALOG_VMCORE_INCOMPLETE, &incomplete) < 0 || join(dir, CATALOG_DMESG, &dmesg) < 0)
                return -ENOMEM;

        *e = (struct dump_entry) { .info.dump_level = -1 };
        if (read_sealed(dir, e))
                goto named;
        if (stat(complete, &st) == 0 && S_ISREG(st.st_mode)) {
                e->vmcore = TAKE_PTR(complete);
                e->complete = true;
        } else if (stat(incomplete, &st) == 0 && S_ISREG(st.st_mode)) {
                e->vmcore = TAKE_PTR(incomplete);
                e->incomplete_reason = "the capture did not finish (vmcore-incomplete)";
        }
        if (e->vmcore) {
                e->size = (uint64_t) st.st_size;
                e->disk_size = (uint64_t) st.st_blocks * 512u;
                e->info_error = dump_info_read(e->vmcore, &e->info);
                if (e->info_error == -ENOMEM)
                        return -ENOMEM;
                if (e->info_error >= 0 && e->info.marked_incomplete && e->complete) {
                        /* The collector finished but knew data was missing
                         * (a full disk): it says so in the header. */
                        e->complete = false;
                        e->incomplete_reason = e->info.format == DUMP_FORMAT_ELF
                                ? "the collector marked it incomplete (ELF e_flags 1)"
                                : "the collector marked it incomplete (header status 0x8)";
                } else if (e->info_error >= 0 && e->info.marked_incomplete)
                        e->incomplete_reason = "the capture did not finish (vmcore-incomplete, header marked incomplete)";
        } else
                e->incomplete_reason = "no vmcore was written (only the kernel log)";

        if (stat(dmesg, &st) == 0 && S_ISREG(st.st_mode)) {
                _cleanup_free_ char *text = NULL;
                size_t len;

                e->dmesg = TAKE_PTR(dmesg);
                if ((uint64_t) st.st_size <= CATALOG_DMESG_MAX && read_full_file(e->dmesg, &text, &len) >= 0) {
                        r = dump_panic_from_dmesg(text, len, &e->panic);
                        if (r == -ENOMEM)
                                return r;
                }
        }

        /* No vmcore-dmesg.txt: the vmcore has the log itself (the printk
         * ring is small next to the dump; a kdump-compressed dump costs its
         * bitmap and a few dozen pages more). */
        if (!e->dmesg && e->vmcore && e->info_error >= 0 &&
            (e->info.format == DUMP_FORMAT_ELF || e->info.format == DUMP_FORMAT_KDUMP)) {
                _cleanup_free_ char *text = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&text, &len);

                if (!f)
                        return -ENOMEM;
                r = dump_dmesg_write(e->vmcore, f);
                if (fclose(f) != 0)
                        return -ENOMEM;
                if (r >= 0 && dump_panic_from_dmesg(text, len, &e->panic) == -ENOMEM)
                        return -ENOMEM;
        }

named:
        if (e->info_error >= 0 && e->info.have_crash_time) {
                e->have_time = true;
                e->time = e->info.crash_time;
                e->time_source = "VMCOREINFO CRASHTIME";
        } else if (dump_time_from_name(name, &e->time) >= 0) {
                e->have_time = true;
                e->time_source = "the directory name";
        } else if (stat(dir, &st) == 0) {
                e->have_time = true;
                e->time = (int64_t) st.st_mtim.tv_sec;
                e->time_source = "the directory's modification time";
        }

        e->id = strdup(name);
        if (!e->id)
                return -ENOMEM;
        if (dump_host_from_name(name, &e->host) == -ENOMEM)
                return -ENOMEM;
        e->dir = TAKE_PTR(dir);
        return 0;
}

static int entry_cmp(const void *a, const void *b) {
        const struct dump_entry *x = a, *y = b;

        if (x->time != y->time)
                return x->time < y->time ? -1 : 1;
        return strcmp(x->id, y->id);
}

static bool is_dump_dir(int dfd, const char *name) {
        static const char *const files[] = { CATALOG_VMCORE, CATALOG_VMCORE_INCOMPLETE, CATALOG_DMESG,
                                             CATALOG_VMCORE_SEALED, CATALOG_VMCORE_INCOMPLETE_SEALED,
                                             CATALOG_DMESG_SEALED };
        _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

        if (fd < 0)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                if (faccessat(fd, files[i], F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                        return true;
        return false;
}

int dump_catalog_scan(const char *dir, dump_catalog **ret) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        DIR *d;
        struct dirent *de;
        int r = 0;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return negative_errno();
                *ret = TAKE_PTR(c);
                return 0;
        }
        while ((errno = 0, de = readdir(d))) {
                struct dump_entry *t;

                if (de->d_name[0] == '.' || !is_dump_dir(dirfd(d), de->d_name))
                        continue;
                t = realloc(c->entries, (c->n + 1) * sizeof(*t));
                if (!t) {
                        r = -ENOMEM;
                        break;
                }
                c->entries = t;
                r = read_entry(dir, de->d_name, &c->entries[c->n]);
                if (r < 0) {
                        entry_done(&c->entries[c->n]);
                        break;
                }
                c->n++;
        }
        if (r >= 0 && errno != 0)
                r = negative_errno();
        closedir(d);
        if (r < 0)
                return r;
        if (c->n > 1)
                qsort(c->entries, c->n, sizeof(*c->entries), entry_cmp);
        *ret = TAKE_PTR(c);
        return 0;
}

int dump_catalog_find(const dump_catalog *c, const char *id, const struct dump_entry **ret) {
        const struct dump_entry *found = NULL;
        char *end;
        long idx;

        if (c->n == 0)
                return -ENOENT;
        if (strcmp(id, "last") == 0 || strcmp(id, "-1") == 0) {
                *ret = &c->entries[c->n - 1];
                return 0;
        }
        errno = 0;
        idx = strtol(id, &end, 10);
        /* A number in range is a row of "list"; any other number may
         * still be the start of a name ("2024"). */
        if (*id && !*end && errno == 0 && idx >= 1 && (size_t) idx <= c->n) {
                *ret = &c->entries[idx - 1];
                return 0;
        }
        for (size_t i = 0; i < c->n; i++) {
                if (strcmp(c->entries[i].id, id) == 0) {
                        *ret = &c->entries[i];
                        return 0;
                }
                if (string_has_prefix(c->entries[i].id, id)) {
                        if (found)
                                return -ENOTUNIQ;
                        found = &c->entries[i];
                }
        }
        if (!found)
                return -ENOENT;
        *ret = found;
        return 0;
}

int dump_catalog_dir(const kdump_config *c, char **ret, char **ret_error) {
        _cleanup_(dump_target_freep) dump_target *t = NULL;
        _cleanup_free_ char *mountinfo = NULL, *real = NULL;
        _cleanup_(mount_entry_done) struct mount_entry m = {};
        char *p;
        int r;

        if (!c->device || kdump_config_is_raw(c)) {
                /* No target device: dumps are written to the filesystem
                 * that holds path here, at the same path; raw: they are
                 * saved there from the device at start. */
                p = strdup(c->path);
                if (!p)
                        return -ENOMEM;
                *ret = p;
                return 0;
        }

        r = dump_target_resolve(c, &t, ret_error);
        if (r < 0)
                return r;
        /* By source, not device number: btrfs reports its own in
         * mountinfo.  The capture mounts the filesystem's root (or what
         * mount_options say), so that mount is the one that shows it. */
        if (t->devnode && !(real = realpath(t->devnode, NULL)))
                return set_error_message(ret_error, errno, "cannot find the dump target %s (%s): %s", c->device,
                                         t->devnode, strerror(errno));
        r = read_full_file("/proc/self/mountinfo", &mountinfo, NULL);
        if (r < 0)
                return set_error_message(ret_error, r, "cannot read /proc/self/mountinfo: %s", strerror(-r));
        r = mountinfo_find_source(mountinfo, real ?: t->spec, &m);
        if (r == -ENOENT)
                return set_error_message(ret_error, ENXIO,
                                         "the dump target %s %s (%s) is not mounted on this system; mount it to see "
                                         "its dumps, or pass --dump-dir=DIR", c->fstype, c->device, real ?: t->spec);
        if (r < 0)
                return set_error_message(ret_error, r, "cannot find where %s is mounted: %s", real ?: t->spec,
                                         strerror(-r));
        if (asprintf(&p, "%s%s", strcmp(m.mountpoint, "/") == 0 ? "" : m.mountpoint, t->path) < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

int dump_vmlinux_path(const char *root, const char *release, char **ret, bool *ret_exists) {
        _cleanup_free_ char *a = NULL, *b = NULL;

        if (!root)
                root = "";
        /* Debian's linux-image-*-dbg ships the first; Fedora's and
         * Ubuntu's debuginfo the second. */
        if (asprintf(&a, "%s/usr/lib/debug/boot/vmlinux-%s", root, release) < 0 ||
            asprintf(&b, "%s/usr/lib/debug/lib/modules/%s/vmlinux", root, release) < 0)
                return -ENOMEM;
        if (access(a, F_OK) == 0) {
                *ret = TAKE_PTR(a);
                *ret_exists = true;
        } else if (access(b, F_OK) == 0) {
                *ret = TAKE_PTR(b);
                *ret_exists = true;
        } else {
                *ret = TAKE_PTR(a);
                *ret_exists = false;
        }
        return 0;
}

int dump_write_dmesg_file(const char *dir, const char *vmcore_path, char **ret_path) {
        _cleanup_free_ char *path = NULL, *tmp = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        int fd, r;

        if (asprintf(&path, "%s/" CATALOG_DMESG, dir) < 0 || asprintf(&tmp, "%s/." CATALOG_DMESG ".tmp", dir) < 0)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return negative_errno();
        f = fdopen(fd, "w");
        if (!f) {
                r = negative_errno();
                close(fd);
                (void) unlink(tmp);
                return r;
        }
        r = dump_dmesg_write(vmcore_path, f);
        if (r >= 0 && (fflush(f) != 0 || fsync(fileno(f)) < 0))
                r = negative_errno();
        if (r >= 0 && rename(tmp, path) < 0)
                r = negative_errno();
        if (r < 0) {
                (void) unlink(tmp);
                return r;
        }
        *ret_path = TAKE_PTR(path);
        return 0;
}

bool dump_seen_contains(const char *seen, const char *dir) {
        return string_list_contains(seen, '\n', dir);
}
