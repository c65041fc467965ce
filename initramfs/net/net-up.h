/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The capture kernel's side of the network record: finds the interface by
 * its MAC address (its driver was loaded by /init from modules.load), sets
 * the MTU, brings it up (for a bond: makes the bond, enslaves the ports
 * found by MAC, the active one first), waits for the carrier (for an
 * 802.3ad bond also for LACP to aggregate it, lacp.h), makes the
 * VLAN, adds the address and, when the server is behind a gateway, a host
 * route to it.  rtnetlink only; no
 * ip(8), no udev.
 *
 * The address is the one recorded, except for an IPv4 address that came
 * from DHCP when opts->dhcp is given: then a DHCP client asks for a lease,
 * the recorded address as the one requested (dhcp-client.h).  The lease
 * (and its router, for a server off its subnet) is what is set; without
 * an answer in time the recorded address is, and the console says so.
 * IPv6 addresses from DHCPv6 or SLAAC are set as recorded.
 *
 * Every wait is bounded and reported through opts->event while it lasts,
 * so that the console says what the capture is waiting for.
 */

#include <stddef.h>

#include "initramfs/net/dhcp-client.h"
#include "initramfs/net/net-record.h"

struct net_up_opts {
        size_t sz;                      /* sizeof(struct net_up_opts), for growing */
        unsigned link_timeout_ms;       /* the interface to appear; 0: 30 s */
        unsigned carrier_timeout_ms;    /* its carrier; 0: 30 s */
        /* progress and warnings; may be NULL */
        void (*event)(const char *message, void *userdata);
        void *userdata;
        const struct dhcp_client_opts *dhcp; /* NULL: no DHCP client, the recorded address */
};

/* *ret_error names the step that failed: -ETIMEDOUT (no interface with the
 * MAC, no carrier), or the kernel's error for a change it refused.  On
 * success n's address, prefix length and gateway are the ones set (they
 * differ from the recorded ones only when a DHCP lease did); 1 when a
 * DHCP lease was used, else 0. */
int net_up(net_record *n, const struct net_up_opts *opts, char **ret_error);
