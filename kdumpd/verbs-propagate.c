/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "build-config.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "config/kdump-conf.h"
#include "kdumpd/dump-target.h"
#include "kdumpd/ssh-target.h"
#include "kdumpd/verbs-propagate.h"

#define SPAWN_OPTS(...) (&(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1, \
                                                 .timeout_ms = SSH_CHECK_TIMEOUT_S * 1000, __VA_ARGS__ })

static int create_key(const char *key) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        _cleanup_free_ char *dir = strdup(key), *comment = NULL;
        struct utsname u;
        int r;

        if (!dir || uname(&u) < 0 || asprintf(&comment, "kdump@%s", u.nodename) < 0)
                return log_oom();
        r = mkdir_p(dirname(dir), 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create the directory of %s: %m", key);
        r = spawn_capture((char *const[]) { (char *) "ssh-keygen", (char *) "-q", (char *) "-t", (char *) "ed25519",
                                            (char *) "-N", (char *) "", (char *) "-C", comment, (char *) "-f",
                                            (char *) key, NULL }, SPAWN_OPTS(), &res);
        if (r < 0 || res.status != 0)
                return log_error_errno(r < 0 ? r : EIO, "ssh-keygen could not create %s: %s", key,
                                       r < 0 ? strerror(-r) : res.err && *res.err ? res.err : "failed");
        log_info("Created the key %s (ed25519, no passphrase: the capture kernel cannot type one) and %s.pub.", key, key);
        return 0;
}

/* The public half next to the key, which ssh-copy-id sends. */
static int ensure_public(const char *key, char **ret_pub) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        _cleanup_free_ char *pub = NULL;
        int r;

        if (asprintf(&pub, "%s.pub", key) < 0)
                return log_oom();
        if (access(pub, R_OK) < 0) {
                r = spawn_capture((char *const[]) { (char *) "ssh-keygen", (char *) "-y", (char *) "-f", (char *) key, NULL },
                                  SPAWN_OPTS(), &res);
                if (r < 0 || res.status != 0 || !res.out)
                        return log_error_errno(EIO, "ssh-keygen -y -f %s failed: %s", key, res.err ?: "");
                r = write_file_atomic(pub, res.out, strlen(res.out), 0644);
                if (r < 0)
                        return log_error_errno(r, "Failed to write %s: %m", pub);
        }
        *ret_pub = TAKE_PTR(pub);
        return 0;
}

static bool ask_yes(const char *question) {
        char answer[16] = {};

        if (!isatty(STDIN_FILENO))
                return false;
        printf("%s ", question);
        fflush(stdout);
        if (!fgets(answer, sizeof(answer), stdin))
                return false;
        return strcmp(answer, "yes\n") == 0;
}

static int user_known_hosts(char **ret) {
        const struct passwd *pw = getpwuid(geteuid());

        return asprintf(ret, "%s/.ssh/known_hosts", pw && pw->pw_dir ? pw->pw_dir : "/root") < 0 ? -ENOMEM : 0;
}

/* The server's keys as it presents them (ssh-keyscan), their fingerprints
 * shown; on "yes", appended to root's known_hosts under the configured
 * name (and the address). */
static int trust_host_key(const dump_target *t) {
        _cleanup_(spawn_result_done) struct spawn_result scan = {}, fp = {};
        _cleanup_free_ char *kh = NULL, *lines = NULL, *dir = NULL;
        char tmp[] = "/tmp/kdumpctl-hostkeys.XXXXXX";
        size_t size = 0;
        FILE *f;
        int fd, r;

        r = spawn_capture((char *const[]) { (char *) "ssh-keyscan", (char *) "-T", (char *) "10", (char *) "-t",
                                            (char *) "ed25519,ecdsa,rsa", t->net->server, NULL }, SPAWN_OPTS(), &scan);
        if (r < 0 || scan.status != 0 || !scan.out || !*scan.out)
                return log_error_errno(EHOSTUNREACH, "ssh-keyscan could not read the host keys of %s (%s): %s",
                                       t->server_name, t->net->server, r < 0 ? strerror(-r) : "no answer on port 22");
        fd = mkstemp(tmp);
        if (fd < 0)
                return log_error_errno(errno, "mkstemp: %m");
        r = loop_write(fd, scan.out, strlen(scan.out));
        close(fd);
        if (r >= 0)
                r = spawn_capture((char *const[]) { (char *) "ssh-keygen", (char *) "-l", (char *) "-f", tmp, NULL },
                                  SPAWN_OPTS(), &fp);
        (void) unlink(tmp);
        if (r < 0 || fp.status != 0)
                return log_error_errno(EIO, "ssh-keygen -l could not read the keys ssh-keyscan returned.");
        printf("The host key of the SSH server %s (%s) is not known on this machine. It presents:\n%s", t->server_name,
               t->net->server, fp.out);
        fflush(stdout);
        if (!ask_yes("Compare with 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' run on the server.\n"
                     "Are these the server's keys? Type yes to trust them:"))
                return log_error_errno(EACCES, "The host key of %s was not accepted%s. Check the fingerprints above on "
                                       "the server, then add its key to root's ~/.ssh/known_hosts (for example "
                                       "ssh-keyscan -t ed25519 %s >> ~/.ssh/known_hosts) or run 'kdumpctl propagate' "
                                       "on a terminal.", t->server_name,
                                       isatty(STDIN_FILENO) ? "" : " (not a terminal: nothing can be confirmed here)",
                                       t->server_name);
        f = open_memstream(&lines, &size);
        if (!f)
                return log_oom();
        for (char *l = strtok(scan.out, "\n"); l; l = strtok(NULL, "\n")) {
                const char *rest = strchr(l, ' ');
                if (*l != '#' && rest)
                        fprintf(f, "%s%s%s%s\n", t->server_name, strcmp(t->server_name, t->net->server) ? "," : "",
                                strcmp(t->server_name, t->net->server) ? t->net->server : "", rest);
        }
        if (fclose(f) != 0)
                return log_oom();
        r = user_known_hosts(&kh);
        if (r < 0)
                return log_oom();
        dir = strdup(kh);
        if (!dir || mkdir_p(dirname(dir), 0700) < 0)
                return log_error_errno(EIO, "Failed to create the directory of %s.", kh);
        fd = open(kh, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0 || loop_write(fd, lines, strlen(lines)) < 0) {
                r = log_error_errno(errno, "Failed to add the host key to %s: %m", kh);
                if (fd >= 0)
                        close(fd);
                return r;
        }
        close(fd);
        log_info("Added the host key of %s to %s.", t->server_name, kh);
        return 0;
}

/* ssh asks the password through $SSH_ASKPASS without a terminal when
 * SSH_ASKPASS_REQUIRE=force (OpenSSH 8.4): how automation installs a key. */
static bool askpass_forced(void) {
        const char *a = getenv("SSH_ASKPASS"), *req = getenv("SSH_ASKPASS_REQUIRE");

        return a && *a && req && strcmp(req, "force") == 0;
}

static int install_key(const dump_target *t, const char *kh) {
        _cleanup_free_ char *pub = NULL, *dest = NULL, *khopt = NULL;
        bool askpass = askpass_forced();
        int r;

        r = ensure_public(t->sshkey, &pub);
        if (r < 0)
                return r;
        if (!askpass && !isatty(STDIN_FILENO))
                return log_error_errno(EACCES, "%s does not accept the key %s yet, and this is not a terminal to type "
                                       "the password of %s on: run 'kdumpctl propagate' on a terminal (or with "
                                       "SSH_ASKPASS=<program> SSH_ASKPASS_REQUIRE=force), or install %s there "
                                       "yourself (ssh-copy-id -i %s %s@%s).", t->server_name, t->sshkey, t->spec,
                                       pub, pub, t->user, t->server_name);
        if (asprintf(&dest, "%s@%s", t->user, t->net->server) < 0 || asprintf(&khopt, "UserKnownHostsFile=%s", kh) < 0)
                return log_oom();
        log_info("Installing %s for %s on %s with ssh-copy-id (it asks for the password%s) ...", pub, t->user,
                 t->server_name, askpass ? " with $SSH_ASKPASS" : "");
        r = spawn_wait((char *const[]) { (char *) "ssh-copy-id", (char *) "-i", pub, (char *) "-o",
                                         (char *) "StrictHostKeyChecking=yes", (char *) "-o", khopt, (char *) "-o",
                                         (char *) "GlobalKnownHostsFile=/dev/null", dest, NULL }, -1, -1);
        if (r != 0)
                return log_error_errno(EIO, "ssh-copy-id failed (exit status %d); the key is not installed on %s.", r,
                                       t->server_name);
        return 0;
}

int verb_propagate(const char *config_path, const char *state_dir) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_(dump_target_freep) dump_target *t = NULL;
        _cleanup_free_ char *err = NULL, *kh = NULL;
        struct ssh_check_result res;
        int r;

        r = kdump_config_load(config_path, &c, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err ?: "Failed to read the configuration");
        if (!kdump_config_is_ssh(c))
                return log_error_errno(EINVAL, "kdumpctl propagate sets up an ssh target; %s names %s%s%s.", config_path,
                                       c->fstype ?: "no target (the filesystem of path)", c->device ? " " : "",
                                       c->device ?: "");
        if (access(c->sshkey, F_OK) < 0) {
                r = create_key(c->sshkey);
                if (r < 0)
                        return r;
        } else
                log_info("Using the key %s.", c->sshkey);
        for (int pass = 0; pass < 2; pass++) {
                dump_target_free(TAKE_PTR(t));
                free(TAKE_PTR(err));
                r = dump_target_resolve(c, &t, &err);
                if (r < 0)
                        return log_error_errno(r, "%s: %s", config_path, err ?: strerror(-r));
                if (t->n_host_keys > 0)
                        break;
                if (pass == 1)
                        return log_error_errno(EACCES, "The host key of %s is still not found in known_hosts.",
                                               t->server_name);
                r = trust_host_key(t);
                if (r < 0)
                        return r;
        }
        log_info("The host key of %s is known (%u key%s).", t->server_name, t->n_host_keys, t->n_host_keys == 1 ? "" : "s");
        r = ssh_target_known_hosts_file(t, state_dir ?: KDUMP_STATEDIR, &kh);
        if (r < 0)
                return log_error_errno(r, "Failed to write the server's host keys to %s/ssh_known_hosts: %m",
                                       state_dir ?: KDUMP_STATEDIR);
        free(TAKE_PTR(err));
        r = ssh_target_run(t, kh, "true", NULL, &err);
        if (r == 0)
                log_info("%s accepts the key %s already.", t->spec, t->sshkey);
        else if (r == -EKEYREJECTED) {
                r = install_key(t, kh);
                if (r < 0)
                        return r;
        } else
                return log_error_errno(r, "%s", err ?: strerror(-r));
        free(TAKE_PTR(err));
        r = ssh_target_check(t, kh, &res, &err);
        if (r < 0)
                return log_error_errno(r, "The SSH target still does not work: %s", err ?: strerror(-r));
        log_info("%s:%s works for the capture kernel: the key is accepted, %s is writable. Run 'kdumpctl restart' to "
                 "load with it.", t->spec, t->path, t->path);
        return 0;
}
