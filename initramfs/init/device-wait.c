/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/init/device-wait.h"

static int probe_tag(const char *devnode, const char *tag, const char *want) {
        blkid_probe pr;
        const char *v = NULL;
        int r = 0;

        pr = blkid_new_probe_from_filename(devnode);
        if (!pr)
                return 0;
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
        if (blkid_do_safeprobe(pr) == 0 &&
            blkid_probe_lookup_value(pr, tag, &v, NULL) == 0 && v && strcmp(v, want) == 0)
                r = 1;
        blkid_free_probe(pr);
        return r;
}

int device_find(const char *spec, char **ret_devnode) {
        const char *tag = NULL, *want = NULL;
        DIR *d;
        struct dirent *de;
        struct stat st;

        if (string_has_prefix(spec, "/dev/")) {
                if (stat(spec, &st) < 0 || !S_ISBLK(st.st_mode))
                        return -ENODEV;
                *ret_devnode = strdup(spec);
                return *ret_devnode ? 0 : -ENOMEM;
        }
        if (string_has_prefix(spec, "UUID=")) {
                tag = "UUID";
                want = spec + 5;
        } else if (string_has_prefix(spec, "LABEL=")) {
                tag = "LABEL";
                want = spec + 6;
        } else
                return -EINVAL;

        d = opendir("/sys/class/block");
        if (!d)
                return -ENODEV;
        while ((de = readdir(d))) {
                char node[300];

                if (de->d_name[0] == '.')
                        continue;
                snprintf(node, sizeof(node), "/dev/%s", de->d_name);
                if (stat(node, &st) < 0 || !S_ISBLK(st.st_mode))
                        continue;
                if (probe_tag(node, tag, want)) {
                        closedir(d);
                        *ret_devnode = strdup(node);
                        return *ret_devnode ? 0 : -ENOMEM;
                }
        }
        closedir(d);
        return -ENODEV;
}

int device_matches(const char *devnode, const char *spec) {
        if (string_has_prefix(spec, "UUID="))
                return probe_tag(devnode, "UUID", spec + 5);
        if (string_has_prefix(spec, "LABEL="))
                return probe_tag(devnode, "LABEL", spec + 6);
        return 1;
}

int device_wait(const char *spec, unsigned timeout_ms, void (*progress)(const char *spec, unsigned waited_ms),
                char **ret_devnode) {
        const unsigned step_ms = 100;
        unsigned waited = 0, next_report = 5000;

        for (;;) {
                int r = device_find(spec, ret_devnode);
                if (r != -ENODEV)
                        return r;
                if (waited >= timeout_ms)
                        return -ETIMEDOUT;
                nanosleep(&(struct timespec) { .tv_nsec = step_ms * 1000000L }, NULL);
                waited += step_ms;
                if (progress && waited >= next_report) {
                        progress(spec, waited);
                        next_report += 5000;
                }
        }
}
