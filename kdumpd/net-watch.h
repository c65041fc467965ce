/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * kdumpd's watch over a network dump target: the capture kernel replays the
 * way to the server recorded when it was loaded (net-record.h), so a new
 * address, a route through another gateway or interface, a renamed or
 * replaced interface, or the server's name resolving elsewhere makes the
 * loaded capture kernel useless.  kdumpd asks again when rtnetlink
 * announces a change of links, addresses or routes (with the recorded
 * server address: no DNS on every announcement) and, for the name, on a
 * timer (NET_WATCH_RESOLVE_USEC), and reloads when the answer differs.
 *
 * A server that cannot be reached at all (the link down, the route gone)
 * is not a reason to unload: the recorded way may come back, and a reload
 * would fail its check anyway.  It is said loudly, once per change.
 */

#include <stdbool.h>
#include <stdint.h>

/* Announcements come in bursts (an address and its routes): the check
 * runs this long after the last one. */
#define NET_WATCH_SETTLE_USEC (2ULL * 1000000ULL)
/* How often the server's name is resolved again. */
#define NET_WATCH_RESOLVE_USEC (10ULL * 60ULL * 1000000ULL)

enum net_watch_verdict {
        NET_WATCH_SAME,                 /* the loaded record is still the way */
        NET_WATCH_CHANGED,              /* another way now: reload */
        NET_WATCH_UNREACHABLE,          /* no way at all now: *ret_detail says why */
};

/* Describes the way to the server now, from the recorded server address
 * (resolve false) or the configured name (resolve true), and compares it
 * with the loaded record.  *ret_detail: what changed, or why there is no
 * way; NULL for SAME. */
int net_watch_check(const char *loaded_record, const char *server_name, bool resolve, enum net_watch_verdict *ret,
                    char **ret_detail);
