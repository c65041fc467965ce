/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* kdumpctl's service verbs, with kdump-utils' meaning:
 *
 *   start    load the capture kernel (build the initramfs if an input changed)
 *   stop     unload it
 *   restart  stop, then start
 *   reload   load again; the cached initramfs is kept when nothing changed
 *   test     crash the machine (sysrq c) to test the capture
 *
 * While kdumpd.service is active under systemd, start/stop/restart/reload
 * ask systemd (StartUnit, StopUnit, RestartUnit, ReloadOrRestartUnit over
 * D-Bus, waiting for the job as systemctl does), so that the service's idea
 * of the state stays true; otherwise (no systemd, or the service not
 * running) they act directly. */

#include <stdbool.h>

#include "kdumpd/capture-load.h"

#define KDUMPD_UNIT "kdumpd.service"

bool service_verb_known(const char *verb);
/* Logs errors; returns -errno. */
int service_verb_run(const char *verb, const struct capture_settings *s, bool force);

/* For a change the kernel allows only without a capture kernel loaded (a
 * shrink of the reservation): unloads it, through systemd when kdumpd runs
 * (*ret_via_systemd then says to start the unit again), and service_resume()
 * loads it back the same way.  Both log. */
int service_pause(const struct capture_settings *s, bool *ret_via_systemd);
int service_resume(const struct capture_settings *s, bool via_systemd);

/* Pure: whether an answer to the "test" prompt is a yes (only "YES",
 * optionally followed by white space, as a slip of the keyboard must not
 * crash a machine). */
bool service_test_confirmed(const char *answer);
