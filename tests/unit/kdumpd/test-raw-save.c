/* SPDX-License-Identifier: GPL-2.0-or-later */
/* raw targets: a flattened stream written over a "device" (a file here) is
 * saved as the file the direct write would have made, with the modes dumps
 * get, and the device's header is cleared so it is not saved twice. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/flatten.h"
#include "kdumpd/raw-save.h"
#include "seal/raw-envelope.h"
#include "tests.h"

/* A stream of three records at scattered offsets, followed by stale bytes
 * (a device is larger than the stream). */
static void write_stream(const char *dev, char expect[static 3 * 8192]) {
        _cleanup_close_ int fd = open(dev, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        struct dump_sink *s = NULL;
        char junk[65536];

        ASSERT_TRUE(fd >= 0);
        memset(expect, 0, 3 * 8192);
        for (int i = 0; i < 3 * 8192; i += 3)
                expect[i] = (char) (i * 7 + 1);
        ASSERT_OK(dump_sink_new(fd, true, &s));
        ASSERT_OK(dump_sink_write(s, 8192, expect + 8192, 8192));
        ASSERT_OK(dump_sink_write(s, 0, expect, 4096));
        ASSERT_OK(dump_sink_write(s, 4096, expect + 4096, 4096));
        ASSERT_OK(dump_sink_write(s, 16384, expect + 16384, 8192));
        ASSERT_OK(dump_sink_finish(s));
        dump_sink_free(s);
        memset(junk, 0x5a, sizeof(junk));
        ASSERT_OK(loop_write(fd, junk, sizeof(junk)));
}

TEST(header_signature) {
        unsigned char h[64] = "makedumpfile";

        ASSERT_TRUE(!raw_header_is_dump(h, sizeof(h)));        /* type 0 */
        h[23] = 1;
        ASSERT_TRUE(raw_header_is_dump(h, sizeof(h)));
        ASSERT_TRUE(!raw_header_is_dump(h, 16));
        h[12] = 'X';
        ASSERT_TRUE(!raw_header_is_dump(h, sizeof(h)));
        memset(h, 0, sizeof(h));
        ASSERT_TRUE(!raw_header_is_dump(h, sizeof(h)));
}

TEST(save_rebuilds_the_dump_and_clears_the_device) {
        const char *collect = getenv("KDUMP_COLLECT");
        char dev[4096], path[4096], vmcore[4096], expect[3 * 8192];
        _cleanup_free_ char *dir = NULL, *got = NULL, *dir2 = NULL;
        unsigned char head[FLAT_HEADER_SIZE];
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        size_t len;

        ASSERT_TRUE(collect);
        snprintf(dev, sizeof(dev), "%s", test_tmp("raw-device"));
        snprintf(path, sizeof(path), "%s", test_tmp("var/crash"));
        write_stream(dev, expect);

        ASSERT_EQ(raw_dump_save(dev, path, collect, &dir, NULL), 1);
        snprintf(vmcore, sizeof(vmcore), "%s/vmcore", dir);
        ASSERT_OK(read_full_file(vmcore, &got, &len));
        ASSERT_EQ(len, sizeof(expect));
        ASSERT_TRUE(memcmp(got, expect, len) == 0);
        ASSERT_OK(stat(dir, &st) < 0 ? -errno : 0);
        ASSERT_EQ(st.st_mode & 07777, 0700);
        ASSERT_OK(stat(vmcore, &st) < 0 ? -errno : 0);
        ASSERT_EQ(st.st_mode & 07777, 0600);

        /* SHA256SUMS of the rebuilt vmcore, as sha256sum -c reads it; no
         * RECIPIENTS for a clear dump */
        {
                _cleanup_free_ char *sums = NULL, *text = NULL, *cmd = NULL;

                ASSERT_TRUE(asprintf(&sums, "%s/SHA256SUMS", dir) > 0);
                ASSERT_OK(read_full_file(sums, &text, NULL));
                ASSERT_TRUE(strlen(text) == 64 + strlen("  vmcore\n") && strcmp(text + 64, "  vmcore\n") == 0);
                ASSERT_OK(stat(sums, &st) < 0 ? -errno : 0);
                ASSERT_EQ(st.st_mode & 07777, 0600);
                ASSERT_TRUE(asprintf(&cmd, "cd '%s' && sha256sum --quiet -c SHA256SUMS && test ! -e RECIPIENTS", dir) > 0);
                ASSERT_EQ(system(cmd), 0);
        }

        /* The log, written later from the dump, joins the manifest. */
        {
                _cleanup_free_ char *log = NULL, *sums = NULL, *text = NULL, *cmd = NULL;

                ASSERT_TRUE(asprintf(&log, "%s/vmcore-dmesg.txt", dir) > 0);
                ASSERT_OK(write_file_atomic(log, "[    0.000000] Linux version\n", 29, 0600));
                ASSERT_OK(raw_dump_add_sum(dir, "vmcore-dmesg.txt"));
                ASSERT_ERR(raw_dump_add_sum(dir, "vmcore-dmesg.txt"), EEXIST);
                ASSERT_ERR(raw_dump_add_sum(dir, "../vmcore"), EINVAL);
                ASSERT_TRUE(asprintf(&sums, "%s/SHA256SUMS", dir) > 0);
                ASSERT_OK(read_full_file(sums, &text, NULL));
                ASSERT_TRUE(strstr(text, "  vmcore\n") && strstr(text, "  vmcore-dmesg.txt\n"));
                ASSERT_TRUE(asprintf(&cmd, "cd '%s' && sha256sum --quiet -c SHA256SUMS && "
                                           "test \"$(wc -l < SHA256SUMS)\" -eq 2", dir) > 0);
                ASSERT_EQ(system(cmd), 0);
        }

        /* The header is gone: the next start finds nothing to save. */
        fd = open(dev, O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(pread_full(fd, head, sizeof(head), 0));
        ASSERT_TRUE(!raw_header_is_dump(head, sizeof(head)));
        ASSERT_EQ(raw_dump_save(dev, path, collect, &dir2, NULL), 0);
        ASSERT_TRUE(dir2 == NULL);
}

TEST(a_broken_stream_is_kept_on_the_device) {
        const char *collect = getenv("KDUMP_COLLECT");
        char dev[4096], path[4096], expect[3 * 8192];
        _cleanup_free_ char *dir = NULL;
        unsigned char head[FLAT_HEADER_SIZE];
        _cleanup_close_ int fd = -EBADF;

        snprintf(dev, sizeof(dev), "%s", test_tmp("raw-broken"));
        snprintf(path, sizeof(path), "%s", test_tmp("var/crash-broken"));
        write_stream(dev, expect);
        /* Cut the stream inside its first record: no end marker. */
        ASSERT_OK(truncate(dev, FLAT_HEADER_SIZE + 100) < 0 ? -errno : 0);

        ASSERT_ERR(raw_dump_save(dev, path, collect, &dir, NULL), EIO);
        fd = open(dev, O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(pread_full(fd, head, sizeof(head), 0));
        ASSERT_TRUE(raw_header_is_dump(head, sizeof(head)));
}

/* encrypt_to: an envelope and an age file ("age-encryption.org/v1" and
 * bytes: nothing is opened) over the device, then stale bytes.  The file's
 * SHA-256 is sha256sum's of the 20,000 bytes written here. */
#define SEALED_LEN 20000
#define KEY "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"

static void write_sealed(const char *dev, char expect[static SEALED_LEN], char ret_hex[65]) {
        _cleanup_close_ int fd = open(dev, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        _cleanup_free_ char *line = NULL;
        uint8_t block[RAW_ENVELOPE_SIZE];
        char cmd[8192], junk[8192];
        FILE *p;

        ASSERT_TRUE(fd >= 0);
        memcpy(expect, "age-encryption.org/v1\n", 22);
        for (int i = 22; i < SEALED_LEN; i++)
                expect[i] = (char) (i * 13 + 5);
        ASSERT_OK(pwrite_full(fd, expect, SEALED_LEN, RAW_ENVELOPE_SIZE));
        memset(junk, 0x5a, sizeof(junk));
        ASSERT_OK(pwrite_full(fd, junk, sizeof(junk), RAW_ENVELOPE_SIZE + SEALED_LEN));
        /* the digest from sha256sum, not from the code under test */
        snprintf(cmd, sizeof(cmd), "tail -c +%u '%s' | head -c %d | sha256sum", RAW_ENVELOPE_SIZE + 1, dev, SEALED_LEN);
        p = popen(cmd, "r");
        ASSERT_TRUE(p != NULL);
        ASSERT_TRUE(fgets(ret_hex, 65, p) != NULL);
        pclose(p);
        ASSERT_EQ(strlen(ret_hex), 64);
        ASSERT_OK(raw_envelope_format(SEALED_LEN, ret_hex, KEY "\n", block));
        ASSERT_OK(pwrite_full(fd, block, sizeof(block), 0));
}

TEST(sealed_dump_is_copied_checked_and_cleared) {
        char dev[4096], path[4096], file[4096], expect[SEALED_LEN], hex[65], sums[200];
        _cleanup_free_ char *dir = NULL, *got = NULL, *text = NULL, *keys = NULL, *dir2 = NULL;
        uint8_t head[RAW_ENVELOPE_SIZE];
        struct raw_envelope e;
        _cleanup_close_ int fd = -EBADF;
        bool sealed = false;
        struct stat st;
        size_t len;

        snprintf(dev, sizeof(dev), "%s", test_tmp("raw-sealed"));
        snprintf(path, sizeof(path), "%s", test_tmp("var/crash-sealed"));
        write_sealed(dev, expect, hex);

        ASSERT_EQ(raw_dump_save(dev, path, "/nonexistent/kdump-collect", &dir, &sealed), 1);
        ASSERT_TRUE(sealed);
        snprintf(file, sizeof(file), "%s/vmcore.age", dir);
        ASSERT_OK(read_full_file(file, &got, &len));
        ASSERT_EQ(len, SEALED_LEN);
        ASSERT_TRUE(memcmp(got, expect, len) == 0);
        ASSERT_OK(stat(file, &st) < 0 ? -errno : 0);
        ASSERT_EQ(st.st_mode & 07777, 0600);
        snprintf(file, sizeof(file), "%s/SHA256SUMS", dir);
        ASSERT_OK(read_full_file(file, &text, NULL));
        snprintf(sums, sizeof(sums), "%s  vmcore.age\n", hex);
        ASSERT_STREQ(text, sums);
        snprintf(file, sizeof(file), "%s/RECIPIENTS", dir);
        ASSERT_OK(read_full_file(file, &keys, NULL));
        ASSERT_STREQ(keys, KEY "\n");

        /* the envelope is gone: nothing is saved twice */
        fd = open(dev, O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(pread_full(fd, head, sizeof(head), 0));
        ASSERT_ERR(raw_envelope_parse(head, sizeof(head), &e), ENOMSG);
        ASSERT_EQ(raw_dump_save(dev, path, "/nonexistent/kdump-collect", &dir2, NULL), 0);
}

TEST(a_changed_or_cut_sealed_dump_is_kept_on_the_device) {
        char dev[4096], path[4096], expect[SEALED_LEN], hex[65];
        _cleanup_free_ char *dir = NULL;
        uint8_t head[RAW_ENVELOPE_SIZE], flip = 0xff;
        struct raw_envelope e = {};
        _cleanup_close_ int fd = -EBADF;

        snprintf(dev, sizeof(dev), "%s", test_tmp("raw-sealed-bad"));
        snprintf(path, sizeof(path), "%s", test_tmp("var/crash-sealed-bad"));
        write_sealed(dev, expect, hex);
        fd = open(dev, O_RDWR | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(pwrite_full(fd, &flip, 1, RAW_ENVELOPE_SIZE + 1000));
        ASSERT_ERR(raw_dump_save(dev, path, "/nonexistent/kdump-collect", &dir, NULL), EBADMSG);
        ASSERT_OK(pread_full(fd, head, sizeof(head), 0));
        ASSERT_OK(raw_envelope_parse(head, sizeof(head), &e));
        raw_envelope_done(&e);

        /* a device shorter than the envelope says */
        write_sealed(dev, expect, hex);
        ASSERT_OK(truncate(dev, RAW_ENVELOPE_SIZE + SEALED_LEN - 1) < 0 ? -errno : 0);
        ASSERT_ERR(raw_dump_save(dev, path, "/nonexistent/kdump-collect", &dir, NULL), EBADMSG);
}

TEST_MAIN()
