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
        free(n->address);
        free(n->gateway);
        free(n->server);
        free(n);
        return NULL;
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
        if (n->vlan_id > NET_VLAN_ID_MAX || (n->vlan_id && (n->vlan_mtu < 68 || n->vlan_mtu > n->mtu)) ||
            (n->vlan_name && !word_ok(n->vlan_name)))
                return -EINVAL;
        return 0;
}

int net_record_render(const net_record *n, char **ret) {
        _cleanup_free_ char *vlan = NULL;
        char mac[18];
        int r;

        r = check(n);
        if (r < 0)
                return r;
        net_mac_format(n->mac, mac);
        if (n->vlan_id && asprintf(&vlan, "vlan id=%u mtu=%u%s%s\n", n->vlan_id, n->vlan_mtu,
                                   n->vlan_name ? " name=" : "", n->vlan_name ?: "") < 0)
                return -ENOMEM;
        if (asprintf(ret,
                     "link mac=%s mtu=%u%s%s%s%s\n"
                     "%s"
                     "address %s/%u origin=%s\n"
                     "%s%s%s"
                     "server %s\n",
                     mac, n->mtu, n->name ? " name=" : "", n->name ?: "", n->driver ? " driver=" : "", n->driver ?: "",
                     vlan ?: "", n->address, n->prefixlen, n->origin == NET_ORIGIN_DHCP ? "dhcp" : "static",
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
        if (strcmp(line, "address") == 0)
                return parse_address(n, rest, reason);
        if (strcmp(line, "gateway") == 0 || strcmp(line, "server") == 0) {
                if (!*rest || strpbrk(rest, " \t") || !(net_address_valid(AF_INET, rest) || net_address_valid(AF_INET6, rest))) {
                        *reason = "expected one IPv4 or IPv6 address";
                        return -EINVAL;
                }
                return set_word(strcmp(line, "gateway") == 0 ? &n->gateway : &n->server, rest);
        }
        *reason = "unknown line (link, vlan, address, gateway or server)";
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
        if (n->vlan_id && n->vlan_mtu == 0)
                n->vlan_mtu = n->mtu;
        if (n->vlan_mtu > n->mtu)
                return set_error_message(ret_error, EINVAL, "network record: the VLAN's MTU %u is above its link's, %u",
                                         n->vlan_mtu, n->mtu);
        if (!net_address_valid(n->family, n->server) || (n->gateway && !net_address_valid(n->family, n->gateway)))
                return set_error_message(ret_error, EINVAL,
                                         "network record: address %s, gateway %s and server %s are not of one family",
                                         n->address, n->gateway ?: "(none)", n->server);
        *ret = TAKE_PTR(n);
        return 0;
}

int net_record_summary(const net_record *n, char **ret) {
        _cleanup_free_ char *vlan = NULL;
        char mac[18];

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
