/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "fake-elf-root.h"
#include "initramfs/builder/elf-closure.h"
#include "tests.h"

static const struct elf_closure_entry *find(const elf_closure *c, const char *path) {
        for (size_t i = 0; i < elf_closure_count(c); i++)
                if (strcmp(elf_closure_get(c, i)->path, path) == 0)
                        return elf_closure_get(c, i);
        return NULL;
}

static const struct elf_closure_entry *find_basename(const elf_closure *c, const char *base) {
        for (size_t i = 0; i < elf_closure_count(c); i++) {
                const char *p = elf_closure_get(c, i)->path;
                const char *s = strrchr(p, '/');
                if (strcmp(s ? s + 1 : p, base) == 0)
                        return elf_closure_get(c, i);
        }
        return NULL;
}

/* /bin/true of this host: libc.so.6 and the interpreter, found through the
 * Debian multiarch directories. */
TEST(host_true) {
        _cleanup_(elf_closure_freep) elf_closure *c = NULL;
        const struct elf_closure_entry *e;
        struct stat st;

        ASSERT_OK(elf_closure_new(NULL, NULL, &c));
        ASSERT_TRUE(elf_closure_add(c, "/bin/true") >= 2);
        e = find_basename(c, "libc.so.6");
        ASSERT_TRUE(e);
        ASSERT_TRUE(!e->interpreter);
        ASSERT_TRUE(strcmp(e->needed_by, "/bin/true") == 0);
        ASSERT_OK(stat(e->path, &st));
        e = find_basename(c, "ld-linux-x86-64.so.2");
        ASSERT_TRUE(e);
        ASSERT_OK(stat(e->path, &st));

        /* a second program with the same libraries adds nothing new */
        ASSERT_EQ(elf_closure_add(c, "/bin/false"), 0);
        /* no entry twice */
        for (size_t i = 0; i < elf_closure_count(c); i++)
                for (size_t j = i + 1; j < elf_closure_count(c); j++)
                        ASSERT_TRUE(strcmp(elf_closure_get(c, i)->path, elf_closure_get(c, j)->path) != 0);
}

TEST(fixture_root) {
        _cleanup_(elf_closure_freep) elf_closure *c = NULL;
        const struct elf_closure_entry *e;

        ASSERT_OK(elf_closure_new(fake_elf_root(), NULL, &c));
        ASSERT_EQ(elf_closure_add(c, "/usr/bin/prog"), 3);
        ASSERT_EQ(elf_closure_count(c), 3);

        e = find(c, "/lib64/ld-fake.so.2");
        ASSERT_TRUE(e);
        ASSERT_TRUE(e->interpreter);
        /* the wrong-machine copy in /lib/x86_64-linux-gnu is skipped; the
         * name the loader opens is kept (it is a symlink to libfoo.so.1.2.3) */
        e = find(c, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
        ASSERT_TRUE(e);
        ASSERT_STREQ(e->needed_by, "/usr/bin/prog");
        /* DT_RUNPATH $ORIGIN/private of libfoo */
        e = find(c, "/usr/lib/x86_64-linux-gnu/private/libbar.so.2");
        ASSERT_TRUE(e);
        ASSERT_STREQ(e->needed_by, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
}

TEST(missing_library) {
        _cleanup_(elf_closure_freep) elf_closure *c = NULL;

        ASSERT_OK(elf_closure_new(fake_elf_root(), NULL, &c));
        ASSERT_ERR(elf_closure_add(c, "/usr/bin/broken"), ENOENT);
        ASSERT_STREQ(elf_closure_failed_name(c), "libmissing.so.7");
        ASSERT_STREQ(elf_closure_failed_needed_by(c), "/usr/bin/broken");

        /* libbar is only reachable through libfoo's RUNPATH */
        {
                _cleanup_(elf_closure_freep) elf_closure *d = NULL;
                const char *dirs[] = { "/nowhere", NULL };

                ASSERT_OK(elf_closure_new(fake_elf_root(), dirs, &d));
                ASSERT_ERR(elf_closure_add(d, "/usr/bin/prog"), ENOENT);
                ASSERT_STREQ(elf_closure_failed_name(d), "libfoo.so.1");
        }
}

TEST(bad_input) {
        _cleanup_(elf_closure_freep) elf_closure *c = NULL;

        ASSERT_OK(elf_closure_new(fake_elf_root(), NULL, &c));
        ASSERT_ERR(elf_closure_add(c, "/usr/bin/script"), ENOEXEC);
        ASSERT_ERR(elf_closure_add(c, "/usr/bin/nonexistent"), ENOENT);
        ASSERT_STREQ(elf_closure_failed_name(c), "/usr/bin/nonexistent");
        /* host files are not visible inside another root */
        ASSERT_ERR(elf_closure_add(c, "/bin/true"), ENOENT);
}

TEST_MAIN()
