/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which mount kdumpd.service is ordered after (kdumpd/mount-order.h), on
 * fstab texts written here, and the generator binary on fixture files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "kdumpd/mount-order.h"
#include "tests.h"

static const char fstab[] =
        "# /etc/fstab: static file system information.\n"
        "UUID=0a1b2c3d-1111-2222-3333-444455556666 /               ext4    errors=remount-ro 0 1\n"
        "UUID=0A1B2C3D-9999-2222-3333-444455556666 /boot           ext4    defaults 0 2\n"
        "LABEL=\"KDUMP\"     /kdump          ext4    defaults        0 2\n"
        "/dev/vdc          /srv/dumps\\040here xfs defaults      0 2\n"
        "PARTLABEL=crash   /var/crash      ext4    nofail          0 2\n"
        "LABEL=later       /mnt/later      ext4    noauto,user     0 0\n"
        "/dev/vda3         none            swap    sw              0 0\n"
        "tmpfs             /var/tmp        tmpfs   defaults        0 0\n"
        "\t/dev/vdd\t/var\text4\tdefaults\t0\t2\n";

static const char *where_for(const char *conf_text) {
        static char buf[4096];
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *where = NULL;
        int r;

        _cleanup_free_ char *err = NULL;
        if (kdump_config_parse(conf_text, "kdump.conf", &c, &err) < 0)
                TEST_FAIL("%s: %s", conf_text, err);
        r = dump_target_mount_point(c, fstab, &where);
        ASSERT_OK(r);
        if (r == 0)
                return "";
        snprintf(buf, sizeof(buf), "%s", where);
        return buf;
}

TEST(target_device_in_fstab) {
        static const struct { const char *conf, *where; } t[] = {
                /* As written, quotes and all. */
                { "ext4 LABEL=KDUMP\npath /crash\n", "/kdump" },
                { "ext4 /dev/disk/by-label/KDUMP\n", "/kdump" },
                /* UUIDs in either case. */
                { "ext4 UUID=0a1b2c3d-9999-2222-3333-444455556666\n", "/boot" },
                { "ext4 /dev/disk/by-uuid/0A1B2C3D-1111-2222-3333-444455556666\n", "/" },
                { "xfs /dev/vdc\n", "/srv/dumps here" },                /* \040 */
                { "ext4 /dev/disk/by-partlabel/crash\n", "/var/crash" },   /* fstab: PARTLABEL= */
                /* noauto: nothing mounts it at boot. */
                { "ext4 LABEL=later\n", "" },
                /* Not in fstab: no ordering (kdumpd says where it looked). */
                { "ext4 LABEL=elsewhere\n", "" },
                /* A label is case-sensitive, unlike a UUID. */
                { "ext4 LABEL=kdump\n", "" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                const char *w = where_for(t[i].conf);
                if (strcmp(w, t[i].where) != 0)
                        TEST_FAIL("case %zu (%s): \"%s\", expected \"%s\"", i, t[i].conf, w, t[i].where);
        }
}

TEST(path_on_this_machine) {
        static const struct { const char *conf, *where; } t[] = {
                { "path /var/crash\n", "/var/crash" },                  /* the longest that holds it */
                { "path /var/crash/sub\n", "/var/crash" },
                { "path /var/crashes\n", "/var" },                       /* whole components only */
                { "path /var/tmp/x\n", "/var/tmp" },
                { "path /crash\n", "" },                                 /* only "/" holds it */
                { "", "/var/crash" },                                    /* the default path, /var/crash */
                /* raw: saved to path on this machine. */
                { "raw /dev/vdc\npath /var/crash/raw\n", "/var/crash" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                const char *w = where_for(t[i].conf);
                if (strcmp(w, t[i].where) != 0)
                        TEST_FAIL("case %zu (%s): \"%s\", expected \"%s\"", i, t[i].conf, w, t[i].where);
        }
}

TEST(mount_unit_names) {
        /* As systemd-escape --path --suffix=mount prints them. */
        static const struct { const char *path, *unit; } t[] = {
                { "/", "-.mount" },
                { "/kdump", "kdump.mount" },
                { "/var/crash", "var-crash.mount" },
                { "/var//crash/", "var-crash.mount" },
                { "/srv/dumps here", "srv-dumps\\x20here.mount" },
                { "/a-b", "a\\x2db.mount" },
                { "/.hidden/x.y", "\\x2ehidden-x.y.mount" },
                { "/mnt/caf\xc3\xa9", "mnt-caf\\xc3\\xa9.mount" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *u = NULL;
                ASSERT_OK(mount_unit_from_path(t[i].path, &u));
                ASSERT_STREQ(u, t[i].unit);
        }
        {
                _cleanup_free_ char *u = NULL;
                ASSERT_ERR(mount_unit_from_path("var/crash", &u), EINVAL);
                ASSERT_ERR(mount_unit_from_path("/var/../crash", &u), EINVAL);
                ASSERT_ERR(mount_unit_from_path("/var/./crash", &u), EINVAL);
        }
}

TEST(systemd_escape_agrees) {
        static const char *const paths[] = { "/kdump", "/var/crash", "/srv/dumps here", "/a-b", "/.hidden/x.y" };

        if (access("/usr/bin/systemd-escape", X_OK) < 0) {
                printf("# systemd-escape not installed; the table above stands alone\n");
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_free_ char *u = NULL;
                char cmd[512], out[512] = "";
                FILE *p;

                ASSERT_OK(mount_unit_from_path(paths[i], &u));
                snprintf(cmd, sizeof(cmd), "/usr/bin/systemd-escape --path --suffix=mount '%s'", paths[i]);
                p = popen(cmd, "r");
                ASSERT_TRUE(p);
                if (!fgets(out, sizeof(out), p))
                        out[0] = 0;
                pclose(p);
                out[strcspn(out, "\n")] = 0;
                ASSERT_STREQ(u, out);
        }
}

static int run_generator(const char *conf, const char *fstab_path, const char *outdir) {
        char cmd[8192];
        int status;

        snprintf(cmd, sizeof(cmd), "KDUMPD_GENERATOR_CONF='%s' KDUMPD_GENERATOR_FSTAB='%s' '%s' '%s' '%s' '%s' 2>/dev/null",
                 conf, fstab_path, getenv("KDUMPD_GENERATOR"), outdir, outdir, outdir);
        status = system(cmd);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(generator_binary) {
        char conf[1024], ft[1024], out[1024], dropin[1200];
        _cleanup_free_ char *text = NULL;
        size_t n;

        snprintf(conf, sizeof(conf), "%s", test_tmp("kdump.conf"));
        snprintf(ft, sizeof(ft), "%s", test_tmp("fstab"));
        snprintf(out, sizeof(out), "%s", test_tmp("gen"));
        snprintf(dropin, sizeof(dropin), "%s/kdumpd.service.d/50-dump-target.conf", out);
        ASSERT_OK(mkdir_p(out, 0755));
        ASSERT_OK(write_file_atomic(ft, fstab, strlen(fstab), 0644));

        ASSERT_OK(write_file_atomic(conf, "ext4 LABEL=KDUMP\npath /crash\n", 29, 0644));
        ASSERT_EQ(run_generator(conf, ft, out), 0);
        ASSERT_OK(read_full_file(dropin, &text, &n));
        ASSERT_CONTAINS(text, "\nWants=kdump.mount\n");
        ASSERT_CONTAINS(text, "\nAfter=kdump.mount\n");
        ASSERT_TRUE(!strstr(text, "\nRequires"));

        /* An NFS export: after the network is configured. */
        ASSERT_OK(unlink(dropin));
        free(text);
        text = NULL;
        ASSERT_OK(write_file_atomic(conf, "nfs server:/srv/crash\n", 22, 0644));
        ASSERT_EQ(run_generator(conf, ft, out), 0);
        ASSERT_OK(read_full_file(dropin, &text, &n));
        ASSERT_CONTAINS(text, "\nWants=network-online.target\n");
        ASSERT_CONTAINS(text, "\nAfter=network-online.target\n");

        /* A target fstab does not mount: no drop-in, and no failure. */
        ASSERT_OK(unlink(dropin));
        ASSERT_OK(write_file_atomic(conf, "ext4 LABEL=nowhere\n", 19, 0644));
        ASSERT_EQ(run_generator(conf, ft, out), 0);
        ASSERT_TRUE(access(dropin, F_OK) < 0);

        /* A kdump.conf with an error: kdumpd reports it; the boot goes on. */
        ASSERT_OK(write_file_atomic(conf, "no_such_key 1\n", 14, 0644));
        ASSERT_EQ(run_generator(conf, ft, out), 0);
        ASSERT_TRUE(access(dropin, F_OK) < 0);

        /* Wrong arguments are an error. */
        {
                char cmd[2048];
                snprintf(cmd, sizeof(cmd), "'%s' a b 2>/dev/null", getenv("KDUMPD_GENERATOR"));
                ASSERT_TRUE(WEXITSTATUS(system(cmd)) == 1);
        }
}

TEST_MAIN()
