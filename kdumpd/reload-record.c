/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "kdumpd/reload-record.h"

const char *reload_record_dir(void) {
        const char *e = getenv("RUNTIME_DIRECTORY");

        /* systemd may pass several, colon-separated; ours is the only one. */
        if (e && *e == '/' && !strchr(e, ':'))
                return e;
        return "/run/kdumpd";
}

int reload_record_format(char *buf, size_t len, uint64_t start_usec, int result) {
        int n = snprintf(buf, len, "start_usec=%" PRIu64 "\nresult=%d\n", start_usec, result);

        if (n < 0 || (size_t) n >= len)
                return -ENOBUFS;
        return n;
}

int reload_record_parse(const char *text, uint64_t *ret_start_usec, int *ret_result) {
        uint64_t start, res;
        const char *p = text;
        size_t n;
        bool neg;
        char num[32];

        if (strncmp(p, "start_usec=", 11) != 0)
                return -EBADMSG;
        p += 11;
        n = strcspn(p, "\n");
        if (n == 0 || n >= sizeof(num) || p[n] != '\n')
                return -EBADMSG;
        memcpy(num, p, n);
        num[n] = 0;
        if (safe_atou64_base(num, 10, &start) < 0)
                return -EBADMSG;
        p += n + 1;
        if (strncmp(p, "result=", 7) != 0)
                return -EBADMSG;
        p += 7;
        neg = *p == '-';
        p += neg;
        n = strcspn(p, "\n");
        if (n == 0 || n >= sizeof(num) || p[n] != '\n' || p[n + 1] != 0)
                return -EBADMSG;
        memcpy(num, p, n);
        num[n] = 0;
        if (safe_atou64_base(num, 10, &res) < 0 || res > 4095 || (res == 0 && neg) || (res != 0 && !neg))
                return -EBADMSG;
        *ret_start_usec = start;
        *ret_result = -(int) res;
        return 0;
}

int reload_record_write(const char *dir, uint64_t start_usec, int result) {
        _cleanup_free_ char *path = NULL;
        char buf[64];
        int r;

        r = reload_record_format(buf, sizeof(buf), start_usec, result);
        if (r < 0)
                return r;
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        if (asprintf(&path, "%s/" RELOAD_RECORD_NAME, dir) < 0)
                return -ENOMEM;
        return write_file_atomic(path, buf, strlen(buf), 0644);
}

int reload_record_read(const char *dir, uint64_t *ret_start_usec, int *ret_result) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, "%s/" RELOAD_RECORD_NAME, dir) < 0)
                return -ENOMEM;
        r = read_full_file(path, &text, NULL);
        if (r < 0)
                return r;
        return reload_record_parse(text, ret_start_usec, ret_result);
}
