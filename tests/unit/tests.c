/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"

jmp_buf test_jmp;
const char *test_fixture_dir = NULL;
const char *test_tmp_dir = NULL;

extern const struct test_case __start_test_cases[];
extern const struct test_case __stop_test_cases[];

const char *test_fixture(const char *rel) {
        static char buf[8][4096];
        static unsigned i;
        char *b = buf[i++ % 8];

        snprintf(b, sizeof(buf[0]), "%s/%s", test_fixture_dir, rel);
        return b;
}

const char *test_tmp(const char *rel) {
        static char buf[8][4096];
        static unsigned i;
        char *b = buf[i++ % 8];

        snprintf(b, sizeof(buf[0]), "%s/%s", test_tmp_dir, rel);
        return b;
}

static char tmpl[] = "/tmp/kdumpd-test.XXXXXX";

static void cleanup_tmp(void) {
        char cmd[128];

        if (getenv("KDUMPD_TEST_KEEP"))
                return;
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
        (void) !system(cmd);
}

int test_run(int argc, char **argv) {
        const struct test_case *t;
        volatile unsigned failed = 0, i = 0;
        unsigned n = 0;
        const char *only = argc > 1 ? argv[1] : NULL;

        test_fixture_dir = getenv("KDUMPD_FIXTURES");
        if (!test_fixture_dir)
                test_fixture_dir = FIXTURE_DIR;
        if (!mkdtemp(tmpl)) {
                printf("Bail out! mkdtemp: %s\n", strerror(errno));
                return 1;
        }
        test_tmp_dir = tmpl;
        atexit(cleanup_tmp);

        for (t = __start_test_cases; t < __stop_test_cases; t++)
                if (!only || strcmp(only, t->name) == 0)
                        n++;
        printf("1..%u\n", n);
        for (t = __start_test_cases; t < __stop_test_cases; t++) {
                if (only && strcmp(only, t->name) != 0)
                        continue;
                i++;
                fflush(stdout);
                if (setjmp(test_jmp) == 0) {
                        t->fn();
                        printf("ok %u - %s\n", i, t->name);
                } else {
                        printf("not ok %u - %s\n", i, t->name);
                        failed++;
                }
        }
        return failed ? 1 : 0;
}
