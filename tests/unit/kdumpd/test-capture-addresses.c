/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The addresses a machine's capture kernels were loaded with: newest last
 * in the file, each once, at most CAPTURE_ADDRESSES_MAX; looked up current
 * first, then newest first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "kdumpd/capture-addresses.h"
#include "tests.h"

TEST(add_moves_to_the_end_and_keeps_the_newest) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *text = NULL;
        char addr[32];

        ASSERT_OK(capture_addresses_add(NULL, "192.168.1.2", &a));
        ASSERT_STREQ(a, "192.168.1.2\n");
        ASSERT_OK(capture_addresses_add(a, "fd00::2", &b));
        ASSERT_STREQ(b, "192.168.1.2\nfd00::2\n");
        ASSERT_OK(capture_addresses_add(b, "192.168.1.2", &c));
        ASSERT_STREQ(c, "fd00::2\n192.168.1.2\n");

        text = strdup("");
        ASSERT_TRUE(text);
        for (unsigned i = 1; i <= CAPTURE_ADDRESSES_MAX + 3; i++) {
                char *next;
                snprintf(addr, sizeof(addr), "10.0.0.%u", i);
                ASSERT_OK(capture_addresses_add(text, addr, &next));
                free(text);
                text = next;
        }
        /* the last MAX: 10.0.0.4 ... 10.0.0.11 */
        ASSERT_TRUE(strncmp(text, "10.0.0.4\n", 9) == 0);
        ASSERT_TRUE(strstr(text, "10.0.0.3\n") == NULL);
        ASSERT_TRUE(strlen(text) > 10 && strcmp(text + strlen(text) - 10, "10.0.0.11\n") == 0);

        ASSERT_ERR(capture_addresses_add(NULL, "", &a), EINVAL);
        ASSERT_ERR(capture_addresses_add(NULL, "10.0.0.1 x", &a), EINVAL);
        ASSERT_ERR(capture_addresses_add(NULL, "../x", &a), EINVAL);
}

TEST(parse_skips_what_is_not_an_address) {
        _cleanup_(strv_freep) char **v = NULL;

        ASSERT_OK(capture_addresses_parse("10.0.0.1\n\nbad line\n10.0.0.2\n", &v));
        ASSERT_STREQ(v[0], "10.0.0.2");
        ASSERT_STREQ(v[1], "10.0.0.1");
        ASSERT_TRUE(v[2] == NULL);
        v = strv_free(v);
        ASSERT_OK(capture_addresses_parse(NULL, &v));
        ASSERT_TRUE(v && v[0] == NULL);
}

TEST(remember_and_look_up) {
        _cleanup_(strv_freep) char **v = NULL;
        _cleanup_free_ char *d = NULL, *path = NULL;
        const char *dir = test_tmp("state");
        struct stat st;

        /* nothing remembered: the current address only */
        ASSERT_OK(capture_addresses_lookup(dir, "10.0.0.9", &v));
        ASSERT_STREQ(v[0], "10.0.0.9");
        ASSERT_TRUE(v[1] == NULL);
        d = capture_addresses_describe(v);
        ASSERT_STREQ(d, "10.0.0.9");
        v = strv_free(v);
        free(d);
        d = NULL;

        ASSERT_OK(capture_addresses_remember(dir, "10.0.0.2"));
        ASSERT_OK(capture_addresses_remember(dir, "10.0.0.3"));
        ASSERT_OK(capture_addresses_remember(dir, "10.0.0.9"));
        ASSERT_TRUE(asprintf(&path, "%s/" CAPTURE_ADDRESSES_FILE, dir) > 0);
        ASSERT_OK(stat(path, &st) < 0 ? -errno : 0);
        ASSERT_EQ(st.st_mode & 07777, 0600);

        /* current first, then the others newest first, each once */
        ASSERT_OK(capture_addresses_lookup(dir, "10.0.0.2", &v));
        ASSERT_STREQ(v[0], "10.0.0.2");
        ASSERT_STREQ(v[1], "10.0.0.9");
        ASSERT_STREQ(v[2], "10.0.0.3");
        ASSERT_TRUE(v[3] == NULL);
        d = capture_addresses_describe(v);
        ASSERT_STREQ(d, "10.0.0.2, earlier 10.0.0.9 10.0.0.3");
}

TEST_MAIN()
