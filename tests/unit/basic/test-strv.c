/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "tests.h"

static void expect_words(const char *s, const char *const *want) {
        _cleanup_(strv_freep) char **v = NULL;
        size_t i = 0;

        ASSERT_OK(strv_split_words(s, &v));
        for (; want[i]; i++)
                ASSERT_STREQ(v[i], want[i]);
        ASSERT_TRUE(v[i] == NULL);
}

/* As sh would split them, with nothing expanded. */
TEST(split_words) {
        expect_words("", (const char *const[]) { NULL });
        expect_words(" \t ", (const char *const[]) { NULL });
        expect_words("--add lvm", (const char *const[]) { "--add", "lvm", NULL });
        expect_words("  --omit-drivers \"cfg80211 snd\"\t--x", (const char *const[]) { "--omit-drivers", "cfg80211 snd", "--x", NULL });
        expect_words("'a b'c \"\" ''", (const char *const[]) { "a bc", "", "", NULL });
        expect_words("\"say \\\"hi\\\" \\\\ \\n\"", (const char *const[]) { "say \"hi\" \\ \\n", NULL });
        expect_words("a\\ b 'x\\y' $HOME", (const char *const[]) { "a b", "x\\y", "$HOME", NULL });
        expect_words("--conf=\"/etc/my dracut.conf\"", (const char *const[]) { "--conf=/etc/my dracut.conf", NULL });
}

TEST(unterminated_quotes) {
        char **v = NULL;

        ASSERT_ERR(strv_split_words("--add \"lvm", &v), EINVAL);
        ASSERT_ERR(strv_split_words("'", &v), EINVAL);
        ASSERT_TRUE(v == NULL);
}

TEST_MAIN()
