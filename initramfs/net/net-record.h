/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * How the capture kernel reaches a dump server: the one interface the route
 * to the server uses, its address and the route, worked out on the running
 * system when the capture initramfs is built (net-describe.h) and set up by
 * kdump-net in the capture kernel (net-up.h).  The capture kernel needs no
 * DNS and no DHCP for it: the server's name was resolved at build time, and
 * the address is the one the machine had then.
 *
 * The interface is found by its permanent MAC address: kernel names can
 * differ in the second kernel (no udev renames it there).  The record is
 * text, one fact a line:
 *
 *   link mac=52:54:00:77:00:02 mtu=1500 name=enp0s3 driver=virtio_net
 *   [bond mode=active-backup miimon=100 mtu=1500 name=bond0]
 *     (802.3ad, where not the kernel's defaults: lacp_rate=fast
 *      xmit_hash_policy=layer3+4 ad_select=bandwidth)
 *   [port mac=52:54:00:77:00:03 name=enp0s4 driver=virtio_net]
 *   vlan id=78 mtu=1500 name=enp0s3.78
 *   address 192.168.77.2/24 origin=static
 *   gateway 192.168.77.254
 *   server 192.168.77.1
 *
 * The link line is the hardware interface; a vlan line, when the route
 * leaves through an 802.1Q VLAN on it, the VLAN the capture kernel makes
 * there (the address and the route are the VLAN's).  When the route leaves
 * through a bond (active-backup or 802.3ad), the bond line says how to
 * make it again, the link line is its active port and each port line
 * another one; the VLAN, the address and the route are then the bond's.  name= and driver= are
 * for messages only.  origin= is "static" (a
 * permanent address) or "dhcp" (one with a lifetime, from a DHCP or
 * SLAAC client); both are set as they were.  gateway is absent when the
 * server is on the link.  This file is the model and its text: pure.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_RECORD_MAC_LEN 6
#define NET_VLAN_ID_MAX 4094u

enum net_origin {
        NET_ORIGIN_STATIC,
        NET_ORIGIN_DHCP,
};

/* The bond modes the capture kernel makes (the kernel's numbers). */
#define NET_BOND_ACTIVE_BACKUP 1u
#define NET_BOND_8023AD 4u
#define NET_BOND_PORTS_MAX 8u
/* The kernel's largest xmit_hash_policy (vlan+srcmac) and ad_select
 * (count); 0 is the default of each (layer2, stable). */
#define NET_BOND_XMIT_HASH_MAX 5u
#define NET_BOND_AD_SELECT_MAX 2u

/* An 802.3ad bond's settings that the capture kernel's bond takes over; all
 * zero are the kernel's defaults (lacp_rate slow, xmit_hash_policy layer2,
 * ad_select stable).  Only an 802.3ad bond has any set. */
struct net_bond_8023ad {
        bool lacp_fast;                 /* lacp_rate fast: LACPDUs every second */
        unsigned xmit_hash;             /* xmit_hash_policy, the kernel's number */
        unsigned ad_select;             /* ad_select, the kernel's number */
};

struct net_port {
        uint8_t mac[NET_RECORD_MAC_LEN];
        char *name;                     /* where it was built; NULL if unknown */
        char *driver;                   /* NULL if unknown */
};

typedef struct net_record {
        uint8_t mac[NET_RECORD_MAC_LEN];
        unsigned mtu;
        char *name;                     /* where it was built; NULL if unknown */
        char *driver;                   /* NULL if unknown */

        /* a bond: the link above is its active port (enslaved first), the
         * others in ports; the VLAN, address and route are on the bond */
        bool bond;
        unsigned bond_mode;             /* NET_BOND_ACTIVE_BACKUP or NET_BOND_8023AD */
        unsigned bond_miimon;           /* ms; 0: the kernel's default */
        struct net_bond_8023ad bond_8023ad;
        unsigned bond_mtu;
        char *bond_name;                /* where it was built; NULL if unknown */
        struct net_port *ports;
        size_t n_ports;

        unsigned vlan_id;               /* 1-4094: an 802.1Q VLAN on the link (or bond); 0: none */
        unsigned vlan_mtu;              /* the VLAN's MTU (at most the link's) */
        char *vlan_name;                /* where it was built; NULL if unknown */

        int family;                     /* AF_INET or AF_INET6: of all three addresses */
        char *address;                  /* "192.168.77.2", "fd77::2" */
        unsigned prefixlen;
        enum net_origin origin;
        char *gateway;                  /* NULL: the server is on the link */
        char *server;
} net_record;

net_record *net_record_free(net_record *n);
static inline void net_record_freep(net_record **n) {
        if (*n)
                net_record_free(*n);
}

/* "active-backup" <-> NET_BOND_ACTIVE_BACKUP, "802.3ad" <-> NET_BOND_8023AD;
 * NULL, -EINVAL for the others. */
const char *net_bond_mode_to_string(unsigned mode);
int net_bond_mode_from_string(const char *s, unsigned *ret);
/* xmit_hash_policy and ad_select by the kernel's names ("layer3+4",
 * "bandwidth") and numbers; NULL, -EINVAL for the others. */
const char *net_bond_xmit_hash_to_string(unsigned v);
int net_bond_xmit_hash_from_string(const char *s, unsigned *ret);
const char *net_bond_ad_select_to_string(unsigned v);
int net_bond_ad_select_from_string(const char *s, unsigned *ret);
/* Whether any setting is not the kernel's default; whether the numbers
 * have names above (a record holds only those). */
bool net_bond_8023ad_set(const struct net_bond_8023ad *a);
bool net_bond_8023ad_known(const struct net_bond_8023ad *a);
/* The settings that are not the kernel's defaults, ", " between, for
 * messages: "LACP rate fast, xmit_hash_policy layer3+4, ad_select
 * bandwidth"; "" for none. */
void net_bond_ad_options(const struct net_bond_8023ad *a, char *buf, size_t size);

/* "52:54:00:77:00:02" <-> bytes; -EINVAL for anything else. */
int net_mac_parse(const char *s, uint8_t ret[NET_RECORD_MAC_LEN]);
void net_mac_format(const uint8_t mac[NET_RECORD_MAC_LEN], char buf[18]);

/* Whether s is a numeric address of that family (inet_pton). */
bool net_address_valid(int family, const char *s);

/* Checks the fields and renders the text above; -EINVAL for a record
 * that could not be parsed back (no address, families that differ, ...). */
int net_record_render(const net_record *n, char **ret);

/* -EINVAL with *ret_error naming the line and what is wrong. */
int net_record_parse(const char *text, net_record **ret, char **ret_error);

/* "enp0s3 (52:54:00:77:00:02, virtio_net) 192.168.77.2/24 via 192.168.77.254",
 * "enp0s3.78 (VLAN 78 on enp0s3, 52:54:00:77:00:02, virtio_net) 192.168.78.2/24":
 * the interface as status shows it. */
int net_record_summary(const net_record *n, char **ret);
