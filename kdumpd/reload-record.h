/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The record of kdumpd's last load, in its runtime directory, so that
 * "systemctl reload kdumpd" can wait for the load it asked for.  systemd
 * before 253 (no Type=notify-reload) ends a reload job when ExecReload=
 * returns; ExecReload= is "kdumpd --reload=$MAINPID", which notes the time,
 * sends SIGHUP and waits for a record of a load that started after it.  A
 * load that was already running when the signal came does not count, and
 * coalesced signals are all answered by the one load that follows them. */

#include <stdint.h>

#define RELOAD_RECORD_NAME "last-load"

/* Where the record lives: $RUNTIME_DIRECTORY (RuntimeDirectory=kdumpd), else
 * /run/kdumpd. */
const char *reload_record_dir(void);

/* Pure: "start_usec=N\nresult=R\n" (CLOCK_MONOTONIC microseconds when the
 * load began; R 0 or -errno) and back.  -EBADMSG on anything else. */
int reload_record_format(char *buf, size_t len, uint64_t start_usec, int result);
int reload_record_parse(const char *text, uint64_t *ret_start_usec, int *ret_result);

/* Written atomically (a reader never sees half a record). */
int reload_record_write(const char *dir, uint64_t start_usec, int result);
int reload_record_read(const char *dir, uint64_t *ret_start_usec, int *ret_result);
