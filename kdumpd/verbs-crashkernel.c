/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "build-config.h"
#include "config/kdump-conf.h"
#include "kdumpd/capture-image.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/kernel-facts.h"
#include "capture-kernel/kernel-image.h"
#include "crashkernel-reserve/bootloader.h"
#include "crashkernel-reserve/crashkernel-param.h"
#include "crashkernel-reserve/crashkernel-policy.h"
#include "crashkernel-reserve/reservation.h"
#include "kdumpd/capture-load.h"
#include "kdumpd/verbs-crashkernel.h"

/* An unpacked capture initramfs larger than this is not one we built. */
#define UNPACKED_MAX (2ull << 30)

static const char *env_or(const char *name, const char *def, bool *overridden) {
        const char *v = getenv(name);

        if (v && *v) {
                if (overridden)
                        *overridden = true;
                return v;
        }
        return def;
}

void crashkernel_paths_init(struct crashkernel_paths *p, const char *config, const char *state_dir, const char *kernel) {
        bool bl_overridden = false;

        *p = (struct crashkernel_paths) {
                .sz = sizeof(struct crashkernel_paths),
                .iomem = env_or("KDUMPD_IOMEM", "/proc/iomem", NULL),
                .sysfs_kernel = env_or("KDUMPD_SYSFS_KERNEL", "/sys/kernel", NULL),
                .proc_cmdline = env_or("KDUMPD_PROC_CMDLINE", "/proc/cmdline", NULL),
                .cpu_possible = env_or("KDUMPD_CPU_POSSIBLE", "/sys/devices/system/cpu/possible", NULL),
                .grub_defaults = env_or("KDUMPD_GRUB_DEFAULTS", BOOTLOADER_GRUB_DEFAULTS_PATH, &bl_overridden),
                .kernel_cmdline = env_or("KDUMPD_KERNEL_CMDLINE", BOOTLOADER_KERNEL_CMDLINE_PATH, &bl_overridden),
                .state_dir = state_dir ?: KDUMP_STATEDIR,
                .kernel = kernel,
                .config = config,
        };
        p->run_update_grub = !bl_overridden;
}

/* Decompresses a zstd stream whole (the capture initramfs is a few MiB). */
static int zstd_decompress_all(const void *in, size_t in_size, char **ret, size_t *ret_size) {
        ZSTD_DStream *ds = ZSTD_createDStream();
        ZSTD_inBuffer ib = { in, in_size, 0 };
        _cleanup_free_ char *out = NULL;
        size_t cap = 0, len = 0;
        int r = 0;

        if (!ds)
                return -ENOMEM;
        ZSTD_initDStream(ds);
        while (ib.pos < ib.size) {
                ZSTD_outBuffer ob;
                size_t z;

                if (cap - len < ZSTD_DStreamOutSize()) {
                        char *t;

                        if (cap >= UNPACKED_MAX) {
                                r = -EFBIG;
                                break;
                        }
                        cap = cap ? cap * 2 : 8u << 20;
                        t = realloc(out, cap);
                        if (!t) {
                                r = -ENOMEM;
                                break;
                        }
                        out = t;
                }
                ob = (ZSTD_outBuffer) { out + len, cap - len, 0 };
                z = ZSTD_decompressStream(ds, &ob, &ib);
                if (ZSTD_isError(z)) {
                        r = -EBADMSG;
                        break;
                }
                len += ob.pos;
                if (z == 0 && ob.pos == 0 && ib.pos < ib.size && ib.size - ib.pos < 4)
                        break;   /* trailing padding */
        }
        ZSTD_freeDStream(ds);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        *ret_size = len;
        return 0;
}

/* What the archive occupies unpacked: uncompressed cpio parts (early
 * microcode) are parsed as they are; a zstd part is decompressed first.
 * Other compressions give -EOPNOTSUPP and the caller uses typical numbers. */
static int initramfs_usage(const char *path, uint64_t *ret_size, uint64_t *ret_unpacked, uint64_t *ret_files) {
        _cleanup_free_ char *data = NULL;
        uint64_t unpacked = 0, files = 0;
        size_t size, off = 0;
        int r;

        r = read_full_file(path, &data, &size);
        if (r < 0)
                return r;
        *ret_size = size;

        while (off < size) {
                uint64_t u, f;
                size_t used;

                /* Archives are padded to 4 bytes, concatenations often more. */
                while (off < size && data[off] == 0)
                        off++;
                if (off >= size)
                        break;
                if (size - off >= 6 && memcmp(data + off, "07070", 5) == 0) {
                        r = crashkernel_cpio_usage(data + off, size - off, &u, &f, &used);
                        if (r < 0)
                                return r;
                        off += used;
                } else if (size - off >= 4 && memcmp(data + off, "\x28\xb5\x2f\xfd", 4) == 0) {
                        _cleanup_free_ char *plain = NULL;
                        size_t plain_size, pos = 0;

                        r = zstd_decompress_all(data + off, size - off, &plain, &plain_size);
                        if (r < 0)
                                return r;
                        u = f = 0;
                        while (pos < plain_size) {
                                uint64_t u2, f2;
                                while (pos < plain_size && plain[pos] == 0)
                                        pos++;
                                if (pos >= plain_size)
                                        break;
                                r = crashkernel_cpio_usage(plain + pos, plain_size - pos, &u2, &f2, &used);
                                if (r < 0)
                                        return r;
                                u += u2;
                                f += f2;
                                pos += used;
                        }
                        off = size;
                } else
                        return -EOPNOTSUPP;
                unpacked += u;
                files += f;
        }
        *ret_unpacked = unpacked;
        *ret_files = files;
        return 0;
}

struct machine {
        struct crash_reservation res;
        struct crashkernel_inputs in;
        char kernel[4096];
        char initramfs[4096];
        bool have_kernel, have_initramfs;
        char *why_no_initramfs;
};

static void machine_done(struct machine *m) {
        free(m->why_no_initramfs);
}

/* kdump.conf's capture_cpus (capture-kernel/cmdline.c gives it as nr_cpus=),
 * 1 when the file cannot be read: kdumpctl start reports a bad file, the
 * sizing verbs size for the default. */
static unsigned capture_cpus_configured(const char *config) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        if (kdump_config_load(config ?: KDUMP_CONF_PATH, &c, NULL) < 0)
                return 1;
        return kdump_config_capture_cpus(c);
}

/* Reads the reservation, and with sizing what the estimate needs (only
 * the reservation is required). */
static int machine_read(const struct crashkernel_paths *p, bool sizing, struct machine *m) {
        struct utsname uts;
        _cleanup_free_ char *cpus = NULL;
        const char *release;
        char relbuf[256];
        int r;

        r = crash_reservation_read(&(struct crash_reservation_paths) {
                        .sz = sizeof(struct crash_reservation_paths),
                        .iomem = p->iomem,
                        .sysfs_kernel = p->sysfs_kernel,
                }, &m->res);
        if (r == -EPERM)
                return log_error_errno(r, "%s hides addresses from unprivileged readers: run kdumpctl as root.", p->iomem);
        if (r < 0)
                return log_error_errno(r, "Failed to read the crash reservation from %s: %m", p->iomem);

        m->in = (struct crashkernel_inputs) {
                .sz = sizeof(struct crashkernel_inputs),
                .system_ram = m->res.system_ram,
                .capture_cpus = capture_cpus_configured(p->config),
                .arch = p->arch,
        };

        if (!sizing)
                return 0;
        if (read_one_line_file(p->cpu_possible, &cpus) >= 0) {
                _cleanup_free_ uint64_t *list = NULL;
                size_t n;

                /* x86's NR_CPUS is at most 8192 (arch/x86/Kconfig). */
                if (parse_cpu_list(cpus, 8192, &list, &n) >= 0)
                        m->in.possible_cpus = (unsigned) n;
        }

        if (uname(&uts) < 0)
                return log_error_errno(errno, "uname: %m");
        if (p->kernel)
                snprintf(m->kernel, sizeof(m->kernel), "%s", p->kernel);
        else {
                _cleanup_free_ char *found = NULL;

                r = kernel_image_find(NULL, uts.release, &found);
                if (r < 0)
                        log_warning_errno(r, "No image of the running kernel %s (looked for %s): %m; using a typical "
                                          "kernel size.", uts.release, KERNEL_IMAGE_PLACES);
                else
                        snprintf(m->kernel, sizeof(m->kernel), "%s", found);
        }
        if (m->kernel[0]) {
                _cleanup_free_ char *why = NULL;
                struct kernel_facts facts = {};

                r = kernel_facts_read(p->arch, m->kernel, &facts, &why);
                if (r < 0)
                        log_warning_errno(r, "Cannot read the header of %s (%s); using a typical kernel size.",
                                          m->kernel, why ?: strerror(-r));
                else {
                        m->in.kernel_init_size = facts.load_size;
                        m->have_kernel = true;
                }
                kernel_facts_done(&facts);
        }

        release = p->kernel ? kernel_image_release(p->kernel, relbuf, sizeof(relbuf)) : uts.release;
        if (release) {
                _cleanup_free_ char *image = NULL;
                uint64_t size, unpacked, files;

                if (capture_image_path(p->state_dir, release, &image) < 0)
                        return log_oom();
                snprintf(m->initramfs, sizeof(m->initramfs), "%s", image);
                r = initramfs_usage(m->initramfs, &size, &unpacked, &files);
                if (r >= 0) {
                        m->in.initramfs_size = size;
                        m->in.initramfs_unpacked = unpacked;
                        m->in.initramfs_files = files;
                        m->have_initramfs = true;
                } else if (r == -ENOENT)
                        (void) asprintf(&m->why_no_initramfs, "no capture initramfs built yet (kdumpctl rebuild)");
                else
                        (void) asprintf(&m->why_no_initramfs, "cannot read %s: %s", m->initramfs, strerror(-r));
        } else
                (void) asprintf(&m->why_no_initramfs, "cannot tell the kernel release from %s", p->kernel);
        return 0;
}

static void print_reservation(const struct crash_reservation *res, FILE *out) {
        char b[32];

        if (res->n_ranges == 0)
                fprintf(out, "Reservation:      none\n");
        for (size_t i = 0; i < res->n_ranges; i++)
                fprintf(out, "Reservation:      %s at 0x%llx-0x%llx%s\n", format_bytes(b, sizeof(b), res->ranges[i].size),
                        (unsigned long long) res->ranges[i].start,
                        (unsigned long long) (res->ranges[i].start + res->ranges[i].size - 1),
                        res->ranges[i].start >= (4ull << 30) ? " (above 4G)" : "");
}

int verb_showmem(const struct crashkernel_paths *p, FILE *out) {
        _cleanup_(machine_done) struct machine m = {};
        _cleanup_free_ char *cmdline = NULL, *err = NULL;
        struct crashkernel_result want;
        char b[32], b2[32];
        int r;

        r = machine_read(p, false, &m);
        if (r < 0)
                return r;

        print_reservation(&m.res, out);
        if (m.res.n_ranges > 1)
                fprintf(out, "Total:            %s\n", format_bytes(b, sizeof(b), m.res.total));
        if (m.res.sysfs_size >= 0) {
                fprintf(out, "kexec_crash_size: %lld bytes (%s)", (long long) m.res.sysfs_size,
                        format_bytes(b, sizeof(b), (uint64_t) m.res.sysfs_size));
                /* crash_shrink_memory() only ever shrinks crashk_res. */
                if ((uint64_t) m.res.sysfs_size < m.res.total)
                        fprintf(out, ", less than /proc/iomem shows: shrunk or partly given back");
                fputc('\n', out);
        }
        fprintf(out, "Capture kernel:   %s\n", m.res.loaded == 1 ? "loaded" : m.res.loaded == 0 ? "not loaded" : "unknown");
        fprintf(out, "System RAM:       %s\n", format_bytes(b, sizeof(b), m.res.system_ram));

        r = read_one_line_file(p->proc_cmdline, &cmdline);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", p->proc_cmdline);
        r = crashkernel_cmdline_evaluate(cmdline, m.res.system_ram, &want, &err);
        if (r == -ENOENT)
                fprintf(out, "Command line:     no crashkernel= (kdumpctl reset-crashkernel adds one)\n");
        else if (r < 0)
                fprintf(out, "Command line:     %s\n", err ? err : strerror(-r));
        else {
                fprintf(out, "Command line asks: %s", want.size ? format_bytes(b, sizeof(b), want.size) : "nothing for this much RAM");
                if (want.has_offset && want.offset)
                        fprintf(out, " at 0x%llx", (unsigned long long) want.offset);
                if (want.high)
                        fprintf(out, ", above 4G if possible, plus %s below 4G%s", format_bytes(b2, sizeof(b2), want.low_size),
                                want.low_default ? " (the default)" : "");
                if (want.cma_size)
                        fprintf(out, ", plus %s from CMA (not in /proc/iomem)", format_bytes(b2, sizeof(b2), want.cma_size));
                fputc('\n', out);
                if (want.size && m.res.n_ranges == 0)
                        fprintf(out, "The kernel could not reserve it: see \"crashkernel\" in dmesg.\n");
        }
        return 0;
}

static uint64_t current_reservation(const struct crash_reservation *res) {
        /* After a shrink, kexec_crash_size is what is left. */
        if (res->sysfs_size >= 0 && (uint64_t) res->sysfs_size < res->total)
                return (uint64_t) res->sysfs_size;
        return res->total;
}

/* The machine with its sizing inputs, and the estimate for it. */
static int machine_estimate(const struct crashkernel_paths *p, struct machine *m, struct crashkernel_estimate *ret) {
        int r;

        r = machine_read(p, true, m);
        if (r < 0)
                return r;
        r = crashkernel_estimate(&m->in, ret);
        if (r < 0)
                return log_error_errno(r, "Failed to compute the estimate: %m");
        return 0;
}

/* The parts of the initramfs contents that recreate the dump target's
 * dm/md stack and bring up its network (written by the builder next to
 * the image). */
static void print_part_cost(const char *initramfs, const char *part, const char *label, const char *contents,
                            FILE *out) {
        _cleanup_free_ char *path = NULL, *text = NULL, *bytes = NULL, *what = NULL, *listed = NULL;
        uint64_t n;
        char b[32];

        if (asprintf(&path, "%s.%s", initramfs, part) < 0 || read_full_file(path, &text, NULL) < 0)
                return;
        bytes = capture_state_get(text, "bytes");
        what = capture_state_get(text, part);
        listed = capture_state_get(text, "contents");     /* what the builder put in */
        if (!bytes || safe_atou64(bytes, &n) < 0)
                return;
        fprintf(out, "  %-28s %10s  in the contents above: %s for %s\n", label, format_bytes(b, sizeof(b), n),
                listed && *listed ? listed : contents,
                what && *what ? what : "the target");
}

int verb_estimate(const struct crashkernel_paths *p, FILE *out) {
        _cleanup_(machine_done) struct machine m = {};
        struct crashkernel_estimate e;
        uint64_t have;
        char b[32], b2[32];
        int r;

        r = machine_estimate(p, &m, &e);
        if (r < 0)
                return r;

        fprintf(out, "Capture environment for %s of RAM, %u possible CPUs, kernel %s%s%s:\n",
                format_bytes(b, sizeof(b), m.res.system_ram), m.in.possible_cpus ?: 1, m.kernel[0] ? m.kernel : "(no image found)",
                m.have_initramfs ? ", initramfs " : "", m.have_initramfs ? m.initramfs : "");
        if (!m.have_initramfs && m.why_no_initramfs)
                fprintf(out, "  (initramfs: %s; typical sizes used)\n", m.why_no_initramfs);
        for (size_t i = 0; i < e.n_items; i++)
                fprintf(out, "  %-28s %10s  %s\n", e.items[i].name, format_bytes(b, sizeof(b), e.items[i].bytes),
                        e.items[i].basis);
        print_part_cost(m.initramfs, "stack", "  of which the storage stack", "kdump-stack, libdevmapper, dm/md modules",
                        out);
        print_part_cost(m.initramfs, "net", "  of which the network", "kdump-net, libmnl, the NIC driver, the NFS client",
                        out);
        fprintf(out, "  %-28s %10s\n", "Sum", format_bytes(b, sizeof(b), e.sum));
        fprintf(out, "  %-28s %10s  +%u%% headroom, struct pages for the reservation\n", "Needed",
                format_bytes(b, sizeof(b), e.total), CK_HEADROOM_PERCENT);
        fprintf(out, "Recommended:      crashkernel=%s\n", crashkernel_format_size(b, sizeof(b), e.recommended));

        have = current_reservation(&m.res);
        fprintf(out, "Current:          %s\n", have ? format_bytes(b, sizeof(b), have) : "none");
        if (have == 0)
                fprintf(out, "No memory is reserved: run kdumpctl reset-crashkernel and reboot.\n");
        else if (have < e.total)
                fprintf(out, "The reservation is %s too small: the capture kernel may run out of memory. "
                        "Run kdumpctl reset-crashkernel and reboot.\n", format_bytes(b2, sizeof(b2), e.total - have));
        else
                fprintf(out, "The reservation is large enough (%s to spare).\n", format_bytes(b2, sizeof(b2), have - e.total));
        return 0;
}

int crashkernel_needed(const struct crashkernel_paths *p, struct crash_reservation *ret_res, uint64_t *ret_needed,
                       uint64_t *ret_recommended) {
        _cleanup_(machine_done) struct machine m = {};
        struct crashkernel_estimate e;
        int r;

        r = machine_estimate(p, &m, &e);
        if (r < 0)
                return r;
        *ret_res = m.res;
        *ret_needed = e.total;
        *ret_recommended = e.recommended;
        return 0;
}

static int recommendation(const struct crashkernel_paths *p, char *buf, size_t len) {
        _cleanup_(machine_done) struct machine m = {};
        int r;

        r = machine_read(p, true, &m);
        if (r < 0)
                return r;
        r = crashkernel_recommend_ranges(&m.in, buf, len);
        if (r < 0)
                return log_error_errno(r, "Failed to compute the recommendation: %m");
        return 0;
}

int verb_get_default_crashkernel(const struct crashkernel_paths *p, FILE *out) {
        char buf[512];
        int r;

        r = recommendation(p, buf, sizeof(buf));
        if (r < 0)
                return r;
        fprintf(out, "%s\n", buf);
        return 0;
}

/* Drop-ins that set crashkernel= after /etc/default/grub (Debian's
 * kdump-tools writes one) would win over our value. */
static void warn_grub_dropins(const char *grub_defaults, FILE *out) {
        _cleanup_free_ char *copy = strdup(grub_defaults), *pattern = NULL;
        glob_t g = {};

        if (!copy || asprintf(&pattern, "%s/grub.d/*.cfg", dirname(copy)) < 0)
                return;
        if (glob(pattern, 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc; i++) {
                        _cleanup_free_ char *t = NULL;
                        if (read_full_file(g.gl_pathv[i], &t, NULL) >= 0 && strstr(t, "crashkernel="))
                                fprintf(out, "Warning: %s also sets crashkernel= and is read after %s; "
                                        "remove it there or it wins.\n", g.gl_pathv[i], grub_defaults);
                }
        globfree(&g);
}

static int run_update_grub(FILE *out) {
        static const char *const cands[] = { "/usr/sbin/update-grub", "/sbin/update-grub" };
        int status;
        pid_t pid;

        for (size_t i = 0; i < ELEMENTSOF(cands); i++) {
                if (access(cands[i], X_OK) < 0)
                        continue;
                fflush(out);
                pid = fork();
                if (pid < 0)
                        return negative_errno();
                if (pid == 0) {
                        execl(cands[i], cands[i], (char *) NULL);
                        _exit(127);
                }
                if (waitpid(pid, &status, 0) < 0)
                        return negative_errno();
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                        return log_error_errno(EIO, "%s failed; run it again after fixing what it reported.", cands[i]);
                fprintf(out, "Ran %s.\n", cands[i]);
                return 1;
        }
        fprintf(out, "Run update-grub (or grub-mkconfig -o /boot/grub/grub.cfg) to write it into grub.cfg.\n");
        return 0;
}

int verb_reset_crashkernel(const struct crashkernel_paths *p, FILE *out) {
        const char *files[_BOOTLOADER_KIND_MAX] = {
                [BOOTLOADER_GRUB_DEFAULTS] = p->grub_defaults,
                [BOOTLOADER_KERNEL_CMDLINE] = p->kernel_cmdline,
        };
        char value[512];
        unsigned done = 0;
        int r;

        r = recommendation(p, value, sizeof(value));
        if (r < 0)
                return r;

        for (enum bootloader_kind k = 0; k < _BOOTLOADER_KIND_MAX; k++) {
                _cleanup_free_ char *old = NULL, *err = NULL;
                bool changed = false;

                if (access(files[k], F_OK) < 0)
                        continue;
                r = bootloader_file_set_crashkernel(k, files[k], value, &changed, &old, &err);
                if (r < 0)
                        return log_error_errno(r, "Failed to set crashkernel= in %s: %s", files[k],
                                               err ? err : strerror(-r));
                done++;
                if (!changed)
                        fprintf(out, "%s already has crashkernel=%s.\n", files[k], value);
                else if (old)
                        fprintf(out, "%s: crashkernel=%s (was crashkernel=%s).\n", files[k], value, old);
                else
                        fprintf(out, "%s: added crashkernel=%s.\n", files[k], value);

                if (k == BOOTLOADER_GRUB_DEFAULTS) {
                        warn_grub_dropins(files[k], out);
                        if (changed && p->run_update_grub) {
                                r = run_update_grub(out);
                                if (r < 0)
                                        return r;
                        }
                } else if (changed)
                        fprintf(out, "Boot entries installed from now on get it; for the installed ones run "
                                "kernel-install add <release> /boot/vmlinuz-<release>.\n");
        }
        if (done == 0)
                return log_error_errno(ENOENT,
                                       "Neither %s (GRUB) nor %s (kernel-install, systemd-boot) exists, so the boot "
                                       "loader configuration is unknown. Add crashkernel=%s to the kernel command line "
                                       "by hand.", p->grub_defaults, p->kernel_cmdline, value);
        fprintf(out, "The new reservation takes effect at the next boot.\n");
        return 0;
}

bool crashkernel_verb_known(const char *verb) {
        return strcmp(verb, "showmem") == 0 || strcmp(verb, "estimate") == 0 ||
               strcmp(verb, "get-default-crashkernel") == 0 || strcmp(verb, "reset-crashkernel") == 0;
}

int crashkernel_verb_run(const char *verb, const char *config, const char *state_dir, const char *kernel) {
        struct crashkernel_paths p;

        crashkernel_paths_init(&p, config, state_dir, kernel);
        if (strcmp(verb, "showmem") == 0)
                return verb_showmem(&p, stdout);
        if (strcmp(verb, "estimate") == 0)
                return verb_estimate(&p, stdout);
        if (strcmp(verb, "get-default-crashkernel") == 0)
                return verb_get_default_crashkernel(&p, stdout);
        if (strcmp(verb, "reset-crashkernel") == 0)
                return verb_reset_crashkernel(&p, stdout);
        return -EINVAL;
}
