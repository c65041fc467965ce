/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The hardware watchdogs running on this system: each
 * /sys/class/watchdog/<name> whose state is "active" (opened by systemd's
 * RuntimeWatchdogSec=, a watchdog daemon, or started by the firmware).  A
 * running watchdog runs on through a panic, so the capture initramfs gets
 * its driver and the capture /init keeps it (initramfs/init/
 * watchdog-keeper.h).  Reads sysfs under a root, for the tests.
 */

#include <stddef.h>

struct running_watchdog {
        char *name;             /* "watchdog0" */
        char *identity;         /* "i6300ESB timer"; NULL if sysfs does not say */
        unsigned timeout_s;     /* 0 if not said */
};

void running_watchdogs_free(struct running_watchdog *v, size_t n);

/* sysfs_root NULL: /sys.  0 with *ret_n 0 when none runs (or the kernel
 * has no watchdog class); sorted by name. */
int running_watchdogs(const char *sysfs_root, struct running_watchdog **ret, size_t *ret_n);

/* Pure: the drivers of the running watchdogs, as the watchdog class often
 * does not link a device to its driver (i6300esb registers without a
 * parent): the loaded modules (proc_modules, /proc/modules' text) that
 * modules_dep (the release's modules.dep) places under
 * kernel/drivers/watchdog/, softdog aside.  *ret NULL-terminated, maybe
 * empty. */
int watchdog_loaded_drivers(const char *modules_dep, const char *proc_modules, char ***ret);
