/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdumpd-generator: a systemd generator (systemd.generator(7)) that orders
 * kdumpd.service after the mount of its dump target, read from kdump.conf
 * (with its drop-ins) and /etc/fstab at boot and at every daemon-reload
 * (kdumpd/mount-order.h says which mount).
 *
 *   kdumpd-generator NORMAL_DIR [EARLY_DIR LATE_DIR]
 *
 * Writes NORMAL_DIR/kdumpd.service.d/50-dump-target.conf, or nothing when no
 * fstab entry applies; for an NFS target, the order after
 * network-online.target instead.  A generator must not fail the boot: a kdump.conf
 * that does not parse is left to kdumpd to report, and the generator exits
 * 0 after saying why on stderr (the journal).
 *
 * KDUMPD_GENERATOR_CONF and KDUMPD_GENERATOR_FSTAB replace kdump.conf's and
 * fstab's paths (for tests). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "build-config.h"
#include "config/kdump-conf.h"
#include "kdumpd/mount-order.h"

int main(int argc, char *argv[]) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL, *fstab = NULL, *where = NULL, *unit = NULL, *dropin = NULL, *dir = NULL,
                            *path = NULL;
        const char *conf = getenv("KDUMPD_GENERATOR_CONF") ?: KDUMP_CONF_PATH;
        const char *fstab_path = getenv("KDUMPD_GENERATOR_FSTAB") ?: "/etc/fstab";
        int r;

        log_set_prefix("kdumpd-generator");
        if (argc != 2 && argc != 4) {
                log_error("Usage: kdumpd-generator NORMAL_DIR [EARLY_DIR LATE_DIR]");
                return 1;
        }

        r = kdump_config_load(conf, &c, &err);
        if (r < 0) {
                log_warning("Not ordering kdumpd after its dump target: %s", err ?: strerror(-r));
                return 0;
        }
        if (kdump_config_is_net(c))
                r = network_order_dropin(&dropin);
        else {
                r = read_full_file(fstab_path, &fstab, NULL);
                if (r == -ENOENT)
                        return 0;
                if (r < 0) {
                        log_warning_errno(r, "Not ordering kdumpd after its dump target: cannot read %s: %m",
                                          fstab_path);
                        return 0;
                }
                r = dump_target_mount_point(c, fstab, &where);
                if (r < 0) {
                        log_oom();
                        return 1;
                }
                if (r == 0)
                        return 0;
                r = mount_unit_from_path(where, &unit);
                if (r < 0) {
                        log_warning_errno(r, "Not ordering kdumpd after its dump target: %s in %s is no mount "
                                          "point: %m", where, fstab_path);
                        return 0;
                }
                r = mount_order_dropin(unit, &dropin);
        }
        if (r < 0 || asprintf(&dir, "%s/kdumpd.service.d", argv[1]) < 0 ||
            asprintf(&path, "%s/50-dump-target.conf", dir) < 0) {
                log_oom();
                return 1;
        }
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                log_error_errno(errno, "Failed to create %s: %m", dir);
                return 1;
        }
        r = write_file_atomic(path, dropin, strlen(dropin), 0644);
        if (r < 0) {
                log_error_errno(r, "Failed to write %s: %m", path);
                return 1;
        }
        return 0;
}
