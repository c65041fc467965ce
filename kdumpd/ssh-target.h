/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * An SSH dump target used from the running system, where failures are
 * cheap: the server's host keys looked up the way ssh would (root's
 * known_hosts, then the system's), the key file checked (there, not
 * readable by others, no passphrase: the capture kernel cannot type one),
 * and the server tried with the capture kernel's exact command line
 * (ssh-command.h): the key accepted, the host key known, path created
 * (0700) and written, its free space.  A failure names the server, the
 * step and what to run, usually 'kdumpctl propagate'.
 *
 * The private key never goes into the initramfs file: kdumpctl appends it
 * to the initramfs in memory when it loads (initrd-secrets.h).
 */

#include <stdbool.h>
#include <stdint.h>

#include "initramfs/net/ssh-command.h"
#include "kdumpd/dump-target.h"

/* Lookups and the check are bounded by this; the capture uses its own. */
#define SSH_CHECK_TIMEOUT_S 60u
/* At start, the server answers within this or is refused. */
#define SSH_CHECK_CONNECT_S 10u

/* The known_hosts lines for the capture kernel ("<address> <type> <key>"),
 * from ssh-keygen -F host (and -F address) in ~root/.ssh/known_hosts and
 * /etc/ssh/ssh_known_hosts.  *ret_n = 0 when none is known.  -ENOENT:
 * ssh-keygen is not installed. */
int ssh_target_known_hosts(const char *host, const char *address, char **ret_text, unsigned *ret_n);

/* Writes t->known_hosts to <state_dir>/ssh_known_hosts (0600), the file
 * the check gives ssh, as the capture kernel gets it; its path. */
int ssh_target_known_hosts_file(const dump_target *t, const char *state_dir, char **ret_path);

/* The key file: there, a regular file, not readable by group or others,
 * usable without a passphrase. */
int ssh_target_check_key(const dump_target *t, char **ret_error);

struct ssh_check_result {
        uint64_t free_bytes;    /* in path on the server */
        bool created_path;      /* path did not exist and was created (0700) */
};

/* The whole check; known_hosts_path holds t->known_hosts. */
int ssh_target_check(const dump_target *t, const char *known_hosts_path, struct ssh_check_result *ret,
                     char **ret_error);

/* Runs the remote command (POSIX shell) as the capture kernel would, with
 * the limits of the check; its standard output in *ret_out.  A failure of
 * ssh itself or of the command: -errno and a sentence; -EKEYREJECTED: the
 * server refused the key, -ENOKEY: the key file cannot be used, -EACCES:
 * the host key is unknown or not the recorded one, -EHOSTUNREACH,
 * -ETIMEDOUT: no way to the server, -EIO: the command failed there. */
int ssh_target_run(const dump_target *t, const char *known_hosts_path, const char *remote, char **ret_out,
                   char **ret_error);
