/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading and unloading the capture kernel: the sequence "kdumpctl start"
 * and the kdumpd service share.  It reads the configuration, resolves the
 * dump target, builds or reuses the capture initramfs, checks the
 * reservation, derives the command line, loads, and verifies.  Nothing is
 * unloaded before everything that can fail without the kernel has passed.
 * This is program-level code: it logs, once, with context.
 */
#include <errno.h>
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
#include "basic/strv.h"
#include "basic/parse-util.h"
#include "capture-kernel/kernel-facts.h"
#include "capture-kernel/cmdline.h"
#include "capture-kernel/kernel-image.h"
#include "capture-kernel/kexec-classic.h"
#include "capture-kernel/kexec-file.h"
#include "capture-kernel/kexec-loader.h"
#include "capture-kernel/loader-probe.h"
#include "config/kdump-conf.h"
#include "crashkernel-reserve/crashkernel-policy.h"
#include "crashkernel-reserve/reservation.h"
#include "initramfs/stack/crash-keys.h"
#include "initramfs/init/capture-layout.h"
#include "initramfs/init/watchdog-record.h"
#include "kdumpd/capture-image.h"
#include "kdumpd/catalog.h"
#include "kdumpd/capture-addresses.h"
#include "kdumpd/capture-load.h"
#include "kdumpd/watchdogs.h"
#include "kdumpd/dump-size.h"
#include "kdumpd/initrd-secrets.h"
#include "kdumpd/nfs-check.h"
#include "kdumpd/ssh-target.h"
#include "kdumpd/raw-save.h"
#include "kdumpd/dump-target.h"

/* Mounting the export and writing a file there: a server that answers does so
 * within seconds; one that does not must not hold kdumpctl start long. */
#define NFS_CHECK_TIMEOUT_S 60u
/* What a capture kernel needs in the reservation besides its segments,
 * measured (tests/vm/run-e2e --crashkernel SIZE, Debian 6.1, README "The
 * smallest reservation"): 76M captured with 8.6 MiB beyond the segments,
 * 74M (6.6 MiB) died of OOM while the initramfs unpacked.  Used for advice
 * only; the kernel decides whether the segments fit. */
#define CAPTURE_RUNTIME_MIN (8ull << 20)

static const char *config_path(const struct capture_settings *s) {
        return s && s->config_path ? s->config_path : KDUMP_CONF_PATH;
}

static const char *state_dir(const struct capture_settings *s) {
        return s && s->state_dir ? s->state_dir : KDUMP_STATEDIR;
}

int capture_state_path(const struct capture_settings *s, char **ret) {
        return asprintf(ret, "%s/loaded", state_dir(s)) < 0 ? -ENOMEM : 0;
}

char *capture_state_get(const char *text, const char *key) {
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
        dump_target *rootfs;          /* failure_action dump_to_rootfs */
        struct utsname uts;
        char *kernel;
        struct kernel_facts facts;    /* its load size, and the fd for kexec_file_load on arm64 */
        struct capture_image image;
};

static void prepared_done(struct prepared *p) {
        kdump_config_free(p->config);
        dump_target_free(p->target);
        dump_target_free(p->rootfs);
        free(p->kernel);
        kernel_facts_done(&p->facts);
        capture_image_done(&p->image);
}

/* The target's free space against what a dump of this machine would take
 * now (dump-size.h): a warning, not a refusal, since compression and zero
 * pages make the file smaller than the bound. */
static void report_space(const char *where, uint64_t free_bytes, const kdump_config *c) {
        _cleanup_free_ char *meminfo = NULL;
        uint64_t need;
        char b1[32], b2[32];

        if (free_bytes == 0 || read_full_file("/proc/meminfo", &meminfo, NULL) < 0 ||
            dump_size_estimate(meminfo, c, &need) < 0)
                return;
        if (free_bytes < need)
                log_warning("%s has %s free; a dump of this machine now (core_collector '%s') would be up to %s before "
                            "compression: it may not fit.", where, format_bytes(b1, sizeof(b1), free_bytes),
                            c->core_collector, format_bytes(b2, sizeof(b2), need));
        else
                log_info("%s has %s free; a dump of this machine now would be up to %s before compression.", where,
                         format_bytes(b1, sizeof(b1), free_bytes), format_bytes(b2, sizeof(b2), need));
}

/* A network target is tried now, the way the capture kernel will use it. */
static int check_nfs(const struct capture_settings *s, const kdump_config *c, const dump_target *t) {
        _cleanup_free_ char *err = NULL, *way = NULL;
        struct nfs_check_result res;
        char b[32];
        int r;

        r = net_record_summary(t->net, &way);
        if (r < 0)
                return log_oom();
        log_info("The dump target is the NFS export %s:%s on %s (%s), reached through %s.", t->server_name, t->export,
                 t->spec, t->net->server, way);
        r = nfs_target_check(t, NFS_CHECK_TIMEOUT_S, &res, &err);
        if (r < 0)
                return log_error_errno(r, "%s: the NFS dump target does not work: %s", config_path(s),
                                       err ? err : strerror(-r));
        log_info("NFS check: %s:%s mounts with NFSv%s; %s%s is writable, %s free.", t->server_name, t->export, res.vers,
                 t->path, res.created_path ? " (created)" : "", format_bytes(b, sizeof(b), res.free_bytes));
        report_space("The NFS export", res.free_bytes, c);
        return 0;
}

/* An SSH target is tried now with the capture kernel's command line. */
static int check_ssh(const struct capture_settings *s, const kdump_config *c, const dump_target *t) {
        _cleanup_free_ char *err = NULL, *way = NULL, *kh = NULL;
        struct ssh_check_result res;
        char b[32];
        int r;

        r = net_record_summary(t->net, &way);
        if (r < 0)
                return log_oom();
        log_info("The dump target is %s:%s on the SSH server %s (%s), reached through %s.", t->spec, t->path,
                 t->server_name, t->net->server, way);
        r = ssh_target_known_hosts_file(t, state_dir(s), &kh);
        if (r < 0)
                return log_error_errno(r, "Failed to write the server's host keys to %s/ssh_known_hosts: %m",
                                       state_dir(s));
        r = ssh_target_check(t, kh, &res, &err);
        if (r < 0)
                return log_error_errno(r, "%s: the SSH dump target does not work: %s", config_path(s),
                                       err ? err : strerror(-r));
        log_info("SSH check: %s@%s accepts the key %s (host key known, %u key%s); %s%s is writable, %s free.", t->user,
                 t->server_name, t->sshkey, t->n_host_keys, t->n_host_keys == 1 ? "" : "s", t->path,
                 res.created_path ? " (created)" : "", res.free_bytes ? format_bytes(b, sizeof(b), res.free_bytes) : "?");
        report_space("The SSH server's path", res.free_bytes, c);
        return 0;
}

/* Reads the configuration once.  First of all, since it costs nothing: a
 * bad line is reported before anything about the machine. */
static int prepare_config(const struct capture_settings *s, struct prepared *p) {
        _cleanup_free_ char *err = NULL;
        int r;

        if (p->config)
                return 0;
        r = kdump_config_load(config_path(s), &p->config, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err ? err : "Failed to read the configuration");
        return 0;
}

/* An IPv4 address from DHCP on the way to a network target: busybox's
 * udhcpc renews it in the capture kernel.  The program to add, or NULL
 * (none needed, or none installed: then said, the recorded address is
 * used as it is). */
static const char *dhcp_client(const dump_target *t) {
        static const char *const places[] = { "/usr/bin/busybox", "/bin/busybox", "/usr/sbin/udhcpc" };
        const char *env = getenv("KDUMPD_DHCP_CLIENT");

        if (!t->net || t->net->origin != NET_ORIGIN_DHCP || t->net->family != AF_INET)
                return NULL;
        if (env)
                return *env ? env : NULL;
        for (size_t i = 0; i < ELEMENTSOF(places); i++)
                if (access(places[i], X_OK) == 0)
                        return places[i];
        log_warning("The address %s on %s came from DHCP, and there is no DHCP client for the capture kernel "
                    "(busybox's udhcpc): it will set %s again even if its lease has run out. Install busybox "
                    "(apt install busybox).", t->net->address, t->net->vlan_name ?: t->net->name ?: "?",
                    t->net->address);
        return NULL;
}

/* The hardware watchdogs running here (softdog, a timer of the kernel that
 * panicked, does not run on into the capture kernel): *ret_names and the
 * record for the capture /init, both NULL when none runs. */
static int running_hardware_watchdogs(const kdump_config *c, const char *modules_dir, char ***ret_names,
                                      char ***ret_modules, char **ret_record) {
        _cleanup_(strv_freep) char **names = NULL, **modules = NULL;
        _cleanup_free_ char *dep_path = NULL, *dep = NULL, *loaded = NULL;
        struct running_watchdog *v = NULL;
        const char *identity = NULL;
        unsigned stall = c->capture_stall_timeout ?: WATCHDOG_STALL_DEFAULT_S;
        size_t n = 0, n_names = 0;
        int r;

        r = running_watchdogs(NULL, &v, &n);
        if (r < 0)
                return log_error_errno(r, "Cannot read the watchdogs in /sys/class/watchdog: %m");
        for (size_t i = 0; i < n && r >= 0; i++) {
                if (v[i].identity && strcmp(v[i].identity, "Software Watchdog") == 0)
                        continue;
                r = strv_push_unique(&names, &n_names, v[i].name);
                if (r >= 0 && !identity) {
                        identity = v[i].identity ?: v[i].name;
                        log_info("The hardware watchdog %s (%s, timeout %u s) is running: the capture kernel gets its "
                                 "driver and feeds it while the capture makes progress; after %u s without "
                                 "(capture_stall_timeout), it resets the machine.", v[i].name, identity,
                                 v[i].timeout_s, stall);
                }
        }
        if (r >= 0 && identity)
                r = watchdog_record_render(stall, identity, ret_record);
        running_watchdogs_free(v, n);
        if (r < 0)
                return log_oom();
        if (identity) {
                /* the class often names no device (i6300esb): the loaded
                 * watchdog drivers, by their place in modules.dep */
                if (asprintf(&dep_path, "%s/modules.dep", modules_dir) < 0)
                        return log_oom();
                if (read_full_file(dep_path, &dep, NULL) >= 0 && read_full_file("/proc/modules", &loaded, NULL) >= 0 &&
                    watchdog_loaded_drivers(dep, loaded, &modules) < 0)
                        return log_oom();
        }
        *ret_names = TAKE_PTR(names);
        *ret_modules = TAKE_PTR(modules);
        return 0;
}

/* Reads the configuration, checks the kernel and the target, and builds or
 * reuses the capture initramfs.  Loads nothing. */
static int prepare(const struct capture_settings *s, struct prepared *p) {
        _cleanup_free_ char *err = NULL, *modules = NULL, *init = NULL, *collect = NULL, *stack = NULL, *net = NULL,
                *watchdog_record = NULL;
        _cleanup_(strv_freep) char **watchdogs = NULL, **watchdog_modules = NULL;
        char b[32];
        int r;

        r = prepare_config(s, p);
        if (r < 0)
                return r;

        if (uname(&p->uts) < 0)
                return log_error_errno(errno, "uname: %m");
        if (s->kernel_release) {
                if (strlen(s->kernel_release) >= sizeof(p->uts.release) || strchr(s->kernel_release, '/'))
                        return log_error_errno(EINVAL, "Invalid kernel release '%s'.", s->kernel_release);
                strcpy(p->uts.release, s->kernel_release);
        }
        r = kernel_image_find(NULL, p->uts.release, &p->kernel);
        if (r == -ENOENT)
                return log_error_errno(r, "No image of the kernel %s: looked for %s. Install the kernel's package "
                                       "(linux-image-%s).", p->uts.release, KERNEL_IMAGE_PLACES, p->uts.release);
        if (r < 0)
                return log_error_errno(r, "Cannot look for the image of the kernel %s: %m", p->uts.release);
        log_debug("The image of the kernel %s is %s.", p->uts.release, p->kernel);
        if (asprintf(&modules, "/lib/modules/%s", p->uts.release) < 0)
                return log_oom();
        kernel_facts_done(&p->facts);
        r = kernel_facts_read(KERNEL_ARCH_NATIVE, p->kernel, &p->facts, &err);
        if (r < 0)
                return log_error_errno(r, "Cannot use %s as the capture kernel: %s. Install the image of the running "
                                       "kernel %s.", p->kernel, err ?: strerror(-r), p->uts.release);
        log_debug("%s is a %s needing %llu bytes where it is loaded.", p->kernel, p->facts.format,
                  (unsigned long long) p->facts.load_size);

        r = dump_target_resolve(p->config, &p->target, &err);
        if (r < 0)
                return log_error_errno(r, "%s: %s", config_path(s), err ? err : strerror(-r));
        if (p->target->net) {
                r = kdump_config_is_ssh(p->config) ? check_ssh(s, p->config, p->target) :
                                                     check_nfs(s, p->config, p->target);
                if (r < 0)
                        return r;
        }
        if (p->config->failure_action == KDUMP_ACTION_DUMP_TO_ROOTFS) {
                free(err);
                err = NULL;
                r = dump_target_resolve_rootfs(p->config, &p->rootfs, &err);
                if (r < 0)
                        return log_error_errno(r, "%s: failure_action dump_to_rootfs: %s", config_path(s),
                                               err ? err : strerror(-r));
        }

        /* For running from a build tree; the installed paths otherwise. */
        init = strdup(getenv("KDUMPD_INIT") ?: KDUMP_LIBEXECDIR "/kdump-init");
        collect = strdup(getenv("KDUMPD_COLLECT") ?: KDUMP_SBINDIR "/kdump-collect");
        stack = strdup(getenv("KDUMPD_STACK") ?: KDUMP_LIBEXECDIR "/kdump-stack");
        net = strdup(getenv("KDUMPD_NET") ?: KDUMP_LIBEXECDIR "/kdump-net");
        if (!init || !collect || !stack || !net)
                return log_oom();
        if (p->target->stack_summary)
                log_info("The dump target is on a storage stack the capture kernel recreates: %s.",
                         p->target->stack_summary);

        r = running_hardware_watchdogs(p->config, modules, &watchdogs, &watchdog_modules, &watchdog_record);
        if (r < 0)
                return r;

        r = capture_image_ensure(&(struct capture_image_opts) {
                        .sz = sizeof(struct capture_image_opts),
                        .kernel_release = p->uts.release,
                        .kernel_image = p->kernel,
                        .modules_dir = modules,
                        .state_dir = state_dir(s),
                        .init_program = init,
                        .collect_program = collect,
                        .stack_program = stack,
                        .net_program = net,
                        .dhcp_program = dhcp_client(p->target),
                        .watchdog_record = watchdog_record,
                        .watchdogs = watchdogs,
                        .watchdog_modules = watchdog_modules,
                        .force_rebuild = s->force_rebuild,
                        .rootfs = p->rootfs,
                }, p->config, p->target, &p->image, &err);
        if (r < 0)
                return log_error_errno(r, "Failed to build the capture initramfs: %s", err ? err : strerror(-r));
        log_info("Capture initramfs %s: %s (%s, %llu bytes).", p->image.rebuilt ? "built" : "up to date", p->image.path,
                 format_bytes(b, sizeof(b), p->image.size), (unsigned long long) p->image.size);
        if (p->image.summary)
                log_info("  %s", p->image.summary);
        return 0;
}

/* LUKS volumes under the target: their keys go to the capture kernel
 * through configfs and kexec_file_load only (crash-keys.h). */
static int hand_over_keys(const struct prepared *p, enum kexec_loader *loader) {
        const dump_target *targets[] = { p->target, p->rootfs };
        char **descs = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t t = 0; r >= 0 && t < ELEMENTSOF(targets); t++) {
                char **some = NULL;

                if (!targets[t] || !targets[t]->stack)
                        continue;
                r = crash_keys_of_stack(targets[t]->stack, &some);
                for (size_t i = 0; r >= 0 && some && some[i]; i++)
                        r = strv_push_unique(&descs, &n, some[i]);
                strv_free(some);
        }
        if (r < 0 || n == 0) {
                strv_free(descs);
                return r < 0 ? log_oom() : 0;
        }
        if (*loader == KEXEC_LOADER_CLASSIC) {
                strv_free(descs);
                return log_error_errno(EOPNOTSUPP, "The dump target is on a LUKS volume, whose key reaches the capture "
                                       "kernel only through kexec_file_load; use loader file or auto, not classic.");
        }
        *loader = KEXEC_LOADER_FILE;    /* no fallback to kexec_load: it would lose the keys */
        r = crash_keys_prepare(NULL, descs);
        if (r < 0)
                log_error_errno(r, "Failed to name the LUKS volume keys for the capture kernel in %s: %m", CRASH_KEYS_DIR);
        else
                log_info("The capture kernel gets the key%s of %zu LUKS volume%s (%s).", n > 1 ? "s" : "", n,
                         n > 1 ? "s" : "", CRASH_KEYS_DIR);
        strv_free(descs);
        return r;
}

int capture_check_config(const struct capture_settings *s) {
        _cleanup_(prepared_done) struct prepared p = {};

        return prepare_config(s, &p);
}

int capture_rebuild(const struct capture_settings *s) {
        _cleanup_(prepared_done) struct prepared p = {};

        if (geteuid() != 0)
                return log_error_errno(EPERM, "Rebuilding the capture initramfs needs root.");
        return prepare(s, &p);
}

/* raw: a dump the capture kernel left on the device is saved before loading
 * (kdump-utils' order); a failure is said but does not keep the machine
 * unprotected. */
static void save_raw_dump(const struct prepared *p) {
        _cleanup_free_ char *dir = NULL, *vmcore = NULL, *dmesg = NULL;
        const char *collect = getenv("KDUMPD_COLLECT") ?: KDUMP_SBINDIR "/kdump-collect";
        bool sealed = false;
        int r;

        r = raw_dump_save(p->target->devnode, p->config->path, collect, &dir, &sealed);
        if (r < 0) {
                log_error_errno(r, "Failed to save the dump on the raw device %s to %s (%s); it stays on the "
                                "device and is tried again at the next start.", p->target->devnode, p->config->path,
                                r == -EBADMSG ? "the sealed dump is not what its envelope says: cut short or changed"
                                              : strerror(-r));
                return;
        }
        if (r == 0)
                return;
        if (sealed) {
                /* no key here: the log stays inside the sealed dump */
                log_notice("Saved the sealed dump on the raw device %s to %s/vmcore.age (its SHA-256 checked against "
                           "the capture's; open it with kdumpctl decrypt and the private key).", p->target->devnode, dir);
                return;
        }
        log_notice("Saved the dump on the raw device %s to %s/vmcore.", p->target->devnode, dir);
        /* The capture wrote only the stream: the log comes from the dump,
         * as for any capture's directory. */
        if (asprintf(&vmcore, "%s/vmcore", dir) < 0) {
                log_oom();
                return;
        }
        r = dump_write_dmesg_file(dir, vmcore, &dmesg);
        if (r < 0) {
                log_warning_errno(r, "Failed to write the kernel log of %s to %s/vmcore-dmesg.txt: %m", vmcore, dir);
                return;
        }
        r = raw_dump_add_sum(dir, "vmcore-dmesg.txt");
        if (r < 0)
                log_warning_errno(r, "Failed to add vmcore-dmesg.txt to %s/SHA256SUMS: %m", dir);
}

/* The kernel segment takes its load size (x86 init_size, kexec-bzimage64.c;
 * arm64 image_size, kexec_image.c), the initramfs its size, plus a few
 * pages of boot_params or device tree, purgatory and ELF core header.
 * -ENOSPC when it cannot fit; a warning when it fits but leaves too little
 * to run in. */
static int check_fits(const struct prepared *p, const struct crash_reservation *res, uint64_t *ret_largest,
                      uint64_t *ret_start) {
        uint64_t largest, start, need;
        char b1[32], b2[32], b3[32];

        largest = crash_reservation_largest(res, &start);
        need = ALIGN_UP(p->facts.load_size, 1ull << 20) + ALIGN_UP(p->image.size, 4096) + (1ull << 20);
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
        *ret_largest = largest;
        *ret_start = start;
        return 0;
}

/* --loader, else kdump.conf's "loader", else auto; LUKS keys handed over
 * first.  Says loudly when the machine is left unprotected. */
static int load(const struct capture_settings *s, const struct prepared *p, const char *cmdline) {
        _cleanup_free_ char *err = NULL, *initrd = NULL;
        _cleanup_close_ int secrets_fd = -EBADF;
        const char *name = s->loader ? s->loader : p->config->loader ? p->config->loader : "auto";
        enum kexec_loader want, used;
        bool remembered = false;
        int file_error, r;

        if (kexec_loader_from_string(name, &want) < 0)
                return log_error_errno(EINVAL, "Unknown loader '%s': use file, classic or auto.", name);
        r = hand_over_keys(p, &want);
        if (r < 0)
                return r;
        if (p->target->sshkey) {
                /* the private key: appended in memory, never in the file */
                r = initrd_with_secrets(p->image.path, &(struct initrd_secret) {
                                .src = p->target->sshkey, .dest = CAPTURE_SSH_KEY }, 1, &secrets_fd, &initrd);
                if (r < 0) {
                        log_error_errno(r, "Failed to add the SSH key %s to the capture kernel's initramfs in memory: %m",
                                        p->target->sshkey);
                        say_unprotected();
                        return r;
                }
        }
        r = kexec_crash_load(&(struct kexec_crash_load) {
                        .sz = sizeof(struct kexec_crash_load), .loader = want,
                        .kernel = p->kernel, .kernel_fd = p->facts.fd >= 0 ? &p->facts.fd : NULL,
                        .initrd = initrd ?: p->image.path, .cmdline = cmdline,
                        .corrupt_digest = s->corrupt_digest,
                        .probe_path = KEXEC_LOADER_PROBE_PATH, .ret_remembered = &remembered,
                }, &used, &file_error, &err);
        if (remembered)
                log_info("kexec_file_load failed earlier in this boot (%s); using kexec_load (remembered in %s).",
                         strerror(-file_error), KEXEC_LOADER_PROBE_PATH);
        else if (file_error < 0)
                log_notice("kexec_file_load failed (%s: %s); falling back to kexec_load.", strerror(-file_error),
                           kexec_file_explain(file_error));
        if (r < 0) {
                if (err)
                        log_error_errno(r, "Failed to prepare %s for kexec_load: %s", p->kernel, err);
                else
                        log_error_errno(r, "Failed to load %s with %s (%s): %m: %s.", p->kernel, p->image.path,
                                        used == KEXEC_LOADER_CLASSIC ? "kexec_load" : "kexec_file_load",
                                        used == KEXEC_LOADER_CLASSIC ? kexec_classic_explain(r) : kexec_file_explain(r));
                say_unprotected();
                return r;
        }
        log_info("Loaded with %s.", used == KEXEC_LOADER_CLASSIC ? "kexec_load (classic loader)" : "kexec_file_load");
        return 0;
}

/* <state_dir>/loaded, for status; a failure to write it is only a warning. */
static void record_loaded(const struct capture_settings *s, const struct prepared *p, const char *cmdline,
                          const char *target) {
        _cleanup_free_ char *state = NULL, *state_path = NULL;
        int r;

        if (asprintf(&state, "kernel=%s\nrelease=%s\ninitramfs=%s\ninitramfs_size=%llu\ncmdline=%s\ntarget=%s\nloaded_at=%lld\n",
                     p->kernel, p->uts.release, p->image.path, (unsigned long long) p->image.size, cmdline, target,
                     (long long) time(NULL)) < 0 || capture_state_path(s, &state_path) < 0) {
                log_oom();
                return;
        }
        r = write_file_atomic(state_path, state, strlen(state), 0600);
        if (r < 0)
                log_warning_errno(r, "Failed to record the loaded state in %s: %m", state_path);
}

/* The stacks' devices, for kdumpd's device monitor. */
static char *stack_devices(const struct prepared *p) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *v;

        if (!p->target->stack && !(p->rootfs && p->rootfs->stack))
                return NULL;
        if (p->target->stack)
                (void) storage_stack_device_names(p->target->stack, &a);
        if (p->rootfs && p->rootfs->stack)
                (void) storage_stack_device_names(p->rootfs->stack, &b);
        return asprintf(&v, "%s %s", a ?: "", b ?: "") < 0 ? NULL : v;
}

int capture_start(const struct capture_settings *s, struct capture_loaded *ret) {
        _cleanup_(prepared_done) struct prepared p = {};
        _cleanup_free_ char *running = NULL, *cmdline = NULL, *target = NULL;
        struct crash_reservation res;
        uint64_t largest = 0, start = 0;
        char b1[32], b2[32];
        int r;

        if (s->kernel_release)
                return log_error_errno(EINVAL, "A kernel release is for rebuilding; loading uses the running kernel's image.");
        /* The configuration before the machine (reading it needs no root):
         * a bad line is the first thing said, whatever else is wrong. */
        r = prepare_config(s, &p);
        if (r < 0)
                return r;
        if (geteuid() != 0)
                return log_error_errno(EPERM, "Loading the capture kernel needs root (kexec_file_load needs CAP_SYS_BOOT).");

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

        r = prepare(s, &p);
        if (r < 0)
                return r;
        if (kdump_config_is_raw(p.config))
                save_raw_dump(&p);
        r = check_fits(&p, &res, &largest, &start);
        if (r < 0)
                return r;

        r = read_one_line_file("/proc/cmdline", &running);
        if (r < 0)
                return log_error_errno(r, "Failed to read /proc/cmdline: %m");
        r = capture_cmdline_build(running, &(struct capture_cmdline_opts) {
                        .sz = sizeof(struct capture_cmdline_opts),
                        .disable_cpu_apicid = boot_cpu_apicid(),
                        .nr_cpus = kdump_config_capture_cpus(p.config),
                }, &cmdline);
        if (r < 0)
                return log_error_errno(r, "The capture kernel's command line would exceed %u bytes; shorten the "
                                       "running kernel's command line.", CAPTURE_CMDLINE_MAX);

        r = load(s, &p, cmdline);
        if (r < 0)
                return r;
        /* Trust, but verify: the load replaced whatever was there. */
        r = crash_reservation_read(NULL, &res);
        if (r < 0 || res.loaded != 1) {
                log_error("kexec_file_load succeeded but /sys/kernel/kexec_crash_loaded does not read 1.");
                say_unprotected();
                return -EIO;
        }

        if (dump_target_describe(p.target, &target) < 0)
                return log_oom();
        record_loaded(s, &p, cmdline, target);
        if (p.target->net) {
                /* the capture's directory on the server is named after it */
                int k = capture_addresses_remember(state_dir(s), p.target->net->address);
                if (k < 0)
                        log_warning_errno(k, "Failed to remember the address %s in %s/" CAPTURE_ADDRESSES_FILE
                                          "; if it changes before the next boot, that boot's kdumpd will not find "
                                          "the dump sent under it: %m", p.target->net->address, state_dir(s));
        }
        log_info("Capture kernel %s (%s) loaded into the crash reservation (%s at 0x%llx); initramfs %s (%s).",
                 p.uts.release, p.kernel, format_bytes(b1, sizeof(b1), largest), (unsigned long long) start, p.image.path,
                 format_bytes(b2, sizeof(b2), p.image.size));
        log_info("Command line: %s", cmdline);
        log_info("Dumps go to %s %s, directory %s%s%s.", p.target->fstype, p.target->spec, p.target->path,
                 p.target->stack_summary ? ", on " : "", p.target->stack_summary ?: "");

        if (ret) {
                *ret = (struct capture_loaded) {
                        .reservation_start = start,
                        .reservation_size = largest,
                        .initramfs_size = p.image.size,
                        .target = TAKE_PTR(target),
                        .stack_devices = stack_devices(&p),
                };
                if (p.target->net) {
                        /* for kdumpd's network watch (net-watch.h) */
                        (void) net_record_render(p.target->net, &ret->net_record);
                        ret->net_server = p.target->server_name ? strdup(p.target->server_name) : NULL;
                }
                snprintf(ret->release, sizeof(ret->release), "%s", p.uts.release);
        }
        return 0;
}

int capture_stop(const struct capture_settings *s) {
        _cleanup_free_ char *state_path = NULL;
        int r;

        if (geteuid() != 0)
                return log_error_errno(EPERM, "Unloading the capture kernel needs root.");
        r = kexec_file_unload_crash();
        if (r < 0)
                return log_error_errno(r, "Failed to unload the capture kernel: %m: %s.", kexec_file_explain(r));
        if (capture_state_path(s, &state_path) >= 0)
                (void) unlink(state_path);
        log_info("Capture kernel unloaded. The machine is not protected until \"kdumpctl start\".");
        return 0;
}

