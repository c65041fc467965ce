/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * rtnetlink, the kernel's own interface to links, addresses and routes,
 * through libmnl (which does the message and attribute bookkeeping, so
 * this file holds only what kdumpd asks and what it reads back).  No
 * ip(8), no ioctls: the same code reads the running system's route to the
 * server (net-describe.c) and sets the capture kernel's interface up
 * (net-up.c).
 *
 * The parsers take one message and fill a plain struct: pure, so the unit
 * tests feed them replies built as fixtures.
 */

#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "initramfs/net/net-record.h"

struct rtnl_link {
        int ifindex;
        char name[16];
        unsigned flags;                 /* IFF_UP, IFF_LOWER_UP, IFF_LOOPBACK, ... */
        unsigned mtu;
        uint8_t mac[NET_RECORD_MAC_LEN];
        bool has_mac;
        uint8_t perm_mac[NET_RECORD_MAC_LEN];   /* IFLA_PERM_ADDRESS (Linux 5.6+) */
        bool has_perm_mac;
        char kind[16];                  /* IFLA_INFO_KIND: "vlan", "bond", "bridge"; "" for hardware */
        int master;                     /* IFLA_MASTER: the bond or bridge it is enslaved to; 0 none */
        int link;                       /* IFLA_LINK: a VLAN's parent; 0 none */
        unsigned vlan_id;               /* kind "vlan": IFLA_VLAN_ID (1-4094); 0 otherwise */
        bool vlan_8021ad;               /* kind "vlan": IFLA_VLAN_PROTOCOL is 802.1ad (QinQ) */
        bool bond;                      /* kind "bond" with its IFLA_BOND_MODE said: */
        unsigned bond_mode;             /* IFLA_BOND_MODE (1 active-backup, 4 802.3ad, ...) */
        unsigned bond_miimon;           /* IFLA_BOND_MIIMON, ms */
        /* IFLA_BOND_AD_LACP_RATE, IFLA_BOND_XMIT_HASH_POLICY, IFLA_BOND_AD_SELECT
         * (the kernel reports them in any mode) */
        struct net_bond_8023ad bond_8023ad;
        int bond_active;                /* IFLA_BOND_ACTIVE_SLAVE: the active port's ifindex; 0 none */
        /* an 802.3ad bond with an active aggregator (IFLA_BOND_AD_INFO): */
        bool bond_ad;
        unsigned bond_ad_aggregator;    /* its id */
        unsigned bond_ad_ports;         /* its number of ports */
        uint8_t bond_ad_partner[NET_RECORD_MAC_LEN];  /* the LACP partner's system MAC; zeros: none */
        /* a port of an 802.3ad bond in an aggregator (IFLA_INFO_SLAVE_DATA,
         * IFLA_BOND_SLAVE_AD_*): */
        bool port_ad;
        unsigned port_ad_aggregator;    /* the aggregator's id */
        uint8_t port_ad_state;          /* the actor's port state, LACP_STATE_* (lacp.h) */
};

struct rtnl_addr {
        int ifindex;
        int family;
        unsigned prefixlen;
        unsigned flags;                 /* IFA_F_* (IFA_FLAGS where present) */
        unsigned char scope;
        uint32_t valid_lft;             /* seconds; UINT32_MAX: forever */
        char address[64];
};

struct rtnl_route {
        int family;
        unsigned char type;             /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, ... */
        int oif;
        char prefsrc[64];               /* "" when absent */
        char gateway[64];               /* "" when on-link */
};

/* -EINVAL for a message of another type or a malformed one. */
int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *ret);
int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *ret);
int rtnl_parse_route(const struct nlmsghdr *nlh, struct rtnl_route *ret);

/* The MAC a link is known by: the permanent one where the kernel reports
 * it (a bond slave's current address is the bond's), else the current. */
const uint8_t *rtnl_link_mac(const struct rtnl_link *l);

/* --- I/O ------------------------------------------------------------------ */

typedef struct rtnl rtnl;

int rtnl_open(rtnl **ret);
rtnl *rtnl_close(rtnl *r);
static inline void rtnl_closep(rtnl **r) {
        if (*r)
                rtnl_close(*r);
}

/* Sends the request (the header's seq, pid and NLM_F_REQUEST|NLM_F_ACK are
 * filled in) and hands every reply message to each(); stops at the end of
 * a dump or the ack.  The kernel's error comes back as -errno; each()'s
 * negative return stops the walk and is returned. */
int rtnl_call(rtnl *r, struct nlmsghdr *req, int (*each)(const struct nlmsghdr *m, void *userdata), void *userdata);

/* A socket that receives the kernel's announcements of changed links,
 * addresses and routes (IPv4 and IPv6), for a watcher's event loop:
 * rtnl_fd() to poll, rtnl_drain() to read what is there without blocking
 * (the number of messages read). */
int rtnl_open_monitor(rtnl **ret);
int rtnl_fd(const rtnl *r);
int rtnl_drain(rtnl *r);

/* Queries. */
int rtnl_get_route(rtnl *r, int family, const char *dst, struct rtnl_route *ret);
int rtnl_get_link(rtnl *r, int ifindex, struct rtnl_link *ret);
int rtnl_get_link_by_name(rtnl *r, const char *name, struct rtnl_link *ret);
/* Every link, every address of a family (AF_UNSPEC: all): each() per one. */
int rtnl_links(rtnl *r, int (*each)(const struct rtnl_link *l, void *userdata), void *userdata);
int rtnl_addrs(rtnl *r, int family, int (*each)(const struct rtnl_addr *a, void *userdata), void *userdata);

/* Changes (the capture kernel's). */
int rtnl_set_link(rtnl *r, int ifindex, unsigned mtu, bool up);
/* A new 802.1Q VLAN link NAME with id on top of parent, MTU mtu (0: the
 * parent's), left down; -EEXIST when NAME exists.  *ret: the link as made
 * (down). */
int rtnl_add_vlan(rtnl *r, int parent, const char *name, unsigned id, unsigned mtu, struct rtnl_link *ret);
/* What a bond is made with. */
struct rtnl_bond_settings {
        unsigned mode;                  /* the kernel's numbers: 1 active-backup, 4 802.3ad */
        unsigned miimon;                /* ms; 0: the kernel's default */
        struct net_bond_8023ad ad;      /* only with mode 802.3ad; all zero: the kernel's defaults */
};

/* A new bond NAME with s, left down; -EEXIST when NAME exists.  *ret: the
 * link as made. */
int rtnl_add_bond(rtnl *r, const char *name, const struct rtnl_bond_settings *s, struct rtnl_link *ret);
/* s on an existing bond (down, without ports): the one the bonding module
 * makes when it loads (max_bonds=1). */
int rtnl_set_bond(rtnl *r, int ifindex, const struct rtnl_bond_settings *s);
/* Enslaves ifindex (which must be down) to master, a bond. */
int rtnl_set_master(rtnl *r, int ifindex, int master);
/* IPv6 addresses are added with IFA_F_NODAD: there is one machine on
 * this address and no time to wait for duplicate detection. */
int rtnl_add_addr(rtnl *r, int ifindex, int family, const char *address, unsigned prefixlen);
/* dst/dst_len via gateway (NULL: on the link) out of ifindex. */
int rtnl_add_route(rtnl *r, int ifindex, int family, const char *dst, unsigned dst_len, const char *gateway);
