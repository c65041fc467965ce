/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/log.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "crashkernel-reserve/reservation.h"
#include "crashkernel-reserve/shrink.h"
#include "kdumpd/verbs-service.h"
#include "kdumpd/verbs-shrink.h"

static const char *explain_write_error(int r) {
        switch (r) {
        case -ENOENT:
                return "a capture kernel is loaded again (something loaded it meanwhile; stop it and retry)";
        case -EBUSY:
                return "another kexec operation holds the kernel's lock; retry";
        case -EACCES:
        case -EPERM:
                return "only root can change the reservation";
        default:
                return strerror(-r);
        }
}

int verb_shrink_crashkernel(const struct crashkernel_paths *p, const struct capture_settings *s,
                            const struct shrink_verb_opts *o, FILE *out) {
        struct crash_reservation res, after;
        struct crash_shrink_plan plan;
        _cleanup_free_ char *err = NULL;
        uint64_t needed, recommended, want;
        bool loaded, via_systemd = false;
        char a[32], b[32], c[32];
        int r, w;

        r = crashkernel_needed(p, &res, &needed, &recommended);
        if (r < 0)
                return r;
        if (o->size) {
                r = parse_size(o->size, &want);
                if (r < 0)
                        return log_error_errno(r, "Invalid size '%s': expected a number of bytes with an optional "
                                               "K, M or G suffix, like 160M.", o->size);
        } else
                want = recommended;

        r = crash_shrink_plan(&res, &(struct crash_shrink_request) {
                        .sz = sizeof(struct crash_shrink_request),
                        .size = want,
                        .needed = needed,
                        .force = o->force,
                }, &plan, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err ? err : strerror(-r));
        if (plan.verdict == CRASH_SHRINK_NOTHING) {
                fprintf(out, "The reservation is already %s; nothing to give back.\n",
                        format_bytes(a, sizeof(a), plan.old_size));
                return 0;
        }
        if (plan.below_needed)
                log_warning("Keeping %s, less than the %s the capture environment needs here (--force).",
                            format_bytes(a, sizeof(a), plan.new_size), format_bytes(b, sizeof(b), needed));

        loaded = res.loaded == 1;
        if (loaded) {
                /* crash_shrink_memory() returns -ENOENT while kexec_crash_image is set. */
                fprintf(out, "Unloading the capture kernel: the kernel shrinks the reservation only while none is loaded.\n");
                r = service_pause(s, &via_systemd);
                if (r < 0)
                        return log_error_errno(r, "Failed to unload the capture kernel, the reservation is unchanged: %m");
        }

        w = crash_shrink_write(p->sysfs_kernel, plan.new_size);
        if (w < 0)
                log_error_errno(w, "The kernel did not shrink the reservation to %s: %s.",
                                format_bytes(a, sizeof(a), plan.new_size), explain_write_error(w));

        if (loaded) {
                /* Load again in any case: a failed shrink must not leave the
                 * machine unprotected either. */
                r = service_resume(s, via_systemd);
                if (r < 0)
                        log_error_errno(r, "Loading the capture kernel again failed (%m). The machine is NOT "
                                        "protected: a crash now saves nothing. Fix the error above and run "
                                        "kdumpctl start.");
                if (w >= 0 && r < 0)
                        w = r;
        }
        if (w < 0)
                return w;

        r = crash_reservation_read(&(struct crash_reservation_paths) {
                        .sz = sizeof(struct crash_reservation_paths),
                        .iomem = p->iomem,
                        .sysfs_kernel = p->sysfs_kernel,
                }, &after);
        if (r < 0)
                return log_error_errno(r, "Failed to read the reservation back: %m");
        if (after.sysfs_size >= 0 && (uint64_t) after.sysfs_size != plan.new_size)
                return log_error_errno(EIO, "The kernel reports %lld bytes reserved after the shrink, not %llu.",
                                       (long long) after.sysfs_size, (unsigned long long) plan.new_size);

        fprintf(out, "Crash reservation: %s -> %s; %s given back to the system.\n",
                format_bytes(a, sizeof(a), plan.old_size), format_bytes(b, sizeof(b), plan.new_size),
                format_bytes(c, sizeof(c), plan.freed));
        if (loaded)
                fprintf(out, "Capture kernel: %s.\n", after.loaded == 1 ? "loaded again" : "NOT loaded");
        fprintf(out, "This lasts until the next boot, which reserves what crashkernel= asks for; "
                "kdumpctl reset-crashkernel writes the recommendation there.\n");
        return 0;
}
