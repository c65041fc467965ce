/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/net/nfs-mount.h"
#include "kdumpd/nfs-check.h"

#define NFS_PORT 2049
#define CONNECT_TIMEOUT_MS 5000
#define TEXT_MAX 4096

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* TCP to port 2049, bounded: the quick, clear answer for a server that
 * is down, unreachable or behind a firewall. */
static int probe_port(const net_record *n, unsigned timeout_ms) {
        struct sockaddr_storage ss = {};
        socklen_t len;
        _cleanup_close_ int fd = -EBADF;
        struct pollfd p;
        int err = 0, r;
        socklen_t elen = sizeof(err);

        if (n->family == AF_INET) {
                struct sockaddr_in *a = (struct sockaddr_in *) &ss;
                a->sin_family = AF_INET;
                a->sin_port = htons(NFS_PORT);
                inet_pton(AF_INET, n->server, &a->sin_addr);
                len = sizeof(*a);
        } else {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;
                a->sin6_family = AF_INET6;
                a->sin6_port = htons(NFS_PORT);
                inet_pton(AF_INET6, n->server, &a->sin6_addr);
                len = sizeof(*a);
        }
        fd = socket(n->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return negative_errno();
        if (connect(fd, (struct sockaddr *) &ss, len) == 0)
                return 0;
        if (errno != EINPROGRESS)
                return negative_errno();
        p = (struct pollfd) { .fd = fd, .events = POLLOUT };
        r = poll(&p, 1, (int) timeout_ms);
        if (r < 0)
                return negative_errno();
        if (r == 0)
                return -ETIMEDOUT;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
                return negative_errno();
        return -err;
}

static const char *hint(int err) {
        switch (err) {
        case EACCES:
        case EPERM:
                return " Export it to this machine with root access (no_root_squash in /etc/exports), or use "
                       "a path root may write to.";
        case EROFS:
                return " The export is read-only: export it rw.";
        case ENOENT:
                return " Check the export's name (showmount -e on the server, or exportfs -v there).";
        case ETIMEDOUT:
        case EHOSTUNREACH:
        case ENETUNREACH:
        case ECONNREFUSED:
                return " Is the server up, with the NFS server running, and does no firewall block port 2049?";
        default:
                return "";
        }
}

/* The child: mounts, runs fn, and writes "ok <text>" or "err <errno>
 * <message>" to fd. */
_noreturn_
static void child(const dump_target *t, const char *mnt, int fd,
                  int (*fn)(const dump_target *t, const char *mnt, FILE *out, void *userdata), void *userdata) {
        _cleanup_free_ char *err = NULL, *text = NULL;
        const char *vers = NULL;
        size_t size = 0;
        FILE *out;
        int r;

        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                dprintf(fd, "err %d cannot make a private mount namespace: %s", errno, strerror(errno));
                _exit(1);
        }
        /* shorter than the capture's: a server that answers does so fast */
        r = nfs_mount(&(struct nfs_mount_params) {
                        .server = t->net->server,
                        .client = t->net->address,
                        .export = t->export,
                        .timeo_ds = 50,
                        .retrans = 1,
                        .extra = t->options,
                }, mnt, &vers, &err);
        if (r < 0) {
                dprintf(fd, "err %d %s", -r, err ?: strerror(-r));
                _exit(1);
        }
        out = open_memstream(&text, &size);
        if (!out)
                _exit(1);
        fprintf(out, "%s ", vers);
        r = fn(t, mnt, out, userdata);
        if (fclose(out) != 0)
                _exit(1);
        if (r < 0)
                dprintf(fd, "err %d %s", -r, text + strlen(vers) + 1);
        else
                dprintf(fd, "ok %s", text);
        (void) umount2(mnt, MNT_DETACH);
        _exit(r < 0);
}

int nfs_target_with_mount(const dump_target *t, unsigned timeout_s,
                          int (*fn)(const dump_target *t, const char *mnt, FILE *out, void *userdata), void *userdata,
                          char **ret_text, char **ret_error) {
        char mnt[] = "/tmp/kdumpd-nfs.XXXXXX";
        _cleanup_free_ char *buf = malloc(TEXT_MAX + 64);
        const char *server = t->server_name ?: t->net ? t->net->server : "?";
        long long deadline = now_ms() + (long long) timeout_s * 1000;
        int fds[2], r, status = 0, e = 0;
        size_t n = 0;
        pid_t pid;

        if (!t->net || !t->export)
                return -EINVAL;
        if (!buf)
                return -ENOMEM;
        r = probe_port(t->net, CONNECT_TIMEOUT_MS);
        if (r < 0)
                return set_error_message(ret_error, -r, "the NFS server %s (%s) does not answer on port %d: %s.%s",
                                         server, t->net->server, NFS_PORT,
                                         r == -ETIMEDOUT ? "no answer within 5 s" : strerror(-r), hint(-r));
        if (!mkdtemp(mnt))
                return set_error_message(ret_error, errno, "cannot create a mount point for the export: %s",
                                         strerror(errno));
        if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
                r = negative_errno();
                (void) rmdir(mnt);
                return r;
        }
        if (pid == 0) {
                close(fds[0]);
                child(t, mnt, fds[1], fn, userdata);
        }
        close(fds[1]);
        for (;;) {
                struct pollfd p = { .fd = fds[0], .events = POLLIN };
                long long left = deadline - now_ms();
                ssize_t k;

                if (left <= 0) {
                        (void) kill(pid, SIGKILL);
                        e = ETIMEDOUT;
                        break;
                }
                r = poll(&p, 1, (int) left);
                if (r <= 0)
                        continue;
                k = read(fds[0], buf + n, TEXT_MAX + 63 - n);
                if (k <= 0 || (n += (size_t) k) >= TEXT_MAX + 63)
                        break;
        }
        buf[n] = 0;
        close(fds[0]);
        (void) waitpid(pid, &status, 0);
        (void) rmdir(mnt);
        if (e == ETIMEDOUT)
                return set_error_message(ret_error, ETIMEDOUT, "using %s:%s did not finish within %us.%s", server,
                                         t->export, timeout_s, hint(ETIMEDOUT));
        if (strncmp(buf, "ok ", 3) == 0) {
                char *text = strdup(buf + 3);

                if (!text)
                        return -ENOMEM;
                *ret_text = text;
                return 0;
        }
        if (strncmp(buf, "err ", 4) == 0) {
                char *msg = NULL;
                long v = strtol(buf + 4, &msg, 10);

                if (v <= 0 || v > 4095)
                        v = EIO;
                return set_error_message(ret_error, (int) v, "NFS server %s: %s.%s", server,
                                         msg && *msg == ' ' ? msg + 1 : buf, hint((int) v));
        }
        return set_error_message(ret_error, EIO, "the child using %s:%s ended without an answer (exit status %d)",
                                 server, t->export, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The check: path created if missing, a file written and synced there. */
static int check_writable(const dump_target *t, const char *mnt, FILE *out, void *userdata) {
        _cleanup_free_ char *dir = NULL, *probe = NULL;
        struct statvfs sv;
        struct stat st;
        bool created = false;
        int r, pfd;

        if (asprintf(&dir, "%s%s", mnt, strcmp(t->path, "/") == 0 ? "" : t->path) < 0 ||
            asprintf(&probe, "%s/.kdumpd-write-check", dir) < 0)
                return -ENOMEM;
        if (stat(dir, &st) < 0) {
                r = mkdir_p(dir, 0700);
                if (r < 0) {
                        fprintf(out, "cannot create %s on the export: %s", t->path, strerror(-r));
                        return r;
                }
                created = true;
        } else if (!S_ISDIR(st.st_mode)) {
                fprintf(out, "%s on the export is not a directory", t->path);
                return -ENOTDIR;
        }
        pfd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (pfd < 0 || write(pfd, "k", 1) != 1 || fsync(pfd) < 0) {
                r = errno ? errno : EIO;
                fprintf(out, "cannot write in %s on the export: %s", t->path, strerror(r));
                return -r;
        }
        close(pfd);
        (void) unlink(probe);
        if (statvfs(dir, &sv) < 0)
                sv = (struct statvfs) {};
        fprintf(out, "%llu %d", (unsigned long long) sv.f_bavail * sv.f_frsize, created);
        return 0;
}

int nfs_target_check(const dump_target *t, unsigned timeout_s, struct nfs_check_result *ret, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        struct nfs_check_result res = {};
        unsigned long long free_bytes;
        int created, r;

        r = nfs_target_with_mount(t, timeout_s, check_writable, NULL, &text, ret_error);
        if (r < 0)
                return r;
        if (sscanf(text, "%7s %llu %d", res.vers, &free_bytes, &created) != 3)
                return set_error_message(ret_error, EIO, "the NFS check said '%s'", text);
        res.free_bytes = free_bytes;
        res.created_path = created;
        *ret = res;
        return 0;
}
