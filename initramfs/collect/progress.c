/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "basic/parse-util.h"
#include "initramfs/collect/progress.h"

void progress_init(struct progress *p, uint64_t total, uint64_t now_ns) {
        *p = (struct progress) { .total = total, .start_ns = now_ns, .last_ns = now_ns };
}

static unsigned percent(uint64_t total, uint64_t done) {
        if (total == 0 || done >= total)
                return 100;
        /* done * 100 could overflow for exabyte totals; divide first there. */
        if (done > UINT64_MAX / 100)
                return (unsigned) (done / (total / 100 ? total / 100 : 1));
        return (unsigned) (done * 100 / total);
}

bool progress_due(struct progress *p, uint64_t done, uint64_t now_ns) {
        unsigned step = percent(p->total, done) / PROGRESS_STEP_PERCENT;
        uint64_t since = now_ns - p->last_ns;

        if (done >= p->total) {
                if (p->final_done)
                        return false;
                p->final_done = true;
                p->last_ns = now_ns;
                p->last_step = step;
                return true;
        }
        if ((step > p->last_step && since >= PROGRESS_MIN_INTERVAL_NS) || since >= PROGRESS_MAX_INTERVAL_NS) {
                p->last_ns = now_ns;
                p->last_step = step;
                return true;
        }
        return false;
}

void progress_format(const struct progress *p, uint64_t done, uint64_t now_ns, char *buf, size_t size) {
        progress_format_verb(p, "Copied", done, now_ns, buf, size);
}

void progress_format_verb(const struct progress *p, const char *verb, uint64_t done, uint64_t now_ns,
                          char *buf, size_t size) {
        char a[32], b[32];
        uint64_t elapsed = now_ns - p->start_ns;
        double rate = elapsed > 0 ? (double) done / ((double) elapsed / 1e9) / (1024.0 * 1024.0) : 0.0;

        snprintf(buf, size, "%s %3u%% (%s of %s), %.1f MiB/s", verb,
                 percent(p->total, done),
                 format_bytes(a, sizeof(a), done), format_bytes(b, sizeof(b), p->total), rate);
}

void progress_emit(struct progress_out *o, FILE *f, const char *line, bool final) {
        size_t len = strlen(line);

        if (!o->tty) {
                fprintf(f, "%s\n", line);
                fflush(f);
                return;
        }
        /* Blank what a longer previous line left on screen. */
        fprintf(f, "\r%s%*s", line, o->last_len > len ? (int) (o->last_len - len) : 0, "");
        if (final) {
                fputc('\n', f);
                o->open = false;
                o->last_len = 0;
        } else {
                o->open = true;
                o->last_len = len;
        }
        fflush(f);
}

void progress_close(struct progress_out *o, FILE *f) {
        if (!o->open)
                return;
        fputc('\n', f);
        fflush(f);
        o->open = false;
        o->last_len = 0;
}

uint64_t progress_now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * UINT64_C(1000000000) + (uint64_t) ts.tv_nsec;
}
