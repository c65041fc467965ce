/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A DHCPv4 lease as the capture kernel's DHCP client handed it over.
 *
 * The client is busybox's udhcpc (a real one, from Debian); it runs a
 * program on each event with the lease in its environment, and that
 * program is kdump-net again (dhcp-client.h): it writes the few variables
 * it needs to a file, one "key=value" a line, and kdump-net reads them
 * back here once udhcpc has exited.  This file is that text and the
 * address arithmetic on it: pure.
 *
 *   ip=192.168.77.2
 *   prefixlen=24
 *   router=192.168.77.254
 *   serverid=192.168.77.1
 *   lease=3600
 */

#include <stdbool.h>

typedef struct dhcp_lease {
        char *address;          /* "192.168.77.2" */
        unsigned prefixlen;     /* udhcpc's subnet= (a mask) or mask= (a length); 32 if neither */
        char *router;           /* the first of router=; NULL if none */
        char *server_id;        /* the DHCP server; NULL if not said */
        unsigned lease_s;       /* 0 if not said */
} dhcp_lease;

void dhcp_lease_done(dhcp_lease *l);

/* The text above from udhcpc's variables: getvar("ip") ... (getenv()).
 * -ENODATA when there is no valid ip=. */
int dhcp_lease_from_vars(const char *(*getvar)(const char *name), char **ret);

/* -EINVAL with *ret_error naming the line and what is wrong. */
int dhcp_lease_parse(const char *text, dhcp_lease *ret, char **ret_error);

/* "255.255.255.0" -> 24; -EINVAL for a mask that is no prefix. */
int ipv4_mask_prefixlen(const char *mask, unsigned *ret);

/* Whether the IPv4 address a is in net/prefixlen; false for anything that
 * does not parse. */
bool ipv4_in_subnet(const char *a, const char *net, unsigned prefixlen);
