/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "initramfs/net/nfs-mount.h"

const struct nfs_attempt nfs_attempts[] = {
        { "nfs4", "4.2" },
        { "nfs4", "4.1" },
        { "nfs", "3" },
        { NULL, NULL },
};

static bool is_v6(const char *a) {
        return strchr(a, ':') != NULL;
}

int nfs_source(const struct nfs_mount_params *p, char **ret) {
        if (!p->server || !p->export || p->export[0] != '/')
                return -EINVAL;
        if (asprintf(ret, is_v6(p->server) ? "[%s]:%s" : "%s:%s", p->server, p->export) < 0)
                return -ENOMEM;
        return 0;
}

int nfs_options(const struct nfs_mount_params *p, const struct nfs_attempt *a, char **ret) {
        bool v3 = strcmp(a->vers, "3") == 0;
        const char *proto;
        _cleanup_free_ char *v3opts = NULL;

        if (!p->server || !p->client)
                return -EINVAL;
        proto = is_v6(p->server) ? "tcp6" : "tcp";
        /* v3: the kernel asks the server's mountd itself (mountaddr=),
         * over TCP as for the data, so no UDP is needed on the way. */
        if (v3 && asprintf(&v3opts, ",mountaddr=%s,mountproto=%s,nolock", p->server, proto) < 0)
                return -ENOMEM;
        if (asprintf(ret, "vers=%s,addr=%s%s%s%s,proto=%s,soft,timeo=%u,retrans=%u%s%s",
                     a->vers, p->server, v3 ? "" : ",clientaddr=", v3 ? "" : p->client, v3opts ?: "", proto,
                     p->timeo_ds ? p->timeo_ds : 100, p->retrans, p->extra ? "," : "", p->extra ?: "") < 0)
                return -ENOMEM;
        return 0;
}

bool nfs_error_is_unreachable(int err) {
        return err == ETIMEDOUT || err == EHOSTUNREACH || err == ENETUNREACH || err == ECONNREFUSED ||
               err == EHOSTDOWN || err == ECONNRESET;
}

int nfs_mount(const struct nfs_mount_params *p, const char *target, const char **ret_vers, char **ret_error) {
        _cleanup_free_ char *source = NULL, *tried = NULL;
        int r, last = EPROTONOSUPPORT;

        r = nfs_source(p, &source);
        if (r < 0)
                return r;
        for (const struct nfs_attempt *a = nfs_attempts; a->fstype; a++) {
                _cleanup_free_ char *opts = NULL;
                char *t;

                r = nfs_options(p, a, &opts);
                if (r < 0)
                        return r;
                if (mount(source, target, a->fstype, 0, opts) == 0) {
                        *ret_vers = a->vers;
                        return 0;
                }
                last = errno;
                if (asprintf(&t, "%s%sNFSv%s: %s", tried ?: "", tried ? "; " : "", a->vers, strerror(last)) < 0)
                        return -ENOMEM;
                free(tried);
                tried = t;
                if (nfs_error_is_unreachable(last))
                        break;
        }
        return set_error_message(ret_error, last, "cannot mount %s (%s)", source, tried);
}
