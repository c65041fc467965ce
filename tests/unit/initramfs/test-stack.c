/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The storage stack under a dump target: described from fixture sysfs
 * trees and recorded tables (as libdevmapper and blkid would give them on a
 * real system), its record text, and what the capture kernel does with it
 * short of the kernel (parameters resolved, which arrays can run). */
#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "fake-sysfs.h"
#include <linux/dm-ioctl.h>

#include "initramfs/stack/crash-keys.h"
#include "initramfs/stack/dm-ioctl.h"
#include "initramfs/stack/stack-activate.h"
#include "initramfs/stack/stack-describe.h"
#include "initramfs/stack/storage-stack.h"
#include "tests.h"


/* A fixture system: a sysfs tree plus, per device, a dm table and blkid
 * values, as "MAJ:MIN" keyed text. */
struct fixture {
        char root[4096];
        char names[32][32], dirs[32][256];     /* kernel name -> its directory under root */
        size_t n;
        const char *tables;     /* "253:0|0 100 linear 9:0 2048\n..." lines, '|' after the device */
        const char *probes;     /* "9:0|UUID=...\n" lines */
        const char *keys;       /* logon keys in the user keyring, by description */
};

static void fx_disk(struct fixture *f, const char *name, unsigned maj, unsigned min) {
        char rel[512], link[512], num[32];

        snprintf(rel, sizeof(rel), FAKE_PCI "/virtio%u/block/%s/dev", min, name);
        snprintf(num, sizeof(num), "%u:%u\n", maj, min);
        fake_sysfs_file(f->root, rel, num);
        snprintf(rel, sizeof(rel), "dev/block/%u:%u", maj, min);
        snprintf(link, sizeof(link), "../../" FAKE_PCI "/virtio%u/block/%s", min, name);
        fake_sysfs_link(f->root, rel, link);
        snprintf(f->names[f->n], sizeof(f->names[0]), "%s", name);
        snprintf(f->dirs[f->n++], sizeof(f->dirs[0]), FAKE_PCI "/virtio%u/block/%s", min, name);
}

/* A virtual device (dm-N, mdN) with attributes "attr=value;..." and the
 * slaves named (kernel names of devices made before). */
static void fx_virtual(struct fixture *f, const char *name, unsigned maj, unsigned min, const char *attrs,
                       const char *const *slaves) {
        char rel[512], link[512], num[32];
        _cleanup_free_ char *copy = strdup(attrs);
        char *save = NULL;

        snprintf(rel, sizeof(rel), "devices/virtual/block/%s/dev", name);
        snprintf(num, sizeof(num), "%u:%u\n", maj, min);
        fake_sysfs_file(f->root, rel, num);
        snprintf(rel, sizeof(rel), "dev/block/%u:%u", maj, min);
        snprintf(link, sizeof(link), "../../devices/virtual/block/%s", name);
        fake_sysfs_link(f->root, rel, link);
        for (char *a = strtok_r(copy, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
                char *eq = strchr(a, '=');
                *eq = 0;
                snprintf(rel, sizeof(rel), "devices/virtual/block/%s/%s", name, a);
                fake_sysfs_file(f->root, rel, eq + 1);
        }
        for (size_t i = 0; slaves && slaves[i]; i++)
                for (size_t k = 0; k < f->n; k++)
                        if (strcmp(f->names[k], slaves[i]) == 0) {
                                snprintf(rel, sizeof(rel), "devices/virtual/block/%s/slaves/%s", name, slaves[i]);
                                snprintf(link, sizeof(link), "../../../../../%s", f->dirs[k]);
                                fake_sysfs_link(f->root, rel, link);
                        }
        snprintf(f->names[f->n], sizeof(f->names[0]), "%s", name);
        snprintf(f->dirs[f->n++], sizeof(f->dirs[0]), "devices/virtual/block/%s", name);
}

static int lookup(const char *table, dev_t dev, char **ret) {
        char key[32];
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);
        bool any = false;

        snprintf(key, sizeof(key), "%u:%u|", major(dev), minor(dev));
        for (const char *l = table; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, key, strlen(key)) == 0) {
                        const char *v = l + strlen(key);
                        fprintf(out, "%.*s\n", (int) strcspn(v, "\n"), v);
                        any = true;
                }
        fclose(out);
        if (!any)
                return -ENOENT;
        *ret = TAKE_PTR(buf);
        return 0;
}

static int fx_dm_table(dev_t dev, char **ret, void *userdata) {
        struct fixture *f = userdata;

        int r = lookup(f->tables, dev, ret);

        return r == -ENOENT ? -ENXIO : r;
}

static int fx_probe(dev_t dev, const char *tag, char **ret, void *userdata) {
        struct fixture *f = userdata;
        _cleanup_free_ char *lines = NULL;
        size_t l = strlen(tag);

        if (lookup(f->probes, dev, &lines) < 0)
                return -ENOENT;
        for (const char *p = lines; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                if (strncmp(p, tag, l) == 0 && p[l] == '=') {
                        *ret = strndup(p + l + 1, strcspn(p + l + 1, "\n"));
                        return *ret ? 0 : -ENOMEM;
                }
        return -ENOENT;
}

static int fx_key_present(const char *desc, void *userdata) {
        struct fixture *f = userdata;

        return f->keys && strstr(f->keys, desc) != NULL;
}

static struct stack_host_ops fx_ops(struct fixture *f, const char *crypt_dir) {
        return (struct stack_host_ops) {
                .sz = sizeof(struct stack_host_ops),
                .sysfs = f->root,
                .crash_dm_crypt_dir = crypt_dir ? crypt_dir : "/nonexistent/crash_dm_crypt_keys",
                .dm_table = fx_dm_table,
                .probe = fx_probe,
                .key_present = fx_key_present,
                .userdata = f,
        };
}

static void fx_init(struct fixture *f, const char *name) {
        snprintf(f->root, sizeof(f->root), "%s", test_tmp(name));
}

/* LVM on md raid1 (vdc, vdd) and a second PV vde: the example. */
static void fx_lvm_on_md(struct fixture *f, const char *name) {
        fx_init(f, name);
        fx_disk(f, "vdc", 254, 32);
        fx_disk(f, "vdd", 254, 48);
        fx_disk(f, "vde", 254, 64);
        fx_virtual(f, "md0", 9, 0, "md/level=raid1\n;md/metadata_version=1.2\n;md/raid_disks=2\n;md/array_state=clean\n",
                   (const char *const[]) { "vdc", "vdd", NULL });
        fx_virtual(f, "dm-0", 253, 0, "dm/name=vg0-crash\n;dm/uuid=LVM-abcdefXYZ\n;ro=0\n",
                   (const char *const[]) { "md0", "vde", NULL });
        f->tables = "253:0|0 2088960 linear 9:0 2048\n"
                    "253:0|2088960 1048576 linear 254:64 2048\n";
        f->probes = "254:32|TYPE=linux_raid_member\n254:32|UUID=5d6e-md\n254:32|UUID_SUB=member-c\n"
                    "254:48|TYPE=linux_raid_member\n254:48|UUID=5d6e-md\n254:48|UUID_SUB=member-d\n"
                    "254:64|TYPE=LVM2_member\n254:64|UUID=pv-vde\n";
}

TEST(describe_lvm_on_md_raid1) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL, *back = NULL;
        _cleanup_free_ char *err = NULL, *text = NULL, *summary = NULL, *text2 = NULL;
        struct fixture f = {};
        struct stack_host_ops ops;

        fx_lvm_on_md(&f, "lvm-md");
        ops = fx_ops(&f, NULL);
        ASSERT_OK(storage_stack_describe(&ops, makedev(253, 0), &s, &err));
        ASSERT_TRUE(s);
        ASSERT_OK(storage_stack_render(s, &text));
        ASSERT_STREQ(text, "# kdumpd storage stack, bottom-up; the last device holds the dump target.\n"
                           "leaf n0 vdc UUID_SUB=member-c\n"
                           "leaf n1 vdd UUID_SUB=member-d\n"
                           "md n2 md0 level=raid1 metadata=1.2 raid_disks=2 uuid=5d6e-md members=n0,n1\n"
                           "leaf n3 vde UUID=pv-vde\n"
                           "dm n4 dm-0 name=vg0-crash uuid=LVM-abcdefXYZ\n"
                           "table n4 0 2088960 linear @n2 2048\n"
                           "table n4 2088960 1048576 linear @n3 2048\n");
        ASSERT_OK(storage_stack_summary(s, &summary));
        ASSERT_STREQ(summary, "LV vg0/crash on md0 (raid1: vdc, vdd) + vde");
        {
                _cleanup_free_ char *names = NULL;

                /* what kdumpd's device monitor matches events against */
                ASSERT_OK(storage_stack_device_names(s, &names));
                ASSERT_STREQ(names, "vdc vdd md0 vde dm-0");
        }

        /* what the capture kernel reads is what was written */
        ASSERT_OK(storage_stack_parse(text, &back, &err));
        ASSERT_OK(storage_stack_render(back, &text2));
        ASSERT_STREQ(text2, text);
        ASSERT_EQ(back->nodes[4].n_below, 2);
}

TEST(describe_plain_partition_has_no_stack) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_free_ char *err = NULL;
        struct fixture f = {};
        struct stack_host_ops ops;

        fx_lvm_on_md(&f, "plain");
        ops = fx_ops(&f, NULL);
        ASSERT_OK(storage_stack_describe(&ops, makedev(254, 64), &s, &err));
        ASSERT_TRUE(s == NULL);
        ASSERT_ERR(storage_stack_describe(&ops, makedev(8, 1), &s, &err), ENOENT);
        ASSERT_CONTAINS(err, "8:1 is not in sysfs");
}

/* A thin LV: thin -> tpool -> (tmeta, tdata) -> PV, and a striped LV. */
TEST(describe_thin_and_striped) {
        _cleanup_(storage_stack_freep) storage_stack *thin = NULL, *striped = NULL;
        _cleanup_(strv_freep) char **modules = NULL;
        _cleanup_free_ char *err = NULL, *summary = NULL, *text = NULL;
        struct fixture f = {};
        struct stack_host_ops ops;

        fx_init(&f, "thin");
        fx_disk(&f, "vdc", 254, 32);
        fx_disk(&f, "vdd", 254, 48);
        fx_virtual(&f, "dm-0", 253, 0, "dm/name=vg0-pool_tmeta\n;dm/uuid=LVM-x-tmeta\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-1", 253, 1, "dm/name=vg0-pool_tdata\n;dm/uuid=LVM-x-tdata\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-2", 253, 2, "dm/name=vg0-pool-tpool\n;dm/uuid=LVM-x-tpool\n",
                   (const char *const[]) { "dm-0", "dm-1", NULL });
        fx_virtual(&f, "dm-3", 253, 3, "dm/name=vg0-thin\n;dm/uuid=LVM-thin\n", (const char *const[]) { "dm-2", NULL });
        fx_virtual(&f, "dm-4", 253, 4, "dm/name=vg0-str\n;dm/uuid=LVM-str\n", (const char *const[]) { "vdc", "vdd", NULL });
        f.tables = "253:0|0 8192 linear 254:32 2048\n"
                   "253:1|0 204800 linear 254:32 10240\n"
                   "253:2|0 204800 thin-pool 253:0 253:1 128 0 0\n"
                   "253:3|0 409600 thin 253:2 1\n"
                   "253:4|0 409600 striped 2 128 254:32 215040 254:48 2048\n";
        f.probes = "254:32|TYPE=LVM2_member\n254:32|UUID=pv-c\n254:48|TYPE=LVM2_member\n254:48|UUID=pv-d\n";
        ops = fx_ops(&f, NULL);

        ASSERT_OK(storage_stack_describe(&ops, makedev(253, 3), &thin, &err));
        ASSERT_EQ(thin->n_nodes, 5);    /* vdc once, though two LVs use it */
        ASSERT_OK(storage_stack_render(thin, &text));
        ASSERT_CONTAINS(text, "table n3 0 204800 thin-pool @n1 @n2 128 0 0\n");
        ASSERT_CONTAINS(text, "table n4 0 409600 thin @n3 1\n");
        ASSERT_OK(storage_stack_summary(thin, &summary));
        ASSERT_STREQ(summary, "LV vg0/thin (thin) on vdc");
        ASSERT_OK(storage_stack_modules(thin, &modules));
        ASSERT_STREQ(modules[0], "dm_mod");
        ASSERT_STREQ(modules[1], "dm_thin_pool");
        ASSERT_TRUE(modules[2] == NULL);

        free(summary);
        summary = NULL;
        ASSERT_OK(storage_stack_describe(&ops, makedev(253, 4), &striped, &err));
        ASSERT_OK(storage_stack_summary(striped, &summary));
        ASSERT_STREQ(summary, "LV vg0/str (striped) on vdc + vdd");
}

/* LVM raid1 (dm-raid) over rmeta/rimage sub-LVs on partitions found by
 * their partition UUID. */
TEST(describe_dm_raid_and_modules) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_(strv_freep) char **modules = NULL;
        _cleanup_free_ char *err = NULL, *summary = NULL, *text = NULL;
        struct fixture f = {};
        struct stack_host_ops ops;

        fx_init(&f, "dm-raid");
        fx_disk(&f, "vdc", 254, 32);
        fx_disk(&f, "vdd", 254, 48);
        fx_virtual(&f, "dm-0", 253, 0, "dm/name=vg1-r_rmeta_0\n;dm/uuid=LVM-m0\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-1", 253, 1, "dm/name=vg1-r_rimage_0\n;dm/uuid=LVM-i0\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-2", 253, 2, "dm/name=vg1-r_rmeta_1\n;dm/uuid=LVM-m1\n", (const char *const[]) { "vdd", NULL });
        fx_virtual(&f, "dm-3", 253, 3, "dm/name=vg1-r_rimage_1\n;dm/uuid=LVM-i1\n", (const char *const[]) { "vdd", NULL });
        fx_virtual(&f, "dm-4", 253, 4, "dm/name=vg1-r\n;dm/uuid=LVM-r\n",
                   (const char *const[]) { "dm-0", "dm-1", "dm-2", "dm-3", NULL });
        f.tables = "253:0|0 8 linear 254:32 2048\n253:1|0 1000 linear 254:32 2056\n"
                   "253:2|0 8 linear 254:48 2048\n253:3|0 1000 linear 254:48 2056\n"
                   "253:4|0 1000 raid raid1 3 0 region_size 1024 2 253:0 253:1 253:2 253:3\n";
        /* no PV signature here: the partition UUID identifies them */
        f.probes = "254:32|PART_ENTRY_UUID=aaaa-1\n254:48|PART_ENTRY_UUID=bbbb-2\n";
        ops = fx_ops(&f, NULL);
        ASSERT_OK(storage_stack_describe(&ops, makedev(253, 4), &s, &err));
        ASSERT_OK(storage_stack_render(s, &text));
        ASSERT_CONTAINS(text, "leaf n0 vdc PARTUUID=aaaa-1\n");
        ASSERT_CONTAINS(text, "raid raid1 3 0 region_size 1024 2 @n1 @n2 @n4 @n5\n");
        ASSERT_OK(storage_stack_summary(s, &summary));
        ASSERT_STREQ(summary, "LV vg1/r (raid1) on vdc + vdd");
        ASSERT_OK(storage_stack_modules(s, &modules));
        ASSERT_STREQ(modules[0], "dm_mod");
        ASSERT_STREQ(modules[1], "dm_raid");
}

static void assert_refused(struct fixture *f, const char *crypt_dir, dev_t dev, const char *needle) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_free_ char *err = NULL;
        struct stack_host_ops ops = fx_ops(f, crypt_dir);

        ASSERT_ERR(storage_stack_describe(&ops, dev, &s, &err), EOPNOTSUPP);
        ASSERT_TRUE(s == NULL);
        ASSERT_CONTAINS(err, needle);
}

TEST(refusals) {
        struct fixture f = {};

        fx_init(&f, "refuse");
        fx_disk(&f, "vdc", 254, 32);
        fx_virtual(&f, "dm-0", 253, 0, "dm/name=secret\n;dm/uuid=CRYPT-LUKS2-abc-secret\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-1", 253, 1, "dm/name=vg0-data\n;dm/uuid=LVM-o\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-2", 253, 2, "dm/name=vg0-part\n;dm/uuid=LVM-p\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-3", 253, 3, "dm/name=vg0-ro\n;dm/uuid=LVM-ro\n;ro=1\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-4", 253, 4, "dm/name=mpatha\n;dm/uuid=mpath-x\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-5", 253, 5, "dm/name=odd\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "dm-6", 253, 6, "dm/name=vg0-stray\n;dm/uuid=LVM-s\n", (const char *const[]) { "vdc", NULL });
        fx_virtual(&f, "loop0", 7, 0, "loop/backing_file=/srv/img\n", NULL);
        fx_virtual(&f, "dm-7", 253, 7, "dm/name=onloop\n", (const char *const[]) { "loop0", NULL });
        f.tables = "253:0|0 100 crypt aes-xts-plain64 :64:logon:cryptsetup:abc-d0 0 254:32 32768\n"
                   "253:1|0 100 snapshot-origin 254:32\n"
                   "253:2|0 50 linear 254:32 2048\n253:2|50 50 error\n"
                   "253:3|0 100 linear 254:32 2048\n"
                   "253:4|0 100 multipath 0 0 1 1 service-time 0 1 2 254:32 1 1\n"
                   "253:5|0 100 era 254:32 254:32 8\n"
                   "253:6|0 100 linear 8:16 2048\n"
                   "253:7|0 100 linear 7:0 0\n";
        f.probes = "254:32|TYPE=LVM2_member\n254:32|UUID=pv\n";

        /* dm-crypt: the reason names the missing kernel feature and what to do */
        assert_refused(&f, NULL, makedev(253, 0), "dm-crypt (LUKS) volume secret");
        assert_refused(&f, NULL, makedev(253, 0), "CONFIG_CRASH_DM_CRYPT");
        assert_refused(&f, NULL, makedev(253, 0), "a raw device or a network target");
        /* a kernel that has the hand-over, but a volume whose UUID is not LUKS' */
        assert_refused(&f, f.root, makedev(253, 0), "which is not a LUKS volume");

        assert_refused(&f, NULL, makedev(253, 1), "snapshot");
        assert_refused(&f, NULL, makedev(253, 2), "missing a physical volume");
        assert_refused(&f, NULL, makedev(253, 3), "read-only");
        assert_refused(&f, NULL, makedev(253, 4), "multipath device mpatha");
        assert_refused(&f, NULL, makedev(253, 5), "of type 'era'");
        assert_refused(&f, NULL, makedev(253, 7), "loop device loop0");
        /* a plain loop device as the target, too */
        assert_refused(&f, NULL, makedev(7, 0), "loop device loop0");

        {
                _cleanup_(storage_stack_freep) storage_stack *s = NULL;
                _cleanup_free_ char *err = NULL;
                struct stack_host_ops ops = fx_ops(&f, NULL);

                /* a table naming a device that is not among the slaves */
                ASSERT_ERR(storage_stack_describe(&ops, makedev(253, 6), &s, &err), EIO);
                ASSERT_CONTAINS(err, "uses device 8:16, which is not among its slaves");
        }
}

TEST(leaf_without_identity_is_refused) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_free_ char *err = NULL;
        struct fixture f = {};
        struct stack_host_ops ops;

        fx_init(&f, "noid");
        fx_disk(&f, "vdc", 254, 32);
        fx_virtual(&f, "dm-0", 253, 0, "dm/name=hand-made\n", (const char *const[]) { "vdc", NULL });
        f.tables = "253:0|0 100 linear 254:32 0\n";
        f.probes = "";
        ops = fx_ops(&f, NULL);
        ASSERT_ERR(storage_stack_describe(&ops, makedev(253, 0), &s, &err), EOPNOTSUPP);
        ASSERT_CONTAINS(err, "vdc (254:32) under the dump target has no identity");
}

TEST(parse_errors_name_the_line) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        char *err = NULL;

        ASSERT_ERR(storage_stack_parse("", &s, &err), ENODATA);
        free(err), err = NULL;
        /* a table naming a device no earlier line defines */
        ASSERT_ERR(storage_stack_parse("leaf n0 vdc UUID=a\ndm n1 dm-0 name=x\ntable n1 0 8 linear @n7 0\n", &s, &err),
                   EINVAL);
        ASSERT_CONTAINS(err, "line 3");
        ASSERT_CONTAINS(err, "uses a device that no earlier line defines");
        free(err), err = NULL;
        /* truncated: the dm device's table never came */
        ASSERT_ERR(storage_stack_parse("leaf n0 vdc UUID=a\ndm n1 dm-0 name=x\n", &s, &err), EINVAL);
        ASSERT_CONTAINS(err, "has no table");
        free(err), err = NULL;
        ASSERT_ERR(storage_stack_parse("leaf n0 vdc UUID=a\nmd n1 md0 level=raid1\n", &s, &err), EINVAL);
        ASSERT_CONTAINS(err, "line 2: an md line needs");
        free(err), err = NULL;
        ASSERT_ERR(storage_stack_parse("leaf n0 vdc\n", &s, &err), EINVAL);
        ASSERT_CONTAINS(err, "line 1: a leaf line is");
        free(err), err = NULL;
        ASSERT_ERR(storage_stack_parse("leaf n0 vdc UUID=a\nleaf n0 vdd UUID=b\n", &s, &err), EINVAL);
        ASSERT_CONTAINS(err, "id n0 is defined twice");
        free(err), err = NULL;
        ASSERT_ERR(storage_stack_parse("disk n0 vdc UUID=a\n", &s, &err), EINVAL);
        ASSERT_CONTAINS(err, "unknown kind 'disk'");
        free(err);
}

TEST(params_resolve_and_md_can_run) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_free_ char *err = NULL, *p = NULL;
        dev_t devs[5] = { makedev(254, 0), 0, makedev(9, 0), makedev(254, 16), 0 };

        ASSERT_OK(storage_stack_parse("leaf n0 vdc UUID_SUB=a\nleaf n1 vdd UUID_SUB=b\n"
                                      "md n2 md0 level=raid1 metadata=1.2 raid_disks=2 uuid=u members=n0,n1\n"
                                      "leaf n3 vde UUID=pv\ndm n4 dm-0 name=vg0-crash\n"
                                      "table n4 0 8 linear @n2 2048\n", &s, &err));
        ASSERT_OK(stack_params_resolve(s, devs, "@n2 2048", &p));
        ASSERT_STREQ(p, "9:0 2048");
        ASSERT_ERR(stack_params_resolve(s, devs, "@n1 0", &p), ENODEV);
        ASSERT_ERR(stack_params_resolve(s, devs, "@n9 0", &p), ENOENT);

        /* raid1 runs on one of two; raid5 of 3 misses at most one; raid0 none */
        ASSERT_TRUE(stack_md_can_run(&s->nodes[2], (const bool[]) { true, false }));
        ASSERT_TRUE(!stack_md_can_run(&s->nodes[2], (const bool[]) { false, false }));
        {
                struct stack_node r5 = { .level = (char *) "raid5", .raid_disks = 3, .n_members = 3 },
                                  r0 = { .level = (char *) "raid0", .raid_disks = 2, .n_members = 2 },
                                  r6 = { .level = (char *) "raid6", .raid_disks = 4, .n_members = 4 };

                ASSERT_TRUE(stack_md_can_run(&r5, (const bool[]) { true, false, true }));
                ASSERT_TRUE(!stack_md_can_run(&r5, (const bool[]) { true, false, false }));
                ASSERT_TRUE(!stack_md_can_run(&r0, (const bool[]) { true, false }));
                ASSERT_TRUE(stack_md_can_run(&r6, (const bool[]) { true, false, false, true }));
        }
}

TEST(lvm_names) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *c = NULL;

        ASSERT_OK(lvm_dm_name_split("vg0-crash", &a));
        ASSERT_STREQ(a, "vg0/crash");
        ASSERT_OK(lvm_dm_name_split("my--vg-lv--1", &b));
        ASSERT_STREQ(b, "my-vg/lv-1");
        ASSERT_ERR(lvm_dm_name_split("nodash", &c), EINVAL);
        ASSERT_ERR(lvm_dm_name_split("a-b-c", &c), EINVAL);
}

/* The DM_TABLE_LOAD argument as the kernel's dm-ioctl.c reads it. */
TEST(dm_table_buffer_layout) {
        _cleanup_free_ void *buf = NULL;
        const struct dm_ioctl *io;
        const struct dm_target_spec *spec;
        size_t size, off;
        const struct dm_ioctl_target t[] = {
                { 0, 2088960, "linear", "9:0 2048" },
                { 2088960, 1048576, "striped", "2 128 254:32 2048 254:48 2048" },
        };
        char long_name[DM_NAME_LEN + 1];

        ASSERT_OK(dm_ioctl_table_buffer("vg0-crash", t, 2, &buf, &size));
        io = buf;
        ASSERT_EQ(io->version[0], DM_VERSION_MAJOR);
        ASSERT_EQ(io->data_size, size);
        ASSERT_EQ(io->data_start, sizeof(struct dm_ioctl));
        ASSERT_EQ(io->target_count, 2);
        ASSERT_STREQ(io->name, "vg0-crash");
        off = io->data_start;
        for (size_t i = 0; i < 2; i++) {
                ASSERT_EQ(off % 8, 0);
                spec = (const struct dm_target_spec *) ((const char *) buf + off);
                ASSERT_EQ(spec->sector_start, t[i].start);
                ASSERT_EQ(spec->length, t[i].length);
                ASSERT_STREQ(spec->target_type, t[i].type);
                ASSERT_STREQ((const char *) (spec + 1), t[i].params);
                ASSERT_TRUE(spec->next >= sizeof(*spec) + strlen(t[i].params) + 1);
                off += spec->next;
        }
        ASSERT_EQ(off, size);

        memset(long_name, 'x', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = 0;
        free(buf);
        buf = NULL;
        ASSERT_ERR(dm_ioctl_table_buffer(long_name, t, 1, &buf, &size), EINVAL);
        ASSERT_ERR(dm_ioctl_table_buffer("x", (const struct dm_ioctl_target[]) { { 0, 1, "a-type-name-too-long", "" } },
                                         1, &buf, &size), EINVAL);
}

#define HEX_KEY "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" \
                "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define LUKS_DM_UUID "CRYPT-LUKS2-0a1b2c3d4e5f67890a1b2c3d4e5f6789-secret"
#define KDUMP_KEY "kdump-cryptsetup:vk-0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789"

static void fx_luks(struct fixture *f, const char *name, const char *key_field) {
        static char tables[512];

        fx_init(f, name);
        fx_disk(f, "vdc", 254, 32);
        fx_virtual(f, "dm-0", 253, 0, "dm/name=secret\n;dm/uuid=" LUKS_DM_UUID "\n", (const char *const[]) { "vdc", NULL });
        snprintf(tables, sizeof(tables), "253:0|0 100000 crypt aes-xts-plain64 %s 0 254:32 32768 1 allow_discards\n",
                 key_field);
        f->tables = tables;
        f->probes = "254:32|TYPE=crypto_LUKS\n254:32|PART_ENTRY_UUID=luks-part\n";
}

/* A kernel with CONFIG_CRASH_DM_CRYPT (no Debian kernel has one): the
 * volume is recorded with a reference to the key the capture kernel
 * restores, never with the key, whatever form the running table has. */
TEST(luks_with_key_hand_over) {
        const char *fields[] = { HEX_KEY, ":64:logon:cryptsetup:0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-d0" };

        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                _cleanup_(storage_stack_freep) storage_stack *s = NULL;
                _cleanup_(strv_freep) char **descs = NULL, **mods = NULL;
                _cleanup_free_ char *err = NULL, *text = NULL;
                struct fixture f = {};
                struct stack_host_ops ops;
                char keys_dir[4096 + 64];

                fx_luks(&f, i ? "luks-logon" : "luks-hex", fields[i]);
                snprintf(keys_dir, sizeof(keys_dir), "%s/config/crash_dm_crypt_keys", f.root);
                ASSERT_OK(mkdir_p(keys_dir, 0755));
                f.keys = KDUMP_KEY;
                ops = fx_ops(&f, keys_dir);
                ASSERT_OK(storage_stack_describe(&ops, makedev(253, 0), &s, &err));
                ASSERT_OK(storage_stack_render(s, &text));
                ASSERT_CONTAINS(text, "table n1 0 100000 crypt aes-xts-plain64 :64:user:" KDUMP_KEY
                                      " 0 @n0 32768 1 allow_discards\n");
                ASSERT_TRUE(!strstr(text, "00112233"));
                ASSERT_TRUE(!strstr(text, "logon"));
                ASSERT_OK(crash_keys_of_stack(s, &descs));
                ASSERT_STREQ(descs[0], KDUMP_KEY);
                ASSERT_TRUE(descs[1] == NULL);
                ASSERT_OK(storage_stack_optional_modules(s, &mods));
                ASSERT_STREQ(mods[0], "crypto-aes");
                ASSERT_STREQ(mods[1], "crypto-xts");
                ASSERT_TRUE(mods[2] == NULL);

                /* the key is not in the keyring: refused, saying how to put it there */
                free(err), err = NULL;
                storage_stack_free(s), s = NULL;
                f.keys = NULL;
                ASSERT_ERR(storage_stack_describe(&ops, makedev(253, 0), &s, &err), ENOKEY);
                ASSERT_CONTAINS(err, "--link-vk-to-keyring '@u::%logon:" KDUMP_KEY "'");
                ASSERT_TRUE(!strstr(err, "00112233"));
        }
}

TEST(luks_without_hand_over_says_nothing_secret) {
        _cleanup_(storage_stack_freep) storage_stack *s = NULL;
        _cleanup_free_ char *err = NULL;
        struct fixture f = {};
        struct stack_host_ops ops;

        fx_luks(&f, "luks-nokernel", HEX_KEY);
        ops = fx_ops(&f, NULL);
        ASSERT_ERR(storage_stack_describe(&ops, makedev(253, 0), &s, &err), EOPNOTSUPP);
        ASSERT_CONTAINS(err, "CONFIG_CRASH_DM_CRYPT");
        ASSERT_TRUE(!strstr(err, "00112233"));
}

TEST(crash_key_fields) {
        _cleanup_free_ char *t1 = NULL, *t2 = NULL;
        char *x = NULL;

        ASSERT_OK(crash_key_table_with("aes-xts-plain64 " HEX_KEY " 0 @n0 4096", "kd:vk-1", &t1));
        ASSERT_STREQ(t1, "aes-xts-plain64 :64:user:kd:vk-1 0 @n0 4096");
        ASSERT_OK(crash_key_table_with("aes-cbc-essiv:sha256 :32:logon:cryptsetup:x 0 @n0 0", "kd:vk-2", &t2));
        ASSERT_STREQ(t2, "aes-cbc-essiv:sha256 :32:user:kd:vk-2 0 @n0 0");
        ASSERT_ERR(crash_key_table_with("aes-xts-plain64", "kd", &x), EINVAL);
        ASSERT_ERR(crash_key_table_with("aes-xts-plain64 abc 0 @n0 0", "kd", &x), EINVAL);
}

static char *slurp(const char *dir, const char *rel) {
        _cleanup_free_ char *p = NULL;
        char *s = NULL;

        if (asprintf(&p, "%s/%s", dir, rel) < 0)
                return NULL;
        return read_full_file(p, &s, NULL) >= 0 ? s : NULL;
}

/* What is written where: an item per key with its description, "reuse" on
 * a reload with the same keys, "restore" in the capture kernel; only
 * descriptions, never a key. */
TEST(crash_keys_configfs) {
        char dir[4096];
        char *const two[] = { (char *) KDUMP_KEY, (char *) "kdump-cryptsetup:vk-other", NULL };
        _cleanup_free_ char *d0 = NULL, *d1 = NULL, *reuse = NULL, *restore = NULL;

        snprintf(dir, sizeof(dir), "%s", test_tmp("configfs/crash_dm_crypt_keys"));
        ASSERT_OK(mkdir_p(dir, 0755));
        ASSERT_OK(crash_keys_prepare(dir, two));
        d0 = slurp(dir, "kdumpd-0/description");
        d1 = slurp(dir, "kdumpd-1/description");
        ASSERT_STREQ(d0, KDUMP_KEY "\n");
        ASSERT_STREQ(d1, "kdump-cryptsetup:vk-other\n");
        ASSERT_TRUE(slurp(dir, "reuse") == NULL);

        /* the same keys again (a reload): the kernel's copy is reused */
        ASSERT_OK(crash_keys_prepare(dir, two));
        reuse = slurp(dir, "reuse");
        ASSERT_STREQ(reuse, "1\n");

        ASSERT_OK(crash_keys_restore(dir));
        restore = slurp(dir, "restore");
        ASSERT_STREQ(restore, "1\n");
}

TEST_MAIN()
