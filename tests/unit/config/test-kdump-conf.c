/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/macro.h"
#include "config/kdump-conf.h"
#include "tests.h"

TEST(defaults_when_empty) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("", "x.conf", &c, NULL));
        ASSERT_TRUE(c->fstype == NULL && c->device == NULL);
        ASSERT_STREQ(c->path, "/var/crash");
        ASSERT_STREQ(c->core_collector, "kdump-collect -l -d 31");
}

TEST(default_collector_argv) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        char **argv = NULL;

        ASSERT_OK(kdump_config_parse("path /crash\n", "x.conf", &c, NULL));
        ASSERT_OK(kdump_config_collector_argv(c, &argv));
        ASSERT_STREQ(argv[0], "kdump-collect");
        ASSERT_STREQ(argv[1], "-l");
        ASSERT_STREQ(argv[2], "-d");
        ASSERT_STREQ(argv[3], "31");
        ASSERT_TRUE(argv[4] == NULL);
        kdump_config_argv_free(argv);
}

TEST(missing_file_is_defaults) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_load(test_tmp("does-not-exist.conf"), &c, NULL));
        ASSERT_STREQ(c->path, "/var/crash");
}

TEST(full_file) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;
        char **argv = NULL;

        ASSERT_OK(kdump_config_load(test_fixture("config/full.conf"), &c, &err));
        ASSERT_STREQ(c->fstype, "ext4");
        ASSERT_STREQ(c->device, "LABEL=KDUMP");
        ASSERT_EQ(c->target_line, 2);
        ASSERT_STREQ(c->path, "/crash");
        ASSERT_OK(kdump_config_collector_argv(c, &argv));
        ASSERT_STREQ(argv[0], "kdump-collect");
        ASSERT_STREQ(argv[1], "-d");
        ASSERT_STREQ(argv[2], "1");
        ASSERT_TRUE(argv[3] == NULL);
        kdump_config_argv_free(argv);
}

TEST(error_names_file_line_and_key) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(kdump_config_load(test_fixture("config/bad-key.conf"), &c, &err), EINVAL);
        ASSERT_TRUE(c == NULL);
        ASSERT_CONTAINS(err, "config/bad-key.conf:3: ");
        ASSERT_CONTAINS(err, "unknown option 'dumplevel'");
        ASSERT_CONTAINS(err, "supported: ext4, xfs, path, core_collector");
}

static const struct {
        const char *text;
        const char *error;
} bad[] = {
        { "ext4\n", "x.conf:1: 'ext4' needs a device" },
        { "ext4 sdb1\n", "x.conf:1: invalid device 'sdb1'" },
        { "ext4 UUID=\n", "invalid device 'UUID='" },
        { "ext4 /dev/vdb /dev/vdc\n", "takes exactly one device" },
        { "xfs /dev/vdb\next4 /dev/vdc\n", "x.conf:2: a dump target was already set on line 1" },
        { "path var/crash\n", "x.conf:1: path must be an absolute directory" },
        { "\n\npath /a\npath /b\n", "x.conf:4: path was already set on line 3" },
        { "core_collector\n", "core_collector needs a command" },
        { "core_collector \"makedumpfile -l\"\n", "quotes are not supported" },
        { "nfs server:/export\n", "'nfs' is a kdump.conf option that kdumpd does not support yet" },
        { "failure_action shell\n", "'failure_action' is a kdump.conf option" },
        { "btrfs /dev/vdb\n", "does not support yet" },
        { "hello world\n", "unknown option 'hello'" },
        { "loader kexec\n", "x.conf:1: loader must be file, classic or auto" },
};

TEST(loader_key) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("loader classic\n", "x.conf", &c, NULL));
        ASSERT_STREQ(c->loader, "classic");
}

TEST(bad_lines) {
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;
                _cleanup_free_ char *err = NULL;

                ASSERT_ERR(kdump_config_parse(bad[i].text, "x.conf", &c, &err), EINVAL);
                ASSERT_CONTAINS(err, bad[i].error);
        }
}

TEST(overlong_line) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL, *text = malloc(KDUMP_CONF_LINE_MAX + 20);

        memset(text, 'a', KDUMP_CONF_LINE_MAX + 10);
        text[KDUMP_CONF_LINE_MAX + 10] = 0;
        ASSERT_ERR(kdump_config_parse(text, "x.conf", &c, &err), EINVAL);
        ASSERT_CONTAINS(err, "x.conf:1: line is longer than");
}

TEST(comments_and_crlf) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("  # x\r\nxfs UUID=abc\r\n\t\r\n", "x.conf", &c, NULL));
        ASSERT_STREQ(c->fstype, "xfs");
        ASSERT_STREQ(c->device, "UUID=abc");
}

TEST_MAIN()
