/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An SSH server's dumps, as kdumpd reads them after the reboot, and the
 * remote command that lists them. */
#include <unistd.h>

#include "basic/macro.h"
#include "basic/spawn.h"
#include "kdumpd/ssh-dumps.h"
#include "tests.h"

TEST(parse_listing) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        const struct dump_entry *e;

        ASSERT_OK(ssh_dumps_parse(
                "dir 192.168.77.2-2026-12-02-10:00:00\n"
                "file vmcore.flat 46361920\n"
                "file vmcore-dmesg.txt 81234\n"
                "release 6.1.0-57-amd64\n"
                "panic [   18.679324] Kernel panic - not syncing: sysrq triggered crash\n"
                "dir 192.168.77.2-2026-12-01-09:00:00\n"
                "file vmcore-incomplete 1000\n"
                "dir 192.168.77.2-2026-11-30-08:00:00\n"
                "dir 192.168.77.2-2026-11-29-08:00:00\n"
                "file vmcore 5000\n"
                "file vmcore-dmesg.txt 10\n"
                "release \n"
                "panic \n",
                "root@kdump-server:/var/crash", &c));
        /* the empty directory is no dump; oldest first */
        ASSERT_EQ(c->n, 3u);
        e = &c->entries[0];
        ASSERT_STREQ(e->id, "192.168.77.2-2026-11-29-08:00:00");
        ASSERT_STREQ(e->vmcore, "root@kdump-server:/var/crash/192.168.77.2-2026-11-29-08:00:00/vmcore");
        ASSERT_TRUE(e->complete);
        ASSERT_TRUE(e->info_error < 0);         /* release unknown */
        ASSERT_TRUE(e->panic == NULL);
        e = &c->entries[1];
        ASSERT_TRUE(!e->complete);
        ASSERT_CONTAINS(e->incomplete_reason, "the transfer did not finish");
        ASSERT_EQ(e->size, 1000u);
        ASSERT_TRUE(e->dmesg == NULL);
        e = &c->entries[2];
        ASSERT_STREQ(e->dir, "root@kdump-server:/var/crash/192.168.77.2-2026-12-02-10:00:00");
        ASSERT_STREQ(e->vmcore, "root@kdump-server:/var/crash/192.168.77.2-2026-12-02-10:00:00/vmcore.flat");
        ASSERT_STREQ(e->dmesg, "root@kdump-server:/var/crash/192.168.77.2-2026-12-02-10:00:00/vmcore-dmesg.txt");
        ASSERT_EQ(e->size, 46361920u);
        ASSERT_TRUE(e->complete);
        ASSERT_EQ(e->info.format, DUMP_FORMAT_FLATTENED);
        ASSERT_EQ(e->info_error, 0);
        ASSERT_STREQ(e->info.release, "6.1.0-57-amd64");
        ASSERT_STREQ(e->panic, "sysrq triggered crash");
        ASSERT_STREQ(e->host, "192.168.77.2");
        ASSERT_TRUE(e->have_time);
}

/* sealed dumps: the files end in .age, nothing is known inside */
TEST(parse_sealed) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;

        ASSERT_OK(ssh_dumps_parse("dir 10.0.0.5-2026-12-02-10:00:00\n"
                                  "file vmcore-dmesg.txt.age 9000\n"
                                  "file vmcore.age 123456\n", "u@h:/d", &c));
        ASSERT_EQ(c->n, 1u);
        ASSERT_TRUE(c->entries[0].sealed);
        ASSERT_TRUE(c->entries[0].complete);
        ASSERT_STREQ(c->entries[0].vmcore, "u@h:/d/10.0.0.5-2026-12-02-10:00:00/vmcore.age");
        ASSERT_STREQ(c->entries[0].dmesg, "u@h:/d/10.0.0.5-2026-12-02-10:00:00/vmcore-dmesg.txt.age");
        ASSERT_TRUE(c->entries[0].info_error < 0);
}

TEST(parse_refuses_other_lines) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;

        ASSERT_ERR(ssh_dumps_parse("file vmcore 1\n", "x", &c), EBADMSG);
        ASSERT_ERR(ssh_dumps_parse("dir a-2026-01-01-00:00:00\nhello\n", "x", &c), EBADMSG);
        ASSERT_OK(ssh_dumps_parse("", "x", &c));
        ASSERT_EQ(c->n, 0u);
}

/* The command itself, run by a real sh on a fixture tree as the server
 * would; a path with a quote and a space in it stays one path. */
TEST(command_on_a_tree) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        _cleanup_free_ char *base = NULL, *cmd = NULL, *setup = NULL;

        ASSERT_TRUE(asprintf(&base, "%s/it's dumps", test_tmp_dir) > 0);
        ASSERT_TRUE(asprintf(&setup,
                             "mkdir -p \"$1/10.0.0.5-2026-12-02-10:00:00\" \"$1/10.0.0.6-2026-12-02-11:00:00\" && "
                             "printf 'x%%.0s' $(seq 1 1234) > \"$1/10.0.0.5-2026-12-02-10:00:00/vmcore.flat\" && "
                             "printf '[ 0.0] Linux version 6.12.9-amd64 (x) #1\\n[ 5.0] Kernel panic - not syncing: Oops\\n' "
                             "> \"$1/10.0.0.5-2026-12-02-10:00:00/vmcore-dmesg.txt\" && "
                             "echo y > \"$1/10.0.0.6-2026-12-02-11:00:00/vmcore\"") > 0);
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "sh", (char *) "-c", setup, (char *) "sh", base, NULL },
                                &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1 },
                                &res));
        ASSERT_EQ(res.status, 0);
        spawn_result_done(&res);
        ASSERT_OK(ssh_dumps_command(base, (char *const[]) { (char *) "10.0.0.5", NULL }, &cmd));
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "sh", (char *) "-c", cmd, NULL },
                                &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1 },
                                &res));
        ASSERT_EQ(res.status, 0);
        ASSERT_OK(ssh_dumps_parse(res.out, "u@h:/d", &c));
        /* only this machine's */
        ASSERT_EQ(c->n, 1u);
        ASSERT_EQ(c->entries[0].size, 1234u);
        ASSERT_STREQ(c->entries[0].info.release, "6.12.9-amd64");
        ASSERT_STREQ(c->entries[0].panic, "Oops");

        /* under either address: this machine's current one and one its
         * capture kernel was loaded with before (capture-addresses.h) */
        spawn_result_done(&res);
        free(cmd);
        cmd = NULL;
        c = dump_catalog_free(c);
        ASSERT_OK(ssh_dumps_command(base, (char *const[]) { (char *) "10.0.0.9", (char *) "10.0.0.6", (char *) "10.0.0.5", NULL },
                                    &cmd));
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "sh", (char *) "-c", cmd, NULL },
                                &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1 },
                                &res));
        ASSERT_EQ(res.status, 0);
        ASSERT_OK(ssh_dumps_parse(res.out, "u@h:/d", &c));
        ASSERT_EQ(c->n, 2u);
        ASSERT_EQ(ssh_dumps_command(base, (char *const[]) { NULL }, &cmd), -EINVAL);
}

TEST_MAIN()
