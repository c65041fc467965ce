/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The capture to an SSH server (kdump-utils' way): the interface up
 * (kdump-net), then with OpenSSH's client, each step bounded
 * (ssh-command.h: connect timeout, keep-alives):
 *
 *   mkdir <path>/<address>-<date> (0700) -> vmcore-dmesg.txt ->
 *   the collector's flattened stream (-F) into vmcore-incomplete ->
 *   renamed vmcore.flat when the collector succeeded (kdump-collect -R
 *   turns it into a dump)
 *
 * or with core_collector scp, /proc/vmcore copied whole, renamed vmcore.
 * Files 0600 on the server.  A failure leaves vmcore-incomplete there and
 * returns < 0: failure_action follows. */

#include <stdbool.h>

#include "config/kdump-conf.h"

/* 0: saved, or skipped by kdump_pre (*ret_skipped); < 0: failed. */
int capture_ssh(const kdump_config *c, bool *ret_skipped);
