/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* /etc/kdump.conf: kdump-utils' syntax, one "key value" per line.
 *
 *   ext4 UUID=...          the dump target: <fstype> <device>
 *   nfs server:/export     or an NFS export
 *   ssh user@server        or a directory on an SSH server
 *   sshkey /root/.ssh/kdump_id_rsa  the private key for ssh (no passphrase)
 *   path /var/crash        directory on the target
 *   core_collector kdump-collect -l -d 31
 *   failure_action reboot  (alias: default) reboot, halt or poweroff when the capture fails
 *   final_action reboot    reboot, halt or poweroff after a successful capture
 *   kdump_pre /usr/local/bin/pre    run in the capture before the dump (non-zero: no dump)
 *   kdump_post /usr/local/bin/post  run after it, with the dump's exit status as $1
 *   extra_bins /usr/bin/foo ...     more programs in the capture initramfs
 *   encrypt_to age1... /etc/kdump/recipients ...   seal every file the capture
 *                                   writes to these age public keys (or files of them)
 *   extra_modules mod1 mod2 ...     more modules, loaded in the capture
 *   force_rebuild 0|1, force_no_rebuild 0|1
 *   auto_reset_crashkernel yes|no
 *   loader file|classic|auto
 *   initramfs_builder kdumpd|dracut  who builds the capture initramfs (default kdumpd)
 *   dracut_args --add-drivers "a b" ...  more dracut options (initramfs_builder dracut only)
 *
 * kdump_config_load() reads the file, then the drop-ins "<file>.d/<name>.conf"
 * (/etc/kdump.conf.d/) in lexical order: a key set in a later file replaces
 * the earlier value; extra_bins, extra_modules and encrypt_to add to the lists.  Within
 * one file a key may be given once (the lists: any number of times).
 *
 * The parser is pure: it works on text, so that it can be tested on fixture
 * files, and it never logs; a bad line yields -EINVAL and a message that
 * names the file, the line and what would be valid. */

#include <stdbool.h>
#include <stddef.h>

#define KDUMP_CONF_DEFAULT_PATH "/var/crash"
/* kdump-utils' default key for an ssh target (any type: rsa, ed25519, ...). */
#define KDUMP_CONF_DEFAULT_SSHKEY "/root/.ssh/kdump_id_rsa"
/* lzo (fast) kdump-compressed, without zero, cache, user and free pages:
 * what kdump-utils ships as makedumpfile's default. */
#define KDUMP_CONF_DEFAULT_COLLECTOR "kdump-collect -l -d 31"
/* A sanity bound, not a kernel limit: kdump.conf is a short hand-written file. */
#define KDUMP_CONF_LINE_MAX 4096
/* A sanity bound for extra_bins / extra_modules entries, and drop-ins. */
#define KDUMP_CONF_LIST_MAX 256

enum kdump_builder {
        KDUMP_BUILDER_KDUMPD,          /* kdumpd's own builder (initramfs/builder) */
        KDUMP_BUILDER_DRACUT,          /* dracut with kdumpd's module (99kdumpd) */
        _KDUMP_BUILDER_MAX,
};

const char *kdump_builder_to_string(enum kdump_builder b);

enum kdump_action {
        KDUMP_ACTION_REBOOT,           /* the default of both actions */
        KDUMP_ACTION_HALT,
        KDUMP_ACTION_POWEROFF,
        /* failure_action only (kdump-utils' meaning): */
        KDUMP_ACTION_SHELL,            /* a shell on the console, then reboot */
        KDUMP_ACTION_DUMP_TO_ROOTFS,   /* save to path on the root filesystem, then final_action */
        _KDUMP_ACTION_MAX,
};

const char *kdump_action_to_string(enum kdump_action a);

typedef struct kdump_config {
        /* Dump target; both NULL when none is configured, which means "the
         * filesystem that holds path on this machine". */
        char *fstype;
        char *device;          /* "/dev/...", "UUID=...", "LABEL=..." */
        unsigned target_line;  /* where it was set, for messages; 0 = default */

        char *path;            /* absolute, on the target */
        char *mount_options;   /* for the target in the capture kernel ("subvol=/@crash"), NULL: none */
        char *core_collector;  /* command line, split on white space when run */
        char *loader;          /* "file", "classic", "auto"; NULL = not set (auto) */
        char *sshkey;          /* ssh target: the private key, absolute; KDUMP_CONF_DEFAULT_SSHKEY if unset */

        enum kdump_action failure_action;
        enum kdump_action final_action;
        char *kdump_pre;       /* absolute path, NULL: none */
        char *kdump_post;
        char **extra_bins;     /* NULL-terminated, NULL: none */
        char **extra_modules;
        char **encrypt_to;     /* age recipients ("age1...") and files of them (absolute paths); NULL: in clear */
        bool force_rebuild;
        bool force_no_rebuild;
        bool auto_reset_crashkernel;
        enum kdump_builder initramfs_builder;
        char **dracut_args;    /* split as a shell would (quotes kept together); NULL: none */
        unsigned capture_cpus; /* nr_cpus= of the capture kernel, 1..KDUMP_CAPTURE_CPUS_MAX; 0: not set (1) */
        /* With a hardware watchdog running: how long the capture may make no
         * progress before the watchdog resets the machine, 10..
         * KDUMP_STALL_TIMEOUT_MAX seconds; 0: not set (300) */
        unsigned capture_stall_timeout;
} kdump_config;

#define KDUMP_STALL_TIMEOUT_MAX 86400u

/* capture_cpus' limit: each CPU costs the capture kernel per-CPU areas and
 * stacks (crashkernel-policy.h), and kdump-collect gains nothing past the
 * CPUs compressing in parallel (README "More CPUs in the capture kernel"). */
#define KDUMP_CAPTURE_CPUS_MAX 64u

/* The capture kernel's CPU count: capture_cpus, 1 when unset. */
unsigned kdump_config_capture_cpus(const kdump_config *c);

int kdump_config_parse(const char *text, const char *filename, kdump_config **ret, char **ret_error);
/* The file, then <filename>.d/<name>.conf.  A missing file is all defaults. */
int kdump_config_load(const char *filename, kdump_config **ret, char **ret_error);
/* The same, with the drop-in directory given (NULL: none). */
int kdump_config_load_with_dropins(const char *filename, const char *dropin_dir, kdump_config **ret, char **ret_error);
kdump_config *kdump_config_free(kdump_config *c);

static inline void kdump_config_freep(kdump_config **c) {
        if (*c)
                kdump_config_free(*c);
}

/* The filesystem types whose capture we support; NULL-terminated. */
extern const char *const kdump_config_fstypes[];

/* "raw /dev/<name>": the target's fstype is this, the dump is written to the
 * device as makedumpfile's flattened stream, and saved from there to path
 * on this system's filesystem at the next start (kdump-utils' meaning). */
#define KDUMP_RAW "raw"
/* "virtiofs <tag>": a virtual machine's share from its host; the "device"
 * is the tag. */
#define KDUMP_VIRTIOFS "virtiofs"
/* "nfs <server>:/<export>": the export, mounted by the capture kernel over
 * the network; path is a directory under it (kdump-utils' meaning).  The
 * server is a name, an IPv4 address or an IPv6 address in brackets. */
#define KDUMP_NFS "nfs"
static inline bool kdump_config_is_nfs(const kdump_config *c) {
        return c->fstype && __builtin_strcmp(c->fstype, KDUMP_NFS) == 0;
}
/* Splits "<server>:/<export>" (the brackets of an IPv6 server removed);
 * -EINVAL if it is not of that form.  Either out-parameter may be NULL. */
int kdump_config_nfs_split(const char *spec, char **ret_host, char **ret_export);

/* "ssh <user>@<server>": the dump goes over SSH (OpenSSH's client) to path
 * on the server, as makedumpfile's flattened stream (vmcore.flat), or with
 * core_collector scp as a plain copy of /proc/vmcore (kdump-utils'
 * meaning).  The server is a name, an IPv4 address or an IPv6 address
 * (with or without brackets). */
#define KDUMP_SSH "ssh"
static inline bool kdump_config_is_ssh(const kdump_config *c) {
        return c->fstype && __builtin_strcmp(c->fstype, KDUMP_SSH) == 0;
}
/* A network target: nfs or ssh. */
static inline bool kdump_config_is_net(const kdump_config *c) {
        return kdump_config_is_nfs(c) || kdump_config_is_ssh(c);
}
/* Splits "<user>@<server>" (the brackets of an IPv6 server removed);
 * -EINVAL if it is not of that form.  Either out-parameter may be NULL. */
int kdump_config_ssh_split(const char *spec, char **ret_user, char **ret_host);
/* Whether core_collector is scp (kdump-utils: a plain copy over SSH). */
bool kdump_config_collector_is_scp(const kdump_config *c);
/* Whether core_collector is kdump-collect (by any path): it hashes and
 * seals while it writes, which another collector cannot. */
bool kdump_config_collector_is_ours(const kdump_config *c);

static inline bool kdump_config_is_virtiofs(const kdump_config *c) {
        return c->fstype && __builtin_strcmp(c->fstype, KDUMP_VIRTIOFS) == 0;
}
static inline bool kdump_config_is_raw(const kdump_config *c) {
        return c->fstype && __builtin_strcmp(c->fstype, KDUMP_RAW) == 0;
}

/* Splits core_collector into an argv (NULL-terminated, caller frees with
 * strv_free-like kdump_config_argv_free()). Quoting is not supported: the
 * parser has already refused quotes. */
int kdump_config_collector_argv(const kdump_config *c, char ***ret_argv);
void kdump_config_argv_free(char **argv);
static inline void kdump_config_argv_freep(char ***argv) {
        kdump_config_argv_free(*argv);
}
