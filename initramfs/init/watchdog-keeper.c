/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "initramfs/init/watchdog-keeper.h"

#define WATCHDOG_DEVICE "/dev/watchdog"

static int own_ticks(uint64_t *ret) {
        _cleanup_free_ char *text = NULL;
        unsigned long long ut, st;
        const char *p;
        int r;

        r = read_full_file("/proc/self/stat", &text, NULL);
        if (r < 0)
                return r;
        /* after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
        p = strrchr(text, ')');
        if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
                return -EINVAL;
        *ret = ut + st;
        return 0;
}

static int take_sample(struct watchdog_sample *s) {
        _cleanup_free_ char *stat = NULL, *disks = NULL, *net = NULL;
        int r;

        *s = (struct watchdog_sample) {};
        r = read_full_file("/proc/stat", &stat, NULL);
        if (r >= 0)
                r = watchdog_parse_stat(stat, &s->busy_ticks);
        if (r >= 0)
                r = own_ticks(&s->own_ticks);
        if (r < 0)
                return r;
        /* no disks, no network: nothing counted there */
        if (read_full_file("/proc/diskstats", &disks, NULL) >= 0)
                (void) watchdog_parse_diskstats(disks, &s->sectors_written);
        if (read_full_file("/proc/net/dev", &net, NULL) >= 0)
                (void) watchdog_parse_netdev(net, &s->tx_bytes);
        return 0;
}

static uint64_t now_s(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec;
}

_noreturn_ static void keeper_loop(int fd, unsigned stall_s, const char *identity, unsigned timeout_s) {
        unsigned hz = (unsigned) sysconf(_SC_CLK_TCK);
        struct watchdog_sample prev, cur;
        uint64_t last_progress = now_s();
        bool stalled = false;

        if (take_sample(&prev) < 0)
                prev = (struct watchdog_sample) {};
        for (;;) {
                sleep(WATCHDOG_POLL_S);
                if (take_sample(&cur) < 0 || watchdog_progress(&prev, &cur, WATCHDOG_POLL_S, hz ?: 100)) {
                        last_progress = now_s();
                        if (stalled)
                                log_notice("The capture makes progress again: feeding the watchdog %s again.",
                                           identity);
                        stalled = false;
                }
                prev = cur;
                if (now_s() - last_progress < stall_s)
                        (void) ioctl(fd, WDIOC_KEEPALIVE, 0);
                else if (!stalled) {
                        log_error("No progress for %u s (no CPU work, nothing written to a disk or sent): no longer "
                                  "feeding the watchdog %s; it resets the machine within %u s.", stall_s, identity,
                                  timeout_s);
                        stalled = true;
                }
        }
}

int watchdog_keeper_start(const char *record_path, struct watchdog_keeper *ret) {
        _cleanup_(watchdog_record_done) struct watchdog_record w = {};
        _cleanup_free_ char *text = NULL, *err = NULL;
        _cleanup_close_ int fd = -EBADF;
        int timeout = (int) WATCHDOG_CAPTURE_TIMEOUT_S, r;
        const char *identity;
        pid_t pid;

        r = read_full_file(record_path, &text, NULL);
        if (r < 0)
                return r == -ENOENT ? 0 : log_error_errno(r, "Cannot read %s: %m", record_path);
        r = watchdog_record_parse(text, &w, &err);
        if (r < 0)
                return log_error_errno(r, "%s: %s", record_path, err ?: strerror(-r));
        identity = w.identity ?: "(unnamed)";
        for (unsigned waited = 0; (fd = open(WATCHDOG_DEVICE, O_WRONLY | O_CLOEXEC)) < 0 && errno == ENOENT &&
             waited < 5000; waited += 100)
                usleep(100 * 1000);
        if (fd < 0)
                return log_error_errno(errno, "The crashed system's hardware watchdog %s was running, but %s cannot "
                                       "be opened (%m): a reset may cut the capture short.", identity,
                                       WATCHDOG_DEVICE);
        if (ioctl(fd, WDIOC_SETTIMEOUT, &timeout) < 0 && ioctl(fd, WDIOC_GETTIMEOUT, &timeout) < 0)
                timeout = 0;
        (void) ioctl(fd, WDIOC_KEEPALIVE, 0);
        pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Cannot start the watchdog keeper: %m");
        if (pid == 0)
                keeper_loop(fd, w.stall_timeout_s, identity, (unsigned) timeout);
        log_info("Feeding the hardware watchdog %s (timeout %d s) while the capture makes progress; after %u s "
                 "without, it resets the machine.", identity, timeout, w.stall_timeout_s);
        ret->identity = strdup(identity);
        ret->fd = TAKE_FD(fd);
        ret->pid = pid;
        return 0;
}

void watchdog_keeper_finish(struct watchdog_keeper *k, bool reboot) {
        int timeout = (int) WATCHDOG_REBOOT_TIMEOUT_S;

        if (k->pid > 0) {
                (void) kill(k->pid, SIGKILL);
                while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                k->pid = 0;
        }
        if (k->fd < 0)
                return;
        if (reboot) {
                if (ioctl(k->fd, WDIOC_SETTIMEOUT, &timeout) < 0 && ioctl(k->fd, WDIOC_GETTIMEOUT, &timeout) < 0)
                        timeout = 0;
                (void) ioctl(k->fd, WDIOC_KEEPALIVE, 0);
                log_info("Leaving the watchdog %s running with %d s for the reboot.", k->identity ?: "", timeout);
                return;         /* the descriptor stays open: closing it could stop the watchdog */
        }
        /* the magic close: a driver without nowayout stops the watchdog */
        if (write(k->fd, "V", 1) != 1 || close(k->fd) < 0)
                log_warning_errno(errno, "Cannot stop the watchdog %s: %m; it may reset the machine.",
                                  k->identity ?: "");
        else
                log_info("Stopped the watchdog %s (a driver built with nowayout keeps it running).",
                         k->identity ?: "");
        k->fd = -1;
}
