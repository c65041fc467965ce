/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "basic/macro.h"
#include "initramfs/net/nic-channels.h"

static unsigned at_most_one(unsigned v, bool *changed) {
        if (v <= 1)
                return v;
        *changed = true;
        return 1;
}

bool nic_channels_one(const struct nic_channels *cur, struct nic_channels *ret) {
        struct nic_channels c = *cur;
        bool changed = false;

        c.rx = at_most_one(c.rx, &changed);
        c.tx = at_most_one(c.tx, &changed);
        c.combined = at_most_one(c.combined, &changed);
        *ret = c;
        return changed;
}

void nic_channels_format(const struct nic_channels *c, char *buf, size_t size) {
        const struct { const char *name; unsigned v; } f[] = {
                { "combined", c->combined }, { "rx", c->rx }, { "tx", c->tx }, { "other", c->other },
        };
        size_t k = 0;

        if (size == 0)
                return;
        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(f) && k < size; i++)
                if (f[i].v > 0)
                        k += (size_t) snprintf(buf + k, size - k, "%s%s %u", k ? ", " : "", f[i].name, f[i].v);
        if (k == 0)
                snprintf(buf, size, "none");
}

/* --- I/O ------------------------------------------------------------------ */

static int ethtool(const char *ifname, void *cmd) {
        _cleanup_close_ int fd = -EBADF;
        struct ifreq ifr = {};

        if (strlen(ifname) >= sizeof(ifr.ifr_name))
                return -EINVAL;
        /* any socket reaches the device ioctls; an IPv6-only kernel still
         * has AF_UNIX */
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        strcpy(ifr.ifr_name, ifname);
        ifr.ifr_data = cmd;
        if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
                return -errno;
        return 0;
}

int nic_channels_get(const char *ifname, struct nic_channels *ret) {
        struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
        int r;

        r = ethtool(ifname, &ch);
        if (r < 0)
                return r;
        *ret = (struct nic_channels) {
                .max_rx = ch.max_rx, .max_tx = ch.max_tx, .max_other = ch.max_other, .max_combined = ch.max_combined,
                .rx = ch.rx_count, .tx = ch.tx_count, .other = ch.other_count, .combined = ch.combined_count,
        };
        return 0;
}

int nic_channels_set(const char *ifname, const struct nic_channels *c) {
        struct ethtool_channels ch = {
                .cmd = ETHTOOL_SCHANNELS,
                .rx_count = c->rx, .tx_count = c->tx, .other_count = c->other, .combined_count = c->combined,
        };

        return ethtool(ifname, &ch);
}
