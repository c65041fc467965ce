/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdumpd: keeps a capture kernel loaded while the machine changes.
 *
 * At start it loads the capture kernel (the same sequence as "kdumpctl
 * start") and tells systemd READY with a STATUS line.  Then it watches:
 *   - the configuration file and the running kernel's module index:
 *     a change rebuilds the capture initramfs and reloads;
 *   - CPU and memory hotplug (sd-device monitor): the loaded ELF core header
 *     is stale afterwards, so it reloads, unless the kernel updates the
 *     header itself (/sys/devices/system/{cpu,memory}/crash_hotplug reads 1,
 *     CONFIG_CRASH_HOTPLUG with the file loader).
 * Bursts of events cause one reload: every event (re)arms a short timer.
 * On SIGTERM it unloads the capture kernel, as "kdumpctl stop" does.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/utsname.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-device.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "build-config.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "crashkernel-reserve/reservation.h"
#include "kdumpd/capture-load.h"

/* One reload for a burst: onlining 64 CPUs makes 64 events. */
#define RELOAD_DELAY_USEC (2ULL * 1000000ULL)

/* MESSAGE_IDs of kdumpd's journal entries (journalctl MESSAGE_ID=...). */
#define MESSAGE_ID_LOADED "9d1c2a4e0b6f4d8e8c5a7f3b2e1d0c4a"
#define MESSAGE_ID_LOAD_FAILED "5b7e3f2a1c9d4e6f8a0b2c4d6e8f1a3b"

/* Only a change in what exists or is online changes the header. */
static bool action_changes_topology(sd_device_action_t action) {
        switch (action) {
        case SD_DEVICE_ADD:
        case SD_DEVICE_REMOVE:
        case SD_DEVICE_ONLINE:
        case SD_DEVICE_OFFLINE:
                return true;
        default:
                return false;
        }
}

typedef struct daemon_state {
        struct capture_settings settings;
        sd_event *event;
        sd_event_source *reload_timer;
        sd_device_monitor *monitor;
        unsigned reloads;
        const char *pending_reason;
        bool loaded;
} daemon_state;

static int do_load(daemon_state *d, const char *reason) {
        struct capture_loaded info = {};
        char b[32];
        int r;

        d->reloads++;
        log_info("Loading the capture kernel (%s).", reason);
        r = capture_start(&d->settings, &info);
        if (r < 0) {
                struct crash_reservation res;

                /* capture_start() fails before it unloads anything unless the
                 * kernel itself refused the load: say which case this is. */
                d->loaded = crash_reservation_read(NULL, &res) >= 0 && res.loaded == 1;
                (void) sd_journal_send("MESSAGE=kdumpd: loading the capture kernel failed (%s): %s; %s",
                                       reason, strerror(-r),
                                       d->loaded ? "the previously loaded capture kernel stays loaded"
                                                 : "the machine is NOT protected",
                                       "MESSAGE_ID=" MESSAGE_ID_LOAD_FAILED, "PRIORITY=3",
                                       "KDUMPD_REASON=%s", reason, "ERRNO=%d", -r, NULL);
                (void) sd_notifyf(false, "STATUS=%s: loading the capture kernel failed (%s); see the journal",
                                  d->loaded ? "Stale capture kernel still loaded" : "NOT protected", strerror(-r));
                return r;
        }

        d->loaded = true;
        (void) sd_journal_send("MESSAGE=kdumpd: capture kernel %s loaded, %s reserved at 0x%llx, dump to %s",
                               info.release, format_bytes(b, sizeof(b), info.reservation_size),
                               (unsigned long long) info.reservation_start, info.target ? info.target : "?",
                               "MESSAGE_ID=" MESSAGE_ID_LOADED, "PRIORITY=6",
                               "KDUMPD_KERNEL_RELEASE=%s", info.release,
                               "KDUMPD_RESERVATION_START=0x%llx", (unsigned long long) info.reservation_start,
                               "KDUMPD_RESERVATION_SIZE=%llu", (unsigned long long) info.reservation_size,
                               "KDUMPD_INITRAMFS_SIZE=%llu", (unsigned long long) info.initramfs_size,
                               "KDUMPD_TARGET=%s", info.target ? info.target : "",
                               "KDUMPD_REASON=%s", reason, NULL);
        (void) sd_notifyf(false, "STATUS=capture kernel %s loaded, %s reserved at 0x%llx, dump to %s",
                          info.release, format_bytes(b, sizeof(b), info.reservation_size),
                          (unsigned long long) info.reservation_start, info.target ? info.target : "?");
        free(info.target);
        return 0;
}

static int on_reload_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        daemon_state *d = userdata;

        (void) do_load(d, d->pending_reason ? d->pending_reason : "change");
        d->pending_reason = NULL;
        return 0;
}

static int schedule_reload(daemon_state *d, const char *reason) {
        uint64_t now;
        int r;

        d->pending_reason = reason;
        r = sd_event_now(d->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        if (!d->reload_timer)
                return sd_event_add_time(d->event, &d->reload_timer, CLOCK_MONOTONIC, now + RELOAD_DELAY_USEC, 0,
                                         on_reload_timer, d);
        r = sd_event_source_set_time(d->reload_timer, now + RELOAD_DELAY_USEC);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(d->reload_timer, SD_EVENT_ONESHOT);
}

static bool kernel_updates_header(const char *subsystem) {
        char p[PATH_MAX];
        uint64_t v;

        snprintf(p, sizeof(p), "/sys/devices/system/%s/crash_hotplug", subsystem);
        return read_u64_file(p, 10, &v) >= 0 && v == 1;
}

static int on_device(sd_device_monitor *m, sd_device *dev, void *userdata) {
        daemon_state *d = userdata;
        const char *subsystem = NULL, *sysname = NULL;
        sd_device_action_t action = _SD_DEVICE_ACTION_INVALID;

        (void) sd_device_get_subsystem(dev, &subsystem);
        (void) sd_device_get_sysname(dev, &sysname);
        (void) sd_device_get_action(dev, &action);
        if (!subsystem)
                return 0;
        if (!action_changes_topology(action))
                return 0;
        if (kernel_updates_header(subsystem)) {
                log_debug("%s %s changed; the kernel updates the crash header itself.", subsystem, sysname ? sysname : "?");
                return 0;
        }
        log_info("%s %s changed: the loaded crash header is stale, reloading.", subsystem, sysname ? sysname : "?");
        (void) schedule_reload(d, strcmp(subsystem, "cpu") == 0 ? "CPU hotplug" : "memory hotplug");
        return 0;
}

static int on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        daemon_state *d = userdata;

        (void) schedule_reload(d, "configuration or modules changed");
        return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        daemon_state *d = userdata;

        (void) sd_notify(false, "STOPPING=1\nSTATUS=unloading the capture kernel");
        if (d->loaded)
                (void) capture_stop(&d->settings);
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int watch_file(daemon_state *d, const char *path) {
        return sd_event_add_inotify(d->event, NULL, path,
                                    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB,
                                    on_inotify, d);
}

static int run(daemon_state *d) {
        const char *config = d->settings.config_path ? d->settings.config_path : KDUMP_CONF_PATH;
        _cleanup_free_ char *config_dir = NULL, *modules = NULL;
        struct utsname u;
        sigset_t mask;
        int r;

        r = sd_event_default(&d->event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the event loop: %m");

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        if ((r = sd_event_add_signal(d->event, NULL, SIGTERM, on_signal, d)) < 0 ||
            (r = sd_event_add_signal(d->event, NULL, SIGINT, on_signal, d)) < 0)
                return log_error_errno(r, "Failed to watch signals: %m");

        /* Editors replace files: watch the directory of the config file. */
        config_dir = strdup(config);
        if (!config_dir)
                return log_oom();
        if (strrchr(config_dir, '/'))
                *strrchr(config_dir, '/') = 0;
        r = watch_file(d, *config_dir ? config_dir : "/");
        if (r < 0)
                log_warning_errno(r, "Failed to watch %s, configuration changes need a restart: %m", config_dir);
        if (uname(&u) >= 0 && asprintf(&modules, "/lib/modules/%s", u.release) >= 0) {
                r = watch_file(d, modules);
                if (r < 0)
                        log_warning_errno(r, "Failed to watch %s: %m", modules);
        }

        r = sd_device_monitor_new(&d->monitor);
        if (r >= 0)
                r = sd_device_monitor_filter_add_match_subsystem_devtype(d->monitor, "cpu", NULL);
        if (r >= 0)
                r = sd_device_monitor_filter_add_match_subsystem_devtype(d->monitor, "memory", NULL);
        if (r >= 0)
                r = sd_device_monitor_attach_event(d->monitor, d->event);
        if (r >= 0)
                r = sd_device_monitor_start(d->monitor, on_device, d);
        if (r < 0)
                log_warning_errno(r, "Failed to watch CPU and memory hotplug, the crash header may go stale: %m");

        (void) do_load(d, "start");
        (void) sd_notify(false, "READY=1");

        r = sd_event_loop(d->event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return 0;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        daemon_state d = { .settings = { .sz = sizeof(struct capture_settings) } };
        int c, r;

        log_set_prefix("kdumpd");
        while ((c = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (c) {
                case 'c': d.settings.config_path = optarg; break;
                case 'h':
                        printf("Usage: kdumpd [--config=FILE]\n\nKeeps the kdump capture kernel loaded; run by "
                               "kdumpd.service.\n");
                        return 0;
                default:
                        return 2;
                }

        r = run(&d);
        d.monitor = sd_device_monitor_unref(d.monitor);
        d.reload_timer = sd_event_source_unref(d.reload_timer);
        d.event = sd_event_unref(d.event);
        return r < 0 ? 1 : 0;
}
