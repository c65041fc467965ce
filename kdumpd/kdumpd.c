/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdumpd: keeps a capture kernel loaded while the machine changes.
 *
 * At start it loads the capture kernel (the same sequence as "kdumpctl
 * start") and tells systemd READY with a STATUS line.  Then it watches:
 *   - the configuration file and its drop-ins, the running kernel's image
 *     and its module index: a change rebuilds the capture initramfs and
 *     reloads (other names in those directories are ignored);
 *   - CPU and memory hotplug (sd-device monitor): the loaded ELF core header
 *     is stale afterwards, so it reloads, unless the kernel updates the
 *     header itself (/sys/devices/system/{cpu,memory}/crash_hotplug reads 1,
 *     CONFIG_CRASH_HOTPLUG with the file loader);
 *   - the devices of the dump target's dm/md stack (sd-device, "block"):
 *     a change event on one of them (a table loaded by lvextend, lvconvert
 *     or pvmove, an md member added, failed or replaced), or one removed,
 *     rebuilds the stack's record and reloads;
 *   - for a network target, the links, addresses and routes (rtnetlink)
 *     and, every 10 minutes, the server's name (net-watch.h): a new way
 *     to the server reloads; no way at all is said loudly.
 * Bursts of events cause one reload: every event (re)arms a timer, bounded
 * from the first event (RELOAD_QUIET_USEC, RELOAD_MAX_DELAY_USEC).
 * On SIGTERM it unloads the capture kernel, as "kdumpctl stop" does; on
 * SIGHUP (systemctl reload, kdumpctl reload) it loads again.
 *
 * At start, once the capture kernel is loaded, a child process looks for
 * dumps saved since the last look (after the reboot that follows a
 * capture), writes vmcore-dmesg.txt from the vmcore where the capture could
 * not, reads each local dump once against its SHA256SUMS, records each in
 * the journal with MESSAGE_ID_DUMP and KDUMPD_* fields and remembers it in
 * <state_dir>/seen.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/uio.h>
#include <time.h>
#include <sys/utsname.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-device.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "build-config.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/strv.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/kernel-image.h"
#include "crashkernel-reserve/reservation.h"
#include "config/kdump-conf.h"
#include "initramfs/collect/dump-dmesg.h"
#include "initramfs/net/rtnl.h"
#include "kdumpd/dump-target.h"
#include "kdumpd/net-watch.h"
#include "kdumpd/nfs-check.h"
#include "kdumpd/ssh-dumps.h"
#include "kdumpd/ssh-target.h"
#include "kdumpd/capture-addresses.h"
#include "kdumpd/capture-load.h"
#include "kdumpd/catalog.h"
#include "kdumpd/dump-manifest.h"
#include "kdumpd/reload-record.h"
#include "kdumpd/topology.h"
#include "kdumpd/verbs-crashkernel.h"

/* One reload for a burst: onlining 64 CPUs makes 64 events, and udev
 * passes them on with gaps of seconds on a slow (or emulated) machine.  The
 * load waits for RELOAD_QUIET_USEC without events, but never more than
 * RELOAD_MAX_DELAY_USEC after the first, so a steady stream of events cannot
 * keep a stale header loaded. */
#define RELOAD_QUIET_USEC (5ULL * 1000000ULL)
#define RELOAD_MAX_DELAY_USEC (30ULL * 1000000ULL)

/* The reason of a reload for a change of the dump target's dm/md stack. */
#define RELOAD_STACK_CHANGED "storage stack changed"
#define RELOAD_NET_CHANGED "the way to the dump server changed"

/* MESSAGE_IDs of kdumpd's journal entries (journalctl MESSAGE_ID=...). */
#define MESSAGE_ID_LOADED "9d1c2a4e0b6f4d8e8c5a7f3b2e1d0c4a"
#define MESSAGE_ID_LOAD_FAILED "5b7e3f2a1c9d4e6f8a0b2c4d6e8f1a3b"
#define MESSAGE_ID_DUMP "e2c7a9f04b1d4c3a9f6e8d2b5a7c1e90"

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

static const char *action_name(sd_device_action_t action) {
        switch (action) {
        case SD_DEVICE_ADD: return "added";
        case SD_DEVICE_REMOVE: return "removed";
        case SD_DEVICE_ONLINE: return "online";
        case SD_DEVICE_OFFLINE: return "offline";
        default: return "changed";
        }
}

typedef struct daemon_state {
        struct capture_settings settings;
        sd_event *event;
        sd_event_source *reload_timer;
        sd_device_monitor *monitor;
        unsigned reloads;
        const char *pending_reason;
        uint64_t pending_since;       /* CLOCK_MONOTONIC of the first event of a burst; 0: none */
        bool loaded;
        struct watch *watches;        /* WATCHES_MAX */
        char *stack_devices;          /* of the loaded capture kernel's target, space-separated; NULL: none */
        char *topology;               /* the CPUs and RAM the loaded header describes (topology.h); NULL: unknown */
        /* a network target: the loaded way to the server, the server's name */
        char *net_record, *net_server;
        rtnl *net_monitor;
        sd_event_source *net_io, *net_settle, *net_resolve;
        bool net_unreachable;         /* said once until the way is back */
} daemon_state;

static int do_load_now(daemon_state *d, const char *reason);
static void net_watch_start(daemon_state *d);
static int schedule_reload(daemon_state *d, const char *reason);

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

/* For "kdumpd --reload" (ExecReload=) waiting on a load. */
static void record_load(uint64_t start, int result) {
        if (reload_record_write(reload_record_dir(), start, result) < 0)
                log_debug("Cannot write %s/%s; systemctl reload will not wait for the load.", reload_record_dir(),
                          RELOAD_RECORD_NAME);
}

static int do_load(daemon_state *d, const char *reason) {
        uint64_t start = now_usec();
        int r;

        r = do_load_now(d, reason);
        record_load(start, r);
        return r;
}

static int do_load_now(daemon_state *d, const char *reason) {
        _cleanup_free_ char *topology = NULL;
        struct capture_loaded info = {};
        char b[32];
        int r;

        d->reloads++;
        log_info("Loading the capture kernel (%s).", reason);
        /* Read before the load: a change during it is a later event's. */
        if (topology_read(&topology) < 0)
                topology = NULL;
        r = capture_start(&d->settings, &info);
        if (r < 0) {
                struct crash_reservation res;

                /* capture_start() fails before it unloads anything unless the
                 * kernel itself refused the load: say which case this is. */
                d->loaded = crash_reservation_read(NULL, &res) >= 0 && res.loaded == 1;
                /* The loaded capture kernel would write through the stack's
                 * old tables (a pvmove half done maps the LV elsewhere):
                 * that can corrupt the target, so it goes. */
                if (d->loaded && strcmp(reason, RELOAD_STACK_CHANGED) == 0) {
                        log_error("The dump target's storage stack changed into one the capture kernel cannot "
                                  "recreate (see above); unloading the capture kernel loaded for the old one, "
                                  "which would write through stale tables.");
                        if (capture_stop(&d->settings) >= 0)
                                d->loaded = false;
                        /* d->stack_devices stays: the next change (the
                         * pvmove done, the snapshot removed) loads again. */
                }
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
        free(d->topology);
        d->topology = TAKE_PTR(topology);
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
        free(d->stack_devices);
        d->stack_devices = info.stack_devices;
        free(d->net_record);
        d->net_record = info.net_record;
        free(d->net_server);
        d->net_server = info.net_server;
        d->net_unreachable = false;
        if (d->net_record)
                net_watch_start(d);
        return 0;
}

static int on_reload_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        daemon_state *d = userdata;
        const char *reason = d->pending_reason ? d->pending_reason : "change";

        d->pending_reason = NULL;
        d->pending_since = 0;
        (void) do_load(d, reason);
        return 0;
}

/* Pure: when the load of a burst happens (see RELOAD_QUIET_USEC). */
static uint64_t reload_due(uint64_t first_event, uint64_t now) {
        uint64_t due = now + RELOAD_QUIET_USEC;

        return MIN(due, first_event + RELOAD_MAX_DELAY_USEC);
}

static int schedule_reload(daemon_state *d, const char *reason) {
        uint64_t now, due;
        int r;

        d->pending_reason = reason;
        r = sd_event_now(d->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        if (d->pending_since == 0)
                d->pending_since = now;
        due = reload_due(d->pending_since, now);
        if (!d->reload_timer)
                return sd_event_add_time(d->event, &d->reload_timer, CLOCK_MONOTONIC, due, 0, on_reload_timer, d);
        r = sd_event_source_set_time(d->reload_timer, due);
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
        if (strcmp(subsystem, "block") == 0) {
                /* dm and md announce a new table or member with "change" */
                if (!sysname || !d->stack_devices || !string_list_contains(d->stack_devices, ' ', sysname) ||
                    (action != SD_DEVICE_CHANGE && action != SD_DEVICE_REMOVE && action != SD_DEVICE_ADD))
                        return 0;
                log_info("%s, a device under the dump target, %s: rebuilding its storage stack and reloading.",
                         sysname, action_name(action));
                (void) schedule_reload(d, RELOAD_STACK_CHANGED);
                return 0;
        }
        if (!action_changes_topology(action))
                return 0;
        if (kernel_updates_header(subsystem)) {
                log_debug("%s %s changed; the kernel updates the crash header itself.", subsystem, sysname ? sysname : "?");
                return 0;
        }
        if (d->loaded && d->topology) {
                _cleanup_free_ char *now = NULL;

                /* udev's coldplug replays "add" for every CPU and memory
                 * block at boot: nothing changed since the load. */
                if (topology_read(&now) >= 0 && strcmp(now, d->topology) == 0) {
                        log_debug("%s %s %s: the loaded crash header already describes it (an event replayed).",
                                  subsystem, sysname ? sysname : "?", action_name(action));
                        return 0;
                }
        }
        log_info("%s %s %s: the loaded crash header is stale, reloading.", subsystem, sysname ? sysname : "?",
                 action_name(action));
        (void) schedule_reload(d, strcmp(subsystem, "cpu") == 0 ? "CPU hotplug" : "memory hotplug");
        return 0;
}

/* The way to a network target's server, asked again (net-watch.h). */
static void net_check(daemon_state *d, bool resolve) {
        _cleanup_free_ char *detail = NULL;
        enum net_watch_verdict v;
        int r;

        if (!d->net_record)
                return;
        r = net_watch_check(d->net_record, d->net_server, resolve, &v, &detail);
        if (r < 0) {
                log_warning_errno(r, "Cannot check the way to the dump server: %m");
                return;
        }
        if (v == NET_WATCH_UNREACHABLE) {
                if (d->net_unreachable)
                        return;
                d->net_unreachable = true;
                log_error("The dump server %s cannot be reached now: %s. A crash now would not save a dump "
                          "(failure_action follows); kdumpd keeps the loaded capture kernel and checks again at "
                          "the next change.", d->net_server ?: "?", detail ?: "no route");
                (void) sd_journal_send("MESSAGE=kdumpd: the dump server %s cannot be reached: %s", d->net_server ?: "?",
                                       detail ?: "no route", "MESSAGE_ID=" MESSAGE_ID_LOAD_FAILED, "PRIORITY=3",
                                       "KDUMPD_REASON=dump server unreachable", NULL);
                (void) sd_notifyf(false, "STATUS=NOT protected: the dump server %s cannot be reached (%s)",
                                  d->net_server ?: "?", detail ?: "no route");
                return;
        }
        if (d->net_unreachable) {
                d->net_unreachable = false;
                log_info("The dump server %s can be reached again.", d->net_server ?: "?");
                if (d->loaded)
                        (void) sd_notifyf(false, "STATUS=capture kernel loaded, dump to the NFS server %s",
                                          d->net_server ?: "?");
        }
        if (v == NET_WATCH_CHANGED) {
                log_info("The way to the dump server %s changed (%s): reloading.", d->net_server ?: "?", detail);
                (void) schedule_reload(d, RELOAD_NET_CHANGED);
        } else if (resolve)
                log_debug("The way to the dump server %s is unchanged.", d->net_server ?: "?");
}

static int on_net_settled(sd_event_source *s, uint64_t usec, void *userdata) {
        net_check(userdata, false);
        return 0;
}

static int on_net_resolve(sd_event_source *s, uint64_t usec, void *userdata) {
        daemon_state *d = userdata;

        net_check(d, true);
        (void) sd_event_source_set_time(s, usec + NET_WATCH_RESOLVE_USEC);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ON);
        return 0;
}

/* rtnetlink announced something: the check runs once the burst settled. */
static int on_net_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        daemon_state *d = userdata;
        uint64_t now;

        if (rtnl_drain(d->net_monitor) <= 0 || !d->net_record || sd_event_now(d->event, CLOCK_MONOTONIC, &now) < 0)
                return 0;
        if (!d->net_settle)
                (void) sd_event_add_time(d->event, &d->net_settle, CLOCK_MONOTONIC, now + NET_WATCH_SETTLE_USEC, 0,
                                         on_net_settled, d);
        else {
                (void) sd_event_source_set_time(d->net_settle, now + NET_WATCH_SETTLE_USEC);
                (void) sd_event_source_set_enabled(d->net_settle, SD_EVENT_ONESHOT);
        }
        return 0;
}

static void net_watch_start(daemon_state *d) {
        uint64_t now;
        int r;

        if (d->net_monitor)
                return;
        r = rtnl_open_monitor(&d->net_monitor);
        if (r >= 0)
                r = sd_event_add_io(d->event, &d->net_io, rtnl_fd(d->net_monitor), EPOLLIN, on_net_event, d);
        if (r >= 0)
                r = sd_event_now(d->event, CLOCK_MONOTONIC, &now);
        if (r >= 0)
                r = sd_event_add_time(d->event, &d->net_resolve, CLOCK_MONOTONIC, now + NET_WATCH_RESOLVE_USEC, 0,
                                      on_net_resolve, d);
        if (r < 0) {
                log_warning_errno(r, "Failed to watch the network to the dump server; a new address or route will "
                                  "not reload the capture kernel: %m");
                return;
        }
        log_info("Watching links, addresses and routes (rtnetlink) and, every %llu minutes, the name of the dump "
                 "server %s.", NET_WATCH_RESOLVE_USEC / 60000000ULL, d->net_server ?: "?");
}

/* One watched directory and the names in it that matter: watching a
 * directory (editors and depmod replace files by rename) must not turn every
 * change in /etc or /boot into a reload. */
typedef struct watch {
        daemon_state *d;
        const char *reason;
        char *name;                   /* exact name, or NULL */
        char *alt_name;               /* a second exact name, or NULL */
        const char *prefix;           /* or names starting with this */
        const char *suffix;           /* or names ending with this */
} watch;

static bool watch_matches(const watch *w, const char *name) {
        size_t n = strlen(name);

        if (w->name && strcmp(name, w->name) == 0)
                return true;
        if (w->alt_name && strcmp(name, w->alt_name) == 0)
                return true;
        if (w->prefix && strncmp(name, w->prefix, strlen(w->prefix)) == 0)
                return true;
        return w->suffix && n >= strlen(w->suffix) && strcmp(name + n - strlen(w->suffix), w->suffix) == 0;
}

static int on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        watch *w = userdata;

        if (ev->len == 0 || !watch_matches(w, ev->name))
                return 0;
        log_debug("%s changed (%s).", ev->name, w->reason);
        (void) schedule_reload(w->d, w->reason);
        return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        daemon_state *d = userdata;

        (void) sd_notify(false, "STOPPING=1\nSTATUS=unloading the capture kernel");
        if (d->loaded)
                (void) capture_stop(&d->settings);
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        daemon_state *d = userdata;

        uint64_t start = now_usec();
        int r;

        (void) sd_notify(false, "RELOADING=1");
        r = do_load_now(d, "reload requested");
        /* READY=1 before the record: when ExecReload= returns, the unit is
         * active again. */
        (void) sd_notify(false, "READY=1");
        record_load(start, r);
        return 0;
}

/* What the journal entry adds to a new dump: how its log came about, to
 * whom it is sealed, whether its files match SHA256SUMS. */
struct dump_notes {
        char *dmesg;            /* vmcore-dmesg.txt written here; NULL: the capture's */
        char *panic;            /* from that log */
        char *text;             /* "; ..." */
        enum dump_files_state files;    /* DUMP_FILES_NO_SUMS: not checked (or nothing to check against) */
};

static void dump_notes_done(struct dump_notes *n) {
        free(n->dmesg);
        free(n->panic);
        free(n->text);
}

/* A dump whose files do not match SHA256SUMS is said as an error. */
static int journal_dump(const struct dump_entry *e, const char *panic, const struct dump_notes *notes) {
        bool bad = !e->complete || notes->files == DUMP_FILES_CHANGED;
        char b[32], when[64] = "unknown time";
        const char *rel = e->info_error >= 0 && e->info.release[0] ? e->info.release : NULL;
        char *f[16] = {};
        struct iovec iov[16];
        size_t n = 0;
        int r = 0;

        if (e->have_time) {
                time_t t = (time_t) e->time;
                struct tm tm;
                if (gmtime_r(&t, &tm))
                        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
        }
        if (asprintf(&f[n++], "MESSAGE=kdumpd: the kernel %s crashed at %s%s%s; dump %s (%s, %s)%s",
                     rel ?: "(release unknown)", when, panic ? ": " : "", panic ?: "",
                     e->vmcore ?: e->dir, e->vmcore ? format_bytes(b, sizeof(b), e->size) : "no vmcore",
                     e->complete ? "complete" : "INCOMPLETE", notes->text ?: "") < 0 ||
            asprintf(&f[n++], "MESSAGE_ID=%s", MESSAGE_ID_DUMP) < 0 ||
            asprintf(&f[n++], "PRIORITY=%d", bad ? 3 : 4) < 0 ||
            asprintf(&f[n++], "KDUMPD_KERNEL_RELEASE=%s", rel ?: "") < 0 ||
            asprintf(&f[n++], "KDUMPD_PANIC=%s", panic ?: "") < 0 ||
            asprintf(&f[n++], "KDUMPD_DUMP_PATH=%s", e->vmcore ?: "") < 0 ||
            asprintf(&f[n++], "KDUMPD_DUMP_DIR=%s", e->dir) < 0 ||
            asprintf(&f[n++], "KDUMPD_DUMP_SIZE=%llu", (unsigned long long) e->size) < 0 ||
            asprintf(&f[n++], "KDUMPD_COMPLETE=%s", e->complete ? "yes" : "no") < 0)
                r = -ENOMEM;
        if (r >= 0 && e->have_time && asprintf(&f[n++], "KDUMPD_CRASH_TIME=%lld", (long long) e->time) < 0)
                r = -ENOMEM;
        if (r >= 0 && e->info_error >= 0 && e->info.dump_level >= 0 &&
            asprintf(&f[n++], "KDUMPD_DUMP_LEVEL=%d", e->info.dump_level) < 0)
                r = -ENOMEM;
        if (r >= 0 && e->info_error >= 0 && e->vmcore &&
            asprintf(&f[n++], "KDUMPD_DUMP_FORMAT=%s", dump_format_to_string(e->info.format)) < 0)
                r = -ENOMEM;
        if (r >= 0 && notes->files != DUMP_FILES_NO_SUMS &&
            asprintf(&f[n++], "KDUMPD_FILES=%s", dump_files_state_to_string(notes->files)) < 0)
                r = -ENOMEM;
        if (r >= 0 && !e->complete && e->incomplete_reason &&
            asprintf(&f[n++], "KDUMPD_INCOMPLETE_REASON=%s", e->incomplete_reason) < 0)
                r = -ENOMEM;
        if (r >= 0) {
                for (size_t i = 0; i < n; i++)
                        iov[i] = (struct iovec) { .iov_base = f[i], .iov_len = strlen(f[i]) };
                r = sd_journal_sendv(iov, (int) n);
        }
        for (size_t i = 0; i < n; i++)
                free(f[i]);
        return r;
}

/* Dumps saved since the last look: the capture kernel wrote them, the
 * machine rebooted, and nobody has been told yet. */
/* Where a dump is shown (journal, log, the seen file): on an NFS export
 * "<server>:<export><path>/<dir>", not the private mount point it was
 * read through. */
struct dump_shown {
        const char *mnt;        /* the mount point to replace; NULL: shown as it is */
        const char *shown_as;   /* "<server>:<export>" */
        char *const *hosts;     /* only dumps this machine sent ("<host>-<date>", under any of
                                 * its addresses, capture-addresses.h); NULL: all */
        bool remote;            /* on an SSH server: nothing to read or write here */
};

static char *shown_path(const struct dump_shown *sh, const char *p) {
        char *s;

        if (!p || !sh->mnt || strncmp(p, sh->mnt, strlen(sh->mnt)) != 0)
                return p ? strdup(p) : NULL;
        return asprintf(&s, "%s%s", sh->shown_as, p + strlen(sh->mnt)) < 0 ? NULL : s;
}

/* "; encrypted to age1..., age1..." from the RECIPIENTS file the capture
 * wrote next to a sealed dump. */
static char *sealed_to(const char *dir) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        char *note;

        if (asprintf(&path, "%s/%s", dir, CATALOG_RECIPIENTS) < 0)
                return NULL;
        if (read_full_file(path, &text, NULL) < 0)
                return strdup("; encrypted (no RECIPIENTS file says to which keys)");
        for (char *p = text; *p; p++)
                if (*p == '\n')
                        *p = p[1] ? ',' : 0;
        return asprintf(&note, "; encrypted to %s", text) < 0 ? NULL : note;
}

/* The log of a dump whose capture could not write it, from its vmcore. */
static const char *write_dmesg(const struct dump_entry *e, const char *shown_dir, struct dump_notes *n) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = dump_write_dmesg_file(e->dir, e->vmcore, &n->dmesg);

        if (r >= 0) {
                if (read_full_file(n->dmesg, &text, &len) >= 0)
                        (void) dump_panic_from_dmesg(text, len, &n->panic);
                return "; vmcore-dmesg.txt written from the vmcore";
        }
        if (r == -ENOEXEC || r == -EPROTONOSUPPORT || r == -EMEDIUMTYPE)
                return "; no vmcore-dmesg.txt (the kernel log cannot be read from this format here)";
        if (r == -ENODATA)
                return "; no vmcore-dmesg.txt (the kernel log's pages are not in the dump)";
        log_warning_errno(r, "Failed to write vmcore-dmesg.txt in %s: %m", shown_dir);
        return NULL;
}

static int make_notes(const struct dump_entry *e, const char *shown_dir, const struct dump_shown *sh,
                      verify_record *record, struct dump_notes *n) {
        _cleanup_free_ char *sealed = NULL, *files = NULL;
        const char *dmesg = NULL;

        if (sh->remote)
                return 0;
        if (e->sealed)
                sealed = sealed_to(e->dir);
        else if (!e->dmesg && e->vmcore)
                dmesg = write_dmesg(e, shown_dir, n);
        if (record)
                n->files = dump_manifest_check_summary(e, record, &files);
        return asprintf(&n->text, "%s%s%s", sealed ?: "", dmesg ?: "", files ?: "") < 0 ? -ENOMEM : 0;
}

/* Says e in the journal (or where our output goes); 0, or -ENOMEM. */
static int record_one(const struct dump_entry *e, const struct dump_shown *sh, verify_record *record,
                      const char *dir, const char *vmcore) {
        _cleanup_(dump_notes_done) struct dump_notes n = { .files = DUMP_FILES_NO_SUMS };
        struct dump_entry shown = *e;
        int r;

        shown.dir = (char *) dir;
        shown.vmcore = (char *) vmcore;
        if (make_notes(e, dir, sh, record, &n) < 0)
                return -ENOMEM;
        /* sd_journal_send() succeeds silently without journald
         * (a minimal system): then say it where our output goes. */
        r = access("/run/systemd/journal/socket", F_OK) < 0 ? -ENOENT
                                                            : journal_dump(&shown, n.panic ?: e->panic, &n);
        if (r < 0)
                log_notice("New dump: %s, kernel %s, panic: %s, %s%s.", vmcore ?: dir,
                           e->info_error >= 0 && e->info.release[0] ? e->info.release : "unknown",
                           n.panic ?: e->panic ?: "unknown", e->complete ? "complete" : "INCOMPLETE", n.text ?: "");
        return 0;
}

/* Records each dump of cat not in <state_dir>/seen in the journal (and
 * remembers it there); returns how many.  Each new local dump's files are
 * read once against its SHA256SUMS (in the child of
 * record_new_dumps_async()); what is found goes into <state_dir>/verified
 * for kdumpctl list. */
static unsigned record_catalog(const dump_catalog *cat, const char *state_dir, const struct dump_shown *sh) {
        _cleanup_free_ char *seen_path = NULL, *seen = NULL;
        _cleanup_(verify_record_freep) verify_record *record = NULL;
        unsigned recorded = 0;
        int r;

        if (asprintf(&seen_path, "%s/seen", state_dir) < 0) {
                log_oom();
                return 0;
        }
        r = read_full_file(seen_path, &seen, NULL);
        if (r < 0 && r != -ENOENT) {
                log_warning_errno(r, "Failed to read %s, not recording dumps: %m", seen_path);
                return 0;
        }
        /* Not over NFS: the child that has the export mounted has 120 s for
         * the whole record, which a dump read whole could outlast, and its
         * private mount's device numbers are not the ones a later kdumpctl
         * list sees. */
        r = sh->remote || sh->mnt ? 0 : verify_record_load(state_dir, &record);
        if (r < 0)
                log_warning_errno(r, "Failed to read %s/%s, new dumps are not checked against their %s: %m",
                                  state_dir, VERIFY_RECORD_FILE, CATALOG_MANIFEST);

        for (size_t i = 0; i < cat->n; i++) {
                const struct dump_entry *e = &cat->entries[i];
                _cleanup_free_ char *line = NULL, *dir = NULL, *vmcore = NULL;
                _cleanup_close_ int fd = -EBADF;

                if (sh->hosts && (!e->host || !strv_has(sh->hosts, e->host)))
                        continue;
                dir = shown_path(sh, e->dir);
                vmcore = shown_path(sh, e->vmcore);
                if (!dir || (e->vmcore && !vmcore)) {
                        log_oom();
                        break;
                }
                if (seen && dump_seen_contains(seen, dir))
                        continue;
                if (record_one(e, sh, record, dir, vmcore) < 0) {
                        log_oom();
                        break;
                }
                recorded++;
                /* Append: a crash of this daemon after some entries must not
                 * record them again. */
                if (mkdir_p(state_dir, 0700) < 0 ||
                    (fd = open(seen_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0 ||
                    asprintf(&line, "%s\n", dir) < 0 || loop_write(fd, line, strlen(line)) < 0)
                        log_warning("Failed to remember dump %s in %s; it will be recorded again.", dir, seen_path);
        }
        if (record && recorded > 0 && (r = verify_record_save(state_dir, record)) < 0)
                log_warning_errno(r, "Failed to save %s/%s; kdumpctl list shows the new dumps unchecked: %m",
                                  state_dir, VERIFY_RECORD_FILE);
        return recorded;
}

struct nfs_record_ctx {
        const char *state_dir;
        char *const *hosts;
};

/* In the child that has the export mounted: this machine's dumps there. */
static int record_nfs_catalog(const dump_target *t, const char *mnt, FILE *out, void *userdata) {
        const struct nfs_record_ctx *ctx = userdata;
        _cleanup_(dump_catalog_freep) dump_catalog *cat = NULL;
        _cleanup_free_ char *dir = NULL, *shown_as = NULL;
        int r;

        if (asprintf(&dir, "%s%s", mnt, strcmp(t->path, "/") == 0 ? "" : t->path) < 0 ||
            asprintf(&shown_as, "%s:%s", t->server_name ?: t->net->server, t->export) < 0)
                return -ENOMEM;
        r = dump_catalog_scan(dir, &cat);
        if (r < 0) {
                fprintf(out, "cannot read the dumps in %s: %s", t->path, strerror(-r));
                return r;
        }
        fprintf(out, "%u", record_catalog(cat, ctx->state_dir, &(struct dump_shown) {
                        .mnt = mnt, .shown_as = shown_as, .hosts = ctx->hosts }));
        return 0;
}

/* This machine's addresses for a network target: the current one (on the
 * way to the server) and those its capture kernels were loaded with; and
 * their description for messages. */
static int machine_addresses(const dump_target *t, const char *state_dir, char ***ret, char **ret_description) {
        _cleanup_(strv_freep) char **v = NULL;
        char *d;
        int r;

        r = capture_addresses_lookup(state_dir, t->net->address, &v);
        if (r < 0)
                return r;
        d = capture_addresses_describe(v);
        if (!d)
                return -ENOMEM;
        *ret = TAKE_PTR(v);
        *ret_description = d;
        return 0;
}

/* An NFS target: the export read through a private mount, bounded; the
 * dumps named after this machine's addresses. */
static void record_nfs_dumps(const kdump_config *c, const char *state_dir) {
        _cleanup_(dump_target_freep) dump_target *t = NULL;
        _cleanup_(strv_freep) char **hosts = NULL;
        _cleanup_free_ char *err = NULL, *text = NULL, *who = NULL;
        unsigned n = 0;
        int r;

        r = dump_target_resolve(c, &t, &err);
        if (r >= 0)
                r = machine_addresses(t, state_dir, &hosts, &who);
        if (r >= 0)
                r = nfs_target_with_mount(t, 120, record_nfs_catalog, &(struct nfs_record_ctx) { state_dir, hosts },
                                          &text, &err);
        if (r < 0) {
                log_warning_errno(r, "Cannot look for the dumps this machine sent to %s: %s", c->device,
                                  err ?: strerror(-r));
                return;
        }
        if (sscanf(text, "%*s %u", &n) == 1 && n > 0)
                log_info("Recorded %u new dump%s this machine (%s) sent to %s:%s%s.", n, n == 1 ? "" : "s",
                         who, t->server_name, t->export, t->path);
        else
                log_info("No new dumps from this machine (%s) on %s:%s%s.", who, t->server_name, t->export, t->path);
}

/* An SSH target: one bounded remote command lists what this machine sent
 * (ssh-dumps.h). */
static void record_ssh_dumps(const kdump_config *c, const char *state_dir) {
        _cleanup_(dump_target_freep) dump_target *t = NULL;
        _cleanup_(dump_catalog_freep) dump_catalog *cat = NULL;
        _cleanup_(strv_freep) char **hosts = NULL;
        _cleanup_free_ char *err = NULL, *kh = NULL, *cmd = NULL, *out = NULL, *prefix = NULL, *who = NULL;
        unsigned n;
        int r;

        r = dump_target_resolve(c, &t, &err);
        if (r >= 0)
                r = ssh_target_known_hosts_file(t, state_dir, &kh);
        if (r >= 0)
                r = machine_addresses(t, state_dir, &hosts, &who);
        if (r >= 0)
                r = ssh_dumps_command(t->path, hosts, &cmd);
        if (r >= 0)
                r = ssh_target_run(t, kh, cmd, &out, &err);
        if (r >= 0 && asprintf(&prefix, "%s@%s:%s", t->user, t->server_name, t->path) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = ssh_dumps_parse(out ?: "", prefix, &cat);
        if (r < 0) {
                log_warning_errno(r, "Cannot look for the dumps this machine sent to %s: %s", c->device,
                                  err ?: strerror(-r));
                return;
        }
        n = record_catalog(cat, state_dir, &(struct dump_shown) { .hosts = hosts, .remote = true });
        if (n > 0)
                log_info("Recorded %u new dump%s this machine (%s) sent to %s.", n, n == 1 ? "" : "s", who, prefix);
        else
                log_info("No new dumps from this machine (%s) on %s.", who, prefix);
}

static void record_new_dumps(daemon_state *d) {
        const char *config = d->settings.config_path ? d->settings.config_path : KDUMP_CONF_PATH;
        const char *state_dir = d->settings.state_dir ? d->settings.state_dir : KDUMP_STATEDIR;
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_(dump_catalog_freep) dump_catalog *cat = NULL;
        _cleanup_free_ char *err = NULL, *dir = NULL;
        unsigned recorded;
        int r;

        r = kdump_config_load(config, &c, &err);
        if (r < 0)
                return; /* do_load() reports the configuration error */
        if (kdump_config_is_nfs(c)) {
                record_nfs_dumps(c, state_dir);
                return;
        }
        if (kdump_config_is_ssh(c)) {
                record_ssh_dumps(c, state_dir);
                return;
        }
        r = dump_catalog_dir(c, &dir, &err);
        if (r < 0) {
                log_warning_errno(r, "Cannot look for saved dumps: %s", err ? err : strerror(-r));
                return;
        }
        r = dump_catalog_scan(dir, &cat);
        if (r < 0) {
                log_warning_errno(r, "Cannot read the dumps in %s: %m", dir);
                return;
        }
        recorded = record_catalog(cat, state_dir, &(struct dump_shown) {});
        if (recorded > 0)
                log_info("Recorded %u new dump%s from %s.", recorded, recorded == 1 ? "" : "s", dir);
}

static int on_recorder_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        if (si->si_code != CLD_EXITED || si->si_status != 0)
                log_warning("The process recording new dumps ended %s %d; what it did not record is recorded at the "
                            "next start.", si->si_code == CLD_EXITED ? "with exit status" : "by signal",
                            si->si_status);
        return 0;
}

/* The dumps saved since the last look are recorded by a child: it reads
 * each new dump whole against its SHA256SUMS, which can take minutes on a
 * big machine, and this process must go on answering SIGTERM, SIGHUP and
 * device events meanwhile.  Killed half-way (a stop), it leaves the dumps
 * it had not written into <state_dir>/seen to the next start. */
static void record_new_dumps_async(daemon_state *d) {
        sigset_t mask;
        pid_t pid;
        int r;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        pid = fork();
        if (pid < 0) {
                log_warning_errno(errno, "Cannot fork to record new dumps, recording them here: %m");
                record_new_dumps(d);
                return;
        }
        if (pid == 0) {
                sigemptyset(&mask);
                sigprocmask(SIG_SETMASK, &mask, NULL);
                record_new_dumps(d);
                _exit(EXIT_SUCCESS);
        }
        r = sd_event_add_child(d->event, NULL, pid, WEXITED, on_recorder_exit, NULL);
        if (r < 0)
                log_warning_errno(r, "Cannot watch the process recording new dumps (pid %d): %m", (int) pid);
}

/* auto_reset_crashkernel yes: keep the boot loader's crashkernel= at the
 * recommendation (kdumpctl reset-crashkernel), effective at the next boot.
 * reset-crashkernel changes nothing when the value is already there. */
static void auto_reset_crashkernel(daemon_state *d) {
        const char *config = d->settings.config_path ? d->settings.config_path : KDUMP_CONF_PATH;
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *out = NULL;
        struct crashkernel_paths p;
        size_t size = 0;
        FILE *f;
        int r;

        if (kdump_config_load(config, &c, NULL) < 0 || !c->auto_reset_crashkernel)
                return;
        crashkernel_paths_init(&p, config, d->settings.state_dir, NULL);
        f = open_memstream(&out, &size);
        if (!f) {
                log_oom();
                return;
        }
        r = verb_reset_crashkernel(&p, f);
        fclose(f);
        if (r < 0)
                return; /* logged */
        if (out && strstr(out, "already has") && !strstr(out, "(was") && !strstr(out, "added"))
                return;
        (void) sd_journal_send("MESSAGE=kdumpd: auto_reset_crashkernel: %s", out ? out : "",
                               "PRIORITY=5", "KDUMPD_REASON=auto_reset_crashkernel", NULL);
}

#define WATCHES_MAX 4

static void watch_done(watch *w) {
        free(w->name);
        free(w->alt_name);
}

static int watch_dir(daemon_state *d, watch *w, const char *dir, const char *reason) {
        int r;

        w->d = d;
        w->reason = reason;
        r = sd_event_add_inotify(d->event, NULL, dir,
                                 IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB,
                                 on_inotify, w);
        if (r < 0)
                log_warning_errno(r, "Failed to watch %s; changes there need kdumpctl reload: %m", dir);
        return r;
}

/* What a reload rebuilds from: the configuration and its drop-ins, the
 * running kernel's image and its module index (capture-image.c's inputs). */
static void watch_inputs(daemon_state *d, watch ws[static WATCHES_MAX]) {
        const char *config = d->settings.config_path ? d->settings.config_path : KDUMP_CONF_PATH;
        _cleanup_free_ char *dir = NULL, *dropins = NULL, *modules = NULL, *image = NULL;
        const char *base;
        struct utsname u;

        dir = strdup(config);
        if (!dir || asprintf(&dropins, "%s.d", config) < 0) {
                log_oom();
                return;
        }
        base = strrchr(config, '/') ? strrchr(config, '/') + 1 : config;
        if (strrchr(dir, '/'))
                *strrchr(dir, '/') = 0;
        ws[0].name = strdup(base);
        if (asprintf(&ws[0].alt_name, "%s.d", base) < 0)
                ws[0].alt_name = NULL;
        (void) watch_dir(d, &ws[0], *dir ? dir : "/", "configuration changed");
        ws[1].suffix = ".conf";
        if (access(dropins, F_OK) >= 0)
                (void) watch_dir(d, &ws[1], dropins, "configuration changed");

        if (uname(&u) < 0)
                return;
        if (asprintf(&modules, "/lib/modules/%s", u.release) >= 0) {
                ws[2].prefix = "modules.";
                (void) watch_dir(d, &ws[2], modules, "kernel modules changed");
        }
        /* The image where kdumpctl start found it (/boot or the modules
         * directory, kernel-image.h); /boot while there is none. */
        if (kernel_image_find(NULL, u.release, &image) < 0 && asprintf(&image, "/boot/vmlinuz-%s", u.release) < 0)
                return;
        ws[3].name = strdup(strrchr(image, '/') + 1);
        *strrchr(image, '/') = 0;
        if (ws[3].name)
                (void) watch_dir(d, &ws[3], image, "kernel image changed");
}

static int run(daemon_state *d) {
        sigset_t mask;
        int r;

        r = sd_event_default(&d->event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the event loop: %m");

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        if ((r = sd_event_add_signal(d->event, NULL, SIGTERM, on_signal, d)) < 0 ||
            (r = sd_event_add_signal(d->event, NULL, SIGINT, on_signal, d)) < 0 ||
            (r = sd_event_add_signal(d->event, NULL, SIGHUP, on_sighup, d)) < 0)
                return log_error_errno(r, "Failed to watch signals: %m");

        watch_inputs(d, d->watches);

        r = sd_device_monitor_new(&d->monitor);
        if (r >= 0)
                r = sd_device_monitor_filter_add_match_subsystem_devtype(d->monitor, "cpu", NULL);
        if (r >= 0)
                r = sd_device_monitor_filter_add_match_subsystem_devtype(d->monitor, "memory", NULL);
        if (r >= 0)
                r = sd_device_monitor_filter_add_match_subsystem_devtype(d->monitor, "block", NULL);
        if (r >= 0)
                r = sd_device_monitor_attach_event(d->monitor, d->event);
        if (r >= 0)
                r = sd_device_monitor_start(d->monitor, on_device, d);
        if (r < 0)
                log_warning_errno(r, "Failed to watch CPU and memory hotplug and the dump target's devices, the "
                                  "capture kernel may go stale: %m");

        (void) do_load(d, "start");
        (void) sd_notify(false, "READY=1");
        record_new_dumps_async(d);
        auto_reset_crashkernel(d);

        r = sd_event_loop(d->event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return 0;
}

/* ExecReload=: SIGHUP to the daemon, then wait for a load that began after
 * it (see reload-record.h), and exit with its result. */
#define RELOAD_WAIT_USEC (300ULL * 1000000ULL)

static int reload_and_wait(const char *pid_arg) {
        uint64_t pid64, t0, start;
        int result, r;

        r = safe_atou64_base(pid_arg, 10, &pid64);
        if (r < 0 || pid64 <= 1 || pid64 > INT_MAX)
                return log_error_errno(EINVAL, "--reload takes kdumpd's process ID ($MAINPID), not '%s'.", pid_arg);
        t0 = now_usec();
        if (kill((pid_t) pid64, SIGHUP) < 0)
                return log_error_errno(errno, "Failed to signal kdumpd (PID %llu): %m", (unsigned long long) pid64);
        for (;;) {
                if (reload_record_read(reload_record_dir(), &start, &result) >= 0 && start >= t0) {
                        if (result < 0)
                                return log_error_errno(result, "Loading the capture kernel again failed: %m; "
                                                       "see journalctl -u kdumpd.");
                        return 0;
                }
                if (kill((pid_t) pid64, 0) < 0 && errno == ESRCH)
                        return log_error_errno(ESRCH, "kdumpd (PID %llu) exited during the reload.",
                                               (unsigned long long) pid64);
                if (now_usec() - t0 > RELOAD_WAIT_USEC)
                        return log_error_errno(ETIMEDOUT, "kdumpd did not finish the reload in %llu s.",
                                               RELOAD_WAIT_USEC / 1000000ULL);
                (void) usleep(100 * 1000);
        }
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "reload", required_argument, NULL, 'R' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        daemon_state d = { .settings = { .sz = sizeof(struct capture_settings) } };
        int c, r;

        log_set_prefix("kdumpd");
        while ((c = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (c) {
                case 'c': d.settings.config_path = optarg; break;
                case 'R': return reload_and_wait(optarg) < 0 ? 1 : 0;
                case 'h':
                        printf("Usage: kdumpd [--config=FILE]\n"
                               "       kdumpd --reload=PID   (ExecReload=: SIGHUP, then wait for that load)\n\n"
                               "Keeps the kdump capture kernel loaded; run by kdumpd.service.\n");
                        return 0;
                default:
                        return 2;
                }

        watch ws[WATCHES_MAX] = {};
        d.watches = ws;
        r = run(&d);
        d.monitor = sd_device_monitor_unref(d.monitor);
        d.reload_timer = sd_event_source_unref(d.reload_timer);
        d.net_io = sd_event_source_unref(d.net_io);
        d.net_settle = sd_event_source_unref(d.net_settle);
        d.net_resolve = sd_event_source_unref(d.net_resolve);
        d.net_monitor = rtnl_close(d.net_monitor);
        d.event = sd_event_unref(d.event);
        free(d.stack_devices);
        free(d.topology);
        free(d.net_record);
        free(d.net_server);
        for (size_t i = 0; i < WATCHES_MAX; i++)
                watch_done(&ws[i]);
        return r < 0 ? 1 : 0;
}
