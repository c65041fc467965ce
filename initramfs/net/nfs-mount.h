/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Mounting an NFS export with mount(2) alone, as the capture kernel must (it
 * has no mount.nfs, rpcbind, statd or DNS).  The kernel's NFS client takes
 * a text option string; it needs the server's numeric address (addr=) and,
 * for NFSv4 callbacks, this side's (clientaddr=).  Versions are tried
 * newest first: 4.2, 4.1, then 3 with nolock (no statd to hold locks).
 *
 * Every attempt is "soft" with a timeout: an NFS request that gets no
 * answer fails with an error after timeo x (retrans + 1) instead of
 * retrying forever, so a dead server ends the capture with failure_action
 * rather than hanging it.  A server that does not answer is not tried with
 * the next version (it would only wait again).
 */

#include <stdbool.h>

struct nfs_attempt {
        const char *fstype;     /* "nfs4" or "nfs" */
        const char *vers;       /* "4.2", "4.1", "3" */
};

/* The attempts, in order; NULL-terminated by fstype. */
extern const struct nfs_attempt nfs_attempts[];

struct nfs_mount_params {
        const char *server;     /* numeric IPv4 or IPv6 address, no brackets */
        const char *client;     /* this side's address on the way to it */
        const char *export;     /* "/srv/crash" */
        unsigned timeo_ds;      /* per request, in tenths of a second (the kernel's unit) */
        unsigned retrans;
        const char *extra;      /* the user's mount_options, appended; NULL: none */
};

/* Pure: "192.168.77.1:/srv/crash" or "[fd77::1]:/srv/crash". */
int nfs_source(const struct nfs_mount_params *p, char **ret);
/* Pure: "vers=4.2,addr=...,clientaddr=...,proto=tcp,soft,timeo=...,retrans=..."
 * (+ ",nolock" for v3, + extra). */
int nfs_options(const struct nfs_mount_params *p, const struct nfs_attempt *a, char **ret);

/* Whether err (a positive errno from mount(2)) means the server did not
 * answer or refused the connection: no point in trying another version. */
bool nfs_error_is_unreachable(int err);

/* Tries the attempts in turn on target.  On success *ret_vers is the
 * version that mounted ("4.2").  On failure -errno of the last attempt,
 * and *ret_error says what each attempt got. */
int nfs_mount(const struct nfs_mount_params *p, const char *target, const char **ret_vers, char **ret_error);
