/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The dumps this machine sent to an SSH server, read after the reboot with
 * one bounded remote command (the capture's command line, ssh-target.h):
 * the directories "<address>-<date>" under path, which files each holds
 * and their sizes, the kernel release and the panic line from its
 * vmcore-dmesg.txt.  Nothing large crosses the network.  The listing's
 * format is ours, one record per line:
 *
 *   dir <name>
 *   file <vmcore.flat|vmcore|vmcore-incomplete|vmcore-dmesg.txt>[.age] <bytes>
 *   release <utsname release>
 *   panic <the "Kernel panic - not syncing: ..." line>
 */

#include "kdumpd/catalog.h"

/* Pure: the remote POSIX shell command for path and this machine's
 * addresses (the current one and those its capture kernels used,
 * capture-addresses.h). */
int ssh_dumps_command(const char *path, char *const *addresses, char **ret);

/* Pure: the listing as catalog entries, their paths shown as
 * "<shown_prefix>/<name>/<file>" ("root@server:/var/crash").  Oldest
 * first.  -EBADMSG for a line of another shape. */
int ssh_dumps_parse(const char *listing, const char *shown_prefix, dump_catalog **ret);
