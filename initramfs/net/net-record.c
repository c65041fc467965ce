/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/net/net-record.h"

net_record *net_record_free(net_record *n) {
        if (!n)
                return NULL;
        free(n->name);
        free(n->driver);
        free(n->vlan_name);
        free(n->bond_name);
        for (size_t i = 0; i < n->n_ports; i++) {
                free(n->ports[i].name);
                free(n->ports[i].driver);
        }
        free(n->ports);
        free(n->address);
        free(n->gateway);
        free(n->server);
        free(n);
        return NULL;
}

const char *net_bond_mode_to_string(unsigned mode) {
        return mode == NET_BOND_ACTIVE_BACKUP ? "active-backup" : mode == NET_BOND_8023AD ? "802.3ad" : NULL;
}

int net_bond_mode_from_string(const char *s, unsigned *ret) {
        if (strcmp(s, "active-backup") == 0)
                *ret = NET_BOND_ACTIVE_BACKUP;
        else if (strcmp(s, "802.3ad") == 0)
                *ret = NET_BOND_8023AD;
        else
                return -EINVAL;
        return 0;
}

/* The kernel's names (bond_options.c), by its numbers (if_bonding.h). */
static const char *const xmit_hash_names[NET_BOND_XMIT_HASH_MAX + 1] = {
        "layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac",
};
static const char *const ad_select_names[NET_BOND_AD_SELECT_MAX + 1] = { "stable", "bandwidth", "count" };

static int name_lookup(const char *const *names, size_t n, const char *s, unsigned *ret) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(names[i], s) == 0) {
                        *ret = (unsigned) i;
                        return 0;
                }
        return -EINVAL;
}

const char *net_bond_xmit_hash_to_string(unsigned v) {
        return v < ELEMENTSOF(xmit_hash_names) ? xmit_hash_names[v] : NULL;
}

int net_bond_xmit_hash_from_string(const char *s, unsigned *ret) {
        return name_lookup(xmit_hash_names, ELEMENTSOF(xmit_hash_names), s, ret);
}

const char *net_bond_ad_select_to_string(unsigned v) {
        return v < ELEMENTSOF(ad_select_names) ? ad_select_names[v] : NULL;
}

int net_bond_ad_select_from_string(const char *s, unsigned *ret) {
        return name_lookup(ad_select_names, ELEMENTSOF(ad_select_names), s, ret);
}

bool net_bond_8023ad_set(const struct net_bond_8023ad *a) {
        return a->lacp_fast || a->xmit_hash || a->ad_select;
}

bool net_bond_8023ad_known(const struct net_bond_8023ad *a) {
        return net_bond_xmit_hash_to_string(a->xmit_hash) && net_bond_ad_select_to_string(a->ad_select);
}

void net_bond_ad_options(const struct net_bond_8023ad *a, char *buf, size_t size) {
        const char *x = net_bond_xmit_hash_to_string(a->xmit_hash) ?: "?";
        const char *sel = net_bond_ad_select_to_string(a->ad_select) ?: "?";
        size_t k = 0;

        if (size == 0)
                return;
        buf[0] = 0;
        if (a->lacp_fast)
                k += (size_t) snprintf(buf + k, size - k, "LACP rate fast");
        if (a->xmit_hash && k < size)
                k += (size_t) snprintf(buf + k, size - k, "%sxmit_hash_policy %s", k ? ", " : "", x);
        if (a->ad_select && k < size)
                snprintf(buf + k, size - k, "%sad_select %s", k ? ", " : "", sel);
}

int net_mac_parse(const char *s, uint8_t ret[NET_RECORD_MAC_LEN]) {
        uint8_t mac[NET_RECORD_MAC_LEN];

        if (strlen(s) != 17)
                return -EINVAL;
        for (size_t i = 0; i < NET_RECORD_MAC_LEN; i++) {
                const char *p = s + 3 * i;
                char hex[3] = { p[0], p[1], 0 }, *end;
                unsigned long v;

                if ((i < NET_RECORD_MAC_LEN - 1 && p[2] != ':') || !strchr("0123456789abcdefABCDEF", p[0]) ||
                    !strchr("0123456789abcdefABCDEF", p[1]))
                        return -EINVAL;
                v = strtoul(hex, &end, 16);
                mac[i] = (uint8_t) v;
        }
        memcpy(ret, mac, sizeof(mac));
        return 0;
}

void net_mac_format(const uint8_t mac[NET_RECORD_MAC_LEN], char buf[18]) {
        snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

bool net_address_valid(int family, const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];

        return s && (family == AF_INET || family == AF_INET6) && inet_pton(family, s, buf) == 1;
}

static bool word_ok(const char *s) {
        return s && *s && !strpbrk(s, " \t\n=");
}

static int check(const net_record *n) {
        static const uint8_t zero[NET_RECORD_MAC_LEN];

        if (memcmp(n->mac, zero, sizeof(zero)) == 0 || n->mtu < 68 || n->mtu > 65535)
                return -EINVAL;
        if (!net_address_valid(n->family, n->address) || !net_address_valid(n->family, n->server))
                return -EINVAL;
        if (n->gateway && !net_address_valid(n->family, n->gateway))
                return -EINVAL;
        if (n->prefixlen > (n->family == AF_INET ? 32u : 128u))
                return -EINVAL;
        if ((n->name && !word_ok(n->name)) || (n->driver && !word_ok(n->driver)))
                return -EINVAL;
        if (n->vlan_id > NET_VLAN_ID_MAX ||
            (n->vlan_id && (n->vlan_mtu < 68 || n->vlan_mtu > (n->bond ? n->bond_mtu : n->mtu))) ||
            (n->vlan_name && !word_ok(n->vlan_name)))
                return -EINVAL;
        if (n->bond && (!net_bond_mode_to_string(n->bond_mode) || n->bond_mtu < 68 || n->bond_mtu > 65535 ||
                        (n->bond_name && !word_ok(n->bond_name)) || n->n_ports > NET_BOND_PORTS_MAX ||
                        (net_bond_8023ad_set(&n->bond_8023ad) && n->bond_mode != NET_BOND_8023AD) ||
                        !net_bond_8023ad_known(&n->bond_8023ad)))
                return -EINVAL;
        if (!n->bond && n->n_ports > 0)
                return -EINVAL;
        for (size_t i = 0; i < n->n_ports; i++)
                if (memcmp(n->ports[i].mac, zero, sizeof(zero)) == 0 || (n->ports[i].name && !word_ok(n->ports[i].name)) ||
                    (n->ports[i].driver && !word_ok(n->ports[i].driver)))
                        return -EINVAL;
        return 0;
}

/* The bond and port lines, "" without a bond. */
static int render_bond(const net_record *n, char **ret) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;

        if (!n->bond)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "bond mode=%s", net_bond_mode_to_string(n->bond_mode));
        if (n->bond_miimon)
                fprintf(f, " miimon=%u", n->bond_miimon);
        if (n->bond_8023ad.lacp_fast)
                fprintf(f, " lacp_rate=fast");
        if (n->bond_8023ad.xmit_hash)
                fprintf(f, " xmit_hash_policy=%s", net_bond_xmit_hash_to_string(n->bond_8023ad.xmit_hash));
        if (n->bond_8023ad.ad_select)
                fprintf(f, " ad_select=%s", net_bond_ad_select_to_string(n->bond_8023ad.ad_select));
        fprintf(f, " mtu=%u%s%s\n", n->bond_mtu, n->bond_name ? " name=" : "", n->bond_name ?: "");
        for (size_t i = 0; i < n->n_ports; i++) {
                char mac[18];

                net_mac_format(n->ports[i].mac, mac);
                fprintf(f, "port mac=%s%s%s%s%s\n", mac, n->ports[i].name ? " name=" : "", n->ports[i].name ?: "",
                        n->ports[i].driver ? " driver=" : "", n->ports[i].driver ?: "");
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(text);
        return 0;
}

int net_record_render(const net_record *n, char **ret) {
        _cleanup_free_ char *vlan = NULL, *bond = NULL;
        char mac[18];
        int r;

        r = check(n);
        if (r < 0)
                return r;
        r = render_bond(n, &bond);
        if (r < 0)
                return r;
        net_mac_format(n->mac, mac);
        if (n->vlan_id && asprintf(&vlan, "vlan id=%u mtu=%u%s%s\n", n->vlan_id, n->vlan_mtu,
                                   n->vlan_name ? " name=" : "", n->vlan_name ?: "") < 0)
                return -ENOMEM;
        if (asprintf(ret,
                     "link mac=%s mtu=%u%s%s%s%s\n"
                     "%s%s"
                     "address %s/%u origin=%s\n"
                     "%s%s%s"
                     "server %s\n",
                     mac, n->mtu, n->name ? " name=" : "", n->name ?: "", n->driver ? " driver=" : "", n->driver ?: "",
                     bond, vlan ?: "", n->address, n->prefixlen, n->origin == NET_ORIGIN_DHCP ? "dhcp" : "static",
                     n->gateway ? "gateway " : "", n->gateway ?: "", n->gateway ? "\n" : "", n->server) < 0)
                return -ENOMEM;
        return 0;
}

static int set_word(char **field, const char *v) {
        char *s = strdup(v);

        if (!s)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

/* The "key=value" words after a line's first: each handed to each(); a
 * word without '=' is refused.  *reason says what is wrong. */
static int parse_key_values(net_record *n, char *rest, const char **reason,
                            int (*each)(net_record *n, const char *key, const char *value, const char **reason)) {
        char *save = NULL;

        for (char *w = strtok_r(rest, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                char *v = strchr(w, '=');
                int r;

                if (!v) {
                        *reason = "expected key=value words";
                        return -EINVAL;
                }
                *v++ = 0;
                r = each(n, w, v, reason);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int link_key(net_record *n, const char *key, const char *v, const char **reason) {
        if (strcmp(key, "mac") == 0) {
                if (net_mac_parse(v, n->mac) < 0) {
                        *reason = "mac= is not a MAC address (xx:xx:xx:xx:xx:xx)";
                        return -EINVAL;
                }
        } else if (strcmp(key, "mtu") == 0) {
                if (safe_atou(v, &n->mtu) < 0 || n->mtu < 68 || n->mtu > 65535) {
                        *reason = "mtu= is not a number from 68 to 65535";
                        return -EINVAL;
                }
        } else if (strcmp(key, "name") == 0)
                return set_word(&n->name, v);
        else if (strcmp(key, "driver") == 0)
                return set_word(&n->driver, v);
        /* other keys: written by a newer kdumpd, for messages */
        return 0;
}

static int parse_link(net_record *n, char *rest, const char **reason) {
        static const uint8_t zero[NET_RECORD_MAC_LEN];
        int r;

        r = parse_key_values(n, rest, reason, link_key);
        if (r < 0)
                return r;
        if (memcmp(n->mac, zero, sizeof(zero)) == 0 || n->mtu == 0) {
                *reason = "needs mac= and mtu=";
                return -EINVAL;
        }
        return 0;
}

static int vlan_key(net_record *n, const char *key, const char *v, const char **reason) {
        if (strcmp(key, "id") == 0) {
                if (safe_atou(v, &n->vlan_id) < 0 || n->vlan_id < 1 || n->vlan_id > NET_VLAN_ID_MAX) {
                        *reason = "id= is not a VLAN id from 1 to 4094";
                        return -EINVAL;
                }
        } else if (strcmp(key, "mtu") == 0) {
                if (safe_atou(v, &n->vlan_mtu) < 0 || n->vlan_mtu < 68 || n->vlan_mtu > 65535) {
                        *reason = "mtu= is not a number from 68 to 65535";
                        return -EINVAL;
                }
        } else if (strcmp(key, "name") == 0)
                return set_word(&n->vlan_name, v);
        return 0;
}

static int parse_vlan(net_record *n, char *rest, const char **reason) {
        int r;

        r = parse_key_values(n, rest, reason, vlan_key);
        if (r < 0)
                return r;
        if (!n->vlan_id) {
                *reason = "needs id=";
                return -EINVAL;
        }
        return 0;
}

static int bond_key(net_record *n, const char *key, const char *v, const char **reason) {
        if (strcmp(key, "mode") == 0) {
                if (net_bond_mode_from_string(v, &n->bond_mode) < 0) {
                        *reason = "mode= is not active-backup or 802.3ad";
                        return -EINVAL;
                }
        } else if (strcmp(key, "miimon") == 0) {
                if (safe_atou(v, &n->bond_miimon) < 0) {
                        *reason = "miimon= is not a number of milliseconds";
                        return -EINVAL;
                }
        } else if (strcmp(key, "lacp_rate") == 0) {
                if (strcmp(v, "fast") != 0 && strcmp(v, "slow") != 0) {
                        *reason = "lacp_rate= is not fast or slow";
                        return -EINVAL;
                }
                n->bond_8023ad.lacp_fast = strcmp(v, "fast") == 0;
        } else if (strcmp(key, "xmit_hash_policy") == 0) {
                if (net_bond_xmit_hash_from_string(v, &n->bond_8023ad.xmit_hash) < 0) {
                        *reason = "xmit_hash_policy= is not one of layer2, layer3+4, layer2+3, encap2+3, encap3+4, "
                                  "vlan+srcmac";
                        return -EINVAL;
                }
        } else if (strcmp(key, "ad_select") == 0) {
                if (net_bond_ad_select_from_string(v, &n->bond_8023ad.ad_select) < 0) {
                        *reason = "ad_select= is not stable, bandwidth or count";
                        return -EINVAL;
                }
        } else if (strcmp(key, "mtu") == 0) {
                if (safe_atou(v, &n->bond_mtu) < 0 || n->bond_mtu < 68 || n->bond_mtu > 65535) {
                        *reason = "mtu= is not a number from 68 to 65535";
                        return -EINVAL;
                }
        } else if (strcmp(key, "name") == 0)
                return set_word(&n->bond_name, v);
        return 0;
}

static int parse_bond(net_record *n, char *rest, const char **reason) {
        int r;

        if (n->bond) {
                *reason = "a second bond line";
                return -EINVAL;
        }
        r = parse_key_values(n, rest, reason, bond_key);
        if (r < 0)
                return r;
        if (!net_bond_mode_to_string(n->bond_mode)) {
                *reason = "needs mode= (active-backup or 802.3ad)";
                return -EINVAL;
        }
        if (n->bond_mode != NET_BOND_8023AD && net_bond_8023ad_set(&n->bond_8023ad)) {
                *reason = n->bond_8023ad.lacp_fast ? "lacp_rate= is for mode=802.3ad" :
                          n->bond_8023ad.xmit_hash ? "xmit_hash_policy= is for mode=802.3ad" :
                                                     "ad_select= is for mode=802.3ad";
                return -EINVAL;
        }
        n->bond = true;
        return 0;
}

static int port_key(net_record *n, const char *key, const char *v, const char **reason) {
        struct net_port *p = &n->ports[n->n_ports];

        if (strcmp(key, "mac") == 0) {
                if (net_mac_parse(v, p->mac) < 0) {
                        *reason = "mac= is not a MAC address (xx:xx:xx:xx:xx:xx)";
                        return -EINVAL;
                }
        } else if (strcmp(key, "name") == 0)
                return set_word(&p->name, v);
        else if (strcmp(key, "driver") == 0)
                return set_word(&p->driver, v);
        return 0;
}

static int parse_port(net_record *n, char *rest, const char **reason) {
        static const uint8_t zero[NET_RECORD_MAC_LEN];
        struct net_port *v;
        int r;

        if (n->n_ports >= NET_BOND_PORTS_MAX) {
                *reason = "more port lines than a capture kernel brings up (8)";
                return -EINVAL;
        }
        v = reallocarray(n->ports, n->n_ports + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        n->ports = v;
        n->ports[n->n_ports] = (struct net_port) {};
        r = parse_key_values(n, rest, reason, port_key);
        /* counted either way, so that net_record_free() frees its words */
        n->n_ports++;
        if (r < 0)
                return r;
        if (memcmp(n->ports[n->n_ports - 1].mac, zero, sizeof(zero)) == 0) {
                *reason = "needs mac=";
                return -EINVAL;
        }
        return 0;
}

static int parse_address(net_record *n, char *rest, const char **reason) {
        char *save = NULL, *a = strtok_r(rest, " \t", &save), *o = strtok_r(NULL, " \t", &save), *slash;
        int family;

        slash = a ? strchr(a, '/') : NULL;
        if (!slash) {
                *reason = "expected <address>/<prefix length>";
                return -EINVAL;
        }
        *slash++ = 0;
        family = strchr(a, ':') ? AF_INET6 : AF_INET;
        if (!net_address_valid(family, a) || safe_atou(slash, &n->prefixlen) < 0 ||
            n->prefixlen > (family == AF_INET ? 32u : 128u)) {
                *reason = "not an IPv4 or IPv6 address with a prefix length";
                return -EINVAL;
        }
        if (!o || strcmp(o, "origin=static") == 0)
                n->origin = NET_ORIGIN_STATIC;
        else if (strcmp(o, "origin=dhcp") == 0)
                n->origin = NET_ORIGIN_DHCP;
        else {
                *reason = "origin= must be static or dhcp";
                return -EINVAL;
        }
        n->family = family;
        return set_word(&n->address, a);
}

static int parse_line_words(net_record *n, char *line, const char **reason) {
        char *rest = line + strcspn(line, " \t");

        if (*rest)
                *rest++ = 0;
        rest += strspn(rest, " \t");
        if (strcmp(line, "link") == 0)
                return parse_link(n, rest, reason);
        if (strcmp(line, "vlan") == 0)
                return parse_vlan(n, rest, reason);
        if (strcmp(line, "bond") == 0)
                return parse_bond(n, rest, reason);
        if (strcmp(line, "port") == 0)
                return parse_port(n, rest, reason);
        if (strcmp(line, "address") == 0)
                return parse_address(n, rest, reason);
        if (strcmp(line, "gateway") == 0 || strcmp(line, "server") == 0) {
                if (!*rest || strpbrk(rest, " \t") || !(net_address_valid(AF_INET, rest) || net_address_valid(AF_INET6, rest))) {
                        *reason = "expected one IPv4 or IPv6 address";
                        return -EINVAL;
                }
                return set_word(strcmp(line, "gateway") == 0 ? &n->gateway : &n->server, rest);
        }
        *reason = "unknown line (link, bond, port, vlan, address, gateway or server)";
        return -EINVAL;
}

static int parse_line(char *line, char **ret_reason, void *userdata) {
        const char *reason = NULL;
        int r = parse_line_words(userdata, line, &reason);

        if (r < 0 && reason)
                *ret_reason = strdup(reason);
        return r;
}

int net_record_parse(const char *text, net_record **ret, char **ret_error) {
        _cleanup_(net_record_freep) net_record *n = calloc(1, sizeof(net_record));
        int r;

        if (!n)
                return -ENOMEM;
        r = parse_record_lines(text, "network record", parse_line, n, ret_error);
        if (r < 0)
                return r;
        if (!n->address || !n->server || n->mtu == 0)
                return set_error_message(ret_error, EINVAL, "network record: needs link, address and server lines");
        if (n->n_ports > 0 && !n->bond)
                return set_error_message(ret_error, EINVAL, "network record: port lines without a bond line");
        if (n->bond && n->bond_mtu == 0)
                n->bond_mtu = n->mtu;
        if (n->vlan_id && n->vlan_mtu == 0)
                n->vlan_mtu = n->bond ? n->bond_mtu : n->mtu;
        if (n->vlan_mtu > (n->bond ? n->bond_mtu : n->mtu))
                return set_error_message(ret_error, EINVAL, "network record: the VLAN's MTU %u is above its link's, %u",
                                         n->vlan_mtu, n->bond ? n->bond_mtu : n->mtu);
        if (!net_address_valid(n->family, n->server) || (n->gateway && !net_address_valid(n->family, n->gateway)))
                return set_error_message(ret_error, EINVAL,
                                         "network record: address %s, gateway %s and server %s are not of one family",
                                         n->address, n->gateway ?: "(none)", n->server);
        *ret = TAKE_PTR(n);
        return 0;
}

/* "active-backup of eth0 52:54:00:77:00:02 virtio_net, eth1 ..." */
static int bond_summary(const net_record *n, char **ret) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        char mac[18], opts[96];
        FILE *f;

        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        net_mac_format(n->mac, mac);
        net_bond_ad_options(&n->bond_8023ad, opts, sizeof(opts));
        fprintf(f, "%s%s%s%s of %s %s%s%s", net_bond_mode_to_string(n->bond_mode), *opts ? " (" : "", opts,
                *opts ? ")" : "", n->name ?: "?", mac,
                n->driver ? " " : "", n->driver ?: "");
        for (size_t i = 0; i < n->n_ports; i++) {
                net_mac_format(n->ports[i].mac, mac);
                fprintf(f, ", %s %s%s%s", n->ports[i].name ?: "?", mac, n->ports[i].driver ? " " : "",
                        n->ports[i].driver ?: "");
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(text);
        return 0;
}

int net_record_summary(const net_record *n, char **ret) {
        _cleanup_free_ char *vlan = NULL, *bond = NULL;
        char mac[18];

        if (n->bond) {
                if (bond_summary(n, &bond) < 0 ||
                    (n->vlan_id && asprintf(&vlan, "VLAN %u on %s, ", n->vlan_id, n->bond_name ?: "the bond") < 0))
                        return -ENOMEM;
                return asprintf(ret, "%s (%s%s) %s/%u%s%s%s",
                                n->vlan_id ? n->vlan_name ?: "VLAN" : n->bond_name ?: "bond", vlan ?: "", bond,
                                n->address, n->prefixlen, n->origin == NET_ORIGIN_DHCP ? " (DHCP)" : "",
                                n->gateway ? " via " : "", n->gateway ?: "") < 0 ? -ENOMEM : 0;
        }
        net_mac_format(n->mac, mac);
        if (n->vlan_id && asprintf(&vlan, "VLAN %u on %s, ", n->vlan_id, n->name ?: "interface") < 0)
                return -ENOMEM;
        if (asprintf(ret, "%s (%s%s%s%s) %s/%u%s%s%s",
                     n->vlan_id ? n->vlan_name ?: "VLAN" : n->name ?: "interface", vlan ?: "", mac,
                     n->driver ? ", " : "", n->driver ?: "", n->address, n->prefixlen,
                     n->origin == NET_ORIGIN_DHCP ? " (DHCP)" : "", n->gateway ? " via " : "", n->gateway ?: "") < 0)
                return -ENOMEM;
        return 0;
}
