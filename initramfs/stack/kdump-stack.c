/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump-stack RECORD OUT: run by the capture /init when the dump target is
 * on device-mapper or md.  Recreates the storage stack that RECORD describes
 * (stack-activate.h) and writes the top device's node (the device that
 * holds the dump target's filesystem) to OUT.  A separate program so that
 * libdevmapper goes into the capture initramfs only for stacked targets.
 * Exit status 0 on success, 1 with the reason on the console otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/stack/stack-activate.h"
#include "initramfs/stack/storage-stack.h"

static void on_event(enum stack_event_level level, const char *message, void *userdata) {
        if (level == STACK_EVENT_WARNING)
                log_warning("%s", message);
        else
                log_info("%s", message);
}

int main(int argc, char *argv[]) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL, *top = NULL, *summary = NULL, *line = NULL;
        struct timespec t0, t1;
        unsigned timeout_s = 0;
        int r;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        log_set_prefix("kdump");
        if (argc < 3 || argc > 4 || (argc == 4 && safe_atou(argv[3], &timeout_s) < 0)) {
                log_error("Usage: kdump-stack RECORD OUT [TIMEOUT-SECONDS]");
                return 2;
        }
        r = read_full_file(argv[1], &text, NULL);
        if (r < 0) {
                log_error_errno(r, "Cannot read the storage stack record %s: %m", argv[1]);
                return 1;
        }
        r = storage_stack_parse(text, &s, &err);
        if (r < 0) {
                log_error_errno(r, "%s: %s", argv[1], err ? err : strerror(-r));
                return 1;
        }
        if (storage_stack_summary(s, &summary) >= 0)
                log_info("Setting up the storage stack of the dump target: %s ...", summary);
        r = storage_stack_activate(s, &(struct stack_activate_opts) {
                        .sz = sizeof(struct stack_activate_opts),
                        .timeout_ms = timeout_s * 1000u,
                        .event = on_event,
                }, &top, &err);
        if (r < 0) {
                log_error_errno(r, "Cannot set up the storage stack: %s", err ? err : strerror(-r));
                return 1;
        }
        if (asprintf(&line, "%s\n", top) < 0)
                return log_oom(), 1;
        r = write_file_atomic(argv[2], line, strlen(line), 0600);
        if (r < 0) {
                log_error_errno(r, "Cannot write %s: %m", argv[2]);
                return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        log_info("Storage stack ready in %.2f s: %s is %s.",
                 (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9,
                 summary ? summary : "the dump target's device", top);
        return 0;
}
