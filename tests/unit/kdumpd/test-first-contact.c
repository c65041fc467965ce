/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdumpctl as a new user meets it: the configuration is checked before the
 * machine, so a bad line is reported at once, not after a reboot for the
 * reservation.  The program runs as nobody (setpriv when the tests run as
 * root): it then can never load anything, whatever this machine reserves. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "tests.h"

/* A configuration file nobody can read (the test's directory opened up). */
static const char *conf(const char *name, const char *text) {
        const char *p = test_tmp(name);

        ASSERT_OK(chmod(test_tmp_dir, 0755) < 0 ? -errno : 0);
        ASSERT_OK(write_file_atomic(p, text, strlen(text), 0644));
        return p;
}

/* kdumpctl -c CONF VERB as an unprivileged user; its stderr in *ret_err. */
static int kdumpctl_as_nobody(const char *config, const char *verb, char **ret_err) {
        const char *exe = getenv("KDUMPCTL");
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        char *argv[12];
        size_t n = 0;

        ASSERT_TRUE(exe != NULL);
        if (geteuid() == 0) {
                argv[n++] = (char *) "setpriv";
                argv[n++] = (char *) "--reuid=65534";
                argv[n++] = (char *) "--regid=65534";
                argv[n++] = (char *) "--clear-groups";
        }
        argv[n++] = (char *) exe;
        argv[n++] = (char *) "-c";
        argv[n++] = (char *) config;
        argv[n++] = (char *) "--state-dir";
        argv[n++] = (char *) test_tmp("state");
        argv[n++] = (char *) verb;
        argv[n] = NULL;
        ASSERT_OK(spawn_capture(argv, &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1,
                                                            .stdout_fd = -1, .timeout_ms = 30000 }, &res));
        *ret_err = TAKE_PTR(res.err);
        return res.status;
}

TEST(bad_line_is_reported_first) {
        static const char *const verbs[] = { "start", "reload", "restart" };
        const char *bad = conf("bad.conf", "path /var/crash\ncore_collector kdump-collect -l -d 31\nno_such_key 12\n");

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                _cleanup_free_ char *err = NULL;

                ASSERT_EQ(kdumpctl_as_nobody(bad, verbs[i], &err), 1);
                /* the file, the line, the key, and what would be right */
                ASSERT_CONTAINS(err, "bad.conf:3: no_such_key: unknown option (supported: ");
                /* and nothing about the machine */
                ASSERT_TRUE(strstr(err, "reserv") == NULL);
                ASSERT_TRUE(strstr(err, "root") == NULL);
        }
}

TEST(good_config_goes_on_to_the_machine) {
        const char *good = conf("good.conf", "path /var/crash\n");
        _cleanup_free_ char *err = NULL;

        ASSERT_EQ(kdumpctl_as_nobody(good, "start", &err), 1);
        ASSERT_CONTAINS(err, "needs root");
}

TEST_MAIN()
