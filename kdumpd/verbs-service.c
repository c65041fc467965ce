/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "kdumpd/verbs-service.h"

#define SYSRQ_TRIGGER "/proc/sysrq-trigger"
#define KEXEC_CRASH_LOADED "/sys/kernel/kexec_crash_loaded"
/* A capture kernel build can take a while on a slow machine. */
#define JOB_TIMEOUT_USEC (300ULL * 1000000ULL)

bool service_verb_known(const char *verb) {
        static const char *const verbs[] = { "start", "stop", "restart", "reload", "test" };

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcmp(verb, verbs[i]) == 0)
                        return true;
        return false;
}

bool service_test_confirmed(const char *answer) {
        size_t n;

        if (!answer || strncmp(answer, "YES", 3) != 0)
                return false;
        n = strspn(answer + 3, " \t\r\n");
        return answer[3 + n] == 0;
}

static void bus_unrefp(sd_bus **b) {
        if (*b)
                sd_bus_flush_close_unref(*b);
}

/* 1 if kdumpd.service is active (or activating/reloading), 0 if not. */
static int unit_active(sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        _cleanup_free_ char *state = NULL;
        const char *path;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "GetUnit", &error, &reply, "s", KDUMPD_UNIT);
        if (r < 0)
                return 0; /* NoSuchUnit: not loaded, so not running */
        r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit",
                                               "ActiveState", &error, &state);
        sd_bus_message_unref(reply);
        if (r < 0)
                return r;
        return strcmp(state, "active") == 0 || strcmp(state, "activating") == 0 || strcmp(state, "reloading") == 0;
}

struct job_wait {
        const char *job;
        char *result;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct job_wait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->job && strcmp(path, w->job) == 0 && !w->result)
                w->result = strdup(result);
        return 0;
}

/* Calls a Manager method on kdumpd.service and waits for its job, like
 * systemctl does (Subscribe, then the JobRemoved signal for our job). */
static int systemd_job(sd_bus *bus, const char *method) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *job = NULL;
        sd_bus_message *reply = NULL;
        sd_bus_slot *slot = NULL;
        struct job_wait w = {};
        const char *path;
        uint64_t deadline;
        int r;

        r = sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, &w);
        if (r < 0)
                return log_error_errno(r, "Failed to watch systemd's jobs: %m");
        (void) sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                  "org.freedesktop.systemd1.Manager", "Subscribe", NULL, NULL, NULL);

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", method, &error, &reply, "ss", KDUMPD_UNIT, "replace");
        if (r < 0) {
                sd_bus_slot_unref(slot);
                return log_error_errno(r, "systemd refused %s of %s: %s", method, KDUMPD_UNIT,
                                       error.message ? error.message : strerror(-r));
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0 && !(job = strdup(path)))
                r = -ENOMEM;
        sd_bus_message_unref(reply);
        if (r < 0) {
                sd_bus_slot_unref(slot);
                return log_error_errno(r, "Bad reply from systemd: %m");
        }
        w.job = job;

        {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                deadline = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000 + JOB_TIMEOUT_USEC;
        }
        while (!w.result) {
                struct timespec ts;
                uint64_t now;

                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        break;
                if (r > 0)
                        continue;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                now = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
                if (now >= deadline) {
                        r = -ETIMEDOUT;
                        break;
                }
                r = sd_bus_wait(bus, deadline - now);
                if (r < 0)
                        break;
        }
        sd_bus_slot_unref(slot);
        if (!w.result)
                return log_error_errno(r < 0 ? r : -ETIMEDOUT, "Waiting for systemd's %s job on %s failed: %m",
                                       method, KDUMPD_UNIT);
        if (strcmp(w.result, "done") != 0) {
                log_error("%s of %s ended with '%s'; see: journalctl -u %s", method, KDUMPD_UNIT, w.result, KDUMPD_UNIT);
                free(w.result);
                return -EIO;
        }
        free(w.result);
        return 0;
}

/* 1 and *ret set when the verb should go through systemd. */
static int through_systemd(sd_bus **ret) {
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        int r;

        if (sd_booted() <= 0)
                return 0;
        r = sd_bus_open_system(&bus);
        if (r < 0) {
                log_debug("Cannot reach systemd over D-Bus (%s); acting directly.", strerror(-r));
                return 0;
        }
        r = unit_active(bus);
        if (r <= 0)
                return 0;
        *ret = TAKE_PTR(bus);
        return 1;
}

static int verb_test(bool force) {
        _cleanup_free_ char *loaded = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (geteuid() != 0)
                return log_error_errno(EPERM, "kdumpctl test needs root.");
        r = read_one_line_file(KEXEC_CRASH_LOADED, &loaded);
        if (r < 0 || strcmp(loaded, "1") != 0)
                return log_error_errno(ENOEXEC, "No capture kernel is loaded (%s does not read 1): a crash now would "
                                       "save nothing. Run kdumpctl start first.", KEXEC_CRASH_LOADED);
        if (!force) {
                char answer[64];

                if (!isatty(STDIN_FILENO))
                        return log_error_errno(EPERM, "kdumpctl test crashes this machine; it asks on a terminal, or "
                                               "takes --force.");
                fprintf(stderr, "This crashes the machine NOW (sysrq c); the capture kernel saves a dump and "
                                "reboots.\nUnsaved work is lost. Type YES to continue: ");
                fflush(stderr);
                if (!fgets(answer, sizeof(answer), stdin) || !service_test_confirmed(answer)) {
                        log_info("Not confirmed; nothing done.");
                        return -ECANCELED;
                }
        }
        fd = open(SYSRQ_TRIGGER, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", SYSRQ_TRIGGER);
        log_info("Triggering a crash.");
        sync();
        if (write(fd, "c", 1) < 0)
                return log_error_errno(errno, "Failed to write to %s: %m", SYSRQ_TRIGGER);
        /* Only reached if the kernel did not crash. */
        return log_error_errno(EIO, "The crash was triggered but the kernel went on.");
}

int service_verb_run(const char *verb, const struct capture_settings *s, bool force) {
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        int r;

        if (strcmp(verb, "test") == 0)
                return verb_test(force);

        /* The configuration before the machine: a bad line is reported
         * first.  Through systemd kdumpd reads it, so it is checked here;
         * directly, capture_start() reads it first itself. */
        r = through_systemd(&bus);
        if (r > 0) {
                const char *method = strcmp(verb, "start") == 0 ? "StartUnit" :
                                     strcmp(verb, "stop") == 0 ? "StopUnit" :
                                     strcmp(verb, "restart") == 0 ? "RestartUnit" : "ReloadOrRestartUnit";

                if (strcmp(verb, "stop") != 0) {
                        r = capture_check_config(s);
                        if (r < 0)
                                return r;
                }
                log_info("%s is running: asking systemd (%s).", KDUMPD_UNIT, method);
                return systemd_job(bus, method);
        }

        if (strcmp(verb, "start") == 0 || strcmp(verb, "reload") == 0)
                return capture_start(s, NULL);
        if (strcmp(verb, "stop") == 0)
                return capture_stop(s);
        /* restart: a bad configuration must not unload the capture kernel
         * that works, so it is read before the stop (and again by the start). */
        r = capture_check_config(s);
        if (r < 0)
                return r;
        r = capture_stop(s);
        if (r < 0)
                return r;
        return capture_start(s, NULL);
}

int service_pause(const struct capture_settings *s, bool *ret_via_systemd) {
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        int r;

        r = through_systemd(&bus);
        if (r > 0) {
                log_info("%s is running: asking systemd to stop it for now (StopUnit).", KDUMPD_UNIT);
                r = systemd_job(bus, "StopUnit");
                if (r < 0)
                        return r;
                *ret_via_systemd = true;
                return 0;
        }
        r = capture_stop(s);
        if (r < 0)
                return r;
        *ret_via_systemd = false;
        return 0;
}

int service_resume(const struct capture_settings *s, bool via_systemd) {
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        int r;

        if (!via_systemd)
                return capture_start(s, NULL);
        r = sd_bus_open_system(&bus);
        if (r < 0)
                return log_error_errno(r, "Cannot reach systemd to start %s again: %m", KDUMPD_UNIT);
        log_info("Asking systemd to start %s again (StartUnit).", KDUMPD_UNIT);
        return systemd_job(bus, "StartUnit");
}
