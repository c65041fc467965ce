/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/stack/dm-ioctl.h"

#define DM_CONTROL "/dev/mapper/control"

static int header(struct dm_ioctl *io, size_t size, const char *name, const char *uuid) {
        if (strlen(name) >= DM_NAME_LEN || (uuid && strlen(uuid) >= DM_UUID_LEN))
                return -EINVAL;
        memset(io, 0, sizeof(*io));
        io->version[0] = DM_VERSION_MAJOR;
        io->data_size = (uint32_t) size;
        io->data_start = sizeof(struct dm_ioctl);
        strcpy(io->name, name);
        if (uuid)
                strcpy(io->uuid, uuid);
        return 0;
}

int dm_ioctl_table_buffer(const char *name, const struct dm_ioctl_target *t, size_t n, void **ret, size_t *ret_size) {
        size_t size = sizeof(struct dm_ioctl), off;
        char *buf;
        int r;

        for (size_t i = 0; i < n; i++) {
                if (strlen(t[i].type) >= DM_MAX_TYPE_NAME)
                        return -EINVAL;
                size += ALIGN_UP(sizeof(struct dm_target_spec) + strlen(t[i].params) + 1, 8);
        }
        if (size > UINT32_MAX)
                return -E2BIG;
        buf = calloc(1, size);
        if (!buf)
                return -ENOMEM;
        r = header((struct dm_ioctl *) buf, size, name, NULL);
        if (r < 0) {
                free(buf);
                return r;
        }
        ((struct dm_ioctl *) buf)->target_count = (uint32_t) n;
        off = sizeof(struct dm_ioctl);
        for (size_t i = 0; i < n; i++) {
                struct dm_target_spec *spec = (struct dm_target_spec *) (buf + off);
                size_t len = ALIGN_UP(sizeof(*spec) + strlen(t[i].params) + 1, 8);

                spec->sector_start = t[i].start;
                spec->length = t[i].length;
                spec->next = (uint32_t) len;
                strcpy(spec->target_type, t[i].type);
                strcpy((char *) (spec + 1), t[i].params);
                off += len;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

/* /dev/mapper/control, made from /sys/class/misc/device-mapper/dev when
 * devtmpfs has not (yet) made it. */
static int open_control(const char *control) {
        _cleanup_free_ char *num = NULL;
        unsigned a, b;
        int fd;

        fd = open(control ?: DM_CONTROL, O_RDWR | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT || control)
                return fd >= 0 ? fd : negative_errno();
        if (read_one_line_file("/sys/class/misc/device-mapper/dev", &num) < 0 || sscanf(num, "%u:%u", &a, &b) != 2)
                return -ENOENT;
        (void) mkdir("/dev/mapper", 0755);
        if (mknod(DM_CONTROL, S_IFCHR | 0600, makedev(a, b)) < 0 && errno != EEXIST)
                return negative_errno();
        fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
        return fd >= 0 ? fd : negative_errno();
}

static int simple(int fd, unsigned long cmd, const char *name, const char *uuid, struct dm_ioctl *ret) {
        struct dm_ioctl io;
        int r;

        r = header(&io, sizeof(io), name, uuid);
        if (r < 0)
                return r;
        if (ioctl(fd, cmd, &io) < 0)
                return negative_errno();
        if (ret)
                *ret = io;
        return 0;
}

int dm_ioctl_lookup(const char *control, const char *name, dev_t *ret_dev) {
        _cleanup_close_ int fd = open_control(control);
        struct dm_ioctl io;
        int r;

        if (fd < 0)
                return fd;
        r = simple(fd, DM_DEV_STATUS, name, NULL, &io);
        if (r < 0)
                return r;
        /* the kernel's huge_encode_dev() is glibc's layout below 2^32 */
        *ret_dev = makedev(major(io.dev), minor(io.dev));
        return 0;
}

int dm_ioctl_create(const char *control, const char *name, const char *uuid, const struct dm_ioctl_target *t, size_t n,
                    dev_t *ret_dev) {
        _cleanup_close_ int fd = open_control(control);
        _cleanup_free_ void *table = NULL;
        struct dm_ioctl created;
        size_t size;
        int r;

        if (fd < 0)
                return fd;
        r = dm_ioctl_table_buffer(name, t, n, &table, &size);
        if (r < 0)
                return r;
        r = simple(fd, DM_DEV_CREATE, name, uuid && *uuid ? uuid : NULL, &created);
        if (r < 0)
                return r;
        r = ioctl(fd, DM_TABLE_LOAD, table) < 0 ? negative_errno() : simple(fd, DM_DEV_SUSPEND, name, NULL, NULL);
        if (r < 0) {
                (void) simple(fd, DM_DEV_REMOVE, name, NULL, NULL);
                return r;
        }
        *ret_dev = makedev(major(created.dev), minor(created.dev));
        return 0;
}
