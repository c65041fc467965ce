/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The opener against hand-built files with a known file key: each header,
 * stanza, MAC and payload malformation that c2sp.org/age names (and the
 * CCTV test vectors exercise), with the class of error the vectors expect:
 * header failure (-EBADMSG), no match (-ENOKEY), HMAC failure
 * (-EKEYREJECTED), payload failure (-EPROTO). */

#include <errno.h>
#include <stdlib.h>

#include "basic/macro.h"
#include "seal/age-key.h"
#include "seal/age-open.h"
#include "age-craft.h"

static age_identities *ids;
static uint8_t our_key[32], other_key[32];

static void setup(void) {
        uint8_t secret[32];

        if (ids)
                return;
        fill_pattern(secret, 32, 1);
        ASSERT_OK(age_identity_to_recipient(secret, our_key));
        ASSERT_OK(age_identities_new(&ids));
        ASSERT_OK(age_identities_add(ids, secret));
        fill_pattern(secret, 32, 2);
        ASSERT_OK(age_identity_to_recipient(secret, other_key));
}

static struct sink start(void) {
        struct sink s = {};

        setup();
        sink_puts(&s, AGE_VERSION_LINE);
        return s;
}

/* Feeds the file in 1000-byte pieces; out gets the plaintext. */
static int open_file(struct sink *file, struct sink *out, char **msg) {
        age_open *o = NULL;
        int r = 0;

        ASSERT_OK(age_open_new(ids, sink_write, out, &o));
        for (size_t done = 0; r >= 0 && done < file->len; done += 1000)
                r = age_open_write(o, file->data + done, MIN((size_t) 1000, file->len - done), msg);
        if (r >= 0)
                r = age_open_finish(o, msg);
        age_open_free(o);
        return r;
}

/* A whole file: the header text given (after the version line), MAC,
 * nonce, "hello" as payload; expects error (0: success) and a message
 * containing phrase. */
static void expect(const char *stanzas, int error, const char *phrase) {
        struct sink f = start(), out = {};
        char *msg = NULL;
        int r;

        sink_puts(&f, stanzas);
        craft_mac_and_nonce(&f);
        craft_payload(&f, (const uint8_t *) "hello", 5);
        r = open_file(&f, &out, &msg);
        if (error == 0 && r < 0)
                TEST_FAIL("expected success, got %d: %s", r, msg);
        if (error != 0 && r != -error)
                TEST_FAIL("expected -%d, got %d: %s", error, r, msg ? msg : "(no message)");
        if (error == 0)
                ASSERT_TRUE(out.len == 5 && memcmp(out.data, "hello", 5) == 0);
        else
                ASSERT_EQ(out.len, 0);
        if (phrase)
                ASSERT_CONTAINS(msg, phrase);
        sink_reset(&f);
        sink_reset(&out);
        free(msg);
}

static char *our_stanza(void) {
        static char buf[256];
        struct sink s = {};

        setup();
        craft_x25519_stanza(&s, our_key, 77);
        memcpy(buf, s.data, s.len);
        buf[s.len] = 0;
        sink_reset(&s);
        return buf;
}

/* Sets the lowest spare bit of the last character of 32 bytes in base64:
 * the same bytes, no longer canonical. */
static void set_spare_bit(char *b64) {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t v = (size_t) (strchr(alphabet, b64[42]) - alphabet);

        b64[42] = alphabet[v | 1];
}

static char *with_ours(const char *before, const char *after) {
        static char buf[4096];

        snprintf(buf, sizeof(buf), "%s%s%s", before, our_stanza(), after);
        return buf;
}

TEST(crafted_x25519_opens) {
        expect(with_ours("", ""), 0, NULL);
}

TEST(grease_stanzas_ignored) {
        char grease[1024];

        snprintf(grease, sizeof(grease),
                 "-> grease-!\"#$%%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~ x y\n"
                 "%s\n%s\nAAAA\n"
                 "-> empty-body\n\n",
                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        expect(with_ours(grease, grease), 0, NULL);
}

TEST(stanza_for_another_key_first) {
        struct sink s = {};
        char before[256];

        setup();
        craft_x25519_stanza(&s, other_key, 5);
        memcpy(before, s.data, s.len);
        before[s.len] = 0;
        expect(with_ours(before, ""), 0, NULL);
        sink_reset(&s);
}

TEST(version_lines) {
        struct sink f = {}, out = {};
        char *msg = NULL;

        setup();
        sink_puts(&f, "age-encryption.org/v2\n-> X25519 abc\n\n--- abc\n");
        ASSERT_ERR(open_file(&f, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "unsupported age version line \"age-encryption.org/v2\": only age-encryption.org/v1 is known");
        sink_reset(&f);
        free(msg);
        msg = NULL;
        sink_puts(&f, "age-encryption.org/v1\r\n");
        sink_puts(&f, our_stanza());
        sink_puts(&f, "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
        ASSERT_ERR(open_file(&f, &out, &msg), EBADMSG);
        ASSERT_CONTAINS(msg, "unsupported age version line");
        sink_reset(&f);
        free(msg);
        msg = NULL;
        sink_puts(&f, "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB\n");
        ASSERT_ERR(open_file(&f, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "an ASCII-armored age file is not supported here: use `age -d`");
        sink_reset(&f);
        free(msg);
        msg = NULL;
        sink_write(&f, "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0", 24);
        ASSERT_ERR(open_file(&f, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "not an age file: it does not start with \"age-encryption.org/\"");
        sink_reset(&f);
        free(msg);
}

TEST(stanza_lines) {
        expect("", EBADMSG, "the header has no recipient stanza");
        expect(with_ours("->\n\n", ""), EBADMSG, "needs \"-> \" and a type");
        expect(with_ours("-> \n\n", ""), EBADMSG, "empty or not printable");
        expect(with_ours("->  grease\n\n", ""), EBADMSG, "empty or not printable");
        expect(with_ours("-> grease \n\n", ""), EBADMSG, "empty or not printable");
        expect(with_ours("-> gr\305\223ase\n\n", ""), EBADMSG, "empty or not printable");
        expect(with_ours("->grease\n\n", ""), EBADMSG, "needs \"-> \" and a type");
        expect(with_ours("-x grease\n\n", ""), EBADMSG, "expected a stanza");
        expect(with_ours("", "garbage\n"), EBADMSG, "expected a stanza");
}

TEST(stanza_bodies) {
        static const char full[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        char buf[512];

        /* A full line, then no short one: the stanza never ends. */
        snprintf(buf, sizeof(buf), "-> grease\n%s\n", full);
        expect(with_ours("", buf), EBADMSG, "without its short last body line");
        expect(with_ours(buf, ""), EBADMSG, "without its short last body line");
        /* No body line at all. */
        expect(with_ours("", "-> grease\n"), EBADMSG, "without its short last body line");
        /* Two short lines. */
        expect(with_ours("-> grease\nAAAA\nAAAA\n", ""), EBADMSG, "expected a stanza");
        /* 65 columns. */
        snprintf(buf, sizeof(buf), "-> grease\n%sAAAA\n\n", full);
        expect(with_ours(buf, ""), EBADMSG, "longer than 64 columns");
        expect(with_ours("-> grease\nAAA=\n", ""), EBADMSG, "not canonical unpadded base64");
        expect(with_ours("-> grease\nAA==\n", ""), EBADMSG, "not canonical unpadded base64");
        expect(with_ours("-> grease\nAB\n", ""), EBADMSG, "not canonical unpadded base64");
        expect(with_ours("-> grease\nA\n", ""), EBADMSG, "not canonical unpadded base64");
        expect(with_ours("-> grease\nAA.A\n", ""), EBADMSG, "not canonical unpadded base64");
        expect(with_ours("-> grease\nAAAA\r\n", ""), EBADMSG, "not canonical unpadded base64");
        expect(with_ours("-> grease\nA\257AA\n", ""), EBADMSG, "not canonical unpadded base64");
}

/* Our stanza with its share line or body replaced. */
static char *ours_with(const char *share, const char *body) {
        static char buf[512];
        char *s = our_stanza(), *nl = strchr(s, '\n');
        char orig_share[64], orig_body[64];

        snprintf(orig_share, sizeof(orig_share), "%.*s", (int) (nl - s - 10), s + 10);
        snprintf(orig_body, sizeof(orig_body), "%.*s", (int) strcspn(nl + 1, "\n"), nl + 1);
        snprintf(buf, sizeof(buf), "-> X25519 %s\n%s\n", share ?: orig_share, body ?: orig_body);
        return buf;
}

TEST(x25519_stanzas) {
        char buf[512], share[64];

        snprintf(share, sizeof(share), "%s", ours_with(NULL, NULL) + 10);
        share[43] = 0;
        /* Arguments. */
        snprintf(buf, sizeof(buf), "-> X25519 %s extra\n%s", share, strchr(ours_with(NULL, NULL), '\n') + 1);
        expect(buf, EBADMSG, "X25519 stanza 1: wants one argument");
        expect("-> X25519\nAAAA\n", EBADMSG, "X25519 stanza 1: wants one argument");
        expect(ours_with("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL), EBADMSG, "wants one argument");
        expect(ours_with("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL), EBADMSG, "wants one argument");
        expect(ours_with("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", NULL), EBADMSG, "wants one argument");
        /* Not canonical: the last character's two spare bits set. */
        strcpy(buf, share);
        set_spare_bit(buf);
        expect(ours_with(buf, NULL), EBADMSG, "wants one argument");
        /* Body length: 33 bytes, 31 bytes. */
        expect(ours_with(NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), EBADMSG, "its body is 33 bytes");
        expect(ours_with(NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), EBADMSG, "its body is 31 bytes");
        /* A wrong tag is somebody else's stanza: no match. */
        strcpy(buf, strchr(ours_with(NULL, NULL), '\n') + 1);
        buf[3] = buf[3] == 'A' ? 'B' : 'A';
        buf[strcspn(buf, "\n")] = 0;
        expect(ours_with(NULL, buf), ENOKEY, "no identity opens the file");
        /* The type is case-sensitive. */
        snprintf(buf, sizeof(buf), "-> x25519 %s", ours_with(NULL, NULL) + 10);
        expect(buf, ENOKEY, "the file has no X25519 stanza (its first is \"x25519\")");
}

TEST(low_order_shares) {
        /* The identity (0) and a point of order 8 (RFC 7748's list). */
        static const uint8_t order8[32] = {
                0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
                0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
        };
        char share[64];

        expect(ours_with("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL), EBADMSG, "low-order share");
        age_base64_encode(order8, 32, share, sizeof(share));
        expect(ours_with(share, NULL), EBADMSG, "low-order share");
}

TEST(scrypt) {
        expect(with_ours("-> scrypt AAAAAAAAAAAAAAAAAAAAAA 18\nAAAA\n", ""), EBADMSG,
               "an scrypt (passphrase) stanza must be the header's only one");
        expect("-> scrypt AAAAAAAAAAAAAAAAAAAAAA 18\nAAAA\n", ENOKEY, "sealed with a passphrase (scrypt)");
}

/* Variants of the MAC line, the MAC being right or wrong. */
static void expect_mac_line(const char *line, int error, const char *phrase) {
        struct sink f = start(), out = {};
        char *msg = NULL;
        int r;

        sink_puts(&f, our_stanza());
        sink_puts(&f, line);
        sink_write(&f, CRAFT_NONCE, 16);
        craft_payload(&f, (const uint8_t *) "hello", 5);
        r = open_file(&f, &out, &msg);
        if (r != -error)
                TEST_FAIL("MAC line \"%s\": expected -%d, got %d: %s", line, error, r, msg ? msg : "");
        ASSERT_EQ(out.len, error ? 0 : 5);
        if (phrase)
                ASSERT_CONTAINS(msg, phrase);
        sink_reset(&f);
        sink_reset(&out);
        free(msg);
}

TEST(mac_lines) {
        static const char bad_line[] = "the MAC line is not \"--- \" and 43 characters of base64";
        struct sink f = start();
        char mac[64], line[128];
        uint8_t raw[32];

        sink_puts(&f, our_stanza());
        sink_puts(&f, "---");
        age_header_mac((const uint8_t *) CRAFT_FILE_KEY, f.data, f.len, raw);
        age_base64_encode(raw, 32, mac, sizeof(mac));
        sink_reset(&f);

        snprintf(line, sizeof(line), "--- %s\n", mac);
        expect_mac_line(line, 0, NULL);
        expect_mac_line("---\n", EBADMSG, bad_line);
        snprintf(line, sizeof(line), "---%s\n", mac);
        expect_mac_line(line, EBADMSG, bad_line);
        snprintf(line, sizeof(line), "---  %s\n", mac);
        expect_mac_line(line, EBADMSG, bad_line);
        snprintf(line, sizeof(line), "--- %s \n", mac);
        expect_mac_line(line, EBADMSG, bad_line);
        snprintf(line, sizeof(line), "--- %.42s\n", mac);
        expect_mac_line(line, EBADMSG, bad_line);
        snprintf(line, sizeof(line), "--- %sA\n", mac);
        expect_mac_line(line, EBADMSG, bad_line);
        snprintf(line, sizeof(line), "--- %s=\n", mac);
        expect_mac_line(line, EBADMSG, bad_line);
        snprintf(line, sizeof(line), "--- %s\r\n", mac);
        expect_mac_line(line, EBADMSG, bad_line);
        /* Spare bits set: the same MAC, but not canonical. */
        snprintf(line, sizeof(line), "--- %s\n", mac);
        set_spare_bit(line + 4);
        expect_mac_line(line, EBADMSG, bad_line);
        /* A '/' with its top bit set, which libsodium alone would take for '/'. */
        snprintf(line, sizeof(line), "--- %s\n", mac);
        line[10] = (char) 0xaf;
        expect_mac_line(line, EBADMSG, bad_line);
        /* Well formed, wrong. */
        snprintf(line, sizeof(line), "--- %s\n", mac);
        line[10] = line[10] == 'A' ? 'B' : 'A';
        expect_mac_line(line, EKEYREJECTED, "the header MAC does not match");
}

/* A good header and the payload given. */
static int open_payload(struct sink *payload, struct sink *out, char **msg) {
        struct sink f = start();
        int r;

        sink_puts(&f, our_stanza());
        craft_mac_and_nonce(&f);
        sink_write(&f, payload->data, payload->len);
        r = open_file(&f, out, msg);
        sink_reset(&f);
        return r;
}

static uint8_t chunk_data[3 * AGE_CHUNK_SIZE];

static void expect_payload(struct sink *payload, int error, size_t released, const char *phrase) {
        struct sink out = {};
        char *msg = NULL;
        int r = open_payload(payload, &out, &msg);

        if (r != -error)
                TEST_FAIL("expected -%d, got %d: %s", error, r, msg ? msg : "");
        ASSERT_EQ(out.len, released);
        ASSERT_TRUE(released == 0 || memcmp(out.data, chunk_data, released) == 0);
        if (phrase)
                ASSERT_CONTAINS(msg, phrase);
        sink_reset(payload);
        sink_reset(&out);
        free(msg);
}

TEST(payloads) {
        struct sink p = {};

        fill_pattern(chunk_data, sizeof(chunk_data), 3);
        /* Good: empty, one full last chunk, two chunks the second full. */
        craft_chunk(&p, 0, true, chunk_data, 0);
        expect_payload(&p, 0, 0, NULL);
        craft_chunk(&p, 0, true, chunk_data, AGE_CHUNK_SIZE);
        expect_payload(&p, 0, AGE_CHUNK_SIZE, NULL);
        craft_chunk(&p, 0, false, chunk_data, AGE_CHUNK_SIZE);
        craft_chunk(&p, 1, true, chunk_data + AGE_CHUNK_SIZE, AGE_CHUNK_SIZE);
        expect_payload(&p, 0, 2 * AGE_CHUNK_SIZE, NULL);

        /* No chunk; a full chunk and no last one; a chunk shorter than a tag. */
        expect_payload(&p, EPROTO, 0, "the payload has no chunk");
        craft_chunk(&p, 0, false, chunk_data, AGE_CHUNK_SIZE);
        expect_payload(&p, EPROTO, AGE_CHUNK_SIZE, "without the last chunk");
        sink_write(&p, "0123456789", 10);
        expect_payload(&p, EPROTO, 0, "shorter than its 16-byte tag");
        /* An empty last chunk after a full one. */
        craft_chunk(&p, 0, false, chunk_data, AGE_CHUNK_SIZE);
        craft_chunk(&p, 1, true, chunk_data, 0);
        expect_payload(&p, EPROTO, AGE_CHUNK_SIZE, "the last chunk is empty");
        /* A short chunk not marked last. */
        craft_chunk(&p, 0, false, chunk_data, 100);
        expect_payload(&p, EPROTO, 0, "the last chunk (0) does not authenticate");
        /* Two last chunks: short then more; full then more. */
        craft_chunk(&p, 0, true, chunk_data, 100);
        craft_chunk(&p, 1, true, chunk_data + 100, 100);
        expect_payload(&p, EPROTO, 0, "does not authenticate");
        craft_chunk(&p, 0, true, chunk_data, AGE_CHUNK_SIZE);
        craft_chunk(&p, 1, true, chunk_data + AGE_CHUNK_SIZE, 100);
        expect_payload(&p, EPROTO, AGE_CHUNK_SIZE, "trailing data after the last chunk");
        /* Counter skipped, repeated. */
        craft_chunk(&p, 0, false, chunk_data, AGE_CHUNK_SIZE);
        craft_chunk(&p, 2, true, chunk_data + AGE_CHUNK_SIZE, 10);
        expect_payload(&p, EPROTO, AGE_CHUNK_SIZE, "the last chunk (1) does not authenticate");
        craft_chunk(&p, 0, false, chunk_data, AGE_CHUNK_SIZE);
        craft_chunk(&p, 0, true, chunk_data + AGE_CHUNK_SIZE, 10);
        expect_payload(&p, EPROTO, AGE_CHUNK_SIZE, "does not authenticate");
        /* A bad tag in the second of three chunks. */
        craft_chunk(&p, 0, false, chunk_data, AGE_CHUNK_SIZE);
        craft_chunk(&p, 1, false, chunk_data + AGE_CHUNK_SIZE, AGE_CHUNK_SIZE);
        p.data[p.len - 1] ^= 1;
        craft_chunk(&p, 2, true, chunk_data + 2 * AGE_CHUNK_SIZE, 1);
        expect_payload(&p, EPROTO, AGE_CHUNK_SIZE, "payload chunk 1 does not authenticate");
}

TEST(nonce_cut_short) {
        struct sink f = start(), out = {};
        char *msg = NULL;

        sink_puts(&f, our_stanza());
        craft_mac_and_nonce(&f);
        f.len -= 5;
        ASSERT_ERR(open_file(&f, &out, &msg), EBADMSG);
        ASSERT_STREQ(msg, "the file ends inside the payload nonce, right after the header");
        sink_reset(&f);
        free(msg);
}

TEST_MAIN();
