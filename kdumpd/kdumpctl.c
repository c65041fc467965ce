/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdumpctl: load, unload and inspect the capture kernel.
 *
 *   kdumpctl start    build (or reuse) the capture initramfs, load it
 *   kdumpctl stop     unload the capture kernel
 *   kdumpctl status   what is loaded, where, and where dumps go
 *   kdumpctl rebuild  rebuild the capture initramfs only
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/bzimage.h"
#include "capture-kernel/cmdline.h"
#include "capture-kernel/kexec-file.h"
#include "config/kdump-conf.h"
#include "crashkernel-reserve/reservation.h"
#include "kdumpd/capture-image.h"
#include "kdumpd/dump-target.h"

/* What a capture kernel needs besides its segments, measured on Debian's
 * 6.1 kernel with nr_cpus=1 in a QEMU guest: the kernel's own data, page
 * tables and slab once it runs, plus the unpacked initramfs.  Used for
 * advice only; the kernel decides whether the segments fit. */
#define CAPTURE_RUNTIME_MIN (96ull << 20)

static const char *arg_config = KDUMP_CONF_PATH;
static const char *arg_state_dir = KDUMP_STATEDIR;
static bool arg_force_rebuild = false;
static const char *arg_kernel_release = NULL;

static const char *state_file(void) {
        static char p[4096];
        snprintf(p, sizeof(p), "%s/loaded", arg_state_dir);
        return p;
}

static char *state_get(const char *text, const char *key) {
        size_t n = strlen(key);

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, key, n) == 0 && l[n] == '=')
                        return strndup(l + n + 1, strcspn(l + n + 1, "\n"));
        return NULL;
}

static int boot_cpu_apicid(void) {
        _cleanup_free_ char *cpuinfo = NULL;
        const char *p;

        if (read_full_file("/proc/cpuinfo", &cpuinfo, NULL) < 0)
                return -1;
        /* The first processor block is CPU 0, the boot CPU. */
        p = strstr(cpuinfo, "\napicid");
        if (!p)
                return -1;
        p = strchr(p, ':');
        return p ? atoi(p + 1) : -1;
}

static void say_unprotected(void) {
        log_error("The machine is NOT protected: no capture kernel is loaded now. A crash will not be saved.");
}

/* Everything "start" needs before it touches the loaded image. */
struct prepared {
        kdump_config *config;
        dump_target *target;
        struct utsname uts;
        char *kernel;
        struct bzimage_info bz;
        struct capture_image image;
};

static void prepared_done(struct prepared *p) {
        kdump_config_free(p->config);
        dump_target_free(p->target);
        free(p->kernel);
        capture_image_done(&p->image);
}

/* Reads the configuration, checks the kernel and the target, and builds or
 * reuses the capture initramfs.  Loads nothing. */
static int prepare(struct prepared *p, bool force_rebuild) {
        _cleanup_free_ char *err = NULL, *modules = NULL, *init = NULL, *collect = NULL;
        char b[32];
        int r;

        r = kdump_config_load(arg_config, &p->config, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err ? err : "Failed to read the configuration");

        if (uname(&p->uts) < 0)
                return log_error_errno(errno, "uname: %m");
        if (arg_kernel_release) {
                if (strlen(arg_kernel_release) >= sizeof(p->uts.release) || strchr(arg_kernel_release, '/'))
                        return log_error_errno(EINVAL, "Invalid kernel release '%s'.", arg_kernel_release);
                strcpy(p->uts.release, arg_kernel_release);
        }
        if (asprintf(&p->kernel, "/boot/vmlinuz-%s", p->uts.release) < 0 ||
            asprintf(&modules, "/lib/modules/%s", p->uts.release) < 0)
                return log_oom();
        r = bzimage_parse_file(p->kernel, &p->bz);
        if (r < 0)
                return log_error_errno(r, "Cannot use %s as the capture kernel: %m. Install the image of the running "
                                       "kernel %s.", p->kernel, p->uts.release);

        r = dump_target_resolve(p->config, &p->target, &err);
        if (r < 0)
                return log_error_errno(r, "%s: %s", arg_config, err ? err : strerror(-r));

        /* For running from a build tree; the installed paths otherwise. */
        init = strdup(getenv("KDUMPD_INIT") ?: KDUMP_LIBEXECDIR "/kdump-init");
        collect = strdup(getenv("KDUMPD_COLLECT") ?: KDUMP_SBINDIR "/kdump-collect");
        if (!init || !collect)
                return log_oom();

        r = capture_image_ensure(&(struct capture_image_opts) {
                        .sz = sizeof(struct capture_image_opts),
                        .kernel_release = p->uts.release,
                        .kernel_image = p->kernel,
                        .modules_dir = modules,
                        .state_dir = arg_state_dir,
                        .init_program = init,
                        .collect_program = collect,
                        .force_rebuild = force_rebuild,
                }, p->config, p->target, &p->image, &err);
        if (r < 0)
                return log_error_errno(r, "Failed to build the capture initramfs: %s", err ? err : strerror(-r));
        log_info("Capture initramfs %s: %s (%s, %llu bytes).", p->image.rebuilt ? "built" : "up to date", p->image.path,
                 format_bytes(b, sizeof(b), p->image.size), (unsigned long long) p->image.size);
        if (p->image.summary)
                log_info("  %s", p->image.summary);
        return 0;
}

static int verb_rebuild(void) {
        _cleanup_(prepared_done) struct prepared p = {};

        if (geteuid() != 0)
                return log_error_errno(EPERM, "kdumpctl rebuild must be run as root.");
        return prepare(&p, true);
}

static int verb_start(void) {
        _cleanup_(prepared_done) struct prepared p = {};
        _cleanup_free_ char *running = NULL, *cmdline = NULL, *state = NULL;
        struct crash_reservation res;
        uint64_t largest, start, need;
        char b1[32], b2[32], b3[32];
        int r;

        if (geteuid() != 0)
                return log_error_errno(EPERM, "kdumpctl start must be run as root (it loads a kernel with kexec_file_load).");

        r = crash_reservation_read(NULL, &res);
        if (r == -EPERM)
                return log_error_errno(r, "/proc/iomem hides addresses: run kdumpctl as root.");
        if (r < 0)
                return log_error_errno(r, "Failed to read the crash reservation from /proc/iomem: %m");
        if (res.n_ranges == 0)
                return log_error_errno(ENOMEM,
                                       "No memory is reserved for a capture kernel (/proc/iomem has no \"Crash kernel\" range). "
                                       "Add crashkernel=%s to the kernel command line (GRUB_CMDLINE_LINUX in "
                                       "/etc/default/grub, then update-grub) and reboot.",
                                       crashkernel_recommend(res.system_ram));

        if (arg_kernel_release)
                return log_error_errno(EINVAL, "--kernel-release is for rebuild; start loads the running kernel's image.");
        r = prepare(&p, arg_force_rebuild);
        if (r < 0)
                return r;

        /* The kernel segment takes init_size (kexec-bzimage64.c), the
         * initramfs its size, plus a few pages of boot_params, purgatory and
         * ELF core header. */
        largest = crash_reservation_largest(&res, &start);
        need = ALIGN_UP(p.bz.init_size, 1ull << 20) + ALIGN_UP(p.image.size, 4096) + (1ull << 20);
        if (largest < need)
                return log_error_errno(ENOSPC,
                                       "The crash reservation (%s at 0x%llx) is too small for the capture kernel and "
                                       "initramfs, which need %s to load and about %s to run. Reserve more with "
                                       "crashkernel=%lluM and reboot.",
                                       format_bytes(b1, sizeof(b1), largest), (unsigned long long) start,
                                       format_bytes(b2, sizeof(b2), need),
                                       format_bytes(b3, sizeof(b3), need + CAPTURE_RUNTIME_MIN),
                                       (unsigned long long) DIV_ROUND_UP(need + CAPTURE_RUNTIME_MIN, 1ull << 20));
        if (largest < need + CAPTURE_RUNTIME_MIN)
                log_warning("The crash reservation (%s) leaves less than %s for the capture kernel to run in; it may "
                            "fail to boot. Consider crashkernel=%lluM.",
                            format_bytes(b1, sizeof(b1), largest), format_bytes(b2, sizeof(b2), CAPTURE_RUNTIME_MIN),
                            (unsigned long long) DIV_ROUND_UP(need + CAPTURE_RUNTIME_MIN, 1ull << 20));

        r = read_one_line_file("/proc/cmdline", &running);
        if (r < 0)
                return log_error_errno(r, "Failed to read /proc/cmdline: %m");
        r = capture_cmdline_build(running, &(struct capture_cmdline_opts) {
                        .sz = sizeof(struct capture_cmdline_opts),
                        .disable_cpu_apicid = boot_cpu_apicid(),
                }, &cmdline);
        if (r < 0)
                return log_error_errno(r, "The capture kernel's command line would exceed %u bytes; shorten the "
                                       "running kernel's command line.", CAPTURE_CMDLINE_MAX);

        r = kexec_file_load_crash(p.kernel, p.image.path, cmdline);
        if (r < 0) {
                log_error_errno(r, "Failed to load %s with %s: %m: %s.", p.kernel, p.image.path, kexec_file_explain(r));
                say_unprotected();
                return r;
        }

        /* Trust, but verify: the load replaced whatever was there. */
        r = crash_reservation_read(NULL, &res);
        if (r < 0 || res.loaded != 1) {
                log_error("kexec_file_load succeeded but /sys/kernel/kexec_crash_loaded does not read 1.");
                say_unprotected();
                return -EIO;
        }

        if (asprintf(&state, "kernel=%s\nrelease=%s\ninitramfs=%s\ninitramfs_size=%llu\ncmdline=%s\ntarget=%s %s:%s\nloaded_at=%lld\n",
                     p.kernel, p.uts.release, p.image.path, (unsigned long long) p.image.size, cmdline, p.target->fstype,
                     p.target->spec, p.target->path, (long long) time(NULL)) < 0)
                return log_oom();
        r = write_file_atomic(state_file(), state, strlen(state), 0600);
        if (r < 0)
                log_warning_errno(r, "Failed to record the loaded state in %s: %m", state_file());

        log_info("Capture kernel %s loaded into the crash reservation (%s at 0x%llx); initramfs %s (%s).",
                 p.uts.release, format_bytes(b1, sizeof(b1), largest), (unsigned long long) start, p.image.path,
                 format_bytes(b2, sizeof(b2), p.image.size));
        log_info("Command line: %s", cmdline);
        log_info("Dumps go to %s %s, directory %s.", p.target->fstype, p.target->spec, p.target->path);
        return 0;
}

static int verb_stop(void) {
        int r;

        if (geteuid() != 0)
                return log_error_errno(EPERM, "kdumpctl stop must be run as root.");
        r = kexec_file_unload_crash();
        if (r < 0)
                return log_error_errno(r, "Failed to unload the capture kernel: %m: %s.", kexec_file_explain(r));
        (void) unlink(state_file());
        log_info("Capture kernel unloaded. The machine is not protected until \"kdumpctl start\".");
        return 0;
}

static int verb_status(void) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL, *state = NULL;
        struct crash_reservation res;
        char b[32];
        int r;

        r = crash_reservation_read(NULL, &res);
        if (r == -EPERM)
                return log_error_errno(r, "/proc/iomem hides addresses: run kdumpctl status as root.");
        if (r < 0)
                return log_error_errno(r, "Failed to read the crash reservation: %m");

        printf("Capture kernel: %s\n", res.loaded == 1 ? "loaded" : res.loaded == 0 ? "not loaded" : "unknown");
        if (res.n_ranges == 0)
                printf("Reservation:    none (add crashkernel=%s to the kernel command line and reboot)\n",
                       crashkernel_recommend(res.system_ram));
        for (size_t i = 0; i < res.n_ranges; i++)
                printf("Reservation:    %s at 0x%llx-0x%llx\n", format_bytes(b, sizeof(b), res.ranges[i].size),
                       (unsigned long long) res.ranges[i].start,
                       (unsigned long long) (res.ranges[i].start + res.ranges[i].size - 1));
        if (res.sysfs_size >= 0)
                printf("kexec_crash_size: %lld bytes\n", (long long) res.sysfs_size);

        if (res.loaded == 1 && read_full_file(state_file(), &state, NULL) >= 0) {
                _cleanup_free_ char *kernel = state_get(state, "kernel"), *initrd = state_get(state, "initramfs"),
                                    *cmdline = state_get(state, "cmdline"), *target = state_get(state, "target");
                struct stat st;

                if (kernel && stat(kernel, &st) == 0)
                        printf("Kernel:         %s (%s)\n", kernel, format_bytes(b, sizeof(b), (uint64_t) st.st_size));
                if (initrd && stat(initrd, &st) == 0)
                        printf("Initramfs:      %s (%s, %llu bytes)\n", initrd, format_bytes(b, sizeof(b), (uint64_t) st.st_size),
                               (unsigned long long) st.st_size);
                if (cmdline)
                        printf("Command line:   %s\n", cmdline);
                if (target)
                        printf("Dump target:    %s\n", target);
        } else if (res.loaded == 1)
                printf("Loaded by:      something other than kdumpctl (no %s)\n", state_file());

        r = kdump_config_load(arg_config, &c, &err);
        if (r < 0)
                printf("Configuration:  %s\n", err ? err : strerror(-r));
        else
                printf("Configuration:  %s: %s%s%s path %s, collector \"%s\"\n", arg_config,
                       c->fstype ? c->fstype : "(filesystem of path)", c->device ? " " : "", c->device ? c->device : "",
                       c->path, c->core_collector);

        /* Exit status as systemctl is-active: 0 only when protected. */
        return res.loaded == 1 ? 0 : 3;
}

static void help(void) {
        printf("Usage: kdumpctl [OPTIONS] COMMAND\n\n"
               "Load and inspect the kdump capture kernel.\n\n"
               "Commands:\n"
               "  start     Build (or reuse) the capture initramfs and load the capture kernel\n"
               "  stop      Unload the capture kernel\n"
               "  rebuild   Rebuild the capture initramfs without loading it\n"
               "  status    Show whether a capture kernel is loaded, the reservation and the dump target\n"
               "            (exit status 0 when loaded, 3 when not)\n\n"
               "Options:\n"
               "  -c, --config=FILE    Configuration file (default %s)\n"
               "      --state-dir=DIR  Where the capture initramfs is cached (default %s)\n"
               "      --force-rebuild  Rebuild the capture initramfs even if it is up to date\n"
               "      --kernel-release=REL  With rebuild: build for another installed kernel\n"
               "  -v, --verbose        More messages\n"
               "  -h, --help           This text\n"
               "      --version        Version\n",
               KDUMP_CONF_PATH, KDUMP_STATEDIR);
}

int main(int argc, char *argv[]) {
        enum { ARG_STATE_DIR = 0x100, ARG_FORCE_REBUILD, ARG_KERNEL_RELEASE, ARG_VERSION };
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "force-rebuild", no_argument, NULL, ARG_FORCE_REBUILD },
                { "kernel-release", required_argument, NULL, ARG_KERNEL_RELEASE },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        const char *verb;
        int c, r;

        log_set_prefix("kdumpctl");
        while ((c = getopt_long(argc, argv, "c:vh", options, NULL)) >= 0)
                switch (c) {
                case 'c': arg_config = optarg; break;
                case ARG_STATE_DIR: arg_state_dir = optarg; break;
                case ARG_FORCE_REBUILD: arg_force_rebuild = true; break;
                case ARG_KERNEL_RELEASE: arg_kernel_release = optarg; break;
                case 'v': log_set_max_level(LOG_LEVEL_DEBUG); break;
                case 'h': help(); return 0;
                case ARG_VERSION: printf("kdumpctl %s\n", PACKAGE_VERSION); return 0;
                default: return 2;
                }

        if (optind >= argc) {
                help();
                return 2;
        }
        verb = argv[optind];
        if (strcmp(verb, "start") == 0)
                r = verb_start();
        else if (strcmp(verb, "rebuild") == 0)
                r = verb_rebuild();
        else if (strcmp(verb, "stop") == 0)
                r = verb_stop();
        else if (strcmp(verb, "status") == 0)
                return verb_status();
        else {
                log_error("Unknown command '%s'; try start, stop, status or rebuild.", verb);
                return 2;
        }
        return r < 0 ? 1 : 0;
}
