/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "initramfs/init/capture-layout.h"
#include "initramfs/init/capture-steps.h"

double uptime(void) {
        _cleanup_free_ char *s = NULL;

        if (read_one_line_file("/proc/uptime", &s) < 0)
                return -1;
        return strtod(s, NULL);
}

void log_memory(const char *when) {
        struct sysinfo si;
        double unit;

        if (sysinfo(&si) < 0)
                return;
        unit = (double) si.mem_unit / (1024 * 1024);
        log_info("Memory %s: %.1f MiB free of %.1f MiB (the initramfs holds %.1f MiB).", when,
                 si.freeram * unit, si.totalram * unit, si.sharedram * unit);
}

int run(char *const argv[]) {
        int r = spawn_wait(argv, -1, -1);

        if (r == 127)
                log_error("Failed to execute %s.", argv[0]);
        return r;
}

int run_pre(const kdump_config *c) {
        int r;

        if (!c->kdump_pre)
                return 0;
        log_info("Running kdump_pre %s.", c->kdump_pre);
        r = run((char *const[]) { c->kdump_pre, NULL });
        if (r == 0)
                return 0;
        /* kdump-utils: a non-zero kdump_pre means no dump, straight to
         * the final action. */
        log_warning("kdump_pre %s exited with status %d: no dump is saved.", c->kdump_pre, r);
        return 1;
}

void end_progress_line(void) {
        (void) write(STDERR_FILENO, "\n", 1);
}

void run_post(const kdump_config *c, int status) {
        char arg[16];
        int r;

        if (!c->kdump_post)
                return;
        snprintf(arg, sizeof(arg), "%d", status);
        log_info("Running kdump_post %s %s.", c->kdump_post, arg);
        r = run((char *const[]) { c->kdump_post, arg, NULL });
        if (r != 0)
                log_warning("kdump_post %s exited with status %d.", c->kdump_post, r);
}

int dump_dir_name(const char *prefix, char **ret) {
        char stamp[32];
        struct tm tm;
        time_t t = time(NULL);

        if (!gmtime_r(&t, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M:%S", &tm) == 0)
                return -EINVAL;
        return asprintf(ret, "%s%s%s", prefix ?: "", prefix ? "-" : "", stamp) < 0 ? -ENOMEM : 0;
}

bool capture_sealed(const kdump_config *c) {
        return c->encrypt_to != NULL;
}

const char *capture_name(const kdump_config *c, enum capture_file f) {
        static const char *const names[_CAPTURE_FILE_MAX][2] = {
                [CAPTURE_FILE_DMESG] = { "vmcore-dmesg.txt", "vmcore-dmesg.txt.age" },
                [CAPTURE_FILE_INCOMPLETE] = { "vmcore-incomplete", "vmcore-incomplete.age" },
                [CAPTURE_FILE_VMCORE] = { "vmcore", "vmcore.age" },
                [CAPTURE_FILE_FLAT] = { "vmcore.flat", "vmcore.age" },
        };

        return names[f][capture_sealed(c)];
}

/* argv + more (NULL-terminated), the strings copied. */
static int argv_extend(char ***argv, size_t *n, const char *const *more) {
        for (; *more; more++) {
                char **v = realloc(*argv, (*n + 2) * sizeof(char *));
                if (!v)
                        return -ENOMEM;
                *argv = v;
                if (!(v[*n] = strdup(*more)))
                        return -ENOMEM;
                v[++*n] = NULL;
        }
        return 0;
}

/* What every collector command line ends with: --seal when sealed, then
 * /proc/vmcore and output (NULL: standard output).  argv is freed on
 * failure. */
static int argv_finish(const kdump_config *c, char **argv, size_t n, const char *output, char ***ret) {
        int r = 0;

        if (capture_sealed(c))
                r = argv_extend(&argv, &n, (const char *const[]) { "--seal", CAPTURE_RECIPIENTS, NULL });
        if (r >= 0)
                r = argv_extend(&argv, &n, (const char *const[]) { "/proc/vmcore", output, NULL });
        if (r < 0) {
                kdump_config_argv_free(argv);
                return r;
        }
        *ret = argv;
        return 0;
}

int collector_argv(const kdump_config *c, bool stream, const char *sum_path, const char *output, char ***ret) {
        char **argv = NULL;
        size_t n = 0;
        bool flat = false;
        int r;

        r = kdump_config_collector_argv(c, &argv);
        if (r < 0)
                return r;
        for (; argv[n]; n++)
                if (strcmp(argv[n], "-F") == 0)
                        flat = true;
        /* kdump-collect hashes a stream or a sealed file while it writes
         * it, and reads a kdump-compressed or ELF file back once (their
         * headers follow the data they describe) */
        if (sum_path && kdump_config_collector_is_ours(c))
                /* named as it will be after the rename */
                r = argv_extend(&argv, &n, (const char *const[]) {
                                "--sha256", sum_path, "--sha256-name",
                                capture_name(c, output ? CAPTURE_FILE_VMCORE : CAPTURE_FILE_FLAT), NULL });
        if (r >= 0 && stream && !flat && !capture_sealed(c))
                r = argv_extend(&argv, &n, (const char *const[]) { "-F", NULL });
        if (r < 0) {
                kdump_config_argv_free(argv);
                return r;
        }
        return argv_finish(c, argv, n, output, ret);
}

int collector_argv_flat(const kdump_config *c, char ***ret) {
        return collector_argv(c, true, NULL, NULL, ret);
}

int dmesg_argv(const kdump_config *c, const char *sum_path, const char *output, char ***ret) {
        char **argv = NULL;
        size_t n = 0;
        int r;

        r = argv_extend(&argv, &n, (const char *const[]) { CAPTURE_COLLECTOR, "--dump-dmesg", NULL });
        if (r >= 0 && sum_path)
                r = argv_extend(&argv, &n, (const char *const[]) { "--sha256", sum_path, NULL });
        if (r < 0) {
                kdump_config_argv_free(argv);
                return r;
        }
        return argv_finish(c, argv, n, output, ret);
}

int sum_file_digest(const char *path, char ret[65]) {
        _cleanup_free_ char *line = NULL;
        int r;

        r = read_one_line_file(path, &line);
        if (r < 0)
                return r;
        if (strlen(line) < 64 || strspn(line, "0123456789abcdef") < 64)
                return -EBADMSG;
        memcpy(ret, line, 64);
        ret[64] = 0;
        return 0;
}

int manifest_render(const char *const *sum_paths, const char *const *names, size_t n, char **ret) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0, have = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char hex[65];

                if (sum_file_digest(sum_paths[i], hex) < 0)
                        continue;       /* a file that was not written */
                fprintf(f, "%s  %s\n", hex, names[i]);
                have++;
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (have == 0)
                return -ENODATA;
        *ret = TAKE_PTR(text);
        return 0;
}

int net_up(const char *what, net_record **ret) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL;
        char timeout[16];
        int r;

        snprintf(timeout, sizeof(timeout), "%u", NET_TIMEOUT_S);
        r = run((char *const[]) { (char *) CAPTURE_NET_PROGRAM, (char *) CAPTURE_NET, timeout, NULL });
        if (r != 0)
                return log_error_errno(ENETUNREACH, "The network to %s could not be set up (kdump-net exit status %d, "
                                       "reason above).", what, r);
        /* read after kdump-net: with a DHCP lease it holds the address set */
        r = read_full_file(CAPTURE_NET, &text, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", CAPTURE_NET);
        r = net_record_parse(text, &n, &err);
        if (r < 0)
                return log_error_errno(r, "%s: %s", CAPTURE_NET, err ? err : strerror(-r));
        *ret = TAKE_PTR(n);
        return 0;
}
