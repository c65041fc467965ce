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

/* In the child: 0 and the result, or -errno and a message, written to fd
 * as "ok <vers> <free> <created>" or "err <errno> <message>". */
_noreturn_
static void child(const dump_target *t, const char *mnt, int fd) {
        _cleanup_free_ char *err = NULL, *dir = NULL, *probe = NULL;
        const char *vers = NULL;
        struct statvfs sv;
        struct stat st;
        bool created = false;
        int r, pfd;

        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                dprintf(fd, "err %d cannot make a private mount namespace for the check: %s", errno, strerror(errno));
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
        if (asprintf(&dir, "%s%s", mnt, strcmp(t->path, "/") == 0 ? "" : t->path) < 0 ||
            asprintf(&probe, "%s/.kdumpd-write-check", dir) < 0)
                _exit(1);
        if (stat(dir, &st) < 0) {
                r = mkdir_p(dir, 0700);
                if (r < 0) {
                        dprintf(fd, "err %d cannot create %s on the export: %s", -r, t->path, strerror(-r));
                        _exit(1);
                }
                created = true;
        } else if (!S_ISDIR(st.st_mode)) {
                dprintf(fd, "err %d %s on the export is not a directory", ENOTDIR, t->path);
                _exit(1);
        }
        pfd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (pfd < 0 || write(pfd, "k", 1) != 1 || fsync(pfd) < 0) {
                int e = errno ? errno : EIO;
                dprintf(fd, "err %d cannot write in %s on the export: %s", e, t->path, strerror(e));
                _exit(1);
        }
        close(pfd);
        (void) unlink(probe);
        if (statvfs(dir, &sv) < 0)
                sv = (struct statvfs) {};
        dprintf(fd, "ok %s %llu %d", vers, (unsigned long long) sv.f_bavail * sv.f_frsize, created);
        (void) umount2(mnt, MNT_DETACH);
        _exit(0);
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

int nfs_target_check(const dump_target *t, unsigned timeout_s, struct nfs_check_result *ret, char **ret_error) {
        char mnt[] = "/tmp/kdumpd-nfs-check.XXXXXX", buf[1024];
        const char *server = t->server_name ?: t->net->server;
        long long deadline = now_ms() + (long long) timeout_s * 1000;
        int fds[2], r, status, e = 0;
        ssize_t n = 0;
        pid_t pid;

        if (!t->net || !t->export)
                return -EINVAL;
        r = probe_port(t->net, CONNECT_TIMEOUT_MS);
        if (r < 0)
                return set_error_message(ret_error, -r, "the NFS server %s (%s) does not answer on port %d: %s.%s",
                                         server, t->net->server, NFS_PORT,
                                         r == -ETIMEDOUT ? "no answer within 5 s" : strerror(-r), hint(-r));
        if (!mkdtemp(mnt))
                return set_error_message(ret_error, errno, "cannot create a mount point for the check: %s", strerror(errno));
        if (pipe2(fds, O_CLOEXEC) < 0) {
                r = negative_errno();
                (void) rmdir(mnt);
                return r;
        }
        pid = fork();
        if (pid < 0) {
                r = negative_errno();
                close(fds[0]);
                close(fds[1]);
                (void) rmdir(mnt);
                return r;
        }
        if (pid == 0) {
                close(fds[0]);
                child(t, mnt, fds[1]);
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
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        continue;
                k = read(fds[0], buf + n, sizeof(buf) - 1 - (size_t) n);
                if (k <= 0)
                        break;
                n += k;
                if ((size_t) n >= sizeof(buf) - 1)
                        break;
        }
        buf[n] = 0;
        close(fds[0]);
        (void) waitpid(pid, &status, 0);
        (void) rmdir(mnt);
        if (e == ETIMEDOUT)
                return set_error_message(ret_error, ETIMEDOUT, "mounting %s from %s and writing to %s there did not "
                                         "finish within %us.%s", t->export, server, t->path, timeout_s, hint(ETIMEDOUT));
        if (strncmp(buf, "ok ", 3) == 0) {
                struct nfs_check_result res = {};
                unsigned long long free_bytes;
                int created;

                if (sscanf(buf + 3, "%7s %llu %d", res.vers, &free_bytes, &created) != 3)
                        return set_error_message(ret_error, EIO, "the NFS check said '%s'", buf);
                res.free_bytes = free_bytes;
                res.created_path = created;
                *ret = res;
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
        return set_error_message(ret_error, EIO, "the NFS check of %s:%s ended without an answer (exit status %d)",
                                 server, t->export, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
