/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A DHCPv4 lease in the capture kernel, for an address that came from DHCP
 * on the crashed system: busybox's udhcpc asks for it (the recorded
 * address as the one requested, so a server that still holds the lease
 * gives it back), bounded in tries and in time, and exits once it has one.
 * udhcpc reports the lease by running a program with it in the
 * environment; that program is kdump-net itself, which sees
 * DHCP_CLIENT_LEASE_ENV and writes the lease file (dhcp_client_event())
 * instead of setting up the network.  No shell is involved.
 */

#include "initramfs/net/dhcp-lease.h"

/* Set in udhcpc's environment: where the event program writes the lease. */
#define DHCP_CLIENT_LEASE_ENV "KDUMP_NET_DHCP_LEASE"

struct dhcp_client_opts {
        size_t sz;                      /* sizeof(struct dhcp_client_opts), for growing */
        const char *program;            /* udhcpc (busybox dispatches on the name) */
        const char *event_program;      /* run by udhcpc on each event: kdump-net */
        const char *lease_file;         /* written by the event program */
        const char *request;            /* the address to ask for; NULL: any */
        unsigned timeout_s;             /* the whole exchange; 0: 10 s */
};

/* 0 and *ret the lease; -ETIMEDOUT (no answer in time), -ENOENT (no
 * udhcpc), or another error with *ret_error saying what happened
 * (udhcpc's last message). */
int dhcp_client_run(const char *ifname, const struct dhcp_client_opts *o, dhcp_lease *ret, char **ret_error);

/* The event program's side: udhcpc's event (argv[1]: deconfig, bound,
 * renew, leasefail, nak) with the lease in the environment.  Writes the
 * lease file named by DHCP_CLIENT_LEASE_ENV on bound and renew; 0 or
 * -errno. */
int dhcp_client_event(const char *event);
