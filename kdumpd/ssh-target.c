/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "basic/strv.h"
#include "kdumpd/ssh-target.h"

static int keygen_find(const char *name, const char *file, FILE *out) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        int r;

        if (access(file, R_OK) < 0)
                return 0;
        r = spawn_capture((char *const[]) { (char *) "ssh-keygen", (char *) "-F", (char *) name, (char *) "-f",
                                            (char *) file, NULL },
                          &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1,
                                                 .timeout_ms = SSH_CHECK_TIMEOUT_S * 1000 }, &res);
        if (r < 0)
                return r;
        if (res.status == 127)
                return -ENOENT;
        /* 0: found, 1: not found */
        if (res.status == 0 && res.out)
                fputs(res.out, out);
        return 0;
}

int ssh_target_known_hosts(const char *host, const char *address, char **ret_text, unsigned *ret_n) {
        _cleanup_free_ char *found = NULL, *user_file = NULL;
        const struct passwd *pw = getpwuid(geteuid());
        const char *names[] = { host, strcmp(host, address) ? address : NULL };
        size_t size = 0;
        FILE *f;
        int r = 0;

        if (asprintf(&user_file, "%s/.ssh/known_hosts", pw && pw->pw_dir ? pw->pw_dir : "/root") < 0)
                return -ENOMEM;
        f = open_memstream(&found, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(names); i++)
                if (names[i]) {
                        r = keygen_find(names[i], user_file, f);
                        if (r >= 0)
                                r = keygen_find(names[i], "/etc/ssh/ssh_known_hosts", f);
                }
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        return ssh_known_hosts_render(found ?: "", address, ret_text, ret_n);
}

int ssh_target_known_hosts_file(const dump_target *t, const char *state_dir, char **ret_path) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, "%s/ssh_known_hosts", state_dir) < 0)
                return -ENOMEM;
        r = mkdir_p(state_dir, 0700);
        if (r < 0)
                return r;
        r = write_file_atomic(path, t->known_hosts ?: "", t->known_hosts ? strlen(t->known_hosts) : 0, 0600);
        if (r < 0)
                return r;
        *ret_path = TAKE_PTR(path);
        return 0;
}

static void ssh_target_params(const dump_target *t, const char *key_path, const char *known_hosts_path, unsigned connect_s,
                       struct ssh_params *ret) {
        *ret = (struct ssh_params) {
                .user = t->user,
                .address = t->net->server,
                .key = key_path,
                .known_hosts = known_hosts_path,
                .connect_timeout_s = connect_s,
        };
}

int ssh_target_check_key(const dump_target *t, char **ret_error) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        struct stat st;
        int r;

        if (stat(t->sshkey, &st) < 0)
                return set_error_message(ret_error, errno, "the SSH key %s: %s; run 'kdumpctl propagate' to create it "
                                         "and install it on %s, or set sshkey in kdump.conf", t->sshkey,
                                         strerror(errno), t->server_name);
        if (!S_ISREG(st.st_mode))
                return set_error_message(ret_error, EINVAL, "the SSH key %s is not a file", t->sshkey);
        if (st.st_mode & 077)
                return set_error_message(ret_error, EPERM, "the SSH key %s can be read by others (mode %04o), and ssh "
                                         "refuses such a key: chmod 600 %s", t->sshkey, (unsigned) (st.st_mode & 07777),
                                         t->sshkey);
        /* -y: the public key from the private one; with an empty passphrase
         * it fails when the key has one */
        r = spawn_capture((char *const[]) { (char *) "ssh-keygen", (char *) "-y", (char *) "-P", (char *) "",
                                            (char *) "-f", t->sshkey, NULL },
                          &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1,
                                                 .timeout_ms = SSH_CHECK_TIMEOUT_S * 1000 }, &res);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot run ssh-keygen (apt install openssh-client): %s",
                                         strerror(-r));
        if (res.status == 127)
                return set_error_message(ret_error, ENOENT, "ssh-keygen is not installed (apt install openssh-client)");
        if (res.status != 0)
                return set_error_message(ret_error, EINVAL, "the SSH key %s cannot be used without a passphrase (%s); "
                                         "the capture kernel cannot type one: make a key without it (kdumpctl propagate "
                                         "creates one when sshkey names a file that does not exist)", t->sshkey,
                                         res.err && *res.err ? strtok(res.err, "\r\n") : "ssh-keygen -y failed");
        return 0;
}

static char *first_line(char *s) {
        if (!s)
                return NULL;
        s += strspn(s, "\r\n");
        s[strcspn(s, "\r\n")] = 0;
        return s;
}

int ssh_target_run(const dump_target *t, const char *known_hosts_path, const char *remote, char **ret_out,
                   char **ret_error) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        _cleanup_(strv_freep) char **argv = NULL;
        struct ssh_params p;
        enum ssh_failure f;
        const char *hint;
        int r;

        ssh_target_params(t, t->sshkey, known_hosts_path, SSH_CHECK_CONNECT_S, &p);
        r = ssh_command_argv(&p, remote, &argv);
        if (r < 0)
                return r;
        r = spawn_capture(argv, &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1,
                                                       .timeout_ms = SSH_CHECK_TIMEOUT_S * 1000 }, &res);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot run ssh (apt install openssh-client): %s", strerror(-r));
        if (res.timed_out)
                return set_error_message(ret_error, ETIMEDOUT, "%s (%s) did not finish within %us", t->server_name,
                                         t->net->server, SSH_CHECK_TIMEOUT_S);
        if (res.status == 127 && (!res.err || !*res.err))
                return set_error_message(ret_error, ENOENT, "ssh is not installed (apt install openssh-client)");
        if (res.status == 255) {
                f = ssh_failure_classify(res.err);
                hint = ssh_failure_hint(f);
                /* ssh's own words where we have none better (its banner
                 * for a changed key is a box of '@') */
                if (hint)
                        return set_error_message(ret_error, f == SSH_FAILURE_AUTH ? EKEYREJECTED :
                                                                    f == SSH_FAILURE_KEY_FILE ? ENOKEY :
                                                                    f == SSH_FAILURE_HOST_KEY_UNKNOWN ||
                                                                    f == SSH_FAILURE_HOST_KEY_CHANGED ? EACCES : EHOSTUNREACH,
                                                 "ssh to %s (%s) with the key %s: %s", t->spec, t->server_name,
                                                 t->sshkey, hint);
                return set_error_message(ret_error, EIO, "ssh to %s (%s) failed: %s", t->spec, t->server_name,
                                         first_line(res.err) ?: "exit status 255");
        }
        if (res.status != 0)
                return set_error_message(ret_error, EIO, "on %s (%s): %s (exit status %d)", t->server_name, t->spec,
                                         first_line(res.err) && *first_line(res.err) ? first_line(res.err) : "the command failed",
                                         res.status);
        if (ret_out)
                *ret_out = TAKE_PTR(res.out);
        return 0;
}

int ssh_target_check(const dump_target *t, const char *known_hosts_path, struct ssh_check_result *ret,
                     char **ret_error) {
        _cleanup_free_ char *qpath = NULL, *remote = NULL, *out = NULL;
        struct ssh_check_result res = {};
        const char *df;
        int r;

        if (t->n_host_keys == 0)
                return set_error_message(ret_error, EACCES, "the host key of the SSH server %s (%s) is not known on this "
                                         "machine (not in root's ~/.ssh/known_hosts or /etc/ssh/ssh_known_hosts), and "
                                         "the capture kernel accepts no unknown key: run 'kdumpctl propagate', which "
                                         "shows its fingerprint for you to confirm", t->server_name, t->net->server);
        r = ssh_target_check_key(t, ret_error);
        if (r < 0)
                return r;
        r = shell_quote(t->path, &qpath);
        if (r < 0)
                return r;
        /* what the capture does, in small: path made 0700 if missing, a
         * file written there and removed, then the free space */
        if (asprintf(&remote,
                     "umask 077; if [ -d %1$s ]; then echo created=0; else mkdir -p -- %1$s || exit 1; echo created=1; fi; "
                     "f=%1$s/.kdumpd-write-check.$$; : > \"$f\" || exit 1; rm -f -- \"$f\"; df -Pk -- %1$s",
                     qpath) < 0)
                return -ENOMEM;
        r = ssh_target_run(t, known_hosts_path, remote, &out, ret_error);
        if (r < 0)
                return r;
        res.created_path = out && strncmp(out, "created=1", 9) == 0;
        df = out ? strstr(out, "Filesystem") : NULL;
        if (!df || ssh_df_parse(df, &res.free_bytes) < 0)
                res.free_bytes = 0;     /* not fatal: a server without df */
        *ret = res;
        return 0;
}
