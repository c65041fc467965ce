/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int collector_argv_flat(const kdump_config *c, char ***ret) {
        char **words = NULL, **argv;
        bool flat = false;
        size_t n = 0, k = 0;
        int r;

        r = kdump_config_collector_argv(c, &words);
        if (r < 0)
                return r;
        for (; words[n]; n++)
                if (strcmp(words[n], "-F") == 0)
                        flat = true;
        argv = calloc(n + 3, sizeof(char *));
        if (!argv) {
                kdump_config_argv_free(words);
                return -ENOMEM;
        }
        argv[k++] = words[0];
        if (!flat && !(argv[k++] = strdup("-F"))) {
                free(argv);
                kdump_config_argv_free(words);
                return -ENOMEM;
        }
        for (size_t i = 1; i < n; i++)
                argv[k++] = words[i];
        argv[k++] = strdup("/proc/vmcore");
        free(words); /* the strings moved to argv */
        if (!argv[k - 1]) {
                kdump_config_argv_free(argv);
                return -ENOMEM;
        }
        *ret = argv;
        return 0;
}

int net_up(const char *what, net_record **ret) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL;
        char timeout[16];
        int r;

        r = read_full_file(CAPTURE_NET, &text, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", CAPTURE_NET);
        r = net_record_parse(text, &n, &err);
        if (r < 0)
                return log_error_errno(r, "%s: %s", CAPTURE_NET, err ? err : strerror(-r));
        snprintf(timeout, sizeof(timeout), "%u", NET_TIMEOUT_S);
        r = run((char *const[]) { (char *) CAPTURE_NET_PROGRAM, (char *) CAPTURE_NET, timeout, NULL });
        if (r != 0)
                return log_error_errno(ENETUNREACH, "The network to %s could not be set up (kdump-net exit status %d, "
                                       "reason above).", what, r);
        *ret = TAKE_PTR(n);
        return 0;
}
