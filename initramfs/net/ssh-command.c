/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "initramfs/net/ssh-command.h"

int shell_quote(const char *s, char **ret) {
        size_t n = 2;
        char *q, *o;

        for (const char *p = s; *p; p++)
                n += *p == '\'' ? 4 : 1;
        q = malloc(n + 1);
        if (!q)
                return -ENOMEM;
        o = q;
        *o++ = '\'';
        for (const char *p = s; *p; p++)
                if (*p == '\'') {
                        memcpy(o, "'\\''", 4);
                        o += 4;
                } else
                        *o++ = *p;
        *o++ = '\'';
        *o = 0;
        *ret = q;
        return 0;
}

/* The options both ssh and scp take. */
static int push_options(char ***v, size_t *n, const struct ssh_params *p) {
        char buf[64];
        _cleanup_free_ char *kh = NULL;
        int r = 0;

        if (asprintf(&kh, "UserKnownHostsFile=%s", p->known_hosts) < 0)
                return -ENOMEM;
        r = strv_push(v, n, "-F");
        if (r >= 0)
                r = strv_push(v, n, "/dev/null");
        if (r >= 0)
                r = strv_push(v, n, "-i");
        if (r >= 0)
                r = strv_push(v, n, p->key);
        {
                const char *fixed[] = {
                        "BatchMode=yes", "StrictHostKeyChecking=yes", "GlobalKnownHostsFile=/dev/null",
                        "CheckHostIP=no", "IdentitiesOnly=yes", "UpdateHostKeys=no", "LogLevel=ERROR",
                        "PasswordAuthentication=no", "KbdInteractiveAuthentication=no",
                };
                for (size_t i = 0; r >= 0 && i < ELEMENTSOF(fixed); i++)
                        if ((r = strv_push(v, n, "-o")) >= 0)
                                r = strv_push(v, n, fixed[i]);
        }
        if (r >= 0 && (r = strv_push(v, n, "-o")) >= 0)
                r = strv_push(v, n, kh);
        snprintf(buf, sizeof(buf), "ConnectTimeout=%u", p->connect_timeout_s ?: 30);
        if (r >= 0 && (r = strv_push(v, n, "-o")) >= 0)
                r = strv_push(v, n, buf);
        snprintf(buf, sizeof(buf), "ServerAliveInterval=%u", p->alive_interval_s ?: 15);
        if (r >= 0 && (r = strv_push(v, n, "-o")) >= 0)
                r = strv_push(v, n, buf);
        snprintf(buf, sizeof(buf), "ServerAliveCountMax=%u", p->alive_count ?: 4);
        if (r >= 0 && (r = strv_push(v, n, "-o")) >= 0)
                r = strv_push(v, n, buf);
        return r;
}

int ssh_command_argv(const struct ssh_params *p, const char *remote, char ***ret) {
        _cleanup_free_ char *dest = NULL;
        char **v = NULL;
        size_t n = 0;
        int r;

        if (!p->user || !p->address || !p->key || !p->known_hosts)
                return -EINVAL;
        if (asprintf(&dest, "%s@%s", p->user, p->address) < 0)
                return -ENOMEM;
        r = strv_push(&v, &n, p->program ?: "ssh");
        if (r >= 0)
                r = push_options(&v, &n, p);
        if (r >= 0)
                r = strv_push(&v, &n, dest);
        if (r >= 0 && remote && (r = strv_push(&v, &n, "--")) >= 0)
                r = strv_push(&v, &n, remote);
        if (r < 0) {
                strv_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

int ssh_scp_argv(const struct ssh_params *p, const char *local, const char *remote_path, char ***ret) {
        _cleanup_free_ char *dest = NULL;
        char **v = NULL;
        size_t n = 0;
        int r;

        if (!p->user || !p->address || !p->key || !p->known_hosts)
                return -EINVAL;
        /* scp's target: an IPv6 address in brackets */
        if (asprintf(&dest, strchr(p->address, ':') ? "%s@[%s]:%s" : "%s@%s:%s", p->user, p->address, remote_path) < 0)
                return -ENOMEM;
        r = strv_push(&v, &n, p->program ?: "scp");
        if (r >= 0)
                r = strv_push(&v, &n, "-q");
        if (r >= 0)
                r = push_options(&v, &n, p);
        if (r >= 0)
                r = strv_push(&v, &n, "--");
        if (r >= 0)
                r = strv_push(&v, &n, local);
        if (r >= 0)
                r = strv_push(&v, &n, dest);
        if (r < 0) {
                strv_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

enum ssh_failure ssh_failure_classify(const char *e) {
        static const struct {
                const char *needle;
                enum ssh_failure f;
        } table[] = {
                /* the order matters: a changed key also says "verification failed" */
                { "REMOTE HOST IDENTIFICATION HAS CHANGED", SSH_FAILURE_HOST_KEY_CHANGED },
                { "host key for", SSH_FAILURE_HOST_KEY_CHANGED },      /* "Host key for X has changed" */
                { "you have requested strict checking", SSH_FAILURE_HOST_KEY_UNKNOWN },
                { "Host key verification failed", SSH_FAILURE_HOST_KEY_UNKNOWN },
                { "UNPROTECTED PRIVATE KEY FILE", SSH_FAILURE_KEY_FILE },
                { "Load key", SSH_FAILURE_KEY_FILE },
                { "no such identity", SSH_FAILURE_KEY_FILE },
                { "Permission denied", SSH_FAILURE_AUTH },
                { "Too many authentication failures", SSH_FAILURE_AUTH },
                { "Connection refused", SSH_FAILURE_REFUSED },
                { "No route to host", SSH_FAILURE_UNREACHABLE },
                { "Network is unreachable", SSH_FAILURE_UNREACHABLE },
                { "Connection timed out", SSH_FAILURE_TIMEOUT },
                { "Operation timed out", SSH_FAILURE_TIMEOUT },
                { "Timeout, server", SSH_FAILURE_CLOSED },
                { "Broken pipe", SSH_FAILURE_CLOSED },
                { "Connection reset", SSH_FAILURE_CLOSED },
                { "Connection closed", SSH_FAILURE_CLOSED },
        };

        if (!e)
                return SSH_FAILURE_OTHER;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (strcasestr(e, table[i].needle))
                        return table[i].f;
        return SSH_FAILURE_OTHER;
}

const char *ssh_failure_hint(enum ssh_failure f) {
        switch (f) {
        case SSH_FAILURE_HOST_KEY_UNKNOWN:
                return "the server's host key is not known on this machine; run 'kdumpctl propagate', which shows "
                       "its fingerprint for you to confirm";
        case SSH_FAILURE_HOST_KEY_CHANGED:
                return "the server's host key is not the one recorded in known_hosts; if it changed legitimately, "
                       "remove the old one (ssh-keygen -R <server>) and run 'kdumpctl propagate'";
        case SSH_FAILURE_AUTH:
                return "the server does not accept the key; run 'kdumpctl propagate' to install it";
        case SSH_FAILURE_KEY_FILE:
                return "the key file cannot be used (missing, readable by others, or with a passphrase); "
                       "'kdumpctl propagate' creates one";
        case SSH_FAILURE_REFUSED:
                return "nothing answers on the SSH port; is sshd running there?";
        case SSH_FAILURE_UNREACHABLE:
                return "there is no way to the server from here";
        case SSH_FAILURE_TIMEOUT:
                return "the server did not answer in time; is it up, and is port 22 open?";
        case SSH_FAILURE_CLOSED:
                return "the connection to the server ended";
        default:
                return NULL;
        }
}

int ssh_df_parse(const char *text, uint64_t *ret_free_bytes) {
        unsigned long long blocks, used, avail;
        const char *p;

        /* df -P: one header line, then one line per file system:
         * "<fs> <1024-blocks> <used> <available> <capacity> <mounted on>" */
        p = strchr(text, '\n');
        if (!p || strncmp(text, "Filesystem", 10) != 0)
                return -EINVAL;
        if (sscanf(p + 1, "%*s %llu %llu %llu", &blocks, &used, &avail) != 3)
                return -EINVAL;
        if (avail > UINT64_MAX / 1024)
                return -ERANGE;
        *ret_free_bytes = (uint64_t) avail * 1024;
        return 0;
}

static bool has_line(const char *text, const char *line, size_t len) {
        for (const char *p = text; p && *p;) {
                const char *e = strchrnul(p, '\n');
                if ((size_t) (e - p) == len && memcmp(p, line, len) == 0)
                        return true;
                p = *e ? e + 1 : NULL;
        }
        return false;
}

int ssh_known_hosts_render(const char *out, const char *address, char **ret, unsigned *ret_n) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        unsigned n = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        for (const char *p = out; p && *p;) {
                const char *e = strchrnul(p, '\n');
                char host[1024], type[64], key[8192];

                if (*p != '#' && *p != '@' && (size_t) (e - p) < sizeof(key) &&
                    sscanf(p, "%1023s %63s %8191s", host, type, key) == 3) {
                        _cleanup_free_ char *line = NULL;
                        int k = asprintf(&line, "%s %s %s", address, type, key);

                        if (k < 0) {
                                fclose(f);
                                return -ENOMEM;
                        }
                        fflush(f);
                        if (!has_line(buf ?: "", line, (size_t) k)) {
                                fprintf(f, "%s\n", line);
                                n++;
                        }
                }
                p = *e ? e + 1 : NULL;
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        if (ret_n)
                *ret_n = n;
        return 0;
}
