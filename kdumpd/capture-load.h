/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/utsname.h>

/* Where "kdumpctl start" and the kdumpd service take their settings. */
struct capture_settings {
        size_t sz;
        const char *config_path;      /* NULL: KDUMP_CONF_PATH */
        const char *state_dir;        /* NULL: KDUMP_STATEDIR */
        const char *kernel_release;   /* rebuild only: another installed kernel */
        bool force_rebuild;
        const char *loader;           /* "file", "classic", "auto"; NULL: kdump.conf's, else auto */
        bool corrupt_digest;          /* test hook for the classic loader's purgatory */
};

/* What was loaded, for a status line. */
struct capture_loaded {
        char release[sizeof(((struct utsname *) 0)->release)];
        uint64_t reservation_start;
        uint64_t reservation_size;
        uint64_t initramfs_size;
        char *target;                 /* "ext4 LABEL=KDUMP:/crash", owned */
        char *stack_devices;          /* kernel names of the dm/md stacks' devices ("vdc md0 dm-0"), owned; NULL: none */
        char *net_record;             /* a network target's way to its server (net-record.h), owned; NULL: none */
        char *net_server;             /* and the server as configured ("nfs.example.com"), owned */
};

/* All three log what went wrong with context and return -errno. */
int capture_start(const struct capture_settings *s, struct capture_loaded *ret);
int capture_stop(const struct capture_settings *s);
int capture_rebuild(const struct capture_settings *s);
/* Parses the configuration only (no root needed, nothing else read), so a
 * bad line is the first thing reported whatever else is wrong. */
int capture_check_config(const struct capture_settings *s);

/* The record of what kdumpctl loaded: <state_dir>/loaded, "key=value" lines. */
int capture_state_path(const struct capture_settings *s, char **ret);
char *capture_state_get(const char *text, const char *key);
