/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "initramfs/net/net-describe.h"

static const char *route_type_name(unsigned char t) {
        switch (t) {
        case RTN_LOCAL:       return "local (the server is this machine)";
        case RTN_UNREACHABLE: return "unreachable";
        case RTN_BLACKHOLE:   return "blackhole";
        case RTN_PROHIBIT:    return "prohibit";
        case RTN_BROADCAST:   return "broadcast";
        case RTN_MULTICAST:   return "multicast";
        default:              return "not unicast";
        }
}

/* A bond the capture kernel can make again: its mode, and hardware ports
 * with MAC addresses; *ret_active the port it sends through (the active
 * one in active-backup, else the first). */
static int bond_ports(const char *server, const struct rtnl_link *bond, const struct rtnl_link *ports,
                      size_t n_ports, const struct rtnl_link **ret_active, char **ret_error) {
        const struct rtnl_link *active = NULL;
        size_t n = 0;

        if (!bond->bond)
                return set_error_message(ret_error, EOPNOTSUPP, "the route to %s goes through the bond %s, whose mode "
                                         "the kernel did not say", server, bond->name);
        if (bond->bond_mode != NET_BOND_ACTIVE_BACKUP && bond->bond_mode != NET_BOND_8023AD)
                return set_error_message(ret_error, EOPNOTSUPP, "the route to %s goes through the bond %s in mode "
                                         "%u; the capture kernel makes bonds in mode active-backup (1) or 802.3ad "
                                         "(4) only", server, bond->name, bond->bond_mode);
        for (size_t i = 0; i < n_ports; i++) {
                if (ports[i].master != bond->ifindex)
                        continue;
                if (*ports[i].kind || !rtnl_link_mac(&ports[i]))
                        return set_error_message(ret_error, EOPNOTSUPP, "the bond %s has the port %s, %s; the "
                                                 "capture kernel makes bonds of hardware interfaces only",
                                                 bond->name, ports[i].name, *ports[i].kind ? ports[i].kind :
                                                 "without a MAC address");
                if (!active || ports[i].ifindex == bond->bond_active)
                        active = &ports[i];
                n++;
        }
        if (n == 0)
                return set_error_message(ret_error, EHOSTUNREACH, "the route to %s goes through the bond %s, which "
                                         "has no ports", server, bond->name);
        if (n > NET_BOND_PORTS_MAX + 1)
                return set_error_message(ret_error, EOPNOTSUPP, "the bond %s has %zu ports; the capture kernel "
                                         "brings up at most %u", bond->name, n, NET_BOND_PORTS_MAX + 1);
        *ret_active = active;
        return 0;
}

/* The link under a VLAN (link itself otherwise): a hardware interface or
 * a bond; *ret_base.  Refused: 802.1ad, a VLAN on anything else. */
static int base_link(const char *server, const struct rtnl_link *link, const struct rtnl_link *parent,
                     const struct rtnl_link **ret_base, char **ret_error) {
        const struct rtnl_link *base = link;

        if (strcmp(link->kind, "vlan") == 0) {
                if (link->vlan_8021ad)
                        return set_error_message(ret_error, EOPNOTSUPP, "the route to %s goes through %s, an 802.1ad "
                                                 "(QinQ) VLAN; the capture kernel makes 802.1Q VLANs only", server,
                                                 link->name);
                if (link->vlan_id < 1 || link->vlan_id > NET_VLAN_ID_MAX)
                        return set_error_message(ret_error, EOPNOTSUPP, "the route to %s goes through %s, a VLAN "
                                                 "whose id the kernel did not say", server, link->name);
                if (!parent || link->link <= 0 || parent->ifindex != link->link)
                        return set_error_message(ret_error, EOPNOTSUPP, "the route to %s goes through %s, VLAN %u on "
                                                 "an interface that could not be read", server, link->name,
                                                 link->vlan_id);
                base = parent;
        }
        if (*base->kind && strcmp(base->kind, "bond") != 0)
                return set_error_message(ret_error, EOPNOTSUPP, "the route to %s goes through %s, a %s link; the "
                                         "capture kernel brings up a hardware interface, an active-backup or "
                                         "802.3ad bond, or an 802.1Q VLAN on one of them", server, base->name,
                                         base->kind);
        if (base->master > 0)
                return set_error_message(ret_error, EOPNOTSUPP, "the route to %s goes through %s, which is "
                                         "enslaved to interface %d (a bridge or another bond): not supported", server,
                                         base->name, base->master);
        *ret_base = base;
        return 0;
}

/* The record's link, bond and port fields. */
static int describe_links(net_record *n, const struct rtnl_link *hw, const struct rtnl_link *base,
                          const struct rtnl_link *ports, size_t n_ports) {
        memcpy(n->mac, rtnl_link_mac(hw), NET_RECORD_MAC_LEN);
        n->mtu = hw->mtu ? hw->mtu : 1500;
        if (!(n->name = strdup(hw->name)))
                return -ENOMEM;
        if (base == hw)
                return 0;
        n->bond = true;
        n->bond_mode = base->bond_mode;
        n->bond_miimon = base->bond_miimon;
        if (base->bond_mode == NET_BOND_8023AD) {
                n->bond_8023ad.lacp_fast = base->bond_8023ad.lacp_fast;
                /* a policy this code has no name for is left to the kernel's default */
                if (net_bond_xmit_hash_to_string(base->bond_8023ad.xmit_hash))
                        n->bond_8023ad.xmit_hash = base->bond_8023ad.xmit_hash;
                if (net_bond_ad_select_to_string(base->bond_8023ad.ad_select))
                        n->bond_8023ad.ad_select = base->bond_8023ad.ad_select;
        }
        n->bond_mtu = base->mtu ? base->mtu : n->mtu;
        if (!(n->bond_name = strdup(base->name)))
                return -ENOMEM;
        for (size_t i = 0; i < n_ports; i++) {
                struct net_port *v;

                if (ports[i].master != base->ifindex || &ports[i] == hw)
                        continue;
                v = reallocarray(n->ports, n->n_ports + 1, sizeof(*v));
                if (!v)
                        return -ENOMEM;
                n->ports = v;
                n->ports[n->n_ports] = (struct net_port) {};
                memcpy(n->ports[n->n_ports].mac, rtnl_link_mac(&ports[i]), NET_RECORD_MAC_LEN);
                if (!(n->ports[n->n_ports++].name = strdup(ports[i].name)))
                        return -ENOMEM;
        }
        return 0;
}

int net_describe_from(const char *server, const struct rtnl_route *route, const struct rtnl_link *link,
                      const struct rtnl_link *parent, const struct rtnl_link *ports, size_t n_ports,
                      const struct rtnl_addr *addrs, size_t n_addrs, net_record **ret, char **ret_error) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        const struct rtnl_addr *src = NULL;
        const struct rtnl_link *hw = link, *base = link;
        int r;

        if (route->type != RTN_UNICAST)
                return set_error_message(ret_error, EHOSTUNREACH, "the route to %s is %s", server,
                                         route_type_name(route->type));
        if (route->oif <= 0 || route->oif != link->ifindex)
                return set_error_message(ret_error, EHOSTUNREACH, "the route to %s names no interface", server);
        if (link->flags & IFF_LOOPBACK)
                return set_error_message(ret_error, EHOSTUNREACH, "the route to %s goes through the loopback "
                                         "interface %s: the server is this machine", server, link->name);
        r = base_link(server, link, parent, &base, ret_error);
        if (r >= 0 && strcmp(base->kind, "bond") == 0)
                r = bond_ports(server, base, ports, n_ports, &hw, ret_error);
        else
                hw = base;
        if (r < 0)
                return r;
        if (!rtnl_link_mac(hw))
                return set_error_message(ret_error, EOPNOTSUPP, "interface %s has no MAC address to find it by in "
                                         "the capture kernel", hw->name);
        if (!*route->prefsrc)
                return set_error_message(ret_error, EHOSTUNREACH, "the kernel names no source address for the "
                                         "route to %s through %s", server, link->name);
        for (size_t i = 0; i < n_addrs; i++)
                if (addrs[i].ifindex == link->ifindex && addrs[i].family == route->family &&
                    strcmp(addrs[i].address, route->prefsrc) == 0) {
                        src = &addrs[i];
                        break;
                }
        if (!src)
                return set_error_message(ret_error, EHOSTUNREACH, "the route to %s leaves through %s with source "
                                         "address %s, which %s does not have", server, link->name, route->prefsrc,
                                         link->name);
        if (src->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED))
                return set_error_message(ret_error, EHOSTUNREACH, "the source address %s on %s is %s", src->address,
                                         link->name, src->flags & IFA_F_DADFAILED ? "a duplicate (DAD failed)"
                                         : src->flags & IFA_F_TENTATIVE ? "still tentative (DAD)" : "deprecated");

        n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        r = describe_links(n, hw, base, ports, n_ports);
        if (r < 0)
                return r;
        if (base != link) {
                unsigned under = n->bond ? n->bond_mtu : n->mtu;

                n->vlan_id = link->vlan_id;
                n->vlan_mtu = MIN(link->mtu ? link->mtu : under, under);
                if (!(n->vlan_name = strdup(link->name)))
                        return -ENOMEM;
        }
        n->family = route->family;
        n->prefixlen = src->prefixlen;
        /* a permanent address was configured as is; one with a lifetime
         * came from a DHCP server or router advertisements */
        n->origin = (src->flags & IFA_F_PERMANENT) || src->valid_lft == UINT32_MAX ? NET_ORIGIN_STATIC : NET_ORIGIN_DHCP;
        if (!(n->address = strdup(src->address)) || !(n->server = strdup(server)) ||
            (*route->gateway && !(n->gateway = strdup(route->gateway))))
                return -ENOMEM;
        *ret = TAKE_PTR(n);
        return 0;
}

struct link_list {
        struct rtnl_link *v;
        size_t n;
};

static int collect_link(const struct rtnl_link *l, void *userdata) {
        struct link_list *list = userdata;
        struct rtnl_link *t;

        if (l->master <= 0)
                return 0;
        t = reallocarray(list->v, list->n + 1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        list->v = t;
        list->v[list->n++] = *l;
        return 0;
}

struct addr_list {
        struct rtnl_addr *v;
        size_t n;
        int ifindex;
};

static int collect_addr(const struct rtnl_addr *a, void *userdata) {
        struct addr_list *l = userdata;
        struct rtnl_addr *t;

        if (a->ifindex != l->ifindex)
                return 0;
        t = reallocarray(l->v, l->n + 1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        l->v = t;
        l->v[l->n++] = *a;
        return 0;
}

/* The module behind /sys/class/net/<name>/device/driver, for messages
 * and the record (the builder walks sysfs itself for the modules). */
static char *driver_of(const char *sysfs_root, const char *name) {
        char path[PATH_MAX], target[PATH_MAX];
        ssize_t n;

        snprintf(path, sizeof(path), "%s/class/net/%s/device/driver/module", sysfs_root ?: "/sys", name);
        n = readlink(path, target, sizeof(target) - 1);
        if (n <= 0) {
                snprintf(path, sizeof(path), "%s/class/net/%s/device/driver", sysfs_root ?: "/sys", name);
                n = readlink(path, target, sizeof(target) - 1);
        }
        if (n <= 0)
                return NULL;
        target[n] = 0;
        return strdup(strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
}

int net_describe(const char *server, const char *sysfs_root, net_record **ret, char **ret_error) {
        _cleanup_(rtnl_closep) rtnl *nl = NULL;
        _cleanup_(net_record_freep) net_record *n = NULL;
        struct addr_list addrs = {};
        struct link_list ports = {};
        struct rtnl_route route;
        struct rtnl_link link, parent;
        bool have_parent = false;
        int family = strchr(server, ':') ? AF_INET6 : AF_INET, r;

        r = rtnl_open(&nl);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot open rtnetlink: %s", strerror(-r));
        r = rtnl_get_route(nl, family, server, &route);
        if (r < 0)
                return set_error_message(ret_error, EHOSTUNREACH, "no route to %s: %s", server, strerror(-r));
        if (route.oif > 0) {
                r = rtnl_get_link(nl, route.oif, &link);
                if (r < 0)
                        return set_error_message(ret_error, -r, "cannot read interface %d, the route to %s: %s",
                                                 route.oif, server, strerror(-r));
        } else
                link = (struct rtnl_link) { .ifindex = -1 };
        /* a VLAN: the interface under it (net_describe_from() says why
         * when it cannot be read) */
        if (strcmp(link.kind, "vlan") == 0 && link.link > 0)
                have_parent = rtnl_get_link(nl, link.link, &parent) >= 0;
        /* a bond on the way: the links enslaved to anything, its ports among them */
        if (strcmp(link.kind, "bond") == 0 || (have_parent && strcmp(parent.kind, "bond") == 0)) {
                r = rtnl_links(nl, collect_link, &ports);
                if (r < 0) {
                        free(ports.v);
                        return set_error_message(ret_error, -r, "cannot list the network interfaces: %s", strerror(-r));
                }
        }
        addrs.ifindex = route.oif;
        r = rtnl_addrs(nl, family, collect_addr, &addrs);
        if (r < 0) {
                free(addrs.v);
                free(ports.v);
                return set_error_message(ret_error, -r, "cannot read the addresses of %s: %s", link.name, strerror(-r));
        }
        r = net_describe_from(server, &route, &link, have_parent ? &parent : NULL, ports.v, ports.n, addrs.v, addrs.n,
                              &n, ret_error);
        free(addrs.v);
        free(ports.v);
        if (r < 0)
                return r;
        n->driver = driver_of(sysfs_root, n->name);
        for (size_t i = 0; i < n->n_ports; i++)
                n->ports[i].driver = driver_of(sysfs_root, n->ports[i].name);
        *ret = TAKE_PTR(n);
        return 0;
}

int net_describe_host(const char *host, const char *sysfs_root, net_record **ret, char **ret_error) {
        _cleanup_free_ char *bare = NULL, *first_error = NULL;
        struct addrinfo *ai = NULL, hints = { .ai_socktype = SOCK_STREAM };
        size_t len = strlen(host);
        int r;

        if (len > 2 && host[0] == '[' && host[len - 1] == ']')
                bare = strndup(host + 1, len - 2);
        else
                bare = strdup(host);
        if (!bare)
                return -ENOMEM;
        r = getaddrinfo(bare, NULL, &hints, &ai);
        if (r != 0)
                return set_error_message(ret_error, EADDRNOTAVAIL, "cannot resolve the server name %s: %s", bare,
                                         r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
        r = -EADDRNOTAVAIL;
        for (struct addrinfo *a = ai; a; a = a->ai_next) {
                char addr[64];
                _cleanup_free_ char *err = NULL;

                if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
                    getnameinfo(a->ai_addr, a->ai_addrlen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
                        continue;
                r = net_describe(addr, sysfs_root, ret, &err);
                if (r >= 0)
                        break;
                if (!first_error)
                        first_error = TAKE_PTR(err);
        }
        freeaddrinfo(ai);
        if (r < 0)
                return set_error_message(ret_error, -r, "%s", first_error ?: "the server name resolves to no IPv4 or "
                                         "IPv6 address");
        return 0;
}
