/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/net/dhcp-lease.h"

void dhcp_lease_done(dhcp_lease *l) {
        free(l->address);
        free(l->router);
        free(l->server_id);
        *l = (dhcp_lease) {};
}

static bool ipv4_valid(const char *s) {
        struct in_addr a;

        return s && inet_pton(AF_INET, s, &a) == 1;
}

int ipv4_mask_prefixlen(const char *mask, unsigned *ret) {
        struct in_addr a;
        uint32_t m, inv;

        if (!mask || inet_pton(AF_INET, mask, &a) != 1)
                return -EINVAL;
        m = ntohl(a.s_addr);
        inv = ~m;
        /* contiguous ones then zeros: the zeros plus one is a power of two */
        if (inv & (inv + 1))
                return -EINVAL;
        *ret = (unsigned) __builtin_popcount(m);
        return 0;
}

bool ipv4_in_subnet(const char *a, const char *net, unsigned prefixlen) {
        struct in_addr x, y;
        uint32_t m;

        if (prefixlen > 32 || inet_pton(AF_INET, a, &x) != 1 || inet_pton(AF_INET, net, &y) != 1)
                return false;
        m = prefixlen ? UINT32_MAX << (32 - prefixlen) : 0;
        return (ntohl(x.s_addr) & m) == (ntohl(y.s_addr) & m);
}

int dhcp_lease_from_vars(const char *(*getvar)(const char *name), char **ret) {
        const char *ip = getvar("ip"), *subnet = getvar("subnet"), *mask = getvar("mask"),
                   *router = getvar("router"), *serverid = getvar("serverid"), *lease = getvar("lease");
        _cleanup_free_ char *first_router = NULL;
        unsigned prefixlen, seconds;

        if (!ipv4_valid(ip))
                return -ENODATA;
        if (ipv4_mask_prefixlen(subnet, &prefixlen) < 0 &&
            (!mask || safe_atou(mask, &prefixlen) < 0 || prefixlen > 32))
                prefixlen = 32;         /* no subnet said: the address alone, the route goes via the router */
        if (router) {
                /* a list, the first is the one to use */
                first_router = strndup(router, strcspn(router, " \t"));
                if (!first_router)
                        return -ENOMEM;
                if (!ipv4_valid(first_router)) {
                        free(first_router);
                        first_router = NULL;
                }
        }
        if (!lease || safe_atou(lease, &seconds) < 0)
                seconds = 0;
        if (asprintf(ret, "ip=%s\nprefixlen=%u\n%s%s%s%s%s%slease=%u\n", ip, prefixlen,
                     first_router ? "router=" : "", first_router ?: "", first_router ? "\n" : "",
                     ipv4_valid(serverid) ? "serverid=" : "", ipv4_valid(serverid) ? serverid : "",
                     ipv4_valid(serverid) ? "\n" : "", seconds) < 0)
                return -ENOMEM;
        return 0;
}

int dhcp_lease_parse(const char *text, dhcp_lease *ret, char **ret_error) {
        _cleanup_(dhcp_lease_done) dhcp_lease l = { .prefixlen = 33 };
        unsigned lineno = 0;

        for (const char *p = text; *p; ) {
                size_t len = strcspn(p, "\n");
                _cleanup_free_ char *line = strndup(p, len);
                char *v;

                if (!line)
                        return -ENOMEM;
                p += len + (p[len] == '\n');
                lineno++;
                if (!*line)
                        continue;
                v = strchr(line, '=');
                if (!v)
                        return set_error_message(ret_error, EINVAL, "line %u: expected key=value", lineno);
                *v++ = 0;
                if (strcmp(line, "ip") == 0 || strcmp(line, "router") == 0 || strcmp(line, "serverid") == 0) {
                        char **f = line[0] == 'i' ? &l.address : line[0] == 'r' ? &l.router : &l.server_id;

                        if (!ipv4_valid(v))
                                return set_error_message(ret_error, EINVAL, "line %u: %s=%s is no IPv4 address",
                                                         lineno, line, v);
                        free(*f);
                        if (!(*f = strdup(v)))
                                return -ENOMEM;
                } else if (strcmp(line, "prefixlen") == 0) {
                        if (safe_atou(v, &l.prefixlen) < 0 || l.prefixlen > 32)
                                return set_error_message(ret_error, EINVAL, "line %u: prefixlen=%s is not 0-32",
                                                         lineno, v);
                } else if (strcmp(line, "lease") == 0) {
                        if (safe_atou(v, &l.lease_s) < 0)
                                return set_error_message(ret_error, EINVAL, "line %u: lease=%s is no number of "
                                                         "seconds", lineno, v);
                } else
                        return set_error_message(ret_error, EINVAL, "line %u: unknown key %s", lineno, line);
        }
        if (!l.address || l.prefixlen > 32)
                return set_error_message(ret_error, EINVAL, "no %s", l.address ? "prefixlen=" : "ip=");
        *ret = l;
        l = (dhcp_lease) {};
        return 0;
}
