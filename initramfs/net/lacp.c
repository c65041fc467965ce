/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "initramfs/net/lacp.h"

#define CARRYING (LACP_STATE_SYNCHRONIZATION | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING)

void lacp_status_from(const struct rtnl_link *bond, const struct rtnl_link *links, size_t n_links,
                      struct lacp_status *ret) {
        static const uint8_t zero[NET_RECORD_MAC_LEN];
        struct lacp_status s = { .settings = bond->bond_8023ad };

        if (bond->bond_ad) {
                s.aggregator = bond->bond_ad_aggregator;
                memcpy(s.partner, bond->bond_ad_partner, NET_RECORD_MAC_LEN);
                s.partner_known = memcmp(s.partner, zero, sizeof(zero)) != 0;
        }
        for (size_t i = 0; i < n_links; i++) {
                const struct rtnl_link *p = &links[i];
                size_t used = strlen(s.carrying_names);

                if (p->master != bond->ifindex || p->ifindex == bond->ifindex)
                        continue;
                s.ports++;
                if (!s.aggregator || !p->port_ad || p->port_ad_aggregator != s.aggregator ||
                    (p->port_ad_state & CARRYING) != CARRYING)
                        continue;
                s.carrying++;
                if (used + strlen(p->name) + 3 <= sizeof(s.carrying_names))
                        snprintf(s.carrying_names + used, sizeof(s.carrying_names) - used, "%s%s",
                                 used ? ", " : "", p->name);
        }
        *ret = s;
}

bool lacp_status_usable(const struct lacp_status *s) {
        return s->partner_known && s->carrying > 0;
}

bool lacp_status_done(const struct lacp_status *s) {
        return lacp_status_usable(s) && s->carrying == s->ports;
}

int lacp_status_format(const struct lacp_status *s, char **ret) {
        char partner[18] = "";
        int r;

        if (s->partner_known)
                net_mac_format(s->partner, partner);
        if (!s->aggregator)
                r = asprintf(ret, "no active aggregator, %u port%s", s->ports, s->ports == 1 ? "" : "s");
        else
                r = asprintf(ret, "aggregator %u, %s%s, %u of %u port%s collecting and distributing%s%s%s", s->aggregator,
                             s->partner_known ? "partner " : "no LACP partner", partner, s->carrying, s->ports,
                             s->ports == 1 ? "" : "s", s->carrying ? " (" : "", s->carrying_names,
                             s->carrying ? ")" : "");
        return r < 0 ? -ENOMEM : 0;
}
