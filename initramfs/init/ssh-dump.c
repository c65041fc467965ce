/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "basic/strv.h"
#include "initramfs/init/capture-layout.h"
#include "initramfs/init/capture-steps.h"
#include "initramfs/init/ssh-dump.h"
#include "initramfs/net/ssh-command.h"

/* The outer bound of one short remote command (mkdir, rename): connect
 * (30 s) plus a keep-alive's worth of silence. */
#define SSH_STEP_TIMEOUT_MS (120u * 1000u)
#define DMESG_TMP "/tmp/vmcore-dmesg"
#define MANIFEST_TMP "/tmp/SHA256SUMS"

struct ssh_dump {
        struct ssh_params params;
        const char *host;               /* as configured, for messages */
        char *dir;                      /* <path>/<address>-<date> on the server */
        char *qdir;                     /* quoted */
};

static void ssh_dump_done(struct ssh_dump *d) {
        free(d->dir);
        free(d->qdir);
}

/* One remote command, bounded; stdin from in_fd (< 0: none); its standard
 * output in *ret_out (may be NULL).  Says on the console what failed. */
static int remote(const struct ssh_dump *d, const char *step, const char *cmd, int in_fd, char **ret_out) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        _cleanup_(strv_freep) char **argv = NULL;
        const char *hint;
        int r;

        r = ssh_command_argv(&d->params, cmd, &argv);
        if (r < 0)
                return log_oom();
        r = spawn_capture(argv, &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = in_fd,
                                                       .stdout_fd = -1, .timeout_ms = SSH_STEP_TIMEOUT_MS }, &res);
        if (r < 0)
                return log_error_errno(r, "Failed to run %s: %m", CAPTURE_SSH_PROGRAM);
        if (res.timed_out)
                return log_error_errno(ETIMEDOUT, "%s on the SSH server %s did not finish within %us.", step, d->host,
                                       SSH_STEP_TIMEOUT_MS / 1000);
        if (res.status != 0) {
                hint = res.status == 255 ? ssh_failure_hint(ssh_failure_classify(res.err)) : NULL;
                return log_error_errno(EIO, "%s on the SSH server %s failed (exit status %d): %s%s%s", step, d->host,
                                       res.status, res.err && *res.err ? strtok(res.err, "\r\n") : "no message",
                                       hint ? "; " : "", hint ?: "");
        }
        if (ret_out)
                *ret_out = TAKE_PTR(res.out);
        return 0;
}

static int make_dir(struct ssh_dump *d, const kdump_config *c, const char *address) {
        _cleanup_free_ char *name = NULL, *qpath = NULL, *cmd = NULL;
        int r;

        r = dump_dir_name(address, &name);
        if (r < 0)
                return log_error_errno(r, "Failed to name the dump directory: %m");
        if (asprintf(&d->dir, "%s/%s", strcmp(c->path, "/") == 0 ? "" : c->path, name) < 0 ||
            shell_quote(d->dir, &d->qdir) < 0 || shell_quote(c->path, &qpath) < 0 ||
            asprintf(&cmd, "umask 077 && mkdir -p -- %s && mkdir -- %s", qpath, d->qdir) < 0)
                return log_oom();
        log_info("Creating %s on the SSH server %s ...", d->dir, d->host);
        return remote(d, "Creating the dump directory", cmd, -1, NULL);
}

/* The log first: it is small, and what a person reads first.  Written
 * here (sealed when the capture is), then sent. */
static void send_dmesg(const struct ssh_dump *d, const kdump_config *c) {
        _cleanup_free_ char *cmd = NULL, *q = NULL, *remote_path = NULL;
        _cleanup_close_ int fd = -EBADF;
        char **argv = NULL;
        int r;

        if (dmesg_argv(c, SUM_DMESG, DMESG_TMP, &argv) < 0)
                return (void) log_oom();
        r = run(argv);
        kdump_config_argv_free(argv);
        if (r != 0) {
                log_warning("Reading the kernel log failed (exit status %d); going on with the dump.", r);
                return;
        }
        fd = open(DMESG_TMP, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || asprintf(&remote_path, "%s/%s", d->dir, capture_name(c, CAPTURE_FILE_DMESG)) < 0 ||
            shell_quote(remote_path, &q) < 0 || asprintf(&cmd, "umask 077 && cat > %s", q) < 0)
                return;
        if (remote(d, "Sending the kernel log", cmd, fd, NULL) < 0)
                log_warning("Going on with the dump without %s.", capture_name(c, CAPTURE_FILE_DMESG));
        (void) unlink(DMESG_TMP);
}

/* SHA256SUMS, as for a local dump, sent last. */
static void send_manifest(const struct ssh_dump *d, const kdump_config *c, const char *final_name) {
        _cleanup_free_ char *text = NULL, *cmd = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (kdump_config_collector_is_scp(c) || !kdump_config_collector_is_ours(c))
                return (void) log_info("No SHA256SUMS: core_collector '%s' does not hash what it writes.",
                                       c->core_collector);
        r = manifest_render((const char *const[]) { SUM_DMESG, SUM_VMCORE },
                            (const char *const[]) { capture_name(c, CAPTURE_FILE_DMESG), final_name }, 2, &text);
        if (r < 0 || write_file_atomic(MANIFEST_TMP, text, strlen(text), 0600) < 0 ||
            (fd = open(MANIFEST_TMP, O_RDONLY | O_CLOEXEC)) < 0 ||
            asprintf(&cmd, "umask 077 && cat > %s/SHA256SUMS", d->qdir) < 0)
                return (void) log_warning("Failed to write SHA256SUMS for the dump.");
        (void) remote(d, "Sending SHA256SUMS", cmd, fd, NULL);
}

/* The collector's stream | ssh 'cat > vmcore-incomplete', or scp. */
static int send_dump(const struct ssh_dump *d, const kdump_config *c, const char *incomplete) {
        _cleanup_(strv_freep) char **ssh = NULL;
        _cleanup_free_ char *cmd = NULL, *qinc = NULL;
        char **collector = NULL;
        int a, b, r;

        if (kdump_config_collector_is_scp(c)) {
                struct ssh_params p = d->params;

                p.program = CAPTURE_SCP_PROGRAM;
                log_info("Copying /proc/vmcore with scp to %s:%s ...", d->host, incomplete);
                r = ssh_scp_argv(&p, "/proc/vmcore", incomplete, &ssh);
                if (r < 0)
                        return log_oom();
                r = run(ssh);
                if (r != 0)
                        return log_error_errno(EIO, "scp failed (exit status %d, reason above).", r);
                return 0;
        }
        if (shell_quote(incomplete, &qinc) < 0 || asprintf(&cmd, "umask 077 && cat > %s", qinc) < 0 ||
            ssh_command_argv(&d->params, cmd, &ssh) < 0)
                return log_oom();
        r = collector_argv(c, true, SUM_VMCORE, NULL, &collector);
        if (r < 0)
                return log_error_errno(r, "Failed to parse core_collector '%s': %m", c->core_collector);
        log_info("Sending the dump with '%s -F'%s to %s:%s ...", c->core_collector,
                 capture_sealed(c) ? ", sealed to the encrypt_to keys," : "", d->host, incomplete);
        r = spawn_pipeline(collector, ssh, -1, &a, &b);
        kdump_config_argv_free(collector);
        if (r < 0)
                return log_error_errno(r, "Failed to start the collector and ssh: %m");
        if (a != 0)
                end_progress_line();
        if (a != 0 || b != 0)
                return log_error_errno(EIO, "The dump did not reach the SSH server (collector exit status %d, ssh exit "
                                       "status %d%s); the partial dump stays there as %s.", a, b,
                                       b == 255 ? ": the connection failed or the server stopped answering" : "",
                                       incomplete);
        return 0;
}

/* vmcore-incomplete -> final, 0600; its size. */
static int complete(const struct ssh_dump *d, const char *incomplete, const char *final, unsigned long long *ret_size) {
        _cleanup_free_ char *qi = NULL, *qf = NULL, *cmd = NULL, *out = NULL;
        int r;

        if (shell_quote(incomplete, &qi) < 0 || shell_quote(final, &qf) < 0 ||
            asprintf(&cmd, "chmod 600 -- %1$s && mv -f -- %1$s %2$s && sync && wc -c < %2$s", qi, qf) < 0)
                return log_oom();
        r = remote(d, "Renaming the dump", cmd, -1, &out);
        if (r < 0)
                return r;
        *ret_size = out ? strtoull(out, NULL, 10) : 0;
        return 0;
}

int capture_ssh(const kdump_config *c, bool *ret_skipped) {
        _cleanup_(ssh_dump_done) struct ssh_dump d = {};
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *user = NULL, *host = NULL, *what = NULL, *incomplete = NULL, *final = NULL;
        unsigned long long size = 0;
        double t0, t1;
        int r;

        r = kdump_config_ssh_split(c->device, &user, &host);
        if (r < 0)
                return log_error_errno(r, "%s: ssh %s is not <user>@<server>", CAPTURE_CONF, c->device);
        if (asprintf(&what, "the SSH server %s", host) < 0)
                return log_oom();
        r = net_up(what, &n);
        if (r < 0)
                return r;
        d.host = host;
        d.params = (struct ssh_params) {
                .user = user, .address = host, .key = c->sshkey ?: CAPTURE_SSH_KEY,
                .known_hosts = CAPTURE_SSH_KNOWN_HOSTS,
        };
        setenv("HOME", CAPTURE_HOME, 1);
        if (run_pre(c) > 0) {
                *ret_skipped = true;
                return 0;
        }
        r = make_dir(&d, c, n->address);
        if (r < 0)
                return r;
        if (capture_sealed(c)) {
                _cleanup_free_ char *cmd = NULL;
                _cleanup_close_ int fd = open(CAPTURE_RECIPIENTS, O_RDONLY | O_CLOEXEC);

                if (fd < 0 || asprintf(&cmd, "umask 077 && cat > %s/RECIPIENTS", d.qdir) < 0 ||
                    remote(&d, "Sending RECIPIENTS", cmd, fd, NULL) < 0)
                        log_warning("Going on without RECIPIENTS next to the sealed dump.");
        }
        send_dmesg(&d, c);
        if (asprintf(&incomplete, "%s/%s", d.dir, capture_name(c, CAPTURE_FILE_INCOMPLETE)) < 0 ||
            asprintf(&final, "%s/%s", d.dir, kdump_config_collector_is_scp(c) ? "vmcore" :
                                             capture_name(c, CAPTURE_FILE_FLAT)) < 0)
                return log_oom();
        t0 = uptime();
        r = send_dump(&d, c, incomplete);
        t1 = uptime();
        if (r >= 0)
                r = complete(&d, incomplete, final, &size);
        if (r < 0) {
                run_post(c, 1);
                return r;
        }
        send_manifest(&d, c, strrchr(final, '/') + 1);
        /* The test harness and people read these lines: keep their form. */
        log_info("dump written: %s:%s (%llu bytes) in %.2f s", host, final, size, t1 - t0);
        log_info("capture kernel uptime at dump end: %.2f s", t1);
        run_post(c, 0);
        return 0;
}
