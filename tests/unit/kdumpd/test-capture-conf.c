/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capture.conf that goes into the initramfs carries what the capture
 * /init acts on, and reads back as the same settings. */
#include <errno.h>

#include "basic/macro.h"
#include "kdumpd/capture-image.h"
#include "kdumpd/dump-target.h"
#include "tests.h"

TEST(actions_and_hooks_reach_the_capture) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL, *back = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL;
        dump_target t = { .fstype = (char *) "xfs", .spec = (char *) "UUID=1", .devnode = (char *) "/dev/vdb",
                          .path = (char *) "/crash" };

        ASSERT_OK(kdump_config_parse("failure_action poweroff\nfinal_action halt\nkdump_pre /usr/bin/pre\n"
                                     "kdump_post /usr/bin/post\nextra_modules nvme\nforce_rebuild 1\n",
                                     "kdump.conf", &c, NULL));
        ASSERT_OK(capture_conf_render(c, &t, &text));
        ASSERT_OK(kdump_config_parse(text, "capture.conf", &back, &err));
        ASSERT_EQ(back->failure_action, KDUMP_ACTION_POWEROFF);
        ASSERT_EQ(back->final_action, KDUMP_ACTION_HALT);
        ASSERT_STREQ(back->kdump_pre, "/usr/bin/pre");
        ASSERT_STREQ(back->kdump_post, "/usr/bin/post");
        ASSERT_STREQ(back->device, "UUID=1");
        /* Build-time settings stay out of the capture. */
        ASSERT_TRUE(back->extra_modules == NULL);
        ASSERT_TRUE(!back->force_rebuild);
}

TEST(defaults_render_as_reboot) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL, *back = NULL;
        _cleanup_free_ char *text = NULL;
        dump_target t = { .fstype = (char *) "ext4", .spec = (char *) "LABEL=K", .devnode = (char *) "/dev/vdb",
                          .path = (char *) "/" };

        ASSERT_OK(kdump_config_parse("", "kdump.conf", &c, NULL));
        ASSERT_OK(capture_conf_render(c, &t, &text));
        ASSERT_CONTAINS(text, "failure_action reboot\nfinal_action reboot\n");
        ASSERT_TRUE(!strstr(text, "kdump_pre"));
        ASSERT_OK(kdump_config_parse(text, "capture.conf", &back, NULL));
}

/* kdump-collect opens libsnappy with dlopen(): the builder must see -p in
 * every form getopt accepts, and nothing else. */
TEST(snappy_is_needed_only_for_p) {
        static const struct { const char *args[6]; bool want; } rows[] = {
                { { "kdump-collect", "-p", "-d", "31" }, true },
                { { "kdump-collect", "-d", "31", "-p" }, true },
                { { "kdump-collect", "-Ep" }, true },
                { { "kdump-collect", "-pd31" }, true },
                { { "kdump-collect", "-l", "-d", "31" }, false },
                { { "kdump-collect", "-d", "-p" }, false },        /* -p is -d's value here */
                { { "kdump-collect", "-d31", "-c" }, false },
                { { "kdump-collect", "-dp" }, false },              /* value of -d */
                { { "kdump-collect", "--message-level", "-p" }, false },
                { { "kdump-collect", "--", "-p" }, false },
                { { "kdump-collect" }, false },
        };

        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                printf("# row %zu\n", i);
                ASSERT_EQ(capture_collector_needs_snappy((char *const *) rows[i].args), rows[i].want);
        }
}

TEST_MAIN()
