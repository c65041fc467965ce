/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The envelope block of a sealed dump on a raw device: written and read
 * back, the keys kept while they fit, and every block that is not one
 * (another signature, a missing or malformed line) told apart. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "seal/raw-envelope.h"
#include "tests.h"

#define HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"

TEST(round_trip) {
        uint8_t block[RAW_ENVELOPE_SIZE];
        struct raw_envelope e = {};

        ASSERT_OK(raw_envelope_format(123456789012ull, HEX, "# analysts\n" KEY "\n  " KEY "  \n\n", block));
        ASSERT_STREQ((const char *) block, RAW_ENVELOPE_SIGNATURE "length 123456789012\nsha256 " HEX "\n"
                     "recipient " KEY "\nrecipient " KEY "\n");
        for (size_t i = strlen((const char *) block); i < sizeof(block); i++)
                ASSERT_EQ(block[i], 0);
        ASSERT_OK(raw_envelope_parse(block, sizeof(block), &e));
        ASSERT_EQ(e.length, 123456789012ull);
        ASSERT_STREQ(e.sha256, HEX);
        ASSERT_STREQ(e.recipients, KEY "\n" KEY "\n");
        raw_envelope_done(&e);

        ASSERT_OK(raw_envelope_format(0, HEX, NULL, block));
        ASSERT_OK(raw_envelope_parse(block, sizeof(block), &e));
        ASSERT_EQ(e.length, 0);
        ASSERT_TRUE(e.recipients == NULL);
}

/* More keys than the block holds: none rather than a short list. */
TEST(too_many_keys) {
        char keys[80 * 100] = "";
        uint8_t block[RAW_ENVELOPE_SIZE];
        struct raw_envelope e = {};

        for (int i = 0; i < 100; i++)
                strcat(keys, KEY "\n");
        ASSERT_OK(raw_envelope_format(42, HEX, keys, block));
        ASSERT_TRUE(strstr((const char *) block, "recipient") == NULL);
        ASSERT_OK(raw_envelope_parse(block, sizeof(block), &e));
        ASSERT_EQ(e.length, 42);
        ASSERT_TRUE(e.recipients == NULL);
}

TEST(not_an_envelope) {
        uint8_t block[RAW_ENVELOPE_SIZE] = {};
        struct raw_envelope e;

        /* a zeroed block (cleared, or a capture cut short) and the
         * flattened stream's header are no sealed dump */
        ASSERT_ERR(raw_envelope_parse(block, sizeof(block), &e), ENOMSG);
        memcpy(block, "makedumpfile", 12);
        ASSERT_ERR(raw_envelope_parse(block, sizeof(block), &e), ENOMSG);

        ASSERT_ERR(raw_envelope_format(1, "0123", NULL, block), EINVAL);
        ASSERT_ERR(raw_envelope_format(1, "X123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL, block),
                   EINVAL);

        static const char *const bad[] = {
                RAW_ENVELOPE_SIGNATURE "sha256 " HEX "\n",                       /* no length */
                RAW_ENVELOPE_SIGNATURE "length 12\n",                              /* no digest */
                RAW_ENVELOPE_SIGNATURE "length twelve\nsha256 " HEX "\n",
                RAW_ENVELOPE_SIGNATURE "length 12\nsha256 0123\n",
                RAW_ENVELOPE_SIGNATURE "length 12\nsha256 " HEX "\nnospace\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                memset(block, 0, sizeof(block));
                memcpy(block, bad[i], strlen(bad[i]));
                printf("# bad envelope %zu\n", i);
                ASSERT_ERR(raw_envelope_parse(block, sizeof(block), &e), EBADMSG);
        }
}

TEST_MAIN()
