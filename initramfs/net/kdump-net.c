/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump-net RECORD [TIMEOUT-SECONDS]: run by the capture /init before it
 * mounts a network dump target.  Sets up the one interface RECORD
 * (net-record.h) describes: found by MAC, MTU, up, carrier, address,
 * route (net-up.h).  A program of its own so that libmnl goes into the
 * capture initramfs only for network targets.  Exit status 0 when the
 * interface is up, 1 with the reason on the console otherwise.
 *
 * For an IPv4 address that came from DHCP, udhcpc asks for a lease
 * (dhcp-client.h) and runs this program on each of its events, with
 * DHCP_CLIENT_LEASE_ENV set: then it only writes the lease down.  When a
 * lease was used, RECORD is rewritten with the address set, so that /init
 * names the dump directory after it.
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
#include "initramfs/init/capture-layout.h"
#include "initramfs/net/dhcp-client.h"
#include "initramfs/net/net-record.h"
#include "initramfs/net/net-up.h"

static void on_event(const char *message, void *userdata) {
        log_info("%s", message);
}

int main(int argc, char *argv[]) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL, *summary = NULL;
        struct timespec t0, t1;
        unsigned timeout_s = 0;
        int r;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        log_set_prefix("kdump");
        if (getenv(DHCP_CLIENT_LEASE_ENV) && argc == 2) {
                /* run by udhcpc: argv[1] is its event */
                r = dhcp_client_event(argv[1]);
                if (r < 0)
                        log_error_errno(r, "Cannot keep the DHCP lease (%s): %m", argv[1]);
                return r < 0;
        }
        if (argc < 2 || argc > 3 || (argc == 3 && safe_atou(argv[2], &timeout_s) < 0)) {
                log_error("Usage: kdump-net RECORD [TIMEOUT-SECONDS]");
                return 2;
        }
        r = read_full_file(argv[1], &text, NULL);
        if (r < 0) {
                log_error_errno(r, "Cannot read the network record %s: %m", argv[1]);
                return 1;
        }
        r = net_record_parse(text, &n, &err);
        if (r < 0) {
                log_error_errno(r, "%s: %s", argv[1], err ? err : strerror(-r));
                return 1;
        }
        if (net_record_summary(n, &summary) >= 0)
                log_info("Setting up the network to the dump server %s: %s ...", n->server, summary);
        r = net_up(n, &(struct net_up_opts) {
                        .sz = sizeof(struct net_up_opts),
                        .link_timeout_ms = timeout_s * 1000u,
                        .carrier_timeout_ms = timeout_s * 1000u,
                        .event = on_event,
                        .dhcp = &(struct dhcp_client_opts) {
                                .sz = sizeof(struct dhcp_client_opts),
                                .program = CAPTURE_DHCP_PROGRAM,
                                .event_program = CAPTURE_NET_PROGRAM,
                                .lease_file = CAPTURE_DHCP_LEASE,
                        },
                }, &err);
        if (r < 0) {
                log_error_errno(r, "Cannot set up the network to the dump server %s: %s", n->server,
                                err ? err : strerror(-r));
                return 1;
        }
        if (r > 0) {
                /* the address set is the lease's: /init reads it from here */
                _cleanup_free_ char *set = NULL;

                r = net_record_render(n, &set);
                if (r >= 0)
                        r = write_file_atomic(argv[1], set, strlen(set), 0600);
                if (r < 0) {
                        log_error_errno(r, "Cannot write the leased address to %s: %m", argv[1]);
                        return 1;
                }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        log_info("Network ready in %.2f s.",
                 (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9);
        return 0;
}
