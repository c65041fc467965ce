/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "basic/fileio.h"
#include "basic/macro.h"

#include "capture-kernel/kexec-loader.h"
#include "capture-kernel/loader-probe.h"
#include "tests.h"

TEST(names) {
        enum kexec_loader l;

        ASSERT_OK(kexec_loader_from_string("classic", &l));
        ASSERT_EQ(l, KEXEC_LOADER_CLASSIC);
        ASSERT_OK(kexec_loader_from_string("auto", &l));
        ASSERT_EQ(l, KEXEC_LOADER_AUTO);
        ASSERT_ERR(kexec_loader_from_string("kexec", &l), EINVAL);
        ASSERT_STREQ(kexec_loader_to_string(KEXEC_LOADER_FILE), "file");
}

/* auto falls back only where the file loader is missing or does not know
 * the image; never past a signature or lockdown refusal. */
TEST(auto_fallback_policy) {
        ASSERT_TRUE(kexec_loader_should_fall_back(-ENOSYS));
        ASSERT_TRUE(kexec_loader_should_fall_back(-EINVAL));
        ASSERT_TRUE(kexec_loader_should_fall_back(-ENOEXEC));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EPERM));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EKEYREJECTED));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-ENOKEY));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EBADMSG));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-ENODATA));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EBUSY));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EADDRNOTAVAIL));
}

#define BOOT_A "0f6d9a1e-2c3b-4d5e-8f90-a1b2c3d4e5f6"
#define BOOT_B "7b1c2d3e-4f50-4a6b-9c7d-8e9fa0b1c2d3"
#define IMG_1 "/boot/vmlinuz-6.1.0-56-amd64 size=8247232 mtime=1700000000.000000000"
#define IMG_2 "/boot/vmlinuz-6.1.0-56-amd64 size=8247232 mtime=1700000999.000000000"

/* What is kept after the first kexec_file_load attempt of a boot. */
TEST(probe_record) {
        struct loader_probe p;

        /* no kexec_file_load in this kernel: classic for the whole boot */
        ASSERT_TRUE(loader_probe_record(BOOT_A, -ENOSYS, IMG_1, &p));
        ASSERT_EQ(p.loader, KEXEC_LOADER_CLASSIC);
        ASSERT_EQ(p.file_errno, ENOSYS);
        ASSERT_STREQ(p.image, "");
        /* the image was not recognised: classic for that image only */
        ASSERT_TRUE(loader_probe_record(BOOT_A, -ENOEXEC, IMG_1, &p));
        ASSERT_EQ(p.loader, KEXEC_LOADER_CLASSIC);
        ASSERT_STREQ(p.image, IMG_1);
        ASSERT_TRUE(!loader_probe_record(BOOT_A, -EINVAL, NULL, &p));   /* no image key: not kept */
        /* it worked */
        ASSERT_TRUE(loader_probe_record(BOOT_A, 0, IMG_1, &p));
        ASSERT_EQ(p.loader, KEXEC_LOADER_FILE);
        ASSERT_EQ(p.file_errno, 0);
        /* a signature or lockdown refusal, or a transient error: nothing kept */
        ASSERT_TRUE(!loader_probe_record(BOOT_A, -EPERM, IMG_1, &p));
        ASSERT_TRUE(!loader_probe_record(BOOT_A, -EKEYREJECTED, IMG_1, &p));
        ASSERT_TRUE(!loader_probe_record(BOOT_A, -ENOKEY, IMG_1, &p));
        ASSERT_TRUE(!loader_probe_record(BOOT_A, -EBADMSG, IMG_1, &p));
        ASSERT_TRUE(!loader_probe_record(BOOT_A, -EBUSY, IMG_1, &p));
        ASSERT_TRUE(!loader_probe_record(BOOT_A, -ENOMEM, IMG_1, &p));
        /* without a boot_id nothing can be keyed */
        ASSERT_TRUE(!loader_probe_record("", -ENOSYS, IMG_1, &p));
        ASSERT_TRUE(!loader_probe_record("not-a-boot-id", -ENOSYS, IMG_1, &p));
}

TEST(probe_file_round_trip) {
        _cleanup_free_ char *text = NULL;
        struct loader_probe p, q;

        ASSERT_TRUE(loader_probe_record(BOOT_A, -ENOEXEC, IMG_1, &p));
        ASSERT_OK(loader_probe_format(&p, &text));
        ASSERT_CONTAINS(text, "boot_id=" BOOT_A "\n");
        ASSERT_CONTAINS(text, "loader=classic\n");
        ASSERT_CONTAINS(text, "errno=8\n");
        ASSERT_OK(loader_probe_parse(text, &q));
        ASSERT_STREQ(q.boot_id, BOOT_A);
        ASSERT_EQ(q.loader, KEXEC_LOADER_CLASSIC);
        ASSERT_EQ(q.file_errno, ENOEXEC);
        ASSERT_STREQ(q.image, IMG_1);

        ASSERT_ERR(loader_probe_parse("", &q), EBADMSG);
        ASSERT_ERR(loader_probe_parse("boot_id=" BOOT_A "\nloader=auto\nerrno=38\n", &q), EBADMSG);
        ASSERT_ERR(loader_probe_parse("boot_id=" BOOT_A "\nloader=classic\n", &q), EBADMSG);
        ASSERT_ERR(loader_probe_parse("boot_id=xyz\nloader=classic\nerrno=38\n", &q), EBADMSG);
        /* contradictions: file with an error, classic without one */
        ASSERT_ERR(loader_probe_parse("boot_id=" BOOT_A "\nloader=file\nerrno=38\n", &q), EBADMSG);
        ASSERT_ERR(loader_probe_parse("boot_id=" BOOT_A "\nloader=classic\nerrno=0\n", &q), EBADMSG);
}

/* Which loader auto uses, given what was remembered. */
TEST(probe_decide) {
        struct loader_probe p;

        ASSERT_EQ(loader_probe_decide(NULL, BOOT_A, IMG_1), KEXEC_LOADER_AUTO);

        ASSERT_TRUE(loader_probe_record(BOOT_A, -ENOSYS, IMG_1, &p));
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, IMG_1), KEXEC_LOADER_CLASSIC);
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, IMG_2), KEXEC_LOADER_CLASSIC);   /* per boot */
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, NULL), KEXEC_LOADER_CLASSIC);
        ASSERT_EQ(loader_probe_decide(&p, BOOT_B, IMG_1), KEXEC_LOADER_AUTO);      /* another boot: probe */

        ASSERT_TRUE(loader_probe_record(BOOT_A, -ENOEXEC, IMG_1, &p));
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, IMG_1), KEXEC_LOADER_CLASSIC);
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, IMG_2), KEXEC_LOADER_AUTO);      /* a new kernel file: probe */
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, NULL), KEXEC_LOADER_AUTO);

        ASSERT_TRUE(loader_probe_record(BOOT_A, 0, IMG_1, &p));
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, IMG_1), KEXEC_LOADER_AUTO);      /* file worked: keep using it */

        /* a record claiming a refusal (written by hand, or by an older
         * version) never sends auto to kexec_load */
        ASSERT_OK(loader_probe_parse("boot_id=" BOOT_A "\nloader=classic\nerrno=1\nimage=\n", &p));
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, IMG_1), KEXEC_LOADER_AUTO);
        ASSERT_OK(loader_probe_parse("boot_id=" BOOT_A "\nloader=classic\nerrno=129\n", &p));   /* EKEYREJECTED */
        ASSERT_EQ(loader_probe_decide(&p, BOOT_A, IMG_1), KEXEC_LOADER_AUTO);
}

/* Through the files: a boot_id file, the record under a fresh /run-like
 * directory, and the decision the next load makes from them. */
TEST(probe_files) {
        char boot_id[BOOT_ID_LEN + 1], image[512];
        struct loader_probe p;
        _cleanup_free_ char *text = NULL;
        bool have;
        struct kexec_crash_load o = {
                .sz = sizeof(struct kexec_crash_load), .loader = KEXEC_LOADER_AUTO,
                .kernel = test_tmp("vmlinuz-probe"), .probe_path = test_tmp("run/kdumpd/loader-probe"),
                .boot_id_path = test_tmp("boot_id"),
        };

        ASSERT_OK(write_file_atomic(o.kernel, "kernel", 6, 0644));
        ASSERT_OK(write_file_atomic(o.boot_id_path, BOOT_A "\n", BOOT_ID_LEN + 1, 0644));

        /* first load of the boot: nothing remembered */
        kexec_loader_probe_read(&o, boot_id, image, sizeof(image), &p, &have);
        ASSERT_TRUE(!have);
        ASSERT_STREQ(boot_id, BOOT_A);
        ASSERT_CONTAINS(image, " size=6 mtime=");

        /* kexec_file_load said ENOSYS: kept, and the next load skips it */
        kexec_loader_probe_write(o.probe_path, boot_id, -ENOSYS, image);
        ASSERT_OK(read_full_file(o.probe_path, &text, NULL));
        ASSERT_CONTAINS(text, "loader=classic\nerrno=38\n");
        kexec_loader_probe_read(&o, boot_id, image, sizeof(image), &p, &have);
        ASSERT_TRUE(have);
        ASSERT_EQ(loader_probe_decide(&p, boot_id, image), KEXEC_LOADER_CLASSIC);

        /* after a reboot the record is another boot's */
        ASSERT_OK(write_file_atomic(o.boot_id_path, BOOT_B "\n", BOOT_ID_LEN + 1, 0644));
        kexec_loader_probe_read(&o, boot_id, image, sizeof(image), &p, &have);
        ASSERT_TRUE(have);
        ASSERT_EQ(loader_probe_decide(&p, boot_id, image), KEXEC_LOADER_AUTO);

        /* a signature refusal leaves the record as it was */
        kexec_loader_probe_write(o.probe_path, boot_id, -EKEYREJECTED, image);
        kexec_loader_probe_read(&o, boot_id, image, sizeof(image), &p, &have);
        ASSERT_STREQ(p.boot_id, BOOT_A);

        /* a garbled record: probe again */
        ASSERT_OK(write_file_atomic(o.probe_path, "loader=classic\n", 15, 0644));
        kexec_loader_probe_read(&o, boot_id, image, sizeof(image), &p, &have);
        ASSERT_TRUE(!have);
}

TEST(probe_image_key) {
        char key[512];

        ASSERT_OK(write_file_atomic(test_tmp("vmlinuz"), "abc", 3, 0644));
        ASSERT_OK(loader_probe_image_key(test_tmp("vmlinuz"), key, sizeof(key)));
        ASSERT_CONTAINS(key, " size=3 mtime=");
        ASSERT_ERR(loader_probe_image_key(test_tmp("vmlinuz"), key, 8), ENAMETOOLONG);
        ASSERT_ERR(loader_probe_image_key(test_tmp("missing"), key, sizeof(key)), ENOENT);
}

TEST_MAIN()
