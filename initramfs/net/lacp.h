/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Whether an 802.3ad bond has aggregated with its LACP partner.  The
 * kernel gives an 802.3ad bond carrier as soon as its ports are in an
 * aggregator, before LACP has found the partner: a port sends and takes
 * frames only once its partner agreed (the actor's state says collecting
 * and distributing), 1-3 s later, and a DHCP request or NFS mount sent
 * before then is lost.  So the capture kernel waits, bounded, until the
 * bond's active aggregator has a partner and the ports in it carry frames
 * (net-up.c), reading what rtnetlink says (rtnl.h).  Pure: the unit tests
 * feed it links as the kernel reports them.
 */

#include <stdbool.h>
#include <stddef.h>

#include "initramfs/net/net-record.h"
#include "initramfs/net/rtnl.h"

/* The actor's port state bits (IEEE 802.1AX; the kernel's bond_3ad.h). */
#define LACP_STATE_ACTIVITY        0x01u
#define LACP_STATE_TIMEOUT         0x02u
#define LACP_STATE_AGGREGATION     0x04u
#define LACP_STATE_SYNCHRONIZATION 0x08u
#define LACP_STATE_COLLECTING      0x10u
#define LACP_STATE_DISTRIBUTING    0x20u
#define LACP_STATE_DEFAULTED       0x40u
#define LACP_STATE_EXPIRED         0x80u

struct lacp_status {
        unsigned aggregator;            /* the active aggregator's id; 0: none */
        struct net_bond_8023ad settings; /* the bond's, as the kernel has them */
        bool partner_known;             /* its partner's MAC is not zeros */
        uint8_t partner[NET_RECORD_MAC_LEN];
        unsigned ports;                 /* the bond's ports */
        unsigned carrying;              /* of them in the active aggregator, in sync, collecting and distributing */
        char carrying_names[(NET_BOND_PORTS_MAX + 1) * 18]; /* their names, ", " between */
};

/* bond: the bond's link; links: any links (its ports are those whose
 * master is the bond). */
void lacp_status_from(const struct rtnl_link *bond, const struct rtnl_link *links, size_t n_links,
                      struct lacp_status *ret);

/* Aggregated: a partner, and every port collects and distributes. */
bool lacp_status_done(const struct lacp_status *s);

/* Some port collects and distributes, with a partner: the bond can reach the server. */
bool lacp_status_usable(const struct lacp_status *s);

/* "aggregator 1, partner 52:54:00:77:00:10, 2 of 2 ports collecting and distributing (eth2, eth3)",
 * "aggregator 2, no LACP partner, 0 of 2 ports collecting and distributing". */
int lacp_status_format(const struct lacp_status *s, char **ret);
