/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /init of the capture initramfs.  The crashed kernel's memory is in
 * /proc/vmcore; this program saves it and reboots.  No shell: every step
 * is here, and every failure is said on the console before the reboot, so a
 * capture never hangs the machine.
 *
 *   mount /proc /sys /dev -> load modules -> keep a running hardware
 *   watchdog fed while the capture makes progress (watchdog-keeper.h) ->
 *   wait for the target (or have
 *   kdump-stack recreate the dm/md stack under it; for NFS, kdump-net set
 *   up the interface; SSH: ssh-dump.h) -> mount it -> kdump_pre -> <path>/<date>/vmcore-dmesg.txt ->
 *   vmcore-incomplete -> rename to vmcore -> sync -> kdump_post ->
 *   final_action (failure_action when something failed), as in kdump-utils
 *
 * failure_action dump_to_rootfs tries once more on the root filesystem
 * (rootfs.conf, resolved at build time), then final_action; failure_action
 * shell runs the shell the builder added on the console, then reboots.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "config/kdump-conf.h"
#include "initramfs/init/capture-layout.h"
#include "initramfs/init/capture-steps.h"
#include "initramfs/init/device-wait.h"
#include "initramfs/init/modules-load.h"
#include "initramfs/init/ssh-dump.h"
#include "initramfs/init/watchdog-keeper.h"
#include "initramfs/net/net-record.h"
#include "initramfs/net/nfs-mount.h"
#include "seal/raw-envelope.h"

#define DEVICE_TIMEOUT_MS (90u * 1000u)
/* An NFS request without an answer fails after timeo x (retrans + 1):
 * 10 s x 3, so a server gone in the middle of the dump ends it within a
 * minute or so, with failure_action, instead of hanging. */
#define NFS_TIMEO_DS 100u
#define NFS_RETRANS 2u

static void mount_api_filesystems(void) {
        static const struct {
                const char *what, *where, *type;
        } m[] = {
                { "proc", "/proc", "proc" },
                { "sysfs", "/sys", "sysfs" },
                { "devtmpfs", "/dev", "devtmpfs" },
        };

        for (size_t i = 0; i < ELEMENTSOF(m); i++) {
                (void) mkdir(m[i].where, 0755);
                if (mount(m[i].what, m[i].where, m[i].type, MS_NOSUID, NULL) < 0 && errno != EBUSY)
                        log_warning_errno(errno, "Failed to mount %s: %m", m[i].where);
        }
}

/* The kernel opens /dev/console for init if the archive has the node; if
 * it did not, give ourselves one now that devtmpfs is mounted. */
static void ensure_console(void) {
        int fd;

        if (fcntl(STDERR_FILENO, F_GETFD) >= 0)
                return;
        fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return;
        for (int i = 0; i < 3; i++)
                (void) dup2(fd, i);
        if (fd > 2)
                close(fd);
}

static void report_module(const char *path, int error) {
        /* ENODEV: the module is for hardware (or a CPU feature, like
         * crc32c-intel's SSE4.2) that is not here; a generic one follows. */
        if (error == -ENODEV)
                log_info("Module %s has no device here, skipped.", path);
        else
                log_warning_errno(error, "Failed to load module %s: %m", path);
}

/* kdumpd's builder lists the modules to load; an image dracut built has
 * the kernel's modules.dep of the modules it holds instead. */
static void load_modules(void) {
        _cleanup_free_ char *dir = NULL;
        struct utsname u;
        int k;

        if (access(CAPTURE_MODULES_LOAD, F_OK) == 0 || uname(&u) < 0 ||
            asprintf(&dir, "/lib/modules/%s", u.release) < 0) {
                k = modules_load_list(CAPTURE_MODULES_LOAD, report_module);
                if (k < 0)
                        log_warning_errno(k, "Failed to read %s: %m", CAPTURE_MODULES_LOAD);
                return;
        }
        k = modules_load_dep(dir, report_module);
        if (k < 0)
                log_warning_errno(k, "Failed to read %s/modules.dep: %m", dir);
}

static void report_wait(const char *spec, unsigned waited_ms) {
        log_info("Still waiting for dump target %s (%us of %us) ...", spec, waited_ms / 1000, DEVICE_TIMEOUT_MS / 1000);
}

static int fsync_path(const char *path, int flags) {
        _cleanup_close_ int fd = open(path, flags | O_RDONLY | O_CLOEXEC);

        if (fd < 0 || fsync(fd) < 0)
                return negative_errno();
        return 0;
}

static int make_dump_dir(const char *base, const char *prefix, char **ret) {
        _cleanup_free_ char *name = NULL;
        char *dir;
        int r;

        r = mkdir_p(base, 0700);
        if (r < 0)
                return r;
        /* a network target: "<this machine's address>-<time>", kdump-utils'
         * name, so that many machines can share one export */
        r = dump_dir_name(prefix, &name);
        if (r < 0)
                return r;
        if (asprintf(&dir, "%s/%s", base, name) < 0)
                return -ENOMEM;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                r = negative_errno();
                free(dir);
                return r;
        }
        (void) chmod(dir, 0700);
        *ret = dir;
        return 0;
}

/* raw with encrypt_to: the envelope block zeroed, the age file after it
 * (stdout at RAW_ENVELOPE_SIZE), then the envelope saying how long it is and
 * what it hashes to (seal/raw-envelope.h), each step synced. */
static int raw_sealed_begin(int fd, const char *devnode) {
        static const uint8_t zero[RAW_ENVELOPE_SIZE];

        if (pwrite_full(fd, zero, sizeof(zero), 0) < 0 || fsync(fd) < 0 ||
            lseek(fd, RAW_ENVELOPE_SIZE, SEEK_SET) < 0)
                return log_error_errno(errno ?: EIO, "Cannot prepare the raw device %s for the sealed dump: %m", devnode);
        return 0;
}

static int raw_sealed_end(int fd, const char *devnode) {
        _cleanup_free_ char *keys = NULL;
        uint8_t block[RAW_ENVELOPE_SIZE];
        char hex[65];
        off_t end;
        int r;

        end = lseek(fd, 0, SEEK_CUR);
        if (end < (off_t) RAW_ENVELOPE_SIZE)
                return log_error_errno(errno ?: EIO, "Cannot tell how much was written to %s: %m", devnode);
        r = sum_file_digest(SUM_VMCORE, hex);
        if (r < 0)
                return log_error_errno(r, "The collector left no SHA-256 of the sealed dump (%s): %m", SUM_VMCORE);
        (void) read_full_file(CAPTURE_RECIPIENTS, &keys, NULL);
        r = raw_envelope_format((uint64_t) end - RAW_ENVELOPE_SIZE, hex, keys, block);
        if (r >= 0)
                r = pwrite_full(fd, block, sizeof(block), 0);
        if (r < 0 || fsync(fd) < 0)
                return log_error_errno(r < 0 ? r : -errno, "Failed to write the envelope of the sealed dump to %s: %m",
                                       devnode);
        return 0;
}

/* raw <device>: the flattened stream written over the device from its
 * first byte (sealed: an age file after an envelope block); kdumpctl start
 * saves it to path at the next boot. */
static int capture_raw(const kdump_config *c, const char *devnode, bool *ret_skipped) {
        _cleanup_close_ int fd = -EBADF;
        char **argv = NULL;
        struct stat st;
        double t0, t1;
        int r;

        if (run_pre(c) > 0) {
                *ret_skipped = true;
                return 0;
        }
        fd = open(devnode, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode))
                return log_error_errno(fd < 0 ? errno : ENOTBLK, "Cannot open the raw dump target %s (%s) for writing: %m",
                                       c->device, devnode);
        if (capture_sealed(c) && (r = raw_sealed_begin(fd, devnode)) < 0) {
                run_post(c, 1);
                return r;
        }
        r = capture_sealed(c) ? collector_argv(c, true, SUM_VMCORE, NULL, &argv) : collector_argv_flat(c, &argv);
        if (r < 0)
                return log_error_errno(r, "Failed to parse core_collector '%s': %m", c->core_collector);
        log_info("Writing the dump with '%s %s'%s to the raw device %s ...", c->core_collector,
                 capture_sealed(c) ? "--seal" : "-F", capture_sealed(c) ? ", sealed to the encrypt_to keys," : "", devnode);
        t0 = uptime();
        r = spawn_wait(argv, -1, fd);
        t1 = uptime();
        kdump_config_argv_free(argv);
        if (r != 0) {
                log_error_errno(EIO, "The core collector failed (exit status %d) writing to %s.", r, devnode);
                run_post(c, r);
                return -EIO;
        }
        if (fsync(fd) < 0) {
                r = log_error_errno(errno, "Failed to flush %s: %m", devnode);
                run_post(c, 1);
                return r;
        }
        if (capture_sealed(c) && (r = raw_sealed_end(fd, devnode)) < 0) {
                run_post(c, 1);
                return r;
        }
        log_info("dump written: raw %s%s in %.2f s; kdumpctl start saves it to %s at the next boot", devnode,
                 capture_sealed(c) ? " (sealed)" : "", t1 - t0, c->path);
        log_info("capture kernel uptime at dump end: %.2f s", t1);
        log_memory("at dump end");
        run_post(c, 0);
        return 0;
}

/* ext2 and ext3 are mounted by the ext4 driver (the builder adds only it). */
static const char *mount_fstype(const char *fstype) {
        return strcmp(fstype, "ext2") == 0 || strcmp(fstype, "ext3") == 0 ? "ext4" : fstype;
}

static void report_share_wait(const char *tag, unsigned waited_ms) {
        log_info("Still waiting for the virtiofs share %s (%us of %us) ...", tag, waited_ms / 1000, DEVICE_TIMEOUT_MS / 1000);
}

/* A virtiofs share has no device to wait for: the mount itself is tried
 * until the virtio device has registered the tag (ENOENT before), bounded. */
static int mount_share(const kdump_config *c) {
        unsigned waited = 0, next_report = 5000;

        log_info("Mounting the virtiofs share %s ...", c->device);
        while (mount(c->device, CAPTURE_MOUNTPOINT, "virtiofs", 0, c->mount_options) < 0) {
                if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
                        return log_error_errno(errno, "Failed to mount the virtiofs share %s: %m", c->device);
                if (waited >= DEVICE_TIMEOUT_MS)
                        return log_error_errno(ETIMEDOUT, "The virtiofs share %s did not appear within %us: is the "
                                               "vhost-user-fs device still attached by the host, with that tag?",
                                               c->device, DEVICE_TIMEOUT_MS / 1000);
                nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000000L }, NULL);
                waited += 100;
                if (waited >= next_report) {
                        report_share_wait(c->device, waited);
                        next_report += 5000;
                }
        }
        log_info("Mounted the virtiofs share %s on %s.", c->device, CAPTURE_MOUNTPOINT);
        return 0;
}

/* NFS: the interface from the network record (kdump-net), then the export
 * by its numeric address; *ret_prefix is this machine's address, for the
 * dump directory's name. */
static int mount_nfs(const kdump_config *c, char **ret_prefix) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *err = NULL, *host = NULL, *export = NULL, *what = NULL;
        const char *vers = NULL;
        int r;

        r = kdump_config_nfs_split(c->device, &host, &export);
        if (r < 0)
                return log_error_errno(r, "%s: nfs %s is not <server>:/<export>", CAPTURE_CONF, c->device);
        if (asprintf(&what, "the NFS server %s", host) < 0)
                return log_oom();
        r = net_up(what, &n);
        if (r < 0)
                return r;
        log_info("Mounting the NFS export %s (each request times out after %us) ...", c->device,
                 NFS_TIMEO_DS * (NFS_RETRANS + 1) / 10);
        r = nfs_mount(&(struct nfs_mount_params) {
                        .server = host,
                        .client = n->address,
                        .export = export,
                        .timeo_ds = NFS_TIMEO_DS,
                        .retrans = NFS_RETRANS,
                        .extra = c->mount_options,
                }, CAPTURE_MOUNTPOINT, &vers, &err);
        if (r < 0)
                return log_error_errno(r, "Failed to mount the NFS export: %s", err ? err : strerror(-r));
        log_info("Mounted %s with NFSv%s on %s.", c->device, vers, CAPTURE_MOUNTPOINT);
        *ret_prefix = strdup(n->address);
        return *ret_prefix ? 0 : log_oom();
}

static int mount_target(const kdump_config *c, const char *devnode) {
        (void) mkdir(CAPTURE_MOUNTPOINT, 0700);
        if (kdump_config_is_virtiofs(c))
                return mount_share(c);
        if (mount(devnode, CAPTURE_MOUNTPOINT, mount_fstype(c->fstype), 0, c->mount_options) < 0)
                return log_error_errno(errno, "Failed to mount dump target %s (%s) as %s%s%s: %m", c->device, devnode,
                                       c->fstype, c->mount_options ? " with " : "", c->mount_options ?: "");
        log_info("Mounted %s (%s) on %s%s%s.", c->device, devnode, CAPTURE_MOUNTPOINT,
                 c->mount_options ? " with " : "", c->mount_options ?: "");
        return 0;
}

/* The target's device: recreated by kdump-stack when the target is on dm or
 * md (stack_record exists), else waited for by its spec. */
static int find_target(const kdump_config *c, const char *stack_record, char **ret_devnode) {
        char timeout[16];
        int r;

        if (access(stack_record, R_OK) < 0) {
                log_info("Waiting for dump target %s (%s) ...", c->device, c->fstype);
                r = device_wait(c->device, DEVICE_TIMEOUT_MS, report_wait, ret_devnode);
                if (r < 0)
                        return log_error_errno(r, "Dump target %s did not appear within %us: %m. Is the storage driver "
                                               "in the capture initramfs? Check the device name in /etc/kdump.conf.",
                                               c->device, DEVICE_TIMEOUT_MS / 1000);
                return 0;
        }
        snprintf(timeout, sizeof(timeout), "%u", DEVICE_TIMEOUT_MS / 1000);
        r = run((char *const[]) { (char *) CAPTURE_STACK_PROGRAM, (char *) stack_record, (char *) CAPTURE_STACK_TOP,
                                  timeout, NULL });
        if (r != 0)
                return log_error_errno(EIO, "The storage stack under dump target %s could not be set up (kdump-stack "
                                       "exit status %d, reason above).", c->device, r);
        r = read_one_line_file(CAPTURE_STACK_TOP, ret_devnode);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", CAPTURE_STACK_TOP);
        if (device_matches(*ret_devnode, c->device) != 1)
                return log_error_errno(ENODEV, "%s, the top of the recreated storage stack, is not %s; not writing "
                                       "to it.", *ret_devnode, c->device);
        return 0;
}


/* The log first: it is small, and it is what a person reads first when
 * the full dump does not fit. */
static void save_dmesg(const kdump_config *c, const char *dir) {
        _cleanup_free_ char *path = NULL;
        char **argv = NULL;
        int r;

        if (asprintf(&path, "%s/%s", dir, capture_name(c, CAPTURE_FILE_DMESG)) < 0 ||
            dmesg_argv(c, SUM_DMESG, path, &argv) < 0) {
                log_oom();
                return;
        }
        r = run(argv);
        kdump_config_argv_free(argv);
        if (r != 0)
                log_warning("Saving the kernel log to %s failed (exit status %d); going on with the dump.", path, r);
        else
                (void) fsync_path(path, 0);
}

/* SHA256SUMS next to the dump, of the files as written (the collector
 * hashed them while writing): sha256sum -c checks it, kdumpctl verify too. */
static void save_manifest(const kdump_config *c, const char *dir) {
        _cleanup_free_ char *text = NULL, *path = NULL;
        int r;

        if (!kdump_config_collector_is_ours(c)) {
                log_info("No SHA256SUMS: core_collector '%s' does not hash what it writes.", c->core_collector);
                return;
        }
        r = manifest_render((const char *const[]) { SUM_DMESG, SUM_VMCORE },
                            (const char *const[]) { capture_name(c, CAPTURE_FILE_DMESG),
                                                    capture_name(c, CAPTURE_FILE_VMCORE) }, 2, &text);
        if (r >= 0 && asprintf(&path, "%s/SHA256SUMS", dir) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = write_file_atomic(path, text, strlen(text), 0600);
        if (r < 0)
                log_warning_errno(r, "Failed to write SHA256SUMS in %s: %m", dir);
}

/* dmesg, the dump through vmcore-incomplete, the rename, the manifest. */
static int save_to_dir(const kdump_config *c, const char *dir) {
        _cleanup_free_ char *incomplete = NULL, *final = NULL;
        char **argv = NULL;
        struct stat st;
        double t0, t1;
        int r;

        if (asprintf(&incomplete, "%s/%s", dir, capture_name(c, CAPTURE_FILE_INCOMPLETE)) < 0 ||
            asprintf(&final, "%s/%s", dir, capture_name(c, CAPTURE_FILE_VMCORE)) < 0)
                return log_oom();
        if (capture_sealed(c)) {
                /* which public keys open it: for the journal after the reboot */
                _cleanup_free_ char *keys = NULL, *path = NULL;

                if (read_full_file(CAPTURE_RECIPIENTS, &keys, NULL) < 0 ||
                    asprintf(&path, "%s/RECIPIENTS", dir) < 0 ||
                    write_file_atomic(path, keys, strlen(keys), 0600) < 0)
                        log_warning("Failed to write RECIPIENTS next to the sealed dump.");
        }
        save_dmesg(c, dir);
        r = collector_argv(c, false, SUM_VMCORE, incomplete, &argv);
        if (r < 0)
                return log_error_errno(r, "Failed to parse core_collector '%s': %m", c->core_collector);
        log_info("Saving the dump with '%s'%s to %s ...", c->core_collector,
                 capture_sealed(c) ? ", sealed to the encrypt_to keys," : "", dir + strlen(CAPTURE_MOUNTPOINT));
        t0 = uptime();
        r = run(argv);
        t1 = uptime();
        kdump_config_argv_free(argv);
        if (r != 0) {
                end_progress_line();
                sync();
                log_error_errno(EIO, "The core collector failed (exit status %d); the partial dump is kept as %s.",
                                r, incomplete);
                run_post(c, r);
                sync();
                return -EIO;
        }
        if (fsync_path(incomplete, 0) < 0 || rename(incomplete, final) < 0) {
                r = log_error_errno(errno, "Failed to complete %s: %m", final);
                run_post(c, 1);
                return r;
        }
        save_manifest(c, dir);
        (void) fsync_path(dir, O_DIRECTORY);
        sync();
        /* The test harness and people read these lines: keep their form. */
        log_info("dump written: %s (%llu bytes) in %.2f s", final + strlen(CAPTURE_MOUNTPOINT),
                 stat(final, &st) == 0 ? (unsigned long long) st.st_size : 0ULL, t1 - t0);
        log_info("capture kernel uptime at dump end: %.2f s", t1);
        log_memory("at dump end");
        run_post(c, 0);
        sync();
        return 0;
}

/* 0: dump saved (or skipped on kdump_pre's request: *ret_skipped), < 0:
 * failed, failure_action follows. */
static int capture(const kdump_config *c, const char *stack_record, bool *ret_skipped) {
        _cleanup_free_ char *devnode = NULL, *base = NULL, *dir = NULL, *prefix = NULL;
        int r;

        if (access("/proc/vmcore", R_OK) < 0)
                return log_error_errno(errno, "No /proc/vmcore (%m): this is not a capture kernel, nothing to save.");

        if (!c->device)
                return log_error_errno(EINVAL, "%s names no dump target; rebuild with kdumpctl.", CAPTURE_CONF);

        (void) mkdir("/tmp", 01777);
        if (kdump_config_is_ssh(c))
                return capture_ssh(c, ret_skipped);
        if (kdump_config_is_nfs(c)) {
                (void) mkdir(CAPTURE_MOUNTPOINT, 0700);
                r = mount_nfs(c, &prefix);
                if (r < 0)
                        return r;
        } else {
                if (!kdump_config_is_virtiofs(c)) {
                        r = find_target(c, stack_record, &devnode);
                        if (r < 0)
                                return r;
                }
                if (kdump_config_is_raw(c))
                        return capture_raw(c, devnode, ret_skipped);
                r = mount_target(c, devnode);
                if (r < 0)
                        return r;
        }

        if (run_pre(c) > 0) {
                (void) umount(CAPTURE_MOUNTPOINT);
                *ret_skipped = true;
                return 0;
        }

        /* path "/" (the target is mounted where the dumps go): no "//" */
        if (asprintf(&base, "%s%s", CAPTURE_MOUNTPOINT, strcmp(c->path, "/") == 0 ? "" : c->path) < 0)
                return log_oom();
        r = make_dump_dir(base, prefix, &dir);
        if (r < 0)
                return log_error_errno(r, "Failed to create the dump directory under %s: %m", c->path);
        r = save_to_dir(c, dir);
        if (r < 0)
                return r;
        if (umount(CAPTURE_MOUNTPOINT) < 0)
                log_warning_errno(errno, "Failed to unmount %s: %m", CAPTURE_MOUNTPOINT);
        return 0;
}

/* failure_action dump_to_rootfs: the same capture, to the root filesystem. */
static int capture_to_rootfs(void) {
        _cleanup_(kdump_config_freep) kdump_config *root = NULL;
        _cleanup_free_ char *err = NULL;
        bool skipped = false;
        int r;

        /* The failed attempt may have left the target mounted there; lazily,
         * since an NFS server that stopped answering would block umount. */
        (void) umount2(CAPTURE_MOUNTPOINT, MNT_DETACH);
        r = kdump_config_load(CAPTURE_ROOTFS_CONF, &root, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err ? err : "Failed to read " CAPTURE_ROOTFS_CONF);
        log_info("failure_action dump_to_rootfs: saving to %s on the root filesystem %s (%s).", root->path,
                 root->device, root->fstype);
        return capture(root, CAPTURE_ROOTFS_STACK, &skipped);
}

/* failure_action shell: an interactive shell on the console; the machine
 * reboots when it exits. */
static void run_shell(void) {
        pid_t pid;
        int status;

        if (access(CAPTURE_SHELL, X_OK) < 0) {
                log_error_errno(errno, "No shell at %s (%m); rebuild the initramfs with kdumpctl.", CAPTURE_SHELL);
                return;
        }
        log_notice("failure_action shell: starting %s on the console; exit it to reboot.", CAPTURE_SHELL);
        pid = fork();
        if (pid < 0) {
                log_error_errno(errno, "fork: %m");
                return;
        }
        if (pid == 0) {
                int fd;

                /* A session with the console as controlling terminal, so
                 * job control and ^C work. */
                (void) setsid();
                fd = open("/dev/console", O_RDWR);
                if (fd >= 0) {
                        (void) ioctl(fd, TIOCSCTTY, 0);
                        for (int i = 0; i < 3; i++)
                                (void) dup2(fd, i);
                        if (fd > 2)
                                close(fd);
                }
                setenv("PS1", "kdump# ", 1);
                execl(CAPTURE_SHELL, "sh", "-i", (char *) NULL);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        log_info("The shell exited.");
}

static int action_to_reboot_cmd(enum kdump_action a) {
        switch (a) {
        case KDUMP_ACTION_HALT: return RB_HALT_SYSTEM;
        case KDUMP_ACTION_POWEROFF: return RB_POWER_OFF;
        default: return RB_AUTOBOOT;
        }
}

static const char *action_verb(enum kdump_action a) {
        switch (a) {
        case KDUMP_ACTION_HALT: return "halting";
        case KDUMP_ACTION_POWEROFF: return "powering off";
        default: return "rebooting";
        }
}

int main(int argc, char *argv[]) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;
        enum kdump_action action = KDUMP_ACTION_REBOOT;
        struct watchdog_keeper watchdog = { .fd = -1 };
        bool skipped = false;
        int r;

        umask(0077);
        log_set_prefix("kdump");
        mount_api_filesystems();
        ensure_console();
        setenv("PATH", CAPTURE_PATH_ENV, 1);

        log_info("Capture kernel started (uptime %.2f s): saving the crashed kernel's memory.", uptime());
        r = kdump_config_load(CAPTURE_CONF, &c, &err);
        if (r < 0)
                log_error_errno(r, "%s", err ? err : "Failed to read " CAPTURE_CONF);
        else {
                load_modules();
                (void) watchdog_keeper_start(CAPTURE_WATCHDOG, &watchdog);
                log_memory("with the modules loaded");
                r = capture(c, CAPTURE_STACK, &skipped);
        }
        if (r < 0 && c && c->failure_action == KDUMP_ACTION_DUMP_TO_ROOTFS) {
                log_error("Capture to %s failed; failure_action dump_to_rootfs.", c->device);
                r = capture_to_rootfs();
                if (r >= 0)
                        log_info("Saved to the root filesystem.");
        } else if (r < 0 && c && c->failure_action == KDUMP_ACTION_SHELL) {
                log_error("Capture failed; failure_action shell.");
                run_shell();
        }
        if (r < 0) {
                /* Without a configuration, kdump-utils' default: reboot;
                 * after shell or dump_to_rootfs, too. */
                action = c && c->failure_action <= KDUMP_ACTION_POWEROFF ? c->failure_action : KDUMP_ACTION_REBOOT;
                log_error("Capture failed; %s without a complete dump (failure_action %s).", action_verb(action),
                          c ? kdump_action_to_string(c->failure_action) : "reboot");
        } else {
                action = c->final_action;
                log_info("%s; %s (final_action %s).", skipped ? "Dump skipped by kdump_pre" : "Capture complete",
                         action_verb(action), kdump_action_to_string(action));
        }

        sync();
        watchdog_keeper_finish(&watchdog, action_to_reboot_cmd(action) == RB_AUTOBOOT);
        (void) reboot(action_to_reboot_cmd(action));
        /* reboot() only returns on failure: never exit PID 1 (that panics). */
        for (;;)
                pause();
}
