/* SPDX-License-Identifier: GPL-2.0-or-later */
/* age X25519 keys and key files: what parses, and the sentence for each
 * thing that does not. */

#include <errno.h>
#include <stdlib.h>

#include "basic/macro.h"
#include "seal/age-key.h"
#include "seal/bech32.h"
#include "seal-test.h"

/* The example pair of c2sp.org/age, "The X25519 recipient type". */
#define SPEC_IDENTITY "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
#define SPEC_RECIPIENT "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"

static char *recipient_error(const char *s, int expected) {
        uint8_t key[AGE_X25519_KEY_SIZE];
        char *msg = NULL;

        ASSERT_ERR(age_recipient_parse(s, key, &msg), expected);
        ASSERT_TRUE(msg != NULL);
        return msg;
}

static char *identity_error(const char *s, int expected) {
        uint8_t key[AGE_X25519_KEY_SIZE];
        char *msg = NULL;

        ASSERT_ERR(age_identity_parse(s, key, &msg), expected);
        ASSERT_TRUE(msg != NULL);
        return msg;
}

TEST(spec_pair) {
        uint8_t secret[32], pub[32], derived[32];
        _cleanup_free_ char *msg = NULL, *s = NULL;

        ASSERT_OK(age_identity_parse(SPEC_IDENTITY, secret, &msg));
        ASSERT_OK(age_recipient_parse(SPEC_RECIPIENT, pub, &msg));
        ASSERT_OK(age_identity_to_recipient(secret, derived));
        ASSERT_TRUE(memcmp(pub, derived, 32) == 0);
        ASSERT_OK(age_recipient_format(derived, &s));
        ASSERT_STREQ(s, SPEC_RECIPIENT);
}

TEST(private_key_given_as_recipient) {
        _cleanup_free_ char *msg = recipient_error(SPEC_IDENTITY, EINVAL);

        ASSERT_STREQ(msg, "this is a private key (identity); give its public key, from `age-keygen -y FILE`");
}

TEST(ssh_recipients) {
        _cleanup_free_ char *ed = recipient_error(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@rust", EOPNOTSUPP);
        _cleanup_free_ char *rsa = recipient_error("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host", EOPNOTSUPP);

        ASSERT_STREQ(ed, "an SSH public key (ssh-ed25519) is not supported: only X25519 age1… keys");
        ASSERT_STREQ(rsa, "an SSH public key (ssh-rsa) is not supported: only X25519 age1… keys");
}

TEST(wrong_checksum) {
        char s[] = SPEC_RECIPIENT;
        _cleanup_free_ char *msg = NULL;

        s[sizeof(s) - 2] = s[sizeof(s) - 2] == 'q' ? 'p' : 'q';
        msg = recipient_error(s, EBADMSG);
        ASSERT_STREQ(msg, "wrong checksum in this age1… key: a typo, or a key cut short?");
}

TEST(cut_short) {
        char s[] = SPEC_RECIPIENT;
        _cleanup_free_ char *msg = NULL;

        s[40] = 0;
        msg = recipient_error(s, EBADMSG);
        ASSERT_CONTAINS(msg, "wrong checksum");
}

TEST(wrong_length) {
        _cleanup_free_ char *s = NULL, *msg = NULL, *t = NULL, *msg2 = NULL;
        uint8_t key[33] = { 1, 2, 3 };

        ASSERT_OK(bech32_encode("age", key, 31, &s));
        msg = recipient_error(s, EINVAL);
        ASSERT_STREQ(msg, "wrong length: this age1… key holds 31 bytes, an X25519 key has 32");
        ASSERT_OK(bech32_encode("AGE-SECRET-KEY-", key, 33, &t));
        msg2 = identity_error(t, EINVAL);
        ASSERT_STREQ(msg2, "wrong length: this AGE-SECRET-KEY-1… key holds 33 bytes, an X25519 key has 32");
}

TEST(mixed_and_upper_case) {
        char mixed[] = SPEC_RECIPIENT, upper[] = SPEC_RECIPIENT;
        _cleanup_free_ char *m1 = NULL, *m2 = NULL;

        mixed[10] = 'A';
        for (char *p = upper; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                        *p = (char) (*p - 'a' + 'A');
        m1 = recipient_error(mixed, EINVAL);
        ASSERT_STREQ(m1, "malformed age1… key: it mixes upper and lower case");
        m2 = recipient_error(upper, EINVAL);
        ASSERT_STREQ(m2, "this key is in upper case; age1… recipients are written in lower case");
}

TEST(other_recipient_kinds) {
        static const struct {
                const char *s;
                int error;
                const char *msg;
        } cases[] = {
                { "age1pq1qqqqqqqqqqqq", EOPNOTSUPP,
                  "a post-quantum (age1pq1…) recipient is not supported: only X25519 age1… keys" },
                { "age1tag1qqqqqqqq", EOPNOTSUPP,
                  "a hardware-tag (age1tag…) recipient is not supported: only X25519 age1… keys" },
                { "age1yubikey1qqqqqqqq", EOPNOTSUPP,
                  "an age plugin recipient (age1NAME1…) is not supported: only X25519 age1… keys" },
                { "github:alice", EOPNOTSUPP,
                  "\"github:\" recipients are not supported: only X25519 age1… keys" },
                { "AGE-PLUGIN-YUBIKEY-1QQQ", EINVAL,
                  "this is an age plugin identity, not a recipient; not supported: only X25519 age1… keys" },
                { "hello", EINVAL,
                  "not an age recipient: expected an X25519 public key, age1… (as `age-keygen -y` prints)" },
                { "", EINVAL,
                  "not an age recipient: expected an X25519 public key, age1… (as `age-keygen -y` prints)" },
                { "age1 zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj", EINVAL,
                  "malformed age1… key: it has a space, control or non-ASCII character at position 5" },
                { "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwb", EINVAL,
                  "malformed age1… key: it has 'b' at position 62, which is not a Bech32 character" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *msg = recipient_error(cases[i].s, cases[i].error);

                ASSERT_STREQ(msg, cases[i].msg);
        }
}

TEST(low_order_recipient) {
        _cleanup_free_ char *s = NULL, *msg = NULL;
        _cleanup_(age_recipients_freep) age_recipients *r = NULL;
        uint8_t zero[32] = {};

        ASSERT_OK(bech32_encode("age", zero, 32, &s));
        msg = recipient_error(s, EINVAL);
        ASSERT_CONTAINS(msg, "low-order X25519 point");
        ASSERT_OK(age_recipients_new(&r));
        ASSERT_ERR(age_recipients_add(r, zero), EINVAL);
        ASSERT_EQ(age_recipients_count(r), 0);
}

TEST(identity_errors) {
        char typo[] = SPEC_IDENTITY, mixed[] = SPEC_IDENTITY, lower[] = SPEC_IDENTITY;
        _cleanup_free_ char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL, *m5 = NULL, *m6 = NULL;

        typo[30] = typo[30] == 'Q' ? 'P' : 'Q';
        mixed[40] = 'g';
        for (char *p = lower; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char) (*p - 'A' + 'a');
        m1 = identity_error(typo, EBADMSG);
        ASSERT_STREQ(m1, "wrong checksum in this AGE-SECRET-KEY-1… key: a typo, or a key cut short?");
        m2 = identity_error(mixed, EINVAL);
        ASSERT_STREQ(m2, "malformed AGE-SECRET-KEY-1… key: it mixes upper and lower case");
        m3 = identity_error(lower, EINVAL);
        ASSERT_STREQ(m3, "this key is in lower case; AGE-SECRET-KEY-1… identities are written in upper case");
        m4 = identity_error(SPEC_RECIPIENT, EINVAL);
        ASSERT_STREQ(m4, "this is a public key (recipient); give the private key file age-keygen wrote");
        m5 = identity_error("AGE-SECRET-KEY-PQ-1QQQQ", EOPNOTSUPP);
        ASSERT_STREQ(m5, "a post-quantum identity is not supported: only X25519 AGE-SECRET-KEY-1… keys");
        m6 = identity_error("-----BEGIN OPENSSH PRIVATE KEY-----", EINVAL);
        ASSERT_STREQ(m6, "not an age identity: expected an X25519 private key, AGE-SECRET-KEY-1… (as age-keygen writes)");
        /* Never the key itself in a message. */
        ASSERT_TRUE(!strstr(m1, "GFPYYSJZ") && !strstr(m2, "GFPYYSJZ") && !strstr(m3, "gfpyysjz"));
}

TEST(recipients_file) {
        _cleanup_(age_recipients_freep) age_recipients *r = NULL;
        _cleanup_free_ char *msg = NULL, *second = NULL;
        uint8_t key[32];
        const char *path;
        char text[512];

        fill_pattern(key, sizeof(key), 7);
        key[31] &= 0x7f;
        ASSERT_OK(age_recipient_format(key, &second));
        /* Comments, empty lines, CRLF, no newline at the end. */
        snprintf(text, sizeof(text), "# the dump readers\n\n%s\r\n#%s\n\n%s", SPEC_RECIPIENT, SPEC_RECIPIENT, second);
        path = write_tmp("recipients", text, strlen(text));
        ASSERT_OK(age_recipients_new(&r));
        ASSERT_OK(age_recipients_add_file(r, path, &msg));
        ASSERT_EQ(age_recipients_count(r), 2);
        ASSERT_TRUE(memcmp(age_recipients_get(r, 1), key, 32) == 0);
}

static char *recipients_file_error(const char *name, const char *text, int expected) {
        _cleanup_(age_recipients_freep) age_recipients *r = NULL;
        const char *path = write_tmp(name, text, strlen(text));
        char *msg = NULL;

        ASSERT_OK(age_recipients_new(&r));
        ASSERT_ERR(age_recipients_add_file(r, path, &msg), expected);
        ASSERT_EQ(age_recipients_count(r), 0);
        ASSERT_TRUE(msg != NULL);
        return msg;
}

TEST(recipients_file_errors) {
        char expected[1024];
        _cleanup_free_ char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL, *m5 = NULL, *m6 = NULL;

        m1 = recipients_file_error("r1", "# keys\n" SPEC_RECIPIENT "\n" SPEC_IDENTITY "\n", EINVAL);
        snprintf(expected, sizeof(expected), "%s:3: this is a private key (identity); give its public key, "
                 "from `age-keygen -y FILE`", test_tmp("r1"));
        ASSERT_STREQ(m1, expected);
        ASSERT_TRUE(!strstr(m1, "GFPYYSJZ"));

        m2 = recipients_file_error("r2", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 alice\n", EOPNOTSUPP);
        snprintf(expected, sizeof(expected), "%s:1: an SSH public key (ssh-ed25519) is not supported: "
                 "only X25519 age1… keys", test_tmp("r2"));
        ASSERT_STREQ(m2, expected);

        m3 = recipients_file_error("r3", "# only comments\n\n#\n", ENOKEY);
        snprintf(expected, sizeof(expected), "%s: no recipients in it, only comments and blank lines", test_tmp("r3"));
        ASSERT_STREQ(m3, expected);

        m4 = recipients_file_error("r4", SPEC_RECIPIENT "\n   " SPEC_RECIPIENT "\n", EINVAL);
        snprintf(expected, sizeof(expected), "%s:2: not an age recipient: expected an X25519 public key, age1… "
                 "(as `age-keygen -y` prints)", test_tmp("r4"));
        ASSERT_STREQ(m4, expected);

        m5 = recipients_file_error("r5", "\n\nage1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq\n", EBADMSG);
        snprintf(expected, sizeof(expected), "%s:3: wrong checksum in this age1… key: a typo, or a key cut short?",
                 test_tmp("r5"));
        ASSERT_STREQ(m5, expected);

        m6 = recipients_file_error("r6", SPEC_RECIPIENT "\nage1ZVKYG2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj\n",
                                   EINVAL);
        snprintf(expected, sizeof(expected), "%s:2: malformed age1… key: it mixes upper and lower case", test_tmp("r6"));
        ASSERT_STREQ(m6, expected);
}

TEST(unreadable_files) {
        _cleanup_(age_recipients_freep) age_recipients *r = NULL;
        _cleanup_(age_identities_freep) age_identities *ids = NULL;
        _cleanup_free_ char *m1 = NULL, *m2 = NULL, *m3 = NULL;
        char expected[1024];

        ASSERT_OK(age_recipients_new(&r));
        ASSERT_OK(age_identities_new(&ids));
        ASSERT_ERR(age_recipients_add_file(r, test_tmp("no-such-file"), &m1), ENOENT);
        snprintf(expected, sizeof(expected), "%s: cannot open: No such file or directory", test_tmp("no-such-file"));
        ASSERT_STREQ(m1, expected);
        ASSERT_ERR(age_identities_add_file(ids, test_tmp("no-such-key"), &m2), ENOENT);
        ASSERT_CONTAINS(m2, "no-such-key: cannot open");
        /* A directory opens but does not read. */
        ASSERT_ERR(age_identities_add_file(ids, test_tmp_dir, &m3), EISDIR);
        snprintf(expected, sizeof(expected), "%s: cannot read: Is a directory", test_tmp_dir);
        ASSERT_STREQ(m3, expected);
}

TEST(identity_file_as_age_keygen_writes_it) {
        _cleanup_(age_identities_freep) age_identities *ids = NULL;
        _cleanup_free_ char *msg = NULL, *pub = NULL;
        const char *text = "# created: 2024-01-01T00:00:00Z\n# public key: " SPEC_RECIPIENT "\n" SPEC_IDENTITY "\n";
        const char *path = write_tmp("key.txt", text, strlen(text));

        ASSERT_OK(age_identities_new(&ids));
        ASSERT_OK(age_identities_add_file(ids, path, &msg));
        ASSERT_EQ(age_identities_count(ids), 1);
        ASSERT_OK(age_recipient_format(age_identities_get_public(ids, 0), &pub));
        ASSERT_STREQ(pub, SPEC_RECIPIENT);
}

static char *identity_file_error(const char *name, const char *text, int expected) {
        _cleanup_(age_identities_freep) age_identities *ids = NULL;
        const char *path = write_tmp(name, text, strlen(text));
        char *msg = NULL;

        ASSERT_OK(age_identities_new(&ids));
        ASSERT_ERR(age_identities_add_file(ids, path, &msg), expected);
        ASSERT_EQ(age_identities_count(ids), 0);
        return msg;
}

TEST(identity_file_errors) {
        char expected[1024];
        _cleanup_free_ char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL, *m5 = NULL;

        m1 = identity_file_error("i1", "# public key: x\n" SPEC_RECIPIENT "\n", EINVAL);
        snprintf(expected, sizeof(expected), "%s:2: this is a public key (recipient); give the private key file "
                 "age-keygen wrote", test_tmp("i1"));
        ASSERT_STREQ(m1, expected);

        m2 = identity_file_error("i2", "age-encryption.org/v1\n-> scrypt abc 18\n", EOPNOTSUPP);
        snprintf(expected, sizeof(expected), "%s: a passphrase-protected identity file is not supported; "
                 "decrypt it first with `age -d`", test_tmp("i2"));
        ASSERT_STREQ(m2, expected);

        m3 = identity_file_error("i3", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", EOPNOTSUPP);
        snprintf(expected, sizeof(expected), "%s: an SSH or PEM private key is not supported: only X25519 "
                 "AGE-SECRET-KEY-1… identities, as age-keygen writes", test_tmp("i3"));
        ASSERT_STREQ(m3, expected);

        m4 = identity_file_error("i4", "# nothing\n", ENOKEY);
        snprintf(expected, sizeof(expected), "%s: no identities in it, only comments and blank lines", test_tmp("i4"));
        ASSERT_STREQ(m4, expected);

        /* The first key is good, the second is not: nothing is kept. */
        m5 = identity_file_error("i5", SPEC_IDENTITY "\nAGE-SECRET-KEY-1GFPYYSJZGFPYYSJZ\n", EBADMSG);
        snprintf(expected, sizeof(expected), "%s:2: wrong checksum in this AGE-SECRET-KEY-1… key: a typo, "
                 "or a key cut short?", test_tmp("i5"));
        ASSERT_STREQ(m5, expected);
}

TEST(long_line) {
        _cleanup_free_ char *msg = NULL, *text = malloc(10000);
        char expected[512];

        memset(text, 'a', 9999);
        text[9999] = 0;
        msg = recipients_file_error("long", text, EINVAL);
        snprintf(expected, sizeof(expected), "%s:1: line longer than 8192 bytes; not a key", test_tmp("long"));
        ASSERT_STREQ(msg, expected);
}

TEST(string_lists) {
        _cleanup_(age_recipients_freep) age_recipients *r = NULL;
        _cleanup_(age_identities_freep) age_identities *ids = NULL;
        _cleanup_free_ char *msg = NULL;

        ASSERT_OK(age_recipients_new(&r));
        ASSERT_OK(age_recipients_add_string(r, SPEC_RECIPIENT, &msg));
        ASSERT_ERR(age_recipients_add_string(r, SPEC_IDENTITY, &msg), EINVAL);
        ASSERT_EQ(age_recipients_count(r), 1);
        ASSERT_OK(age_identities_new(&ids));
        for (unsigned i = 0; i < 5; i++)
                ASSERT_OK(age_identities_add_string(ids, SPEC_IDENTITY, &msg));
        ASSERT_EQ(age_identities_count(ids), 5);
        ASSERT_TRUE(memcmp(age_identities_get_public(ids, 4), age_recipients_get(r, 0), 32) == 0);
        ASSERT_TRUE(age_identities_get_secret(ids, 5) == NULL);
}

TEST_MAIN();
