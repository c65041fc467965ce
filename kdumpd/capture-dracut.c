/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capture initramfs built by dracut with kdumpd's module
 * (capture-dracut.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/spawn.h"
#include "basic/strv.h"
#include "kdumpd/capture-dracut.h"

static int join(char *const *v, char **ret) {
        size_t len = 1;
        char *s;

        for (char *const *p = v; p && *p; p++)
                len += strlen(*p) + 1;
        s = malloc(len);
        if (!s)
                return -ENOMEM;
        *s = 0;
        for (char *const *p = v; p && *p; p++) {
                if (p != v)
                        strcat(s, " ");
                strcat(s, *p);
        }
        *ret = s;
        return 0;
}

int capture_dracut_argv(const struct capture_dracut_opts *o, char ***ret) {
        _cleanup_(strv_freep) char **v = NULL;
        _cleanup_free_ char *drivers = NULL, *default_dir = NULL;
        size_t n = 0;
        int r = 0;

        if (!o->kernel_release || !o->output)
                return -EINVAL;
#define PUSH(s) do { if (r >= 0) r = strv_push(&v, &n, (s)); } while (0)
        PUSH(o->program ?: "dracut");
        /* host-only, for the target's devices only: not the root, swap or
         * the other file systems of fstab, and nothing of the host's
         * command line or microcode */
        PUSH("--hostonly");
        PUSH("--hostonly-mode");
        PUSH("strict");
        PUSH("--no-hostonly-default-device");
        PUSH("--no-hostonly-cmdline");
        PUSH("--no-early-microcode");
        PUSH("--modules");
        PUSH("kdumpd");
        PUSH("--kver");
        PUSH(o->kernel_release);
        if (o->modules_dir) {
                if (asprintf(&default_dir, "/lib/modules/%s", o->kernel_release) < 0)
                        return -ENOMEM;
                if (strcmp(o->modules_dir, default_dir) != 0) {
                        PUSH("--kmoddir");
                        PUSH(o->modules_dir);
                }
        }
        for (char *const *d = o->devices; d && *d; d++) {
                PUSH("--add-device");
                PUSH(*d);
        }
        if (o->drivers && o->drivers[0]) {
                if (join(o->drivers, &drivers) < 0)
                        return -ENOMEM;
                PUSH("--add-drivers");
                PUSH(drivers);
        }
        PUSH(o->zstd ? "--compress=zstd" : "--no-compress");
        for (char *const *a = o->extra_args; a && *a; a++)
                PUSH(*a);
        PUSH("--force");
        PUSH(o->output);
#undef PUSH
        if (r < 0)
                return r;
        *ret = TAKE_PTR(v);
        return 0;
}

/* The last lines of dracut's output, for the error message. */
static const char *tail_lines(const char *s, unsigned lines) {
        const char *p = s + strlen(s);

        while (p > s && (p[-1] == '\n' || p[-1] == ' '))
                p--;
        while (p > s && lines > 0)
                if (*--p == '\n')
                        lines--;
        return p == s ? p : p + 1;
}

int capture_dracut_run(const struct capture_dracut_opts *o, char **ret_error) {
        _cleanup_(strv_freep) char **argv = NULL;
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        int r;

        r = capture_dracut_argv(o, &argv);
        if (r < 0)
                return r;
        if (setenv("KDUMPD_DRACUT_STAGE", o->stage, 1) < 0)
                return -errno;
        r = spawn_capture(argv, &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1,
                                                      .stdout_fd = -1, .timeout_ms = CAPTURE_DRACUT_TIMEOUT_S * 1000,
                                                      .capture_max = 16384 }, &res);
        (void) unsetenv("KDUMPD_DRACUT_STAGE");
        if (r == -ENOENT) {
                if (ret_error)
                        (void) asprintf(ret_error, "initramfs_builder dracut needs dracut, and %s is not installed "
                                        "(apt install dracut-core)", argv[0]);
                return r;
        }
        if (r < 0)
                return r;
        if (res.timed_out || res.status != 0) {
                if (ret_error)
                        (void) asprintf(ret_error, "%s %s (%d s at most); its last words:\n%s", argv[0],
                                        res.timed_out ? "did not finish" : "failed", CAPTURE_DRACUT_TIMEOUT_S,
                                        tail_lines(res.err ? res.err : "", 12));
                return res.timed_out ? -ETIMEDOUT : -EIO;
        }
        return 0;
}
