/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/error-message.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "initramfs/net/dhcp-client.h"

#define DEFAULT_TIMEOUT_S 10u
#define DISCOVER_INTERVAL_S 2u

static const char *get_env(const char *name) {
        return getenv(name);
}

int dhcp_client_event(const char *event) {
        _cleanup_free_ char *text = NULL;
        const char *file = getenv(DHCP_CLIENT_LEASE_ENV);
        int r;

        if (!file)
                return -EINVAL;
        if (strcmp(event, "bound") != 0 && strcmp(event, "renew") != 0)
                return 0;       /* deconfig, leasefail, nak: nothing to keep */
        r = dhcp_lease_from_vars(get_env, &text);
        if (r < 0)
                return r;
        return write_file_atomic(file, text, strlen(text), 0600);
}

/* udhcpc's last line on stderr, for the error message. */
static const char *last_line(char *s) {
        char *end, *start;

        if (!s)
                return "";
        end = s + strlen(s);
        while (end > s && (end[-1] == '\n' || end[-1] == ' '))
                *--end = 0;
        start = strrchr(s, '\n');
        return start ? start + 1 : s;
}

int dhcp_client_run(const char *ifname, const struct dhcp_client_opts *o, dhcp_lease *ret, char **ret_error) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        _cleanup_free_ char *text = NULL, *err = NULL;
        unsigned timeout_s = o->timeout_s ? o->timeout_s : DEFAULT_TIMEOUT_S;
        char tries[16], interval[16];
        const char *said;
        int r;

        /* udhcpc gives up after `tries` discovers DISCOVER_INTERVAL_S apart
         * (-n); the kill at the end is for a client that hangs anyway. */
        snprintf(tries, sizeof(tries), "%u", MAX(timeout_s / DISCOVER_INTERVAL_S, 1u));
        snprintf(interval, sizeof(interval), "%u", DISCOVER_INTERVAL_S);
        if (setenv(DHCP_CLIENT_LEASE_ENV, o->lease_file, 1) < 0)
                return -errno;
        (void) unlink(o->lease_file);
        r = spawn_capture((char *const[]) {
                        (char *) o->program, (char *) "-f", (char *) "-q", (char *) "-n",
                        (char *) "-i", (char *) ifname, (char *) "-s", (char *) o->event_program,
                        (char *) "-t", tries, (char *) "-T", interval,
                        o->request ? (char *) "-r" : NULL, (char *) o->request, NULL,
                }, &(struct spawn_opts) {
                        .sz = sizeof(struct spawn_opts),
                        .stdin_fd = -1,
                        .stdout_fd = -1,
                        .timeout_ms = (timeout_s + 5) * 1000u,
                }, &res);
        (void) unsetenv(DHCP_CLIENT_LEASE_ENV);
        if (r == -ENOENT)
                return set_error_message(ret_error, ENOENT, "%s is not in the capture initramfs", o->program);
        if (r < 0)
                return set_error_message(ret_error, -r, "cannot run %s: %s", o->program, strerror(-r));
        /* busybox's messages go to stdout or stderr, by version */
        said = *last_line(res.err) ? last_line(res.err) : *last_line(res.out) ? last_line(res.out) : "no answer";
        if (res.timed_out || res.status == 1)
                /* udhcpc -n: "no lease, failing" */
                return set_error_message(ret_error, ETIMEDOUT, "no DHCP lease on %s within %us (%s)", ifname,
                                         res.timed_out ? timeout_s + 5 : timeout_s, said);
        if (res.status != 0)
                return set_error_message(ret_error, EIO, "%s exited with status %d: %s", o->program, res.status,
                                         said);
        r = read_full_file(o->lease_file, &text, NULL);
        if (r < 0)
                return set_error_message(ret_error, -r, "%s ended without a lease in %s: %s", o->program,
                                         o->lease_file, strerror(-r));
        r = dhcp_lease_parse(text, ret, &err);
        if (r < 0)
                return set_error_message(ret_error, -r, "%s: %s", o->lease_file, err ? err : strerror(-r));
        return 0;
}
