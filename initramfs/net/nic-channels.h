/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * One queue for a NIC in the capture kernel.  A multi-queue driver makes
 * a queue per online CPU (capture_cpus, nr_cpus= on the capture command
 * line) up to what the device has, and each queue gets its own ring of
 * receive buffers when the interface comes up: memory the reservation
 * pays for, and interrupt vectors.  The dump is one TCP connection (NFS
 * or SSH), which one queue carries, so before kdump-net brings a NIC up it
 * asks the driver, through ethtool's channels (SIOCETHTOOL, what `ethtool
 * -L` does), for one.  A driver without the operation keeps its own; one
 * that refuses says why on the console, and the capture goes on.
 *
 * nic_channels_one() decides (pure); the other two are the ioctl.
 */

#include <stdbool.h>
#include <stddef.h>

struct nic_channels {
        unsigned max_rx, max_tx, max_other, max_combined;
        unsigned rx, tx, other, combined;
};

/* The channels to ask for: every receive, transmit and combined count above
 * one down to one (a count of 0 stays 0, so the driver keeps a queue of
 * each direction; "other", the driver's link and management interrupts,
 * stays as it is).  False when nothing is above one. */
bool nic_channels_one(const struct nic_channels *cur, struct nic_channels *ret);

/* "combined 4", "rx 2, tx 2", "none"; its counts only, not the maximums. */
void nic_channels_format(const struct nic_channels *c, char *buf, size_t size);

/* ETHTOOL_GCHANNELS / ETHTOOL_SCHANNELS on the interface ifname:
 * -EOPNOTSUPP where the driver has no channels to read or set. */
int nic_channels_get(const char *ifname, struct nic_channels *ret);
int nic_channels_set(const char *ifname, const struct nic_channels *c);
