/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A fake sysfs tree shaped like a QEMU guest's, made once per program:
 *   virtio disk vdb (254:16) with partition vdb1 (254:17) on virtio2 on PCI
 *   0000:00:05.0 (driver virtio-pci, module virtio_pci), virtio2 bound to
 *   virtio_blk; dm-0 (253:0) stacked on vdb1; loop0 (7:0), virtual. */

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "tests.h"

#define FAKE_PCI "devices/pci0000:00/0000:00:05.0"

static inline void fake_sysfs_file(const char *root, const char *rel, const char *content) {
        char p[8192];
        FILE *f;

        snprintf(p, sizeof(p), "%s/%s", root, rel);
        *strrchr(p, '/') = 0;
        ASSERT_OK(mkdir_p(p, 0755));
        snprintf(p, sizeof(p), "%s/%s", root, rel);
        f = fopen(p, "we");
        ASSERT_TRUE(f);
        fputs(content, f);
        fclose(f);
}

static inline void fake_sysfs_link(const char *root, const char *rel, const char *target) {
        char p[8192];

        snprintf(p, sizeof(p), "%s/%s", root, rel);
        *strrchr(p, '/') = 0;
        ASSERT_OK(mkdir_p(p, 0755));
        snprintf(p, sizeof(p), "%s/%s", root, rel);
        ASSERT_OK(symlink(target, p));
}

static inline const char *fake_sysfs(void) {
        static char root[4096];

        if (root[0])
                return root;
        snprintf(root, sizeof(root), "%s", test_tmp("sys"));

        fake_sysfs_file(root, FAKE_PCI "/modalias",
                        "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\n");
        fake_sysfs_link(root, FAKE_PCI "/driver", "../../../bus/pci/drivers/virtio-pci");
        fake_sysfs_file(root, FAKE_PCI "/virtio2/modalias", "virtio:d00000002v00001AF4\n");
        fake_sysfs_link(root, FAKE_PCI "/virtio2/driver", "../../../../bus/virtio/drivers/virtio_blk");
        fake_sysfs_file(root, FAKE_PCI "/virtio2/block/vdb/dev", "254:16\n");
        fake_sysfs_file(root, FAKE_PCI "/virtio2/block/vdb/vdb1/dev", "254:17\n");
        fake_sysfs_file(root, FAKE_PCI "/virtio2/block/vdb/vdb1/partition", "1\n");
        fake_sysfs_file(root, "devices/pci0000:00/uevent", "");

        fake_sysfs_link(root, "bus/pci/drivers/virtio-pci/module", "../../../../module/virtio_pci");
        fake_sysfs_link(root, "bus/virtio/drivers/virtio_blk/module", "../../../../module/virtio_blk");
        fake_sysfs_file(root, "module/virtio_pci/uevent", "");
        fake_sysfs_file(root, "module/virtio_blk/uevent", "");

        fake_sysfs_file(root, "devices/virtual/block/dm-0/dev", "253:0\n");
        fake_sysfs_link(root, "devices/virtual/block/dm-0/slaves/vdb1",
                        "../../../../pci0000:00/0000:00:05.0/virtio2/block/vdb/vdb1");
        fake_sysfs_file(root, "devices/virtual/block/loop0/dev", "7:0\n");

        fake_sysfs_link(root, "dev/block/254:16", "../../" FAKE_PCI "/virtio2/block/vdb");
        fake_sysfs_link(root, "dev/block/254:17", "../../" FAKE_PCI "/virtio2/block/vdb/vdb1");
        fake_sysfs_link(root, "dev/block/253:0", "../../devices/virtual/block/dm-0");
        fake_sysfs_link(root, "dev/block/7:0", "../../devices/virtual/block/loop0");
        return root;
}
