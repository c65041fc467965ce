/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "initramfs/net/lacp.h"
#include "initramfs/net/net-up.h"
#include "initramfs/net/nic-channels.h"
#include "initramfs/net/rtnl.h"

#define DEFAULT_TIMEOUT_MS 30000u
#define POLL_MS 100u
#define REPORT_MS 5000u
#define PORT_TIMEOUT_MS 5000u
/* LACP finds its partner in 1-3 s (the kernel's aggregate wait is 2 s);
 * a partner that has not answered in 10 s is not coming. */
#define LACP_TIMEOUT_MS 10000u

_printf_(2, 3)
static void event(const struct net_up_opts *o, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        if (!o || !o->event)
                return;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) >= 0)
                o->event(msg, o->userdata);
        va_end(ap);
}

static void sleep_ms(unsigned ms) {
        nanosleep(&(struct timespec) { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L }, NULL);
}

struct find_ctx {
        const uint8_t *mac;
        struct rtnl_link found;
        unsigned matches;
};

static int match_mac(const struct rtnl_link *l, void *userdata) {
        struct find_ctx *c = userdata;

        /* The permanent address where there is one; a VLAN or bond on top
         * would carry the same current address, so kinds are skipped. */
        if (*l->kind || (l->flags & IFF_LOOPBACK))
                return 0;
        if ((l->has_perm_mac && memcmp(l->perm_mac, c->mac, NET_RECORD_MAC_LEN) == 0) ||
            (!l->has_perm_mac && l->has_mac && memcmp(l->mac, c->mac, NET_RECORD_MAC_LEN) == 0)) {
                if (c->matches++ == 0)
                        c->found = *l;
        }
        return 0;
}

/* The hardware interface with that MAC (name and driver: the crashed
 * system's, for messages). */
static int find_link(rtnl *nl, const uint8_t hw_mac[NET_RECORD_MAC_LEN], const char *name, const char *driver,
                     const struct net_up_opts *o, unsigned timeout_ms, struct rtnl_link *ret, char **ret_error) {
        char mac[18];
        unsigned waited = 0, next_report = REPORT_MS;
        int r;

        net_mac_format(hw_mac, mac);
        for (;;) {
                struct find_ctx c = { .mac = hw_mac };

                r = rtnl_links(nl, match_mac, &c);
                if (r < 0)
                        return set_error_message(ret_error, -r, "cannot list the network interfaces: %s", strerror(-r));
                if (c.matches > 1)
                        return set_error_message(ret_error, ENOTUNIQ, "%u interfaces have the MAC address %s; not "
                                                 "guessing which one reaches the server", c.matches, mac);
                if (c.matches == 1) {
                        *ret = c.found;
                        return 0;
                }
                if (waited >= timeout_ms)
                        return set_error_message(ret_error, ETIMEDOUT, "no network interface with MAC address %s "
                                                 "(%s%s%s) appeared within %us: is its driver in the capture "
                                                 "initramfs?", mac, name ?: "", driver ? ", driver " : "",
                                                 driver ?: "", timeout_ms / 1000);
                sleep_ms(POLL_MS);
                waited += POLL_MS;
                if (waited >= next_report) {
                        event(o, "Still waiting for the network interface %s (%s) (%us of %us) ...", mac,
                              name ?: "", waited / 1000, timeout_ms / 1000);
                        next_report += REPORT_MS;
                }
        }
}

static int wait_carrier(rtnl *nl, const struct rtnl_link *l, const struct net_up_opts *o, unsigned timeout_ms,
                        char **ret_error) {
        unsigned waited = 0, next_report = REPORT_MS;
        struct rtnl_link now;
        int r;

        for (;;) {
                r = rtnl_get_link(nl, l->ifindex, &now);
                if (r < 0)
                        return set_error_message(ret_error, -r, "cannot read interface %s: %s", l->name, strerror(-r));
                if (now.flags & IFF_LOWER_UP)
                        return 0;
                if (waited >= timeout_ms)
                        return set_error_message(ret_error, ETIMEDOUT, "interface %s has no carrier after %us: is "
                                                 "the cable or the switch port down?", l->name, timeout_ms / 1000);
                sleep_ms(POLL_MS);
                waited += POLL_MS;
                if (waited >= next_report) {
                        event(o, "Still waiting for the carrier on %s (%us of %us) ...", l->name, waited / 1000,
                              timeout_ms / 1000);
                        next_report += REPORT_MS;
                }
        }
}

struct links_ctx {
        struct rtnl_link links[NET_BOND_PORTS_MAX + 2];
        size_t n;
        int bond;
};

static int keep_port(const struct rtnl_link *l, void *userdata) {
        struct links_ctx *c = userdata;

        if (l->master == c->bond && c->n < ELEMENTSOF(c->links))
                c->links[c->n++] = *l;
        return 0;
}

static int lacp_read(rtnl *nl, const struct rtnl_link *bond, struct lacp_status *ret) {
        struct links_ctx c = { .bond = bond->ifindex };
        struct rtnl_link b;
        int r;

        r = rtnl_get_link(nl, bond->ifindex, &b);
        if (r >= 0)
                r = rtnl_links(nl, keep_port, &c);
        if (r < 0)
                return r;
        lacp_status_from(&b, c.links, c.n, ret);
        return 0;
}

/* An 802.3ad bond (up, carrier): until LACP has aggregated its ports with
 * the partner, at most LACP_TIMEOUT_MS.  Not an error when it has not:
 * the console says how far it got, and the mount or the DHCP request that
 * follows fails with its own reason if nothing gets through. */
static int wait_lacp(rtnl *nl, const struct rtnl_link *bond, const struct net_up_opts *o) {
        _cleanup_free_ char *text = NULL;
        struct lacp_status s;
        unsigned waited = 0, next_report = REPORT_MS;
        int r;

        event(o, "Waiting up to %us for the 802.3ad bond %s to aggregate with its LACP partner ...",
              LACP_TIMEOUT_MS / 1000, bond->name);
        for (;;) {
                r = lacp_read(nl, bond, &s);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        event(o, "Cannot read the 802.3ad state of %s: %s; going on.", bond->name, strerror(-r));
                        return 0;
                }
                if (lacp_status_done(&s) || waited >= LACP_TIMEOUT_MS)
                        break;
                sleep_ms(POLL_MS);
                waited += POLL_MS;
                if (waited >= next_report && waited < LACP_TIMEOUT_MS) {
                        _cleanup_free_ char *now = NULL;

                        if (lacp_status_format(&s, &now) < 0)
                                return -ENOMEM;
                        event(o, "Still waiting for LACP on %s (%us of %us): %s ...", bond->name, waited / 1000,
                              LACP_TIMEOUT_MS / 1000, now);
                        next_report += REPORT_MS;
                }
        }
        if (lacp_status_format(&s, &text) < 0)
                return -ENOMEM;
        if (lacp_status_done(&s)) {
                /* what the kernel has: the settings the bond was made with,
                 * read back; the rate is said either way */
                struct net_bond_8023ad rest = s.settings;
                char opts[96];

                rest.lacp_fast = false;
                net_bond_ad_options(&rest, opts, sizeof(opts));
                event(o, "802.3ad bond %s aggregated in %.1fs, LACP rate %s%s%s: %s.", bond->name, waited / 1000.0,
                      s.settings.lacp_fast ? "fast" : "slow", *opts ? ", " : "", opts, text);
        } else if (lacp_status_usable(&s))
                event(o, "802.3ad bond %s: not every port aggregated within %us: %s; going on with %s.", bond->name,
                      LACP_TIMEOUT_MS / 1000, text, s.carrying_names);
        else
                event(o, "802.3ad bond %s: no port aggregated with an LACP partner within %us (%s); going on, "
                      "but nothing may get through: does the switch run LACP on these ports?", bond->name,
                      LACP_TIMEOUT_MS / 1000, text);
        return 0;
}

/* One queue for the capture (nic-channels.h), before the driver makes its
 * rings: when l comes up, or is enslaved.  Said on the console; never an
 * error. */
static void one_queue(const struct rtnl_link *l, const struct net_up_opts *o) {
        struct nic_channels cur, want;
        char was[64], now[64];
        int r;

        r = nic_channels_get(l->name, &cur);
        if (r == -EOPNOTSUPP)
                return;         /* no queues to choose: one, or the driver's own */
        if (r < 0) {
                event(o, "Cannot read the queues of %s (ethtool channels): %s; it keeps its own.", l->name, strerror(-r));
                return;
        }
        nic_channels_format(&cur, was, sizeof(was));
        if (!nic_channels_one(&cur, &want)) {
                event(o, "%s has one queue (ethtool channels: %s).", l->name, was);
                return;
        }
        nic_channels_format(&want, now, sizeof(now));
        r = nic_channels_set(l->name, &want);
        if (r < 0)
                event(o, "%s keeps its queues (ethtool channels: %s): the driver refused %s: %s.", l->name, was, now,
                      strerror(-r));
        else
                event(o, "%s: one queue for the capture, the dump being one connection (ethtool channels: %s, now %s).",
                      l->name, was, now);
}

static int enslave(rtnl *nl, const struct rtnl_link *port, const struct rtnl_link *bond, const struct net_up_opts *o,
                   char **ret_error) {
        int r;

        one_queue(port, o);

        /* the kernel takes a port only while it is down */
        r = rtnl_set_link(nl, port->ifindex, 0, false);
        if (r >= 0)
                r = rtnl_set_master(nl, port->ifindex, bond->ifindex);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot add %s to the bond %s: %s", port->name, bond->name,
                                         strerror(-r));
        return 0;
}

/* The recorded bond, made again: its active port first (so that it is the
 * active one in active-backup), then the others found by MAC; a port that
 * does not appear is left out with a word on the console.  *ret the bond,
 * up. */
static int bond_up(rtnl *nl, const net_record *n, const struct rtnl_link *first, const struct net_up_opts *o,
                   struct rtnl_link *ret, char **ret_error) {
        /* the record holds 802.3ad settings only for an 802.3ad bond */
        const struct rtnl_bond_settings s = { .mode = n->bond_mode, .miimon = n->bond_miimon, .ad = n->bond_8023ad };
        char name[IFNAMSIZ], opts[96];
        struct rtnl_link b;
        int r;

        if (n->bond_name && strlen(n->bond_name) < sizeof(name))
                strcpy(name, n->bond_name);
        else
                strcpy(name, "bond0");
        net_bond_ad_options(&s.ad, opts, sizeof(opts));
        event(o, "Making the %s bond %s of %s and %zu more port%s, MTU %u%s%s ...", net_bond_mode_to_string(n->bond_mode),
              name, first->name, n->n_ports, n->n_ports == 1 ? "" : "s", n->bond_mtu, *opts ? ", " : "", opts);
        r = rtnl_add_bond(nl, name, &s, &b);
        if (r == -EEXIST) {
                /* the bonding module makes bond0 as it loads: set it up as
                 * recorded if it is a bond, else take another name */
                r = rtnl_get_link_by_name(nl, name, &b);
                if (r >= 0 && strcmp(b.kind, "bond") == 0)
                        r = rtnl_set_bond(nl, b.ifindex, &s);
                else {
                        strcpy(name, "kdumpbond");
                        r = rtnl_add_bond(nl, name, &s, &b);
                }
        }
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot make the bond %s: %s%s", name, strerror(-r),
                                         r == -EOPNOTSUPP || r == -ENODEV ?
                                         " (is the bonding module in the capture initramfs?)" : "");
        r = enslave(nl, first, &b, o, ret_error);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n->n_ports; i++) {
                _cleanup_free_ char *err = NULL;
                struct rtnl_link p;

                r = find_link(nl, n->ports[i].mac, n->ports[i].name, n->ports[i].driver, o, PORT_TIMEOUT_MS, &p, &err);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        event(o, "Leaving out the bond's port %s: %s.", n->ports[i].name ?: "?", err ?: strerror(-r));
                        continue;
                }
                r = enslave(nl, &p, &b, o, ret_error);
                if (r < 0)
                        return r;
        }
        r = rtnl_set_link(nl, b.ifindex, n->bond_mtu, true);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot set the bond %s up with MTU %u: %s", name, n->bond_mtu,
                                         strerror(-r));
        *ret = b;
        return 0;
}

/* The recorded 802.1Q VLAN on the hardware interface l (up already): made,
 * set up; *ret the link the address goes on.  Its name is the recorded one
 * where that is free, else vlan<id>. */
static int vlan_up(rtnl *nl, const net_record *n, const struct rtnl_link *l, const struct net_up_opts *o,
                   struct rtnl_link *ret, char **ret_error) {
        char name[IFNAMSIZ];
        struct rtnl_link v;
        int r;

        if (n->vlan_name && strlen(n->vlan_name) < sizeof(name))
                strcpy(name, n->vlan_name);
        else
                snprintf(name, sizeof(name), "vlan%u", n->vlan_id);
        event(o, "Adding VLAN %u on %s as %s, MTU %u ...", n->vlan_id, l->name, name, n->vlan_mtu);
        r = rtnl_add_vlan(nl, l->ifindex, name, n->vlan_id, n->vlan_mtu, &v);
        if (r == -EEXIST) {
                snprintf(name, sizeof(name), "vlan%u", n->vlan_id);
                r = rtnl_add_vlan(nl, l->ifindex, name, n->vlan_id, n->vlan_mtu, &v);
        }
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot add VLAN %u on %s: %s%s", n->vlan_id, l->name,
                                         strerror(-r), r == -EOPNOTSUPP || r == -ENODEV ?
                                         " (is the 8021q module in the capture initramfs?)" : "");
        r = rtnl_set_link(nl, v.ifindex, 0, true);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot set the VLAN %s up: %s", name, strerror(-r));
        *ret = v;
        return 0;
}

static int replace(char **field, const char *v) {
        char *s = NULL;

        if (v && !(s = strdup(v)))
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

/* An IPv4 address from DHCP: a lease for the interface a (up, carrier),
 * into n.  1: n is the lease; 0: no lease, n as recorded (said why). */
static int dhcp_lease_into(net_record *n, const struct rtnl_link *a, const struct net_up_opts *o) {
        _cleanup_(dhcp_lease_done) dhcp_lease l = {};
        _cleanup_free_ char *err = NULL;
        struct dhcp_client_opts d = *o->dhcp;
        const char *gateway;
        int r;

        d.request = n->address;
        event(o, "Asking for a DHCP lease on %s (the crashed system had %s/%u from DHCP) ...", a->name, n->address,
              n->prefixlen);
        r = dhcp_client_run(a->name, &d, &l, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                event(o, "No DHCP lease: %s. Using the address the crashed system had, %s/%u; its lease may have "
                      "run out.", err ? err : strerror(-r), n->address, n->prefixlen);
                return 0;
        }
        /* the server on the leased subnet: no route; else through the
         * lease's router, or the recorded gateway if it names none */
        gateway = ipv4_in_subnet(n->server, l.address, l.prefixlen) ? NULL : l.router ?: n->gateway;
        event(o, "DHCP lease %s/%u%s%s from %s for %us%s%s%s.", l.address, l.prefixlen, l.router ? ", router " : "",
              l.router ?: "", l.server_id ?: "the DHCP server", l.lease_s,
              strcmp(l.address, n->address) ? " (the crashed system had " : "",
              strcmp(l.address, n->address) ? n->address : "", strcmp(l.address, n->address) ? ")" : "");
        if (replace(&n->gateway, gateway) < 0 || replace(&n->address, l.address) < 0)
                return -ENOMEM;
        n->prefixlen = l.prefixlen;
        return 1;
}

int net_up(net_record *n, const struct net_up_opts *opts, char **ret_error) {
        _cleanup_(rtnl_closep) rtnl *nl = NULL;
        unsigned link_ms = DEFAULT_TIMEOUT_MS, carrier_ms = DEFAULT_TIMEOUT_MS;
        const struct dhcp_client_opts *dhcp = NULL;
        struct rtnl_link l, a;
        int r, leased = 0;

        if (opts && opts->sz >= offsetof(struct net_up_opts, carrier_timeout_ms) + sizeof(unsigned)) {
                if (opts->link_timeout_ms)
                        link_ms = opts->link_timeout_ms;
                if (opts->carrier_timeout_ms)
                        carrier_ms = opts->carrier_timeout_ms;
        }
        if (opts && opts->sz >= offsetof(struct net_up_opts, dhcp) + sizeof(opts->dhcp))
                dhcp = opts->dhcp;
        r = rtnl_open(&nl);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot open rtnetlink: %s", strerror(-r));
        r = find_link(nl, n->mac, n->name, n->driver, opts, link_ms, &l, ret_error);
        if (r < 0)
                return r;
        if (n->bond) {
                struct rtnl_link b;

                r = bond_up(nl, n, &l, opts, &b, ret_error);
                if (r < 0)
                        return r;
                l = b;
        } else {
                one_queue(&l, opts);
                event(opts, "Bringing up %s (was %s on the crashed system), MTU %u ...", l.name, n->name ?: "?", n->mtu);
                r = rtnl_set_link(nl, l.ifindex, n->mtu, true);
                if (r < 0)
                        return set_error_message(ret_error, -r, "cannot set %s up with MTU %u: %s", l.name, n->mtu,
                                                 strerror(-r));
        }
        r = wait_carrier(nl, &l, opts, carrier_ms, ret_error);
        if (r < 0)
                return r;
        if (n->bond && n->bond_mode == NET_BOND_8023AD) {
                r = wait_lacp(nl, &l, opts);
                if (r < 0)
                        return r;
        }
        a = l;
        if (n->vlan_id) {
                r = vlan_up(nl, n, &l, opts, &a, ret_error);
                if (r < 0)
                        return r;
        }
        if (dhcp && n->origin == NET_ORIGIN_DHCP && n->family == AF_INET) {
                leased = dhcp_lease_into(n, &a, opts);
                if (leased < 0)
                        return leased;
        }
        r = rtnl_add_addr(nl, a.ifindex, n->family, n->address, n->prefixlen);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot add the address %s/%u to %s: %s", n->address,
                                         n->prefixlen, a.name, strerror(-r));
        if (n->gateway) {
                r = rtnl_add_route(nl, a.ifindex, n->family, n->server, n->family == AF_INET ? 32 : 128, n->gateway);
                if (r < 0)
                        return set_error_message(ret_error, -r, "cannot add the route to %s via %s on %s: %s", n->server,
                                                 n->gateway, a.name, strerror(-r));
        }
        event(opts, "Network up: %s %s/%u%s%s, server %s.", a.name, n->address, n->prefixlen,
              n->gateway ? " via " : "", n->gateway ?: "", n->server);
        return leased;
}
