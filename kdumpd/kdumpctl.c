/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdumpctl: load, unload and inspect the capture kernel.
 *
 *   kdumpctl start    build (or reuse) the capture initramfs, load it
 *   kdumpctl stop     unload the capture kernel
 *   kdumpctl status   what is loaded, where, and where dumps go
 *   kdumpctl rebuild  rebuild the capture initramfs only
 *   kdumpctl forget-initramfs --kernel-release=REL  drop a release's cached one
 *   kdumpctl propagate  set up an ssh target: key, host key, key on the server
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
#include "basic/strv.h"
#include "config/kdump-conf.h"
#include "crashkernel-reserve/reservation.h"
#include "kdumpd/capture-image.h"
#include "kdumpd/capture-load.h"
#include "kdumpd/json-out.h"
#include "kdumpd/verbs-catalog.h"
#include "kdumpd/verbs-crashkernel.h"
#include "kdumpd/verbs-propagate.h"
#include "kdumpd/verbs-seal.h"
#include "kdumpd/verbs-service.h"
#include "kdumpd/verbs-shrink.h"

static struct capture_settings arg_settings = { .sz = sizeof(struct capture_settings) };
static const char *arg_config = KDUMP_CONF_PATH;
static const char *arg_kernel = NULL;
static const char *arg_dump_dir = NULL;
static const char *arg_identity = NULL;
static bool arg_verify = false;
static const char *arg_output = NULL;
static bool arg_json = false;
static bool arg_force = false;

static int status_json(const struct crash_reservation *res, const char *state, const kdump_config *c,
                       const char *config_error) {
        bool first = true;

        fputc('{', stdout);
        json_kv_bool(stdout, &first, "loaded", res->loaded == 1);
        json_key(stdout, &first, "reservations");
        fputc('[', stdout);
        for (size_t i = 0; i < res->n_ranges; i++) {
                bool f2 = true;

                fputs(i ? ",{" : "{", stdout);
                json_kv_u64(stdout, &f2, "start", res->ranges[i].start);
                json_kv_u64(stdout, &f2, "size", res->ranges[i].size);
                fputc('}', stdout);
        }
        fputc(']', stdout);
        if (res->n_ranges == 0)
                json_kv_string(stdout, &first, "recommended_crashkernel", crashkernel_recommend(res->system_ram));
        if (res->sysfs_size >= 0)
                json_kv_i64(stdout, &first, "kexec_crash_size", res->sysfs_size);
        if (state) {
                static const char *const keys[] = { "kernel", "release", "initramfs", "cmdline", "target", NULL };

                for (size_t i = 0; keys[i]; i++) {
                        _cleanup_free_ char *v = capture_state_get(state, keys[i]);
                        json_kv_string(stdout, &first, keys[i], v);
                }
                {
                        _cleanup_free_ char *v = capture_state_get(state, "initramfs_size");
                        uint64_t n;
                        if (v && safe_atou64(v, &n) >= 0)
                                json_kv_u64(stdout, &first, "initramfs_size", n);
                }
        }
        json_key(stdout, &first, "configuration");
        {
                bool f2 = true;

                fputc('{', stdout);
                json_kv_string(stdout, &f2, "file", arg_config);
                if (c) {
                        json_kv_string(stdout, &f2, "fstype", c->fstype);
                        json_kv_string(stdout, &f2, "device", c->device);
                        json_kv_string(stdout, &f2, "path", c->path);
                        json_kv_string(stdout, &f2, "core_collector", c->core_collector);
                } else
                        json_kv_string(stdout, &f2, "error", config_error);
                fputc('}', stdout);
        }
        fputs("}\n", stdout);
        return res->loaded == 1 ? 0 : 3;
}

static int verb_status(void) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL, *state = NULL, *state_path = NULL;
        struct crash_reservation res;
        char b[32];
        int r;

        r = crash_reservation_read(NULL, &res);
        if (r == -EPERM)
                return log_error_errno(r, "/proc/iomem hides addresses: run kdumpctl status as root.");
        if (r < 0)
                return log_error_errno(r, "Failed to read the crash reservation: %m");

        if (arg_json) {
                r = capture_state_path(&arg_settings, &state_path);
                if (r < 0)
                        return log_oom();
                if (res.loaded != 1 || read_full_file(state_path, &state, NULL) < 0) {
                        free(state);
                        state = NULL;
                }
                (void) kdump_config_load(arg_config, &c, &err);
                return status_json(&res, state, c, err);
        }

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

        r = capture_state_path(&arg_settings, &state_path);
        if (r < 0)
                return log_oom();
        if (res.loaded == 1 && read_full_file(state_path, &state, NULL) >= 0) {
                _cleanup_free_ char *kernel = capture_state_get(state, "kernel"),
                                    *initrd = capture_state_get(state, "initramfs"),
                                    *cmdline = capture_state_get(state, "cmdline"),
                                    *target = capture_state_get(state, "target");
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
                printf("Loaded by:      something other than kdumpctl (no %s)\n", state_path);

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

/* The kernel postrm hook's verb: the cache of a removed kernel goes
 * (capture-image.h knows its file names).  It comes back on the next
 * start or rebuild for that release, so no root check beyond the files'. */
static int verb_forget_initramfs(const char *state_dir, const char *release) {
        _cleanup_(strv_freep) char **removed = NULL;
        _cleanup_free_ char *err = NULL;
        const char *dir = state_dir ?: KDUMP_STATEDIR;
        int r;

        if (!release)
                return log_error_errno(EINVAL, "forget-initramfs needs --kernel-release=REL (see uname -r).");
        r = capture_image_forget(dir, release, &removed, &err);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to forget the capture initramfs of %s: %s", release,
                                       err ?: strerror(-r));
        for (char **f = removed; f && *f; f++)
                log_info("Removed %s.", *f);
        if (r == 0)
                log_info("No cached capture initramfs of %s in %s.", release, dir);
        return 0;
}

static void help(void) {
        printf("Usage: kdumpctl [OPTIONS] COMMAND\n\n"
               "Load and inspect the kdump capture kernel.\n\n"
               "Commands:\n"
               "  start     Build (or reuse) the capture initramfs and load the capture kernel\n"
               "  stop      Unload the capture kernel\n"
               "  rebuild   Rebuild the capture initramfs without loading it\n"
               "  forget-initramfs --kernel-release=REL  Delete the cached capture initramfs of\n"
               "            REL (its image and notes in the state directory; no dump); the next\n"
               "            start or rebuild for REL builds it again\n"
               "  propagate For an ssh target: create the key if missing, show the server's host key\n"
               "            for you to confirm, install the key on the server (ssh-copy-id), check\n"
               "            that the capture kernel can write there\n"
               "  status    Show whether a capture kernel is loaded, the reservation and the dump target\n"
               "            (exit status 0 when loaded, 3 when not)\n"
               "  showmem   Show the crash reservation and what the kernel command line asked for\n"
               "  estimate  Show what the capture environment needs here, beside the reservation\n"
               "  get-default-crashkernel  Print the recommended crashkernel= value\n"
               "  reset-crashkernel [--kernel=PATH]  Write the recommendation to /etc/default/grub\n"
               "            and/or /etc/kernel/cmdline; it takes effect at the next boot\n"
               "  shrink-crashkernel [SIZE] [--force]  Give the reservation above SIZE (default: the\n"
               "            recommendation) back to the system now, until the next boot\n"
               "  restart   Stop, then start\n"
               "  reload    Load again, rebuilding the initramfs only if an input changed\n"
               "  test [--force]  Crash this machine now to test the capture (asks first)\n"
               "  list [--verify]  List the saved dumps (time, kernel, size, complete, files, panic).\n"
               "            FILES: ok (matched SHA256SUMS when last checked, unchanged since),\n"
               "            CHANGED (a file is missing, differs or was changed), unchecked, no-sums;\n"
               "            --verify checks every dump now (each is read whole)\n"
               "  info ID   Everything known about one dump, and the crash(8) command to open it\n"
               "  dmesg ID  The crashed kernel's log\n"
               "  verify ID  Check the dump's files against its SHA256SUMS\n"
               "  decrypt ID --identity=FILE [--output=FILE]  Open an encrypted dump (vmcore.age) with\n"
               "            an age identity: vmcore and vmcore-dmesg.txt next to it\n"
               "            ID: the number in list, the directory name (or a unique prefix), or last\n\n"
               "Options:\n"
               "  -c, --config=FILE    Configuration file (default %s)\n"
               "      --state-dir=DIR  Where the capture initramfs and what checks found are kept\n"
               "                       (default %s)\n"
               "      --force-rebuild  Rebuild the capture initramfs even if it is up to date\n"
               "      --kernel-release=REL  With rebuild: build for another installed kernel; with\n"
               "                       forget-initramfs: the release whose image goes\n"
               "      --kernel=PATH    With estimate and the crashkernel verbs: size for this kernel image\n"
               "      --loader=file|classic|auto  With start: kexec_file_load, kexec_load, or the first\n"
               "                       falling back to the second (default: kdump.conf's loader, else auto)\n"
               "      --json           With status and list: JSON output\n"
               "      --dump-dir=DIR   With list, info, dmesg, verify, decrypt: look for dumps in DIR\n"
               "                       instead of the configured target's path\n"
               "      --identity=FILE  With decrypt, info, dmesg of an encrypted dump: the age identity\n"
               "                       (private key) file\n"
               "      --output=FILE    With decrypt: where the dump goes (default: vmcore in its directory)\n"
               "      --force          With test: do not ask for confirmation; with shrink-crashkernel:\n"
               "                       allow less than the estimate needs\n"
               "  -v, --verbose        More messages\n"
               "  -h, --help           This text\n"
               "      --version        Version\n",
               KDUMP_CONF_PATH, KDUMP_STATEDIR);
}

/* 1: go on, 0 or 2: exit with that status (help, version, a bad option). */
static int parse_argv(int argc, char *argv[]) {
        enum { ARG_STATE_DIR = 0x100, ARG_FORCE_REBUILD, ARG_KERNEL_RELEASE, ARG_KERNEL, ARG_VERSION, ARG_LOADER, ARG_CORRUPT_DIGEST,
               ARG_JSON, ARG_DUMP_DIR, ARG_FORCE, ARG_IDENTITY, ARG_OUTPUT, ARG_VERIFY };
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "force-rebuild", no_argument, NULL, ARG_FORCE_REBUILD },
                { "kernel-release", required_argument, NULL, ARG_KERNEL_RELEASE },
                { "kernel", required_argument, NULL, ARG_KERNEL },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "loader", required_argument, NULL, ARG_LOADER },
                { "debug-corrupt-digest", no_argument, NULL, ARG_CORRUPT_DIGEST },
                { "json", no_argument, NULL, ARG_JSON },
                { "dump-dir", required_argument, NULL, ARG_DUMP_DIR },
                { "force", no_argument, NULL, ARG_FORCE },
                { "identity", required_argument, NULL, ARG_IDENTITY },
                { "output", required_argument, NULL, ARG_OUTPUT },
                { "verify", no_argument, NULL, ARG_VERIFY },
                {}
        };
        const char *verb;
        int c;

        while ((c = getopt_long(argc, argv, "c:vh", options, NULL)) >= 0)
                switch (c) {
                case 'c': arg_config = arg_settings.config_path = optarg; break;
                case ARG_STATE_DIR: arg_settings.state_dir = optarg; break;
                case ARG_FORCE_REBUILD: arg_settings.force_rebuild = true; break;
                case ARG_KERNEL_RELEASE: arg_settings.kernel_release = optarg; break;
                case ARG_KERNEL: arg_kernel = optarg; break;
                case 'v': log_set_max_level(LOG_LEVEL_DEBUG); break;
                case ARG_LOADER: arg_settings.loader = optarg; break;
                case ARG_CORRUPT_DIGEST: arg_settings.corrupt_digest = true; break;
                case ARG_JSON: arg_json = true; break;
                case ARG_DUMP_DIR: arg_dump_dir = optarg; break;
                case ARG_FORCE: arg_force = true; break;
                case ARG_IDENTITY: arg_identity = optarg; break;
                case ARG_OUTPUT: arg_output = optarg; break;
                case ARG_VERIFY: arg_verify = true; break;
                case 'h': help(); return 0;
                case ARG_VERSION: printf("kdumpctl %s\n", PACKAGE_VERSION); return 0;
                default: return 2;
                }

        if (optind >= argc) {
                help();
                return 2;
        }
        verb = argv[optind];
        if (arg_json && strcmp(verb, "status") != 0 && strcmp(verb, "list") != 0) {
                log_error("--json is for status and list.");
                return 2;
        }
        if (arg_verify && strcmp(verb, "list") != 0) {
                log_error("--verify is for list (kdumpctl verify ID checks one dump).");
                return 2;
        }
        return 1;
}

/* The catalog's verbs (list, info, dmesg) and the seal's (verify, decrypt). */
static int run_dump_verb(const char *verb, char *const *args, int n_args) {
        struct catalog_verb_opts o = {
                .sz = sizeof(struct catalog_verb_opts), .config_path = arg_config, .dump_dir = arg_dump_dir,
                .json = arg_json, .identity = arg_identity, .output = arg_output, .verify = arg_verify,
                .state_dir = arg_settings.state_dir,
        };

        return catalog_verb_known(verb) ? catalog_verb_run(verb, &o, args, n_args, stdout)
                                        : seal_verb_run(verb, &o, args, n_args, stdout);
}

/* The exit status: 0, 1 (the verb failed, and said why), 2 (usage), or
 * status's own. */
static int run_verb(const char *verb, char *const *args, int n_args) {
        int r;

        if (catalog_verb_known(verb) || seal_verb_known(verb))
                r = run_dump_verb(verb, args, n_args);
        else if (service_verb_known(verb))
                r = service_verb_run(verb, &arg_settings, arg_force);
        else if (strcmp(verb, "propagate") == 0)
                r = verb_propagate(arg_config, arg_settings.state_dir);
        else if (strcmp(verb, "rebuild") == 0) {
                arg_settings.force_rebuild = true;
                r = capture_rebuild(&arg_settings);
        } else if (strcmp(verb, "forget-initramfs") == 0) {
                if (n_args > 0) {
                        log_error("forget-initramfs takes no arguments; the release is --kernel-release=REL.");
                        return 2;
                }
                r = verb_forget_initramfs(arg_settings.state_dir, arg_settings.kernel_release);
        } else if (strcmp(verb, "status") == 0)
                return verb_status();
        else if (strcmp(verb, "shrink-crashkernel") == 0) {
                struct crashkernel_paths p;

                if (n_args > 1) {
                        log_error("shrink-crashkernel takes at most one size, like 160M.");
                        return 2;
                }
                crashkernel_paths_init(&p, arg_config, arg_settings.state_dir, arg_kernel);
                r = verb_shrink_crashkernel(&p, &arg_settings, &(struct shrink_verb_opts) {
                                .sz = sizeof(struct shrink_verb_opts),
                                .size = n_args > 0 ? args[0] : NULL,
                                .force = arg_force,
                        }, stdout);
        } else if (crashkernel_verb_known(verb))
                r = crashkernel_verb_run(verb, arg_config, arg_settings.state_dir, arg_kernel);
        else {
                log_error("Unknown command '%s'; see kdumpctl --help.", verb);
                return 2;
        }
        return r < 0 ? 1 : 0;
}

int main(int argc, char *argv[]) {
        int r;

        log_set_prefix("kdumpctl");
        r = parse_argv(argc, argv);
        if (r <= 0 || r == 2)
                return r == 2 ? 2 : 0;
        return run_verb(argv[optind], argv + optind + 1, argc - optind - 1);
}
