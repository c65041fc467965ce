/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capture's shared steps: the collector's command line for each kind
 * of capture, the file names when sealed, SHA256SUMS from the collector's
 * --sha256 files. */
#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/init/capture-steps.h"
#include "tests.h"

static char *argv_of(const char *conf, bool stream, const char *sum, const char *out) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        char **argv = NULL, *s = NULL;
        size_t size = 0;
        FILE *f;

        if (kdump_config_parse(conf, "x.conf", &c, NULL) < 0 || collector_argv(c, stream, sum, out, &argv) < 0)
                return NULL;
        f = open_memstream(&s, &size);
        for (size_t i = 0; argv[i]; i++)
                fprintf(f, "%s%s", i ? " " : "", argv[i]);
        fclose(f);
        kdump_config_argv_free(argv);
        return s;
}

TEST(collector_argv) {
        _cleanup_free_ char *a = NULL, *b = NULL, *d = NULL, *e = NULL, *g = NULL;

        /* a kdump-compressed file is hashed too (read back once) */
        a = argv_of("", false, "/tmp/s", "/d/vmcore-incomplete");
        ASSERT_STREQ(a, "kdump-collect -l -d 31 --sha256 /tmp/s --sha256-name vmcore /proc/vmcore /d/vmcore-incomplete");
        /* sealed: --seal implies the flattened stream */
        b = argv_of("encrypt_to age1x\n", false, "/tmp/s", "/d/vmcore-incomplete.age");
        ASSERT_STREQ(b, "kdump-collect -l -d 31 --sha256 /tmp/s --sha256-name vmcore.age --seal /etc/kdump/recipients /proc/vmcore "
                        "/d/vmcore-incomplete.age");
        /* a stream to standard output: -F added once */
        d = argv_of("core_collector kdump-collect -c -d 17\n", true, "/tmp/s", NULL);
        ASSERT_STREQ(d, "kdump-collect -c -d 17 --sha256 /tmp/s --sha256-name vmcore.flat -F /proc/vmcore");
        e = argv_of("core_collector kdump-collect -F -l\n", true, NULL, NULL);
        ASSERT_STREQ(e, "kdump-collect -F -l /proc/vmcore");
        /* another collector gets neither --sha256 nor --seal */
        g = argv_of("core_collector makedumpfile -l -d 31\n", false, "/tmp/s", "/d/vmcore-incomplete");
        ASSERT_STREQ(g, "makedumpfile -l -d 31 /proc/vmcore /d/vmcore-incomplete");
}

TEST(names) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL, *s = NULL;

        ASSERT_OK(kdump_config_parse("", "x.conf", &c, NULL));
        ASSERT_OK(kdump_config_parse("encrypt_to /etc/keys\n", "x.conf", &s, NULL));
        ASSERT_STREQ(capture_name(c, CAPTURE_FILE_VMCORE), "vmcore");
        ASSERT_STREQ(capture_name(c, CAPTURE_FILE_FLAT), "vmcore.flat");
        ASSERT_STREQ(capture_name(s, CAPTURE_FILE_VMCORE), "vmcore.age");
        ASSERT_STREQ(capture_name(s, CAPTURE_FILE_FLAT), "vmcore.age");
        ASSERT_STREQ(capture_name(s, CAPTURE_FILE_INCOMPLETE), "vmcore-incomplete.age");
        ASSERT_STREQ(capture_name(s, CAPTURE_FILE_DMESG), "vmcore-dmesg.txt.age");
}

/* The digests under the files' final names; a file never written is left
 * out; none at all is -ENODATA. */
TEST(manifest) {
        _cleanup_free_ char *a = NULL, *b = NULL, *m = NULL, *none = NULL;
        static const char digest[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

        ASSERT_OK(mkdir_p(test_tmp_dir, 0700));
        ASSERT_TRUE(asprintf(&a, "%s/a.sha256", test_tmp_dir) > 0);
        ASSERT_TRUE(asprintf(&b, "%s/missing.sha256", test_tmp_dir) > 0);
        ASSERT_OK(write_file_atomic(a, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  vmcore-incomplete\n", 84, 0600));
        ASSERT_OK(manifest_render((const char *const[]) { b, a }, (const char *const[]) { "vmcore-dmesg.txt", "vmcore" },
                                  2, &m));
        ASSERT_TRUE(strncmp(m, digest, 64) == 0);
        ASSERT_STREQ(m + 64, "  vmcore\n");
        ASSERT_ERR(manifest_render((const char *const[]) { b }, (const char *const[]) { "x" }, 1, &none), ENODATA);
}

TEST_MAIN()
