/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The catalog of saved dumps, like coredumpctl's: one entry per dump
 * directory under the dump path (<path>/<YYYY-MM-DD-HH:MM:SS>/, as the
 * capture /init names them, or kdump-utils' <host>-<date>/), with what the
 * dump says about itself (notes/dump-info.h) and the panic string from its
 * vmcore-dmesg.txt.
 *
 * catalog_scan() only reads the directory it is given; catalog_dump_dir()
 * finds that directory on this system from the configuration. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "config/kdump-conf.h"
#include "notes/dump-info.h"

#define CATALOG_VMCORE "vmcore"
#define CATALOG_VMCORE_INCOMPLETE "vmcore-incomplete"
#define CATALOG_DMESG "vmcore-dmesg.txt"
/* encrypt_to: the same files sealed with age (seal/), and the public keys
 * they were sealed to */
#define CATALOG_VMCORE_SEALED "vmcore.age"
#define CATALOG_VMCORE_INCOMPLETE_SEALED "vmcore-incomplete.age"
#define CATALOG_DMESG_SEALED "vmcore-dmesg.txt.age"
#define CATALOG_RECIPIENTS "RECIPIENTS"
#define CATALOG_MANIFEST "SHA256SUMS"
/* Bound for reading a vmcore-dmesg.txt whole (the kernel's log_buf_len is
 * at most a few MiB; this allows for the formatting). */
#define CATALOG_DMESG_MAX (64u * 1024u * 1024u)

struct dump_entry {
        char *id;               /* the directory's name */
        char *dir;              /* its full path */
        char *vmcore;           /* full path of vmcore or vmcore-incomplete; NULL: none */
        char *dmesg;            /* full path of vmcore-dmesg.txt; NULL: none */
        uint64_t size;          /* vmcore's apparent size (st_size) */
        uint64_t disk_size;     /* blocks allocated (a sparse ELF dump is smaller on disk) */
        bool complete;
        const char *incomplete_reason;  /* static text, NULL when complete */
        struct dump_info info;
        int info_error;         /* dump_info_read()'s error, 0 when info is valid */
        char *panic;            /* the panic string (vmcore-dmesg.txt, else an ELF vmcore's log); NULL: not found */
        bool have_time;
        int64_t time;           /* crash time: CRASHTIME, else the directory name, else mtime */
        const char *time_source;  /* "VMCOREINFO CRASHTIME", "the directory name", ... */
        char *host;             /* the machine that sent it ("192.168.77.3", from "<host>-<date>"); NULL: none */
        bool sealed;            /* encrypted (vmcore.age): kernel and panic are unknown without the private key */
};

typedef struct dump_catalog {
        struct dump_entry *entries;     /* oldest first */
        size_t n;
} dump_catalog;

dump_catalog *dump_catalog_free(dump_catalog *c);
/* Removes entry i, keeping the order of the others. */
void dump_catalog_entry_drop(dump_catalog *c, size_t i);
static inline void dump_catalog_freep(dump_catalog **c) {
        if (*c)
                dump_catalog_free(*c);
}

/* Reads every dump directory under dir.  A directory counts as a dump when
 * it holds vmcore, vmcore-incomplete or vmcore-dmesg.txt.  A dir that does
 * not exist is an empty catalog; other errors are -errno. */
int dump_catalog_scan(const char *dir, dump_catalog **ret);

/* One entry by ID: its list index (1 = oldest; a number out of range is
 * taken as a name prefix), its directory name, a
 * unique prefix of the name, or "last"/"-1" for the newest.  -ENOENT when
 * none, -ENOTUNIQ when a prefix matches several. */
int dump_catalog_find(const dump_catalog *c, const char *id, const struct dump_entry **ret);

/* Pure: the panic string of a kernel log ("Kernel panic - not syncing: X"
 * gives X); failing that the first Oops/BUG line.  -ENOENT when none. */
int dump_panic_from_dmesg(const char *text, size_t len, char **ret);
/* Pure: the release in the log's "Linux version <release> (...)" line.
 * -ENOENT when none. */
int dump_release_from_dmesg(const char *text, size_t len, char **ret);

/* Pure: "2024-05-01-12:34:56" (optionally after "<host>-") as UTC seconds. */
int dump_time_from_name(const char *name, int64_t *ret);
/* Pure: the "<host>" of "<host>-<date>", kdump-utils' name of a dump sent
 * over the network (where many machines share one export).  -ENOENT for a
 * name without one. */
int dump_host_from_name(const char *name, char **ret);

/* Where the configured target's dump path is on this system: the local path
 * when no target device is configured, else the target's mount point plus
 * path.  -ENXIO when the target is not mounted here (ret_error says so). */
int dump_catalog_dir(const kdump_config *c, char **ret, char **ret_error);

/* The vmlinux with debug info crash(8) needs for release: the first that
 * exists of /usr/lib/debug/boot/vmlinux-<release> and
 * /usr/lib/debug/lib/modules/<release>/vmlinux under root ("" or NULL for
 * /); if neither, the first, and *ret_exists = false. */
int dump_vmlinux_path(const char *root, const char *release, char **ret, bool *ret_exists);


/* The service's record of dumps already reported (<state_dir>/seen): one
 * dump directory per line.  Pure. */
/* Writes <dir>/vmcore-dmesg.txt (0600) from the vmcore, for a dump whose
 * capture could not (the collector failed early, a raw device's stream, an
 * older capture): beside, then renamed, so a half-written log never looks
 * complete.  Errors of dump_dmesg_write() (initramfs/collect/dump-dmesg.h). */
int dump_write_dmesg_file(const char *dir, const char *vmcore_path, char **ret_path);

bool dump_seen_contains(const char *seen, const char *dir);
