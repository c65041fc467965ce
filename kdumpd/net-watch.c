/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/net/net-describe.h"
#include "kdumpd/net-watch.h"

/* The first line that differs, for the log: "address 192.168.77.2/24
 * origin=static -> address 192.168.77.3/24 origin=static". */
static char *first_difference(const char *a, const char *b) {
        while (*a && *b) {
                size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
                char *s;

                if (la != lb || strncmp(a, b, la) != 0)
                        return asprintf(&s, "%.*s -> %.*s", (int) la, a, (int) lb, b) < 0 ? NULL : s;
                a += la + (a[la] == '\n');
                b += lb + (b[lb] == '\n');
        }
        return strdup(*a ? "a line less" : "a line more");
}

int net_watch_check(const char *loaded_record, const char *server_name, bool resolve, enum net_watch_verdict *ret,
                    char **ret_detail) {
        _cleanup_(net_record_freep) net_record *loaded = NULL, *now = NULL;
        _cleanup_free_ char *err = NULL, *text = NULL;
        int r;

        r = net_record_parse(loaded_record, &loaded, NULL);
        if (r < 0)
                return r;
        if (resolve && server_name)
                r = net_describe_host(server_name, NULL, &now, &err);
        else
                r = net_describe(loaded->server, NULL, &now, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                *ret = NET_WATCH_UNREACHABLE;
                *ret_detail = TAKE_PTR(err);
                return 0;
        }
        r = net_record_render(now, &text);
        if (r < 0)
                return r;
        if (strcmp(text, loaded_record) == 0) {
                *ret = NET_WATCH_SAME;
                *ret_detail = NULL;
                return 0;
        }
        *ret = NET_WATCH_CHANGED;
        *ret_detail = first_difference(loaded_record, text);
        return *ret_detail ? 0 : -ENOMEM;
}
