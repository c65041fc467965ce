/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/macro.h"
#include "fake-modules.h"
#include "initramfs/builder/kmod-closure.h"
#include "tests.h"

static kmod_closure *new_closure(void) {
        const char *config[] = { test_fixture("initramfs/modprobe.d"), NULL };
        kmod_closure *c = NULL;

        ASSERT_OK(kmod_closure_new(fake_modules_dir(), config, &c));
        return c;
}

static size_t position(const kmod_closure *c, const char *name) {
        for (size_t i = 0; i < kmod_closure_count(c); i++)
                if (strcmp(kmod_closure_get(c, i)->name, name) == 0)
                        return i;
        TEST_FAIL("%s not in closure", name);
}

static void assert_unique(const kmod_closure *c) {
        for (size_t i = 0; i < kmod_closure_count(c); i++)
                for (size_t j = i + 1; j < kmod_closure_count(c); j++)
                        ASSERT_TRUE(strcmp(kmod_closure_get(c, i)->name, kmod_closure_get(c, j)->name) != 0);
}

TEST(ext4_load_order) {
        _cleanup_(kmod_closure_freep) kmod_closure *c = new_closure();
        const struct kmod_closure_module *m;
        char expect[8192];

        ASSERT_EQ(kmod_closure_add(c, "ext4", 0), 6);
        assert_unique(c);
        ASSERT_EQ(kmod_closure_count(c), 6);
        /* softdep pre, then the modules.dep chain crc16 <- jbd2 <- ext4 */
        ASSERT_TRUE(position(c, "crc32c_generic") < position(c, "ext4"));
        ASSERT_TRUE(position(c, "crc16") < position(c, "jbd2"));
        ASSERT_TRUE(position(c, "jbd2") < position(c, "ext4"));
        ASSERT_TRUE(position(c, "mbcache") < position(c, "ext4"));
        /* softdep post comes after */
        ASSERT_TRUE(position(c, "quota_v2") > position(c, "ext4"));

        m = kmod_closure_find(c, "crc16");
        ASSERT_TRUE(m);
        snprintf(expect, sizeof(expect), "%s/kernel/lib/crc16.ko.zst", fake_modules_dir());
        ASSERT_STREQ(m->path, expect);

        /* adding again or by alias adds nothing */
        ASSERT_EQ(kmod_closure_add(c, "fs-ext4", 0), 0);
        ASSERT_EQ(kmod_closure_add(c, "jbd2", 0), 0);
        ASSERT_EQ(kmod_closure_count(c), 6);
}

TEST(modalias_builtin_and_config) {
        _cleanup_(kmod_closure_freep) kmod_closure *c = new_closure();
        const struct kmod_closure_module *m;

        /* the modalias a virtio block device has in sysfs */
        ASSERT_EQ(kmod_closure_add(c, "virtio:d00000002v00001AF4", 0), 3);
        /* modprobe.d: softdep virtio_blk pre: virtio_pci (built in) */
        m = kmod_closure_find(c, "virtio_pci");
        ASSERT_TRUE(m);
        ASSERT_TRUE(m->path == NULL);
        ASSERT_TRUE(position(c, "virtio_pci") < position(c, "virtio_blk"));
        ASSERT_TRUE(position(c, "virtio_ring") < position(c, "virtio_blk"));
        ASSERT_CONTAINS(kmod_closure_find(c, "virtio_blk")->path, "virtio_blk.ko.xz");

        /* an alias from modprobe.d and a name spelt with '-' */
        ASSERT_EQ(kmod_closure_add(c, "my-root-disk", 0), 0);
        ASSERT_EQ(kmod_closure_add(c, "virtio-blk", 0), 0);
        /* a built-in module's own modalias (modules.builtin.modinfo) */
        ASSERT_EQ(kmod_closure_add(c, "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", 0), 0);
        ASSERT_EQ(kmod_closure_count(c), 3);
}

TEST(softdep_cycle) {
        _cleanup_(kmod_closure_freep) kmod_closure *c = new_closure();

        ASSERT_EQ(kmod_closure_add(c, "cyc_a", 0), 2);
        ASSERT_TRUE(position(c, "cyc_b") < position(c, "cyc_a"));
}

TEST(missing) {
        _cleanup_(kmod_closure_freep) kmod_closure *c = new_closure();
        kmod_closure *bad = NULL;

        ASSERT_ERR(kmod_closure_add(c, "no_such_module", 0), ENOENT);
        ASSERT_STREQ(kmod_closure_failed_name(c), "no_such_module");
        ASSERT_EQ(kmod_closure_add(c, "acpi:NOPE0000:", KMOD_CLOSURE_OPTIONAL), 0);
        ASSERT_TRUE(kmod_closure_failed_name(c) == NULL);

        /* modules.dep lists ghost.ko, but the file is gone */
        ASSERT_ERR(kmod_closure_add(c, "haunted", 0), ENOENT);
        ASSERT_STREQ(kmod_closure_failed_name(c), "ghost");
        ASSERT_TRUE(kmod_closure_find(c, "haunted") == NULL);

        /* a directory depmod never indexed */
        ASSERT_ERR(kmod_closure_new(test_tmp("."), NULL, &bad), ENOENT);
}

TEST_MAIN()
