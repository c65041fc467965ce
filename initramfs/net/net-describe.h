/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The running system's way to a dump server, as the network record
 * (net-record.h) the capture kernel replays: the server's name resolved
 * now (the capture kernel has no DNS), the kernel's route to it (the
 * interface, the source address, the gateway) and that interface's
 * permanent MAC, MTU and driver.
 *
 * A route through an 802.1Q VLAN on a hardware interface is recorded as
 * both (the capture kernel makes the VLAN again); one through a bond in
 * mode active-backup or 802.3ad (or a VLAN on it) as the bond and its
 * ports, the active one first.  What the capture kernel cannot bring up
 * the same way is refused here, at kdumpctl start, by name: a bridge or any
 * other virtual link, a bond in another mode, a VLAN on one of those or an
 * 802.1ad (QinQ) one, a server that is this machine, no route at all.
 */

#include "initramfs/net/net-record.h"
#include "initramfs/net/rtnl.h"

/* Pure: the record from what rtnetlink said.  addrs are the addresses of
 * the route's interface; parent is the link a VLAN's IFLA_LINK names (NULL
 * when link is no VLAN, or its parent could not be read); ports the links
 * that may be enslaved to a bond on the way (the ones whose master is the
 * bond are its ports; others are ignored); -EOPNOTSUPP (a link the capture
 * kernel cannot set up), -EHOSTUNREACH (no usable route, no address to send
 * from) with *ret_error saying which and why. */
int net_describe_from(const char *server, const struct rtnl_route *route, const struct rtnl_link *link,
                      const struct rtnl_link *parent, const struct rtnl_link *ports, size_t n_ports,
                      const struct rtnl_addr *addrs, size_t n_addrs, net_record **ret, char **ret_error);

/* The same, asking the kernel; the driver is read from sysfs (sysfs_root
 * NULL: /sys).  server is a numeric address. */
int net_describe(const char *server, const char *sysfs_root, net_record **ret, char **ret_error);

/* Resolves host (a name, an IPv4 address, an IPv6 address with or without
 * brackets) and describes the way to the first of its addresses that has
 * one.  -EADDRNOTAVAIL (with the resolver's message) if it does not
 * resolve. */
int net_describe_host(const char *host, const char *sysfs_root, net_record **ret, char **ret_error);
