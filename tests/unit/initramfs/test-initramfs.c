/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "cpio-reader.h"
#include "fake-elf-root.h"
#include "fake-modules.h"
#include "fake-sysfs.h"
#include "initramfs/builder/compress.h"
#include "initramfs/builder/initramfs.h"
#include "initramfs/init/capture-layout.h"
#include "tests.h"

struct archive {
        char *data;
        size_t size;
        struct cpio_rec recs[256];
        unsigned n;
};

static void load_archive(const char *path, struct archive *a) {
        size_t off = 0;

        ASSERT_OK(read_full_file(path, &a->data, &a->size));
        a->n = 0;
        for (;;) {
                int k = cpio_next((const unsigned char *) a->data, a->size, &off, &a->recs[a->n]);

                ASSERT_TRUE(k >= 0);
                if (k == 0)
                        break;
                ASSERT_TRUE(++a->n < ELEMENTSOF(a->recs));
        }
}

static const struct cpio_rec *rec(const struct archive *a, const char *name) {
        for (unsigned k = 0; k < a->n; k++)
                if (strcmp(a->recs[k].name, name) == 0)
                        return &a->recs[k];
        return NULL;
}

static bool body_is(const struct cpio_rec *r, const char *s) {
        return r && r->size == strlen(s) && memcmp(r->body, s, r->size) == 0;
}

static initramfs *new_fixture_builder(void) {
        const char *config[] = { test_fixture("initramfs/modprobe.d"), NULL };
        initramfs *i = NULL;

        ASSERT_OK(initramfs_new(&(struct initramfs_opts) {
                        .sz = sizeof(struct initramfs_opts),
                        .kernel_release = FAKE_RELEASE,
                        .modules_dir = fake_modules_dir(),
                        .root = fake_elf_root(),
                        .sysfs = fake_sysfs(),
                        .modprobe_config = config,
                }, &i));
        return i;
}

static size_t line_of(const char *list, const char *path) {
        const char *p = strstr(list, path);
        size_t line = 0;

        if (!p)
                TEST_FAIL("%s not in modules.load", path);
        for (const char *q = list; q < p; q++)
                line += *q == '\n';
        return line;
}

#define MODDIR "/lib/modules/" FAKE_RELEASE "/kernel/"

TEST(fixture_build) {
        _cleanup_(initramfs_freep) initramfs *i = new_fixture_builder();
        struct archive a = {};
        const struct cpio_rec *r;
        struct initramfs_stats st;
        _cleanup_free_ char *list = NULL, *summary = NULL;
        uint64_t size;
        unsigned lines = 0;

        ASSERT_OK(initramfs_add_program(i, "/usr/bin/prog", "/init"));
        ASSERT_OK(initramfs_add_data(i, CAPTURE_CONF, "path /var/crash\n", 16, 0600));
        ASSERT_EQ(initramfs_add_modules(i, (const char *const[]) { "ext4", NULL }), 6);
        /* vdb1: virtio_blk (+ virtio_ring), virtio_pci built in */
        ASSERT_EQ(initramfs_add_modules_for_device(i, "254:17"), 2);
        ASSERT_OK(initramfs_write(i, test_tmp("fixture.img"), INITRAMFS_COMPRESSION_NONE, &size));

        load_archive(test_tmp("fixture.img"), &a);
        ASSERT_EQ(size, a.size);

        r = rec(&a, "init");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->mode, S_IFREG | 0755);
        ASSERT_TRUE(r->size > 4 && memcmp(r->body, "\177ELF", 4) == 0);
        r = rec(&a, "etc/kdump/capture.conf");
        ASSERT_TRUE(body_is(r, "path /var/crash\n"));
        ASSERT_EQ(r->mode, S_IFREG | 0600);

        /* the loader's names, with the symlinks of the root */
        r = rec(&a, "lib64/ld-fake.so.2");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->mode & S_IFMT, S_IFLNK);
        ASSERT_TRUE(body_is(r, "/usr/lib/x86_64-linux-gnu/ld-fake.so.2"));
        ASSERT_TRUE(rec(&a, "usr/lib/x86_64-linux-gnu/ld-fake.so.2"));
        ASSERT_TRUE(body_is(rec(&a, "usr/lib/x86_64-linux-gnu/libfoo.so.1"), "libfoo.so.1.2.3"));
        ASSERT_EQ(rec(&a, "usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3")->mode & S_IFMT, S_IFREG);
        ASSERT_TRUE(rec(&a, "usr/lib/x86_64-linux-gnu/private/libbar.so.2"));
        /* the wrong-machine decoy stays out */
        ASSERT_TRUE(!rec(&a, "lib/x86_64-linux-gnu/libfoo.so.1"));

        /* compressed modules are stored decompressed, under .ko */
        r = rec(&a, "lib/modules/" FAKE_RELEASE "/kernel/drivers/block/virtio_blk.ko");
        ASSERT_TRUE(r && r->size > 4 && memcmp(r->body, "\177ELF", 4) == 0);
        r = rec(&a, "lib/modules/" FAKE_RELEASE "/kernel/lib/crc16.ko");
        ASSERT_TRUE(r && r->size > 4 && memcmp(r->body, "\177ELF", 4) == 0);
        ASSERT_TRUE(!rec(&a, "lib/modules/" FAKE_RELEASE "/kernel/lib/crc16.ko.zst"));

        /* modules.load: every module once, in load order, all present */
        r = rec(&a, "etc/kdump/modules.load");
        ASSERT_TRUE(r);
        list = strndup((const char *) r->body, r->size);
        for (const char *p = list; *p; p++)
                lines += *p == '\n';
        ASSERT_EQ(lines, 8);
        for (char *l = list, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
                *nl = 0;
                ASSERT_TRUE(l[0] == '/');
                ASSERT_TRUE(rec(&a, l + 1));
                *nl = '\n';
        }
        ASSERT_TRUE(line_of(list, MODDIR "crypto/crc32c_generic.ko\n") < line_of(list, MODDIR "fs/ext4/ext4.ko\n"));
        ASSERT_TRUE(line_of(list, MODDIR "lib/crc16.ko\n") < line_of(list, MODDIR "fs/jbd2/jbd2.ko\n"));
        ASSERT_TRUE(line_of(list, MODDIR "fs/jbd2/jbd2.ko\n") < line_of(list, MODDIR "fs/ext4/ext4.ko\n"));
        ASSERT_TRUE(line_of(list, MODDIR "fs/quota/quota_v2.ko\n") > line_of(list, MODDIR "fs/ext4/ext4.ko\n"));
        ASSERT_TRUE(line_of(list, MODDIR "drivers/virtio/virtio_ring.ko\n") <
                    line_of(list, MODDIR "drivers/block/virtio_blk.ko\n"));
        ASSERT_TRUE(!strstr(list, "virtio_pci"));

        initramfs_get_stats(i, &st);
        ASSERT_EQ(st.n_programs, 1);
        ASSERT_EQ(st.n_libraries, 3);
        ASSERT_EQ(st.n_modules, 8);
        ASSERT_EQ(st.n_builtin_modules, 1);
        ASSERT_EQ(st.uncompressed_size, size);
        ASSERT_OK(initramfs_summary(i, &summary));
        ASSERT_CONTAINS(summary, "1 programs, 3 libraries, 8 modules + 1 built in");

        /* sealed by the write */
        ASSERT_ERR(initramfs_add_data(i, "/etc/late", "x", 1, 0644), EBUSY);
        free(a.data);
}

TEST(zstd_and_determinism) {
        _cleanup_(initramfs_freep) initramfs *i = new_fixture_builder(), *j = new_fixture_builder();
        _cleanup_free_ char *plain = NULL, *packed = NULL, *other = NULL, *summary = NULL;
        _cleanup_free_ void *unpacked = NULL;
        size_t plain_size, packed_size, other_size, unpacked_size;
        uint64_t size;

        /* the same content added in another order gives the same bytes */
        ASSERT_OK(initramfs_add_program(i, "/usr/bin/prog", "/init"));
        ASSERT_OK(initramfs_add_modules(i, (const char *const[]) { "ext4", "virtio_blk", NULL }));
        ASSERT_OK(initramfs_add_modules(j, (const char *const[]) { "ext4", "virtio_blk", NULL }));
        ASSERT_OK(initramfs_add_program(j, "/usr/bin/prog", "/init"));

        ASSERT_OK(initramfs_write(i, test_tmp("a.img"), INITRAMFS_COMPRESSION_NONE, NULL));
        ASSERT_OK(initramfs_write(i, test_tmp("a.img.zst"), INITRAMFS_COMPRESSION_ZSTD, &size));
        ASSERT_OK(initramfs_write(j, test_tmp("b.img"), INITRAMFS_COMPRESSION_NONE, NULL));
        ASSERT_OK(read_full_file(test_tmp("a.img"), &plain, &plain_size));
        ASSERT_OK(read_full_file(test_tmp("b.img"), &other, &other_size));
        ASSERT_EQ(plain_size, other_size);
        ASSERT_TRUE(memcmp(plain, other, plain_size) == 0);

        ASSERT_OK(read_full_file(test_tmp("a.img.zst"), &packed, &packed_size));
        ASSERT_EQ(size, packed_size);
        ASSERT_TRUE(packed_size < plain_size);
        ASSERT_EQ(compression_detect(packed, packed_size), COMPRESSION_ZSTD);
        ASSERT_OK(decompress_buffer(COMPRESSION_ZSTD, packed, packed_size, &unpacked, &unpacked_size));
        ASSERT_EQ(unpacked_size, plain_size);
        ASSERT_TRUE(memcmp(unpacked, plain, plain_size) == 0);
        ASSERT_OK(initramfs_summary(i, &summary));
        ASSERT_CONTAINS(summary, "zstd");
}

TEST(errors_name_the_culprit) {
        _cleanup_(initramfs_freep) initramfs *i = new_fixture_builder();
        struct stat st;

        ASSERT_ERR(initramfs_add_modules(i, (const char *const[]) { "no_such_fs", NULL }), ENOENT);
        ASSERT_CONTAINS(initramfs_error_detail(i), "no_such_fs");
        ASSERT_ERR(initramfs_add_modules(i, (const char *const[]) { "haunted", NULL }), ENOENT);
        ASSERT_CONTAINS(initramfs_error_detail(i), "ghost");
        ASSERT_CONTAINS(initramfs_error_detail(i), "haunted");

        ASSERT_ERR(initramfs_add_program(i, "/usr/bin/broken", NULL), ENOENT);
        ASSERT_CONTAINS(initramfs_error_detail(i), "libmissing.so.7");
        ASSERT_CONTAINS(initramfs_error_detail(i), "/usr/bin/broken");
        ASSERT_ERR(initramfs_add_program(i, "/usr/bin/script", NULL), ENOEXEC);

        ASSERT_ERR(initramfs_add_modules_for_device(i, "8:0"), ENOENT);
        ASSERT_CONTAINS(initramfs_error_detail(i), "8:0");
        ASSERT_ERR(initramfs_add_modules_for_device(i, "/dev/null"), ENOTBLK);

        ASSERT_ERR(initramfs_add_file(i, "/nonexistent/file", "/etc/x", 0), ENOENT);
        ASSERT_ERR(initramfs_add_data(i, "/etc/../x", "x", 1, 0644), EINVAL);

        /* a failed build leaves no file behind */
        ASSERT_ERR(initramfs_write(i, test_tmp("no/such/dir/x.img"), INITRAMFS_COMPRESSION_NONE, NULL), ENOENT);
        ASSERT_TRUE(stat(test_tmp("no/such/dir/x.img"), &st) < 0);
}

/* A real host program, extracted by GNU cpio and started through the
 * extracted loader and libraries: the closure is complete and the symlinks
 * of the merged-/usr layout come along. */
TEST(host_program_runs_from_archive) {
        _cleanup_(initramfs_freep) initramfs *i = NULL;
        struct stat st;
        char cmd[16384];

        ASSERT_OK(initramfs_new(&(struct initramfs_opts) { .sz = sizeof(struct initramfs_opts) }, &i));
        ASSERT_OK(initramfs_add_program(i, "/bin/true", "/usr/bin/true"));
        ASSERT_OK(initramfs_add_program(i, "/bin/false", NULL));
        ASSERT_OK(initramfs_write(i, test_tmp("host.img"), INITRAMFS_COMPRESSION_NONE, NULL));
        ASSERT_OK(stat(test_tmp("host.img"), &st));
        ASSERT_EQ(st.st_mode & 0777, 0600);

        ASSERT_OK(mkdir_p(test_tmp("hostx"), 0755));
        snprintf(cmd, sizeof(cmd), "cd '%s' && cpio --quiet -i -d < '%s'", test_tmp("hostx"), test_tmp("host.img"));
        ASSERT_EQ(system(cmd), 0);
        snprintf(cmd, sizeof(cmd),
                 "r='%s'; "
                 "[ -f \"$r/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\" ] || exit 3; "
                 "\"$r/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\" --inhibit-cache "
                 "--library-path \"$r/usr/lib/x86_64-linux-gnu\" \"$r/usr/bin/true\"",
                 test_tmp("hostx"));
        ASSERT_EQ(system(cmd), 0);
        ASSERT_OK(lstat(test_tmp("hostx/lib64/ld-linux-x86-64.so.2"), &st) == 0 ||
                  lstat(test_tmp("hostx/usr/lib64/ld-linux-x86-64.so.2"), &st) == 0 ? 0 : -ENOENT);
        ASSERT_TRUE(S_ISLNK(st.st_mode));
}

TEST(kconfig_compression) {
        enum initramfs_compression c;

        ASSERT_OK(write_file_atomic(test_tmp("config-zstd"),
                                    "CONFIG_RD_GZIP=y\nCONFIG_RD_ZSTD=y\n", 34, 0644));
        ASSERT_OK(write_file_atomic(test_tmp("config-nozstd"),
                                    "CONFIG_RD_GZIP=y\n# CONFIG_RD_ZSTD is not set\n", 45, 0644));
        ASSERT_OK(initramfs_compression_from_kconfig(test_tmp("config-zstd"), &c));
        ASSERT_EQ(c, INITRAMFS_COMPRESSION_ZSTD);
        ASSERT_OK(initramfs_compression_from_kconfig(test_tmp("config-nozstd"), &c));
        ASSERT_EQ(c, INITRAMFS_COMPRESSION_NONE);
        ASSERT_ERR(initramfs_compression_from_kconfig(test_tmp("config-missing"), &c), ENOENT);
        ASSERT_STREQ(initramfs_compression_to_string(INITRAMFS_COMPRESSION_ZSTD), "zstd");
}

TEST_MAIN()
