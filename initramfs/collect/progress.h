/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Progress lines for a long copy, at a rate a console can take: one when a
 * new 5% step is reached but no more than one per second, one at least every
 * 10 seconds when the copy is slow, and the final one.  Pure logic: the
 * caller passes the time, so the rules are testable. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_MIN_INTERVAL_NS UINT64_C(1000000000)
#define PROGRESS_MAX_INTERVAL_NS UINT64_C(10000000000)
#define PROGRESS_STEP_PERCENT 5u

struct progress {
        uint64_t total;
        uint64_t start_ns;
        uint64_t last_ns;       /* when the last line was due */
        unsigned last_step;     /* last 5% step reported */
        bool final_done;
};

void progress_init(struct progress *p, uint64_t total, uint64_t now_ns);
/* Whether a line is due for done bytes at now_ns; updates the state when so. */
bool progress_due(struct progress *p, uint64_t done, uint64_t now_ns);
/* "Copied  45% (1.2 GiB of 2.7 GiB), 512.3 MiB/s" (average since the start). */
void progress_format(const struct progress *p, uint64_t done, uint64_t now_ns, char *buf, size_t size);
/* The same with another verb: "Hashed  45% (...)". */
void progress_format_verb(const struct progress *p, const char *verb, uint64_t done, uint64_t now_ns,
                          char *buf, size_t size);
/* Where the lines go.  On a terminal one line is redrawn with \r (padded
 * over a longer previous one) and ends with a newline when final; on
 * anything else (the capture kernel's serial console, a log file) every line
 * ends with a newline. */
struct progress_out {
        bool tty;
        bool open;              /* a \r line is on screen without its newline */
        size_t last_len;
};

void progress_emit(struct progress_out *o, FILE *f, const char *line, bool final);
/* Ends a redrawn line that is still open, so that whatever is printed next
 * (an error, the summary) starts on a line of its own.  Call it once the
 * copy is over, whichever way it ended. */
void progress_close(struct progress_out *o, FILE *f);

/* CLOCK_MONOTONIC in ns. */
uint64_t progress_now_ns(void);
