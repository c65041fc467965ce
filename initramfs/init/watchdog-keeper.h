/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The hardware watchdog in the capture kernel.  When the crashed system had
 * one running, kdumpctl put its driver in the capture initramfs and a
 * record (CAPTURE_WATCHDOG, below): a watchdog that ran on through the
 * panic would otherwise reset the machine in the middle of a capture, and
 * one the capture left alone would never reset a capture that hangs.
 *
 * So /init opens /dev/watchdog, sets WATCHDOG_CAPTURE_TIMEOUT_S, and a
 * keeper process feeds it while the capture makes progress: CPU work (more
 * than a tenth of a CPU, not counting the keeper), sectors written to a
 * disk, bytes sent on a network interface.  After stall_timeout seconds of
 * none of these (a wait in D state that never ends, a kdump_pre that
 * sleeps forever) it stops feeding, says so, and the watchdog resets the
 * machine.  Before the final reboot /init gives the watchdog
 * WATCHDOG_REBOOT_TIMEOUT_S, as systemd does for a reboot, so the first
 * kernel has time to boot and take it over; before a halt or a power-off
 * it stops it where the driver allows.
 *
 * The record and the progress rule are in watchdog-record.h.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "initramfs/init/watchdog-record.h"

#define WATCHDOG_CAPTURE_TIMEOUT_S 60u
#define WATCHDOG_REBOOT_TIMEOUT_S 600u
#define WATCHDOG_POLL_S 5u

struct watchdog_keeper {
        int fd;                         /* /dev/watchdog; -1: none */
        pid_t pid;                      /* the keeper; 0: none */
        char *identity;
};

/* Opens the watchdog the record describes and starts the keeper: 0 (and
 * *ret set up), or -errno with the reason said on the console.  Waits up to
 * 5 s for /dev/watchdog. */
int watchdog_keeper_start(const char *record_path, struct watchdog_keeper *ret);

/* Before the machine reboots (reboot true) or halts/powers off: the keeper
 * ends, and the watchdog gets its reboot timeout or is stopped. */
void watchdog_keeper_finish(struct watchdog_keeper *k, bool reboot);
