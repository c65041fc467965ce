/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stack-describe's ops on the running system: the device-mapper tables
 * through libdevmapper (the library lvm2 and dmsetup use; the table is only
 * read), and the disks' identities through libblkid.
 */
#include <blkid.h>
#include <errno.h>
#include <inttypes.h>
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "basic/macro.h"
#include "initramfs/stack/stack-describe.h"

/* Library code does not log: libdevmapper's messages are dropped, its
 * failure is the errno the caller reports. */
static void dm_quiet(int level, const char *file, int line, int dm_errno, const char *f, ...) {
}

static int system_dm_table(dev_t dev, char **ret, void *userdata) {
        _cleanup_free_ char *buf = NULL;
        struct dm_task *dmt;
        size_t size = 0;
        void *next = NULL;
        FILE *f;
        int r = 0;

        dm_log_with_errno_init(dm_quiet);
        dmt = dm_task_create(DM_DEVICE_TABLE);
        if (!dmt)
                return -ENOMEM;
        if (!dm_task_set_major(dmt, major(dev)) || !dm_task_set_minor(dmt, minor(dev)) || !dm_task_run(dmt)) {
                r = errno > 0 ? -errno : -EIO;
                dm_task_destroy(dmt);
                return r;
        }
        f = open_memstream(&buf, &size);
        if (!f) {
                dm_task_destroy(dmt);
                return -ENOMEM;
        }
        do {
                uint64_t start, length;
                char *type = NULL, *params = NULL;

                next = dm_get_next_target(dmt, next, &start, &length, &type, &params);
                if (type)
                        fprintf(f, "%" PRIu64 " %" PRIu64 " %s %s\n", start, length, type, params ? params : "");
        } while (next);
        dm_task_destroy(dmt);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

static int system_probe(dev_t dev, const char *tag, char **ret, void *userdata) {
        _cleanup_free_ char *node = blkid_devno_to_devname(dev);
        const char *v = NULL;
        blkid_probe pr;
        int r = -ENOENT;

        if (!node)
                return -ENODEV;
        pr = blkid_new_probe_from_filename(node);
        if (!pr)
                return errno > 0 ? -errno : -EACCES;
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        if (blkid_do_safeprobe(pr) == 0 && blkid_probe_lookup_value(pr, tag, &v, NULL) == 0 && v) {
                *ret = strdup(v);
                r = *ret ? 0 : -ENOMEM;
        }
        blkid_free_probe(pr);
        return r;
}

static int system_key_present(const char *description, void *userdata) {
        return syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "logon", description, 0) >= 0;
}

const struct stack_host_ops stack_host_ops_system = {
        .sz = sizeof(struct stack_host_ops),
        .dm_table = system_dm_table,
        .probe = system_probe,
        .key_present = system_key_present,
};
