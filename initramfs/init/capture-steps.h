/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The steps every kind of capture shares (a mounted target, a raw device,
 * an SSH server): the hooks, the dump directory's name, the collector's
 * command line, the network.  They log what they do on the console. */

#include <stdbool.h>

#include "config/kdump-conf.h"
#include "initramfs/net/net-record.h"

/* The interface and its carrier, each (kdump-net). */
#define NET_TIMEOUT_S 30u

/* Seconds since the capture kernel booted. */
double uptime(void);

/* Runs argv and waits: its status, or -errno. */
int run(char *const argv[]);

/* kdump_pre: 0 to go on; 1 when it failed, which means no dump
 * (kdump-utils), said on the console. */
int run_pre(const kdump_config *c);

/* kdump_post gets the dump's exit status as $1, as in kdump-utils. */
void run_post(const kdump_config *c, int status);

/* "<prefix>-<YYYY-MM-DD-HH:MM:SS>" (prefix NULL: the time alone), the time
 * the capture kernel read from the RTC: kdump-utils' name. */
int dump_dir_name(const char *prefix, char **ret);

/* The collector's argv for a stream: its own words, "-F" (the flattened
 * stream, which needs no seeking back) unless given, and /proc/vmcore; the
 * stream goes to standard output. */
int collector_argv_flat(const kdump_config *c, char ***ret);

/* The network record, and the interface set up by kdump-net; what names
 * the server in messages ("the NFS server x"). */
int net_up(const char *what, net_record **ret);
