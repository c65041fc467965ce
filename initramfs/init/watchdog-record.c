/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error-message.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/init/watchdog-record.h"

void watchdog_record_done(struct watchdog_record *w) {
        free(w->identity);
        *w = (struct watchdog_record) {};
}

int watchdog_record_render(unsigned stall_timeout_s, const char *identity, char **ret) {
        if (identity && strchr(identity, '\n'))
                return -EINVAL;
        return asprintf(ret, "stall_timeout=%u\n%s%s%s", stall_timeout_s, identity ? "identity=" : "",
                        identity ?: "", identity ? "\n" : "") < 0 ? -ENOMEM : 0;
}

int watchdog_record_parse(const char *text, struct watchdog_record *ret, char **ret_error) {
        struct watchdog_record w = { .stall_timeout_s = WATCHDOG_STALL_DEFAULT_S };
        unsigned lineno = 0;

        for (const char *p = text; *p; ) {
                size_t len = strcspn(p, "\n");
                const char *eq = memchr(p, '=', len);
                const char *line = p;

                p += len + (p[len] == '\n');
                lineno++;
                if (len == 0)
                        continue;
                if (!eq) {
                        watchdog_record_done(&w);
                        return set_error_message(ret_error, EINVAL, "line %u: expected key=value", lineno);
                }
                if ((size_t) (eq - line) == strlen("stall_timeout") && strncmp(line, "stall_timeout", 13) == 0) {
                        _cleanup_free_ char *v = strndup(eq + 1, len - (size_t) (eq + 1 - line));

                        if (!v || safe_atou(v, &w.stall_timeout_s) < 0 || w.stall_timeout_s == 0) {
                                watchdog_record_done(&w);
                                return v ? set_error_message(ret_error, EINVAL, "line %u: stall_timeout=%s is no "
                                                             "positive number of seconds", lineno, v) : -ENOMEM;
                        }
                } else if ((size_t) (eq - line) == strlen("identity") && strncmp(line, "identity", 8) == 0) {
                        free(w.identity);
                        w.identity = strndup(eq + 1, len - (size_t) (eq + 1 - line));
                        if (!w.identity)
                                return -ENOMEM;
                } else {
                        watchdog_record_done(&w);
                        return set_error_message(ret_error, EINVAL, "line %u: unknown key %.*s", lineno,
                                                 (int) (eq - line), line);
                }
        }
        *ret = w;
        return 0;
}

int watchdog_parse_stat(const char *text, uint64_t *ret_busy) {
        unsigned long long v[8];

        /* cpu  user nice system idle iowait irq softirq steal ... */
        if (strncmp(text, "cpu ", 4) != 0 ||
            sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                   &v[6], &v[7]) != 8)
                return -EINVAL;
        *ret_busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        return 0;
}

int watchdog_parse_diskstats(const char *text, uint64_t *ret_sectors) {
        uint64_t sum = 0;

        for (const char *p = text; *p; ) {
                size_t len = strcspn(p, "\n");
                unsigned long long written;
                char name[64];

                /* major minor name reads rmerged rsectors rms writes wmerged wsectors ... */
                if (len > 0 && sscanf(p, "%*u %*u %63s %*u %*u %*u %*u %*u %*u %llu", name, &written) != 2)
                        return -EINVAL;
                if (len > 0)
                        sum += written;
                p += len + (p[len] == '\n');
        }
        *ret_sectors = sum;
        return 0;
}

int watchdog_parse_netdev(const char *text, uint64_t *ret_tx) {
        uint64_t sum = 0;
        unsigned lineno = 0;

        for (const char *p = text; *p; ) {
                size_t len = strcspn(p, "\n");
                const char *colon = memchr(p, ':', len);
                const char *name = p + strspn(p, " ");
                unsigned long long tx;

                lineno++;
                if (lineno > 2 && len > 0) {
                        /* "  eth0: rx bytes packets errs drop fifo frame compressed multicast, tx bytes ..." */
                        if (!colon || sscanf(colon + 1, "%*u %*u %*u %*u %*u %*u %*u %*u %llu", &tx) != 1)
                                return -EINVAL;
                        if (!((size_t) (colon - name) == 2 && strncmp(name, "lo", 2) == 0))
                                sum += tx;
                }
                p += len + (p[len] == '\n');
        }
        *ret_tx = sum;
        return 0;
}

bool watchdog_progress(const struct watchdog_sample *a, const struct watchdog_sample *b, unsigned window_s,
                       unsigned hz) {
        uint64_t busy, own;

        if (b->sectors_written > a->sectors_written || b->tx_bytes > a->tx_bytes)
                return true;
        busy = b->busy_ticks > a->busy_ticks ? b->busy_ticks - a->busy_ticks : 0;
        own = b->own_ticks > a->own_ticks ? b->own_ticks - a->own_ticks : 0;
        /* more than a tenth of a CPU, the keeper's own reading aside */
        return busy > own && (busy - own) * 10 > (uint64_t) window_s * hz;
}
