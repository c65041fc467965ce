/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The steps every kind of capture shares (a mounted target, a raw device,
 * an SSH server): the hooks, the dump directory's name, the collector's
 * command line, the network.  They log what they do on the console. */

#include <stdbool.h>

#include "config/kdump-conf.h"
#include "initramfs/net/net-record.h"

/* The interface and its carrier, each (kdump-net). */
#define NET_TIMEOUT_S 30u

/* Seconds since the capture kernel booted. */
double uptime(void);

/* One console line of the capture kernel's memory (free, total, and the
 * unpacked initramfs, which is shared memory): the figures that size the
 * smallest reservation, from the capture kernel itself. */
void log_memory(const char *when);

/* Runs argv and waits: its status, or -errno. */
int run(char *const argv[]);

/* kdump_pre: 0 to go on; 1 when it failed, which means no dump
 * (kdump-utils), said on the console. */
int run_pre(const kdump_config *c);

/* After a collector that failed: its progress line ("Dumped 36% ...",
 * ended by \r) may be open on the console; the next message starts on a
 * line of its own. */
void end_progress_line(void);

/* kdump_post gets the dump's exit status as $1, as in kdump-utils. */
void run_post(const kdump_config *c, int status);

/* "<prefix>-<YYYY-MM-DD-HH:MM:SS>" (prefix NULL: the time alone), the time
 * the capture kernel read from the RTC: kdump-utils' name. */
int dump_dir_name(const char *prefix, char **ret);

/* encrypt_to: every file the capture writes is sealed (age, seal/), the
 * dump as its flattened stream, under these names. */
bool capture_sealed(const kdump_config *c);
enum capture_file {
        CAPTURE_FILE_DMESG,             /* vmcore-dmesg.txt(.age) */
        CAPTURE_FILE_INCOMPLETE,        /* vmcore-incomplete(.age) */
        CAPTURE_FILE_VMCORE,            /* vmcore (sealed: vmcore.age) */
        CAPTURE_FILE_FLAT,              /* a stream: vmcore.flat (sealed: vmcore.age) */
        _CAPTURE_FILE_MAX,
};
const char *capture_name(const kdump_config *c, enum capture_file f);

/* The collector's argv: its own words; --sha256 sum_path (kdump-collect
 * only, for a stream or a sealed file; NULL: none); --seal with the recipients when sealed; for a stream,
 * "-F" unless given (sealing implies it); then /proc/vmcore and output
 * (NULL: standard output). */
int collector_argv(const kdump_config *c, bool stream, const char *sum_path, const char *output, char ***ret);
/* The stream to standard output, no hash. */
int collector_argv_flat(const kdump_config *c, char ***ret);
/* kdump-collect --dump-dmesg, hashed and sealed the same way. */
int dmesg_argv(const kdump_config *c, const char *sum_path, const char *output, char ***ret);

/* What the collector says the files it wrote hash to (--sha256). */
#define SUM_DMESG "/tmp/kdump-dmesg.sha256"
#define SUM_VMCORE "/tmp/kdump-vmcore.sha256"

/* The 64 hex digits a --sha256 file starts with; -EBADMSG for anything else. */
int sum_file_digest(const char *path, char ret[65]);

/* SHA256SUMS: "<digest>  <name>" for each --sha256 file that was written
 * (its digest under the file's final name), in sha256sum's format.
 * -ENODATA when none was. */
int manifest_render(const char *const *sum_paths, const char *const *names, size_t n, char **ret);

/* The network record, and the interface set up by kdump-net; what names
 * the server in messages ("the NFS server x"). */
int net_up(const char *what, net_record **ret);
