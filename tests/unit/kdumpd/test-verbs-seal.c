/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdumpctl verify: a dump directory against its SHA256SUMS, made here by
 * the real sha256sum; a changed, truncated or missing file fails, naming
 * it. */
#include <fcntl.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/spawn.h"
#include "kdumpd/dump-manifest.h"
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

/* what checks found is kept here, not in /var/lib/kdumpd */
static char *state_dir(void) {
        static char *dir;

        if (!dir)
                ASSERT_TRUE(asprintf(&dir, "%s/state", test_tmp_dir) > 0);
        return dir;
}

/* verify's verdict; its report on each file must name the bad one */
static int verify(const char *root, const char *expect) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r;

        r = seal_verb_run("verify", &(struct catalog_verb_opts) { .sz = sizeof(struct catalog_verb_opts),
                                                                 .dump_dir = root, .state_dir = state_dir() },
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

/* list (--verify: reading every file): a FILES column (also in JSON) */
static char *list(const char *root, bool full, bool json) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        ASSERT_OK(catalog_verb_run("list", &(struct catalog_verb_opts) { .sz = sizeof(struct catalog_verb_opts),
                                                                         .dump_dir = root, .verify = full, .json = json,
                                                                         .state_dir = state_dir() },
                                   NULL, 0, f));
        fclose(f);
        return text;
}

static char *list_verify(const char *root, bool json) {
        return list(root, true, json);
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

/* A plain list reads no dump: it says what the last check found while the
 * files stay as they were read, CHANGED when one is missing or no longer
 * the length that matched, and unchecked otherwise. */
static void assert_list_says(const char *root, const char *word) {
        _cleanup_free_ char *text = list(root, false, false), *json = list(root, false, true), *want = NULL;

        ASSERT_TRUE(asprintf(&want, " %-10s 2026-12-02-10:00:00 ", word) > 0);
        ASSERT_CONTAINS(text, want);
        free(want);
        ASSERT_TRUE(asprintf(&want, "\"files\":\"%s\"", word) > 0);
        ASSERT_CONTAINS(json, want);
}

/* edit(root, name, how) runs "how'name'" in the dump directory; "flip N "
 * writes the complement of byte N (a constant could be the byte there). */
static void edit(const char *root, const char *name, const char *how) {
        static const char flip[] =
                "flip() { b=$(od -An -tu1 -j \"$1\" -N1 \"$2\"); "
                "printf \"\\\\$(printf %03o $((b ^ 255)))\" | dd conv=notrunc bs=1 seek=\"$1\" status=none of=\"$2\"; }";
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        _cleanup_free_ char *cmd = NULL;

        ASSERT_TRUE(asprintf(&cmd, "%s; cd '%s/2026-12-02-10:00:00' && %s'%s'", flip, root, how, name) > 0);
        ASSERT_OK(spawn_capture((char *const[]) { (char *) "sh", (char *) "-c", cmd, NULL },
                                &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1 },
                                &res));
        ASSERT_EQ(res.status, 0);
}

TEST(plain_list_marks_what_changed_since_the_check) {
        _cleanup_free_ char *a = make_dump("quick-cut"), *b = make_dump("quick-gone"), *c = make_dump("quick-touched"),
                            *d = make_dump("quick-nosums"), *e = make_dump("quick-bad");

        assert_list_says(a, "unchecked");
        ASSERT_OK(verify(a, "All 2 files match SHA256SUMS."));
        assert_list_says(a, "ok");
        edit(a, "vmcore.age", "truncate -s 100000 ");
        assert_list_says(a, "CHANGED");

        ASSERT_OK(verify(b, NULL));
        edit(b, "vmcore-dmesg.txt.age", "rm ");
        assert_list_says(b, "CHANGED");

        /* written to at the same length: unknown until read again, and
         * list --verify reads it */
        ASSERT_OK(verify(c, NULL));
        edit(c, "vmcore.age", "flip 5000 ");
        assert_list_says(c, "unchecked");
        free(list(c, true, false));
        assert_list_says(c, "CHANGED");
        /* a copy is another file: unchecked, not CHANGED */
        ASSERT_OK(verify(e, NULL));
        edit(e, "vmcore.age", "cp vmcore.age x && mv x ");
        assert_list_says(e, "unchecked");

        edit(d, "SHA256SUMS", "rm ");
        assert_list_says(d, "no-sums");
}

/* kdumpd's check of a new dump: the journal's words, and what the plain
 * list then shows without reading the dump */
static enum dump_files_state summary(const char *root, verify_record *record, char **ret_note) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;

        ASSERT_OK(dump_catalog_scan(root, &c));
        ASSERT_EQ(c->n, 1u);
        return dump_manifest_check_summary(&c->entries[0], record, ret_note);
}

TEST(record_time_check_summary) {
        _cleanup_free_ char *a = make_dump("summary-good"), *b = make_dump("summary-flipped"), *note = NULL;
        _cleanup_(verify_record_freep) verify_record *record = NULL;
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;

        ASSERT_OK(verify_record_new(&record));
        ASSERT_EQ(summary(a, record, &note), DUMP_FILES_OK);
        ASSERT_STREQ(note, "; its 2 files match SHA256SUMS");
        ASSERT_EQ(verify_record_count(record), 2u);
        ASSERT_OK(dump_catalog_scan(a, &c));
        ASSERT_EQ(dump_manifest_quick(&c->entries[0], record), DUMP_FILES_OK);
        ASSERT_EQ(dump_manifest_quick(&c->entries[0], NULL), DUMP_FILES_UNCHECKED);
        free(note);
        note = NULL;

        edit(b, "vmcore.age", "flip 5000 ");
        ASSERT_EQ(summary(b, record, &note), DUMP_FILES_CHANGED);
        ASSERT_STREQ(note, "; 1 of its 2 files do NOT match SHA256SUMS (vmcore.age: FAILED; kdumpctl verify names each)");
        free(note);
        note = NULL;
        edit(b, "SHA256SUMS", "rm ");
        ASSERT_EQ(summary(b, record, &note), DUMP_FILES_NO_SUMS);
        ASSERT_TRUE(note == NULL);
}

TEST_MAIN()
