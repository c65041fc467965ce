/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The SSH dump target's command lines, the same in both kernels, so that
 * what kdumpctl start checks is what the capture kernel will do: OpenSSH's
 * client with no configuration file (-F /dev/null), the one key, only the
 * recorded host keys, no questions (BatchMode, StrictHostKeyChecking),
 * bounded connect and keep-alives, to the server's numeric address (the
 * capture kernel has no DNS).  Remote commands are POSIX shell, with every
 * path quoted.  And the reading of what comes back: ssh's errors, df's
 * free space, ssh-keygen -F's host keys.  Pure: no I/O.
 */

#include <stdint.h>

struct ssh_params {
        const char *program;            /* "ssh" or "scp"; NULL: "ssh" */
        const char *user, *address;     /* address: numeric, IPv6 without brackets */
        const char *key;                /* the private key's path */
        const char *known_hosts;        /* the server's host keys, under its address */
        unsigned connect_timeout_s;     /* 0: 30 */
        /* the transfer making progress: the server must answer a keep-alive
         * every interval, count missed in a row end the connection (0: 15 s, 4) */
        unsigned alive_interval_s, alive_count;
};

/* ssh [options] user@address -- remote (remote NULL: none).  The strings
 * are copies; free with the argv.  For scp, remote is unused: see
 * ssh_scp_argv(). */
int ssh_command_argv(const struct ssh_params *p, const char *remote, char ***ret);

/* scp [options] local user@[address]:remote_path */
int ssh_scp_argv(const struct ssh_params *p, const char *local, const char *remote_path, char ***ret);

/* 'text' for a POSIX shell, with ' written as '\'' */
int shell_quote(const char *s, char **ret);

/* What a failed ssh (exit status 255) said, from its standard error. */
enum ssh_failure {
        SSH_FAILURE_OTHER,
        SSH_FAILURE_HOST_KEY_UNKNOWN,   /* no key for the host in known_hosts */
        SSH_FAILURE_HOST_KEY_CHANGED,   /* a different key than the recorded one */
        SSH_FAILURE_AUTH,               /* the server did not accept the key */
        SSH_FAILURE_KEY_FILE,           /* the key file: unreadable, too open, a passphrase */
        SSH_FAILURE_REFUSED,            /* nothing listens on port 22 */
        SSH_FAILURE_UNREACHABLE,        /* no route, network unreachable */
        SSH_FAILURE_TIMEOUT,            /* no answer */
        SSH_FAILURE_CLOSED,             /* the connection ended (keep-alives unanswered, reset) */
};
enum ssh_failure ssh_failure_classify(const char *stderr_text);
/* A sentence for the user: what happened and what to run. */
const char *ssh_failure_hint(enum ssh_failure f);

/* The free space in `df -Pk DIR`'s output (POSIX format: a header line,
 * then "fs 1024-blocks used available capacity mountpoint", possibly
 * wrapped).  -EINVAL when it is not that. */
int ssh_df_parse(const char *text, uint64_t *ret_free_bytes);

/* The capture kernel's known_hosts: ssh-keygen -F's output (comment lines
 * "# Host ... found: line N", then "<host-or-hash> <type> <key>..."),
 * rewritten as "<address> <type> <key>" lines, each key once; a line with
 * a marker (@revoked, @cert-authority) is left out.  *ret_n: how many keys;
 * 0 is not an error here. */
int ssh_known_hosts_render(const char *keygen_output, const char *address, char **ret, unsigned *ret_n);
