/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdumpctl verify: a dump directory against its SHA256SUMS, made here by
 * the real sha256sum; a changed, truncated or missing file fails, naming
 * it. */
#include <fcntl.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "kdumpd/verbs-catalog.h"
#include "kdumpd/verbs-seal.h"
#include "tests.h"

static char *make_dump(const char *name) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        char *root;
        _cleanup_free_ char *dir = NULL, *cmd = NULL;

        ASSERT_TRUE(asprintf(&root, "%s/%s", test_tmp_dir, name) > 0);
        ASSERT_TRUE(asprintf(&dir, "%s/2026-12-02-10:00:00", root) > 0);
        ASSERT_OK(mkdir_p(dir, 0700));
        ASSERT_TRUE(asprintf(&cmd, "cd '%s' && head -c 300000 /dev/urandom > vmcore.age && "
                             "printf 'age-encryption.org/v1\\n' > vmcore-dmesg.txt.age && "
                             "sha256sum vmcore-dmesg.txt.age vmcore.age > SHA256SUMS", dir) > 0);
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "sh", (char *) "-c", cmd, NULL },
                                &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1 },
                                &res));
        ASSERT_EQ(res.status, 0);
        return root;
}

/* verify's verdict; its report on each file must name the bad one */
static int verify(const char *root, const char *expect) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r;

        r = seal_verb_run("verify", &(struct catalog_verb_opts) { .sz = sizeof(struct catalog_verb_opts),
                                                                 .dump_dir = root },
                          (char *const[]) { (char *) "last", NULL }, 1, f);
        fclose(f);
        if (expect)
                ASSERT_CONTAINS(text, expect);
        return r;
}

TEST(verify_good_and_bad) {
        _cleanup_free_ char *a = make_dump("good"), *b = make_dump("flipped"), *c = make_dump("cut"),
                            *d = make_dump("gone"), *p = NULL;
        int fd;

        ASSERT_OK(verify(a, "All 2 files match SHA256SUMS."));
        ASSERT_TRUE(asprintf(&p, "%s/2026-12-02-10:00:00/vmcore.age", b) > 0);
        fd = open(p, O_WRONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_EQ(pwrite(fd, "\xff\x00", 2, 150000), 2);
        close(fd);
        ASSERT_ERR(verify(b, "vmcore.age: FAILED"), EBADMSG);
        free(p);
        ASSERT_TRUE(asprintf(&p, "%s/2026-12-02-10:00:00/vmcore.age", c) > 0);
        ASSERT_OK(truncate(p, 200000));
        ASSERT_ERR(verify(c, "vmcore.age: FAILED"), EBADMSG);
        free(p);
        ASSERT_TRUE(asprintf(&p, "%s/2026-12-02-10:00:00/vmcore-dmesg.txt.age", d) > 0);
        ASSERT_OK(unlink(p));
        ASSERT_ERR(verify(d, "vmcore-dmesg.txt.age: MISSING"), EBADMSG);
        free(p);
        /* no manifest: said, not passed */
        ASSERT_TRUE(asprintf(&p, "%s/2026-12-02-10:00:00/SHA256SUMS", a) > 0);
        ASSERT_OK(unlink(p));
        ASSERT_ERR(verify(a, NULL), ENOENT);
}

/* list --verify: a FILES column, ok or CHANGED (also in JSON) */
static char *list_verify(const char *root, bool json) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        ASSERT_OK(catalog_verb_run("list", &(struct catalog_verb_opts) { .sz = sizeof(struct catalog_verb_opts),
                                                                         .dump_dir = root, .verify = true, .json = json },
                                   NULL, 0, f));
        fclose(f);
        return text;
}

TEST(list_verify_marks_changed_dumps) {
        _cleanup_free_ char *a = make_dump("list-good"), *b = make_dump("list-cut"), *p = NULL;
        _cleanup_free_ char *good = NULL, *cut = NULL, *json = NULL;

        ASSERT_TRUE(asprintf(&p, "%s/2026-12-02-10:00:00/vmcore.age", b) > 0);
        ASSERT_OK(truncate(p, 1000));
        good = list_verify(a, false);
        ASSERT_CONTAINS(good, " FILES ");
        ASSERT_CONTAINS(good, " ok ");
        cut = list_verify(b, false);
        ASSERT_CONTAINS(cut, " CHANGED ");
        json = list_verify(b, true);
        ASSERT_CONTAINS(json, "\"files\":\"CHANGED\"");
}

TEST_MAIN()
