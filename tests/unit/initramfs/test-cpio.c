/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "cpio-reader.h"
#include "initramfs/builder/cpio.h"
#include "tests.h"

/* Reads the whole archive back; returns the number of records before the
 * trailer and checks sortedness, sequential inodes and that the trailer is
 * the last thing in the buffer. */
static unsigned parse_all(const void *data, size_t size, struct cpio_rec *recs, unsigned max) {
        size_t off = 0;
        unsigned n = 0;

        for (;;) {
                struct cpio_rec r;
                int k = cpio_next(data, size, &off, &r);

                ASSERT_TRUE(k >= 0);
                if (k == 0)
                        break;
                ASSERT_TRUE(n < max);
                ASSERT_EQ(r.ino, n + 1);
                if (n > 0)
                        ASSERT_TRUE(strcmp(recs[n - 1].name, r.name) < 0);
                recs[n++] = r;
        }
        ASSERT_EQ(off, size);
        return n;
}

static const struct cpio_rec *find_rec(const struct cpio_rec *recs, unsigned n, const char *name) {
        for (unsigned i = 0; i < n; i++)
                if (strcmp(recs[i].name, name) == 0)
                        return &recs[i];
        return NULL;
}

TEST(basic_layout) {
        _cleanup_(cpio_writer_freep) cpio_writer *w = NULL;
        _cleanup_free_ void *data = NULL;
        size_t size;
        struct cpio_rec recs[32];
        const struct cpio_rec *r;
        unsigned n;

        ASSERT_OK(cpio_writer_new(0, &w));
        ASSERT_OK(cpio_add_file(w, "/usr/bin/hello", "hi\n", 3, 0755));
        ASSERT_OK(cpio_add_file(w, "/etc/kdump/empty", "", 0, 0644));
        ASSERT_OK(cpio_add_symlink(w, "/bin", "usr/bin"));
        ASSERT_OK(cpio_add_directory(w, "/var/crash", 0700));
        ASSERT_OK(cpio_writer_to_buffer(w, &data, &size));
        ASSERT_EQ(size, cpio_writer_archive_size(w));
        ASSERT_EQ(size % 4, 0);

        n = parse_all(data, size, recs, ELEMENTSOF(recs));
        /* bin, etc, etc/kdump, etc/kdump/empty, usr, usr/bin, usr/bin/hello, var, var/crash */
        ASSERT_EQ(n, 9);
        ASSERT_EQ(n, cpio_writer_entries(w));

        r = find_rec(recs, n, "usr/bin/hello");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->mode, S_IFREG | 0755);
        ASSERT_EQ(r->size, 3);
        ASSERT_TRUE(memcmp(r->body, "hi\n", 3) == 0);
        ASSERT_EQ(r->uid, 0);
        ASSERT_EQ(r->mtime, 0);

        r = find_rec(recs, n, "bin");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->mode, S_IFLNK | 0777);
        ASSERT_EQ(r->size, 7);
        ASSERT_TRUE(memcmp(r->body, "usr/bin", 7) == 0);

        r = find_rec(recs, n, "usr");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->mode, S_IFDIR | 0755);
        ASSERT_EQ(r->nlink, 2);
        r = find_rec(recs, n, "var/crash");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->mode, S_IFDIR | 0700);
        r = find_rec(recs, n, "etc/kdump/empty");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->size, 0);
}

TEST(deterministic_regardless_of_add_order) {
        _cleanup_(cpio_writer_freep) cpio_writer *a = NULL, *b = NULL;
        _cleanup_free_ void *da = NULL, *db = NULL;
        size_t sa, sb;

        ASSERT_OK(cpio_writer_new(1234, &a));
        ASSERT_OK(cpio_writer_new(1234, &b));
        ASSERT_OK(cpio_add_file(a, "x/a", "1", 1, 0644));
        ASSERT_OK(cpio_add_file(a, "x/b", "22", 2, 0644));
        ASSERT_OK(cpio_add_symlink(a, "y", "x/a"));
        ASSERT_OK(cpio_add_symlink(b, "y", "x/a"));
        ASSERT_OK(cpio_add_file(b, "x/b", "22", 2, 0644));
        ASSERT_OK(cpio_add_file(b, "/x//a", "1", 1, 0644));
        ASSERT_OK(cpio_writer_to_buffer(a, &da, &sa));
        ASSERT_OK(cpio_writer_to_buffer(b, &db, &sb));
        ASSERT_EQ(sa, sb);
        ASSERT_TRUE(memcmp(da, db, sa) == 0);
}

TEST(duplicates) {
        _cleanup_(cpio_writer_freep) cpio_writer *w = NULL;

        ASSERT_OK(cpio_writer_new(0, &w));
        ASSERT_OK(cpio_add_file(w, "a/f", "abc", 3, 0644));
        ASSERT_OK(cpio_add_file(w, "a/f", "abc", 3, 0644));     /* identical */
        ASSERT_ERR(cpio_add_file(w, "a/f", "abd", 3, 0644), EEXIST);
        ASSERT_ERR(cpio_add_file(w, "a/f", "abc", 3, 0600), EEXIST);
        ASSERT_ERR(cpio_add_directory(w, "a/f", 0755), EEXIST);
        ASSERT_ERR(cpio_add_file(w, "a/f/g", "x", 1, 0644), ENOTDIR);
        ASSERT_OK(cpio_add_symlink(w, "l", "a"));
        ASSERT_OK(cpio_add_symlink(w, "l", "a"));
        ASSERT_ERR(cpio_add_symlink(w, "l", "b"), EEXIST);
        /* "a" was implicit: an explicit add sets its mode once */
        ASSERT_OK(cpio_add_directory(w, "a", 0711));
        ASSERT_OK(cpio_add_directory(w, "a", 0711));
        ASSERT_ERR(cpio_add_directory(w, "a", 0755), EEXIST);
        ASSERT_EQ(cpio_writer_entries(w), 3);
}

TEST(parents_through_symlinks) {
        _cleanup_(cpio_writer_freep) cpio_writer *w = NULL;
        _cleanup_free_ char *canon = NULL;

        ASSERT_OK(cpio_writer_new(0, &w));
        ASSERT_OK(cpio_add_symlink(w, "/lib", "usr/lib"));
        ASSERT_OK(cpio_add_symlink(w, "/usr/lib64", "/lib"));
        ASSERT_OK(cpio_add_file(w, "/lib/modules/6.1/kernel/a.ko", "k", 1, 0644));
        ASSERT_OK(cpio_add_file(w, "/usr/lib64/x", "x", 1, 0644));
        ASSERT_EQ(cpio_writer_lookup(w, "usr/lib/modules/6.1/kernel/a.ko"), S_IFREG);
        ASSERT_EQ(cpio_writer_lookup(w, "usr/lib/x"), S_IFREG);
        ASSERT_EQ(cpio_writer_lookup(w, "lib"), S_IFLNK);
        ASSERT_EQ(cpio_writer_lookup(w, "lib/modules"), 0);
        ASSERT_ERR(cpio_writer_resolve(w, "/lib/../lib/x", &canon), EINVAL);
        ASSERT_ERR(cpio_writer_resolve(w, "/lib/missing", &canon), ENOENT);
        ASSERT_STREQ(canon, "usr/lib/missing");
        free(canon);
        canon = NULL;
        ASSERT_OK(cpio_writer_resolve(w, "/usr/lib64/x", &canon));
        ASSERT_STREQ(canon, "usr/lib/x");

        /* symlink loops are reported, not followed forever */
        ASSERT_OK(cpio_add_symlink(w, "loop1", "loop2"));
        ASSERT_OK(cpio_add_symlink(w, "loop2", "loop1"));
        ASSERT_ERR(cpio_add_file(w, "loop1/x", "x", 1, 0644), ELOOP);
}

TEST(limits_and_bad_names) {
        _cleanup_(cpio_writer_freep) cpio_writer *w = NULL;
        char long_comp[300], long_path[5000];

        ASSERT_OK(cpio_writer_new(0, &w));
        memset(long_comp, 'a', sizeof(long_comp) - 1);
        long_comp[sizeof(long_comp) - 1] = 0;
        ASSERT_ERR(cpio_add_file(w, long_comp, "x", 1, 0644), ENAMETOOLONG);

        /* components of 200 bytes joined to more than 4096 */
        for (int i = 0; i < 24; i++) {
                long_path[i * 201] = '/';
                memset(long_path + i * 201 + 1, 'b', 200);
        }
        long_path[24 * 201] = 0;
        ASSERT_ERR(cpio_add_directory(w, long_path, 0755), ENAMETOOLONG);
        ASSERT_ERR(cpio_add_symlink(w, "s", long_path), ENAMETOOLONG);

        ASSERT_ERR(cpio_add_file(w, "", "x", 1, 0644), EINVAL);
        ASSERT_ERR(cpio_add_file(w, "/", "x", 1, 0644), EINVAL);
        ASSERT_ERR(cpio_add_file(w, "a/../b", "x", 1, 0644), EINVAL);
        ASSERT_ERR(cpio_add_file(w, "./b", "x", 1, 0644), EINVAL);
        ASSERT_ERR(cpio_add_symlink(w, "s", ""), EINVAL);
        /* newc's c_filesize has 32 bits; the size is checked before any copy */
        ASSERT_ERR(cpio_add_file_take(w, "big", NULL, (size_t) CPIO_FILE_SIZE_MAX + 1, 0644), EFBIG);
        ASSERT_EQ(cpio_writer_entries(w), 0);
}

/* The archive must be readable by GNU cpio, byte for byte. */
TEST(gnu_cpio_extracts) {
        _cleanup_(cpio_writer_freep) cpio_writer *w = NULL;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *content = NULL, *listing = NULL;
        char cmd[8192], payload[5000];
        size_t sz;
        struct stat st;

        if (system("cpio --version >/dev/null 2>&1") != 0) {
                printf("# cpio not installed, skipping\n");
                return;
        }
        for (size_t i = 0; i < sizeof(payload); i++)
                payload[i] = (char) ('a' + i % 23);

        ASSERT_OK(cpio_writer_new(0, &w));
        ASSERT_OK(cpio_add_file(w, "/usr/bin/tool", payload, sizeof(payload), 0755));
        ASSERT_OK(cpio_add_file(w, "/etc/odd", "12345", 5, 0600));
        ASSERT_OK(cpio_add_symlink(w, "/bin", "usr/bin"));
        ASSERT_OK(cpio_add_directory(w, "/var/crash", 0700));

        fd = open(test_tmp("a.cpio"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(cpio_writer_to_fd(w, fd));
        fd = safe_close(fd);

        snprintf(cmd, sizeof(cmd), "cpio --quiet -t < '%s' > '%s' 2>&1",
                 test_tmp("a.cpio"), test_tmp("list"));
        ASSERT_EQ(system(cmd), 0);
        ASSERT_OK(read_full_file(test_tmp("list"), &listing, &sz));
        ASSERT_STREQ(listing, "bin\netc\netc/odd\nusr\nusr/bin\nusr/bin/tool\nvar\nvar/crash\n");

        ASSERT_OK(mkdir_p(test_tmp("x"), 0755));
        snprintf(cmd, sizeof(cmd), "cd '%s' && cpio --quiet -i -d < '%s' 2>&1",
                 test_tmp("x"), test_tmp("a.cpio"));
        ASSERT_EQ(system(cmd), 0);
        ASSERT_OK(read_full_file(test_tmp("x/bin/tool"), &content, &sz));   /* via the symlink */
        ASSERT_EQ(sz, sizeof(payload));
        ASSERT_TRUE(memcmp(content, payload, sz) == 0);
        ASSERT_OK(lstat(test_tmp("x/bin"), &st));
        ASSERT_TRUE(S_ISLNK(st.st_mode));
        ASSERT_OK(stat(test_tmp("x/var/crash"), &st));
        ASSERT_EQ(st.st_mode & 07777, 0700);
        ASSERT_OK(stat(test_tmp("x/etc/odd"), &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_EQ(st.st_size, 5);
}

TEST_MAIN()
