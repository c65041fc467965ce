/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-collect --seal and --sha256 end to end on a synthetic core: the
 * sealed stream opens (seal/age-open.h) to a stream that -R rebuilds into
 * the dump the unsealed -F gives, to a file and to stdout, for
 * kdump-compressed and ELF; the --sha256 line is the real sha256sum's and
 * `sha256sum -c` accepts it; the log sealed; a missing or bad recipients
 * file, an existing FILE, a full disk and the combinations that cannot be
 * streamed or hashed leave nothing behind. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "printk-sim.h"
#include "seal/age-key.h"
#include "seal/age-open.h"
#include "run-kdump-collect.h"
#include "tests.h"

static uint8_t secret_key[AGE_X25519_KEY_SIZE];
static char recipient[128];     /* its "age1…" */

/* A fresh X25519 key pair, the public half in age's text form. */
static void make_keys(void) {
        _cleanup_free_ char *rec = NULL;
        uint8_t pub[AGE_X25519_KEY_SIZE];
        int fd;

        if (recipient[0])
                return;
        fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0 && read(fd, secret_key, sizeof(secret_key)) == (ssize_t) sizeof(secret_key));
        close(fd);
        ASSERT_OK(age_identity_to_recipient(secret_key, pub));
        ASSERT_OK(age_recipient_format(pub, &rec));
        snprintf(recipient, sizeof(recipient), "%s", rec);
}

static const char *path(const char *name) {
        return strdup(test_tmp(name));  /* test_tmp() reuses 8 buffers */
}

static int run(const char *const *args, char **ret_err) {
        return run_kdump_collect(args, NULL, NULL, 0, ret_err);
}

static bool exists(const char *p) {
        return access(p, F_OK) == 0;
}

/* make_core() of tests/unit/notes/test-kdump-collect.c: the standard
 * fixture with a kernel log and a 1 MiB load that is nearly all zeroes. */
static const char *make_core(const char *name, struct printk_sim *s, struct synth_core *c) {
        const char *p = path(name);

        synth_standard(c, printk_sim_vmcoreinfo());
        printk_sim_init(s, c, 3, 8, 1);
        printk_sim_emit(s, 1500000000, "Linux version 6.1.0-sim", 2);
        printk_sim_emit(s, 2000000000, "sysrq: Trigger a crash", 2);
        synth_add_load(c, 0x1000000, SYNTH_PAGE_OFFSET + 0x1000000, 0x100000, 0x100000);
        c->loads[4].data[0x80000] = 0x77;
        if (synth_write(c, p) < 0)
                TEST_FAIL("cannot write %s", p);
        return p;
}

static const char *recipients_file(const char *name, const char *text) {
        const char *p = path(name);

        ASSERT_OK(write_file_atomic(p, text, strlen(text), 0600));
        return p;
}

static const char *good_recipients(void) {
        char text[512];

        make_keys();
        snprintf(text, sizeof(text), "# the crash dump key\n\n%s\n", recipient);
        return recipients_file("recipients", text);
}

/* Opens the age file at in into the file at out. */
static void open_sealed(const char *in, const char *out) {
        _cleanup_age_identities_ age_identities *ids = NULL;
        _cleanup_close_ int ifd = open(in, O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        _cleanup_free_ char *err = NULL;
        int r;

        ASSERT_TRUE(ifd >= 0 && ofd >= 0);
        ASSERT_OK(age_identities_new(&ids));
        ASSERT_OK(age_identities_add(ids, secret_key));
        r = age_open_fd(ids, ifd, age_write_fd, &ofd, &err);
        if (r < 0)
                TEST_FAIL("opening %s: %s", in, err ?: strerror(-r));
}

/* Equal but for the kdump header's timestamp (408..423): the synthetic
 * VMCOREINFO has no CRASHTIME. */
static bool same_dump(const char *a, const char *b) {
        _cleanup_free_ char *x = NULL, *y = NULL;
        size_t nx, ny;

        if (read_full_file(a, &x, &nx) < 0 || read_full_file(b, &y, &ny) < 0 || nx != ny || nx < 424)
                return false;
        return memcmp(x, y, 408) == 0 && memcmp(x + 424, y + 424, nx - 424) == 0;
}

static bool same_file(const char *a, const char *b) {
        _cleanup_free_ char *x = NULL, *y = NULL;
        size_t nx, ny;

        return read_full_file(a, &x, &nx) >= 0 && read_full_file(b, &y, &ny) >= 0 && nx == ny && memcmp(x, y, nx) == 0;
}

/* What the real sha256sum prints for dir/name, run in dir. */
static char *sha256sum_of(const char *name) {
        char cmd[8192], *line = NULL;
        size_t n = 0;
        FILE *p;

        snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum '%s'", test_tmp_dir, name);
        p = popen(cmd, "r");
        ASSERT_TRUE(p);
        ASSERT_TRUE(getline(&line, &n, p) > 0);
        ASSERT_EQ(pclose(p), 0);
        return line;
}

static void check_sums(const char *sums_name, const char *file_name) {
        _cleanup_free_ char *ours = NULL, *theirs = sha256sum_of(file_name);
        char cmd[8192];

        ASSERT_OK(read_full_file(test_tmp(sums_name), &ours, NULL));
        ASSERT_STREQ(ours, theirs);
        snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum --quiet -c '%s'", test_tmp_dir, sums_name);
        ASSERT_EQ(system(cmd), 0);
}

TEST(sealed_to_a_file_rebuilds_as_unsealed) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core1", &s, &c), *rec = good_recipients();
        const char *flat = path("plain.flat"), *plain = path("plain.kdump");
        const char *age = path("vmcore.age"), *opened = path("opened.flat"), *rebuilt = path("sealed.kdump");
        _cleanup_free_ char *head = NULL;
        struct stat st;
        char *err;

        ASSERT_EQ(run_kdump_collect((const char *[]) { "-l", "-d", "31", "-F", in, NULL }, NULL, flat, 0, &err), 0);
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", plain, NULL }, flat, NULL, 0, &err), 0);

        ASSERT_EQ(run((const char *[]) { "-l", "-d", "31", "--seal", rec, "--sha256", test_tmp("SHA256SUMS"), in, age, NULL }, &err), 0);
        ASSERT_CONTAINS(err, "Sealed with age for 1 recipient");
        ASSERT_CONTAINS(err, "Wrote the SHA-256 of");
        ASSERT_OK(stat(age, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_OK(read_full_file(age, &head, NULL));
        ASSERT_TRUE(strncmp(head, "age-encryption.org/v1\n-> X25519 ", 32) == 0);

        open_sealed(age, opened);
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", rebuilt, NULL }, opened, NULL, 0, &err), 0);
        ASSERT_TRUE(same_dump(plain, rebuilt));
        check_sums("SHA256SUMS", "vmcore.age");

        /* OUTPUT and FILE are never replaced without --force. */
        ASSERT_EQ(run((const char *[]) { "-l", "--seal", rec, in, age, NULL }, &err), 3);
        ASSERT_EQ(run((const char *[]) { "-l", "--seal", rec, "--sha256", test_tmp("SHA256SUMS"), in, path("other.age"), NULL }, &err), 3);
        ASSERT_TRUE(!exists(test_tmp("other.age")));
        ASSERT_EQ(run((const char *[]) { "-l", "-f", "--seal", rec, "--sha256", test_tmp("SHA256SUMS"), in, age, NULL }, &err), 0);
        check_sums("SHA256SUMS", "vmcore.age");
        synth_done(&c);
}

TEST(sealed_to_stdout) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core2", &s, &c), *rec = good_recipients();
        const char *direct = path("direct.kdump"), *out = path("stdout.age"), *opened = path("stdout.flat");
        const char *rebuilt = path("stdout.kdump");
        _cleanup_free_ char *sums = NULL, *theirs = NULL;
        char *err;

        ASSERT_EQ(run((const char *[]) { "-z", "-d", "31", in, direct, NULL }, &err), 0);
        /* -F is implied; giving it changes nothing. */
        for (unsigned explicit_f = 0; explicit_f < 2; explicit_f++) {
                const char *a[] = { "-z", "-d", "31", "--seal", rec, explicit_f ? "-F" : in, explicit_f ? in : NULL, NULL };

                ASSERT_EQ(run_kdump_collect(a, NULL, out, 0, &err), 0);
                open_sealed(out, opened);
                ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", "-f", rebuilt, NULL }, opened, NULL, 0, &err), 0);
                ASSERT_TRUE(same_dump(direct, rebuilt));
        }

        /* Hashing stdout needs the name the file will have. */
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-z", "--seal", rec, "--sha256", test_tmp("SUMS2"), in, NULL }, NULL, out, 0, &err), 2);
        ASSERT_CONTAINS(err, "--sha256-name");
        ASSERT_TRUE(!exists(test_tmp("SUMS2")));
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-z", "--seal", rec, "--sha256", test_tmp("SUMS2"), "--sha256-name", "stdout.age",
                                            in, NULL }, NULL, out, 0, &err), 0);
        check_sums("SUMS2", "stdout.age");

        /* The plain stream hashed too (for a dump in clear), to stdout
         * or (only when hashed) to OUTPUT. */
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-l", "-F", "--sha256", test_tmp("SUMS3"), "--sha256-name", "vmcore.flat", in, NULL },
                         NULL, test_tmp("vmcore.flat"), 0, &err), 0);
        check_sums("SUMS3", "vmcore.flat");
        ASSERT_EQ(run((const char *[]) { "-l", "-F", "--sha256", test_tmp("SUMS4"), in, path("vmcore.flat2"), NULL }, &err), 0);
        check_sums("SUMS4", "vmcore.flat2");
        {
                struct stat a, b;       /* the same stream but for the header's time */
                ASSERT_OK(stat(test_tmp("vmcore.flat"), &a));
                ASSERT_OK(stat(test_tmp("vmcore.flat2"), &b));
                ASSERT_EQ(a.st_size, b.st_size);
                ASSERT_EQ(b.st_mode & 07777, 0600);
        }
        ASSERT_EQ(run((const char *[]) { "-l", "-F", in, path("vmcore.flat3"), NULL }, &err), 2);
        ASSERT_TRUE(!exists(test_tmp("vmcore.flat3")));
        synth_done(&c);
}

/* ELF streams too: sealed, a flattened ELF stream rebuilds into the file -E writes. */
TEST(elf_sealed_rebuilds_as_unsealed) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core3", &s, &c), *rec = good_recipients();
        const char *flat = path("elf.flat"), *plain = path("elf.plain"), *direct = path("elf.direct");
        const char *age = path("elf.age"), *opened = path("elf.opened"), *rebuilt = path("elf.rebuilt");
        char *err;

        for (unsigned level = 0; level <= 1; level++) {
                const char *d = level ? "1" : "0";

                ASSERT_EQ(run_kdump_collect((const char *[]) { "-E", "-d", d, "-F", in, NULL }, NULL, flat, 0, &err), 0);
                ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", "-f", plain, NULL }, flat, NULL, 0, &err), 0);
                ASSERT_EQ(run((const char *[]) { "-E", "-f", "-d", d, "--seal", rec, in, age, NULL }, &err), 0);
                open_sealed(age, opened);
                ASSERT_EQ(run_kdump_collect((const char *[]) { "-R", "-f", rebuilt, NULL }, opened, NULL, 0, &err), 0);
                ASSERT_TRUE(same_file(plain, rebuilt));
        }
        /* -d 1 streamed is the -d 1 file. */
        ASSERT_EQ(run((const char *[]) { "-E", "-d", "1", in, direct, NULL }, &err), 0);
        ASSERT_TRUE(same_file(direct, rebuilt));
        synth_done(&c);
}

TEST(dmesg_sealed_and_hashed) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core4", &s, &c), *rec = good_recipients();
        const char *age = path("vmcore-dmesg.txt.age"), *opened = path("dmesg.opened"), *clear = path("vmcore-dmesg.txt");
        static const char expect[] = "[    1.500000] Linux version 6.1.0-sim\n[    2.000000] sysrq: Trigger a crash\n";
        _cleanup_free_ char *text = NULL, *sealed = NULL;
        size_t n;
        char *err;

        ASSERT_EQ(run((const char *[]) { "--dump-dmesg", "--seal", rec, "--sha256", test_tmp("SUMS-dmesg-age"), in, age, NULL }, &err), 0);
        ASSERT_CONTAINS(err, "sealed");
        ASSERT_OK(read_full_file(age, &sealed, &n));
        ASSERT_TRUE(memmem(sealed, n, "sysrq", 5) == NULL);
        open_sealed(age, opened);
        ASSERT_OK(read_full_file(opened, &text, NULL));
        ASSERT_STREQ(text, expect);
        check_sums("SUMS-dmesg-age", "vmcore-dmesg.txt.age");

        ASSERT_EQ(run((const char *[]) { "--dump-dmesg", "--sha256", test_tmp("SUMS-dmesg"), in, clear, NULL }, &err), 0);
        free(text);
        text = NULL;
        ASSERT_OK(read_full_file(clear, &text, NULL));
        ASSERT_STREQ(text, expect);
        check_sums("SUMS-dmesg", "vmcore-dmesg.txt");

        /* A log that cannot be read: neither file stays. */
        ASSERT_EQ(run((const char *[]) { "--dump-dmesg", "--seal", rec, "--sha256", test_tmp("SUMS-x"), rec, path("x.age"), NULL }, &err), 1);
        ASSERT_TRUE(!exists(test_tmp("x.age")) && !exists(test_tmp("SUMS-x")));
        synth_done(&c);
}

/* Each refusal leaves OUTPUT and FILE uncreated. */
static void refused(const char *const *args, int status, const char *message) {
        char *err;

        ASSERT_EQ(run(args, &err), status);
        ASSERT_CONTAINS(err, message);
        ASSERT_TRUE(!exists(test_tmp("never.out")));
        ASSERT_TRUE(!exists(test_tmp("NEVER-SUMS")));
}

TEST(bad_recipients_and_refusals_write_nothing) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core5", &s, &c), *good = good_recipients();
        const char *out = path("never.out"), *sums = path("NEVER-SUMS");
        const char *missing = path("no-such-recipients");
        char bad_text[512], bad_loc[4200];
        const char *bad;

        refused((const char *[]) { "-l", "--seal", missing, "--sha256", sums, in, out, NULL }, 2, missing);
        refused((const char *[]) { "-l", "--seal", missing, in, out, NULL }, 2, "nothing written");

        snprintf(bad_text, sizeof(bad_text), "# keys\n%s\nage1notakeyatall\n", recipient);
        bad = recipients_file("bad-recipients", bad_text);
        snprintf(bad_loc, sizeof(bad_loc), "%s:3:", bad);
        refused((const char *[]) { "-l", "--seal", bad, "--sha256", sums, in, out, NULL }, 2, bad_loc);
        refused((const char *[]) { "--dump-dmesg", "--seal", bad, in, out, NULL }, 2, bad_loc);
        refused((const char *[]) { "-l", "--seal", recipients_file("empty-recipients", "# none yet\n\n"), in, out, NULL },
                2, "no recipients");
        refused((const char *[]) { "-l", "--seal", recipients_file("ssh-recipients", "ssh-ed25519 AAAAC3Nza foo@bar\n"), in, out, NULL },
                2, "ssh-recipients:1:");

        /* What cannot be streamed or hashed. */
        refused((const char *[]) { "--seal", good, "-R", out, NULL }, 2, "-R");
        refused((const char *[]) { "--sha256", sums, "-R", out, NULL }, 2, "-R");
        refused((const char *[]) { "-F", "--sha256-name", "x", in, NULL }, 2, "--sha256-name");
        refused((const char *[]) { "-F", "--seal", good, "--dump-dmesg", in, out, NULL }, 2, "exclude");
        refused((const char *[]) { "--seal", good, "--sha256", out, in, out, NULL }, 2, "other than OUTPUT");
        refused((const char *[]) { "--seal", good, "--sha256", sums, in, path("dir/"), NULL }, 2, "--sha256-name");
        refused((const char *[]) { "--seal", good, "--sha256", sums, "--sha256-name", "../up", in, out, NULL }, 2, "relative");
        refused((const char *[]) { "--seal", good, in, out, "extra", NULL }, 2, "OUTPUT");
        /* Not a dump: nothing created either. */
        refused((const char *[]) { "--seal", good, "--sha256", sums, good, out, NULL }, 1, "not an ELF64 core");
        synth_done(&c);
}

/* A kdump-compressed or ELF file (filtered, or the plain copy of -E -d 0)
 * is written at offsets: its line comes from reading it back, and is
 * sha256sum's. */
/* Clear dump files get their sum: a kdump-compressed file by reading it
 * back (its page descriptors come after its data), ELF files while they
 * are written (front to back). */
TEST(clear_files_hashed) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core7", &s, &c);
        static const char *const modes[][3] = {
                { "-l", "-d", "31" }, { "-c", "-d", "1" }, { "-E", "-d", "31" }, { "-E", "-d", "0" },
        };
        char *err;

        for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
                char name[32], sums[32];

                snprintf(name, sizeof(name), "clear-%zu", i);
                snprintf(sums, sizeof(sums), "SUMS-clear-%zu", i);
                ASSERT_EQ(run((const char *[]) { modes[i][0], modes[i][1], modes[i][2], "--sha256", test_tmp(sums),
                                                 in, path(name), NULL }, &err), 0);
                if (strcmp(modes[i][0], "-E") == 0)
                        ASSERT_NOT_CONTAINS(err, "back for its SHA-256");
                else
                        ASSERT_CONTAINS(err, "back for its SHA-256");
                check_sums(sums, name);
        }
        /* A full target: the partial file is kept, with no checksum. */
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-l", "--sha256", test_tmp("SUMS-full"), in, path("clear-full"), NULL },
                                    NULL, NULL, 100000, &err), 4);
        ASSERT_TRUE(exists(test_tmp("clear-full")) && !exists(test_tmp("SUMS-full")));
        ASSERT_EQ(run_kdump_collect((const char *[]) { "-E", "-d", "31", "--sha256", test_tmp("SUMS-full-elf"), in,
                                                       path("clear-full-elf"), NULL },
                                    NULL, NULL, 100000, &err), 4);
        ASSERT_TRUE(exists(test_tmp("clear-full-elf")) && !exists(test_tmp("SUMS-full-elf")));
        synth_done(&c);
}

TEST(full_disk_keeps_no_checksum) {
        struct synth_core c;
        struct printk_sim s;
        const char *in = make_core("core6", &s, &c), *rec = good_recipients();
        const char *age = path("full.age"), *sums = path("FULL-SUMS");
        char *err;

        ASSERT_EQ(run_kdump_collect((const char *[]) { "--seal", rec, "--sha256", sums, in, age, NULL }, NULL, NULL, 100000, &err), 4);
        ASSERT_CONTAINS(err, "full");
        ASSERT_TRUE(exists(age));               /* the part written is kept */
        ASSERT_TRUE(!exists(sums));             /* but vouched for by no checksum */
        synth_done(&c);
}

TEST_MAIN()
