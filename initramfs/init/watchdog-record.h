/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What kdumpctl tells the capture /init about the crashed system's running
 * hardware watchdog (CAPTURE_WATCHDOG), and how the watchdog keeper
 * (watchdog-keeper.h) tells progress from a stall.  Pure.
 *
 * The record, one key=value a line:
 *   stall_timeout=300
 *   identity=i6300ESB timer
 */

#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_STALL_DEFAULT_S 300u

struct watchdog_record {
        unsigned stall_timeout_s;
        char *identity;                 /* NULL if not said */
};

void watchdog_record_done(struct watchdog_record *w);
/* "stall_timeout=...\nidentity=...\n"; identity may be NULL. */
int watchdog_record_render(unsigned stall_timeout_s, const char *identity, char **ret);
/* -EINVAL with *ret_error naming the line. */
int watchdog_record_parse(const char *text, struct watchdog_record *ret, char **ret_error);

struct watchdog_sample {
        uint64_t busy_ticks;            /* /proc/stat "cpu": user nice system irq softirq steal */
        uint64_t sectors_written;       /* /proc/diskstats, all devices */
        uint64_t tx_bytes;              /* /proc/net/dev, all interfaces but lo */
        uint64_t own_ticks;             /* the keeper's own utime + stime */
};

int watchdog_parse_stat(const char *text, uint64_t *ret_busy);
int watchdog_parse_diskstats(const char *text, uint64_t *ret_sectors);
int watchdog_parse_netdev(const char *text, uint64_t *ret_tx);

/* Whether the capture made progress from a to b over window_s seconds,
 * with clock ticks of hz per second. */
bool watchdog_progress(const struct watchdog_sample *a, const struct watchdog_sample *b, unsigned window_s,
                       unsigned hz);
