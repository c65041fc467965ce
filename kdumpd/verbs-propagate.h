/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kdumpctl propagate: makes an SSH dump target work, as kdump-utils'
 * propagate does, and says each step:
 *
 *   the key (sshkey, default /root/.ssh/kdump_id_rsa): created when missing
 *     (ed25519, no passphrase: the capture kernel cannot type one);
 *   the server's host key: when this machine does not know it, shown with
 *     its fingerprints and, on a terminal, added to root's known_hosts only
 *     after the admin typed "yes"; never accepted silently;
 *   the key on the server: ssh-copy-id, which asks for the password on the
 *     terminal, unless the server accepts the key already;
 *   then the check kdumpctl start makes. */

/* Logs; -errno when something is left to do. */
int verb_propagate(const char *config_path, const char *state_dir);
