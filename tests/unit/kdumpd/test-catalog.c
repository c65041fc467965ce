/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dump catalog (kdumpctl list/info/dmesg) on dump trees generated here:
 * ELF vmcores from the synthetic-core builder (with a printk ring), and
 * kdump-compressed files whose headers are written both by
 * initramfs/collect's writer and by hand from makedumpfile's layout. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/kernel-arch.h"
#include "basic/macro.h"
#include "initramfs/collect/diskdump.h"
#include "kdumpd/catalog.h"
#include "kdumpd/verbs-catalog.h"
#include "kdumpd/verbs-service.h"
#include "notes/dump-info.h"
#include "../notes/printk-sim.h"
#include "tests.h"

#define REL_A "6.1.0-test-amd64"
#define REL_B "6.1.0-kd-amd64"
#define REL_C "5.10.0-old-amd64"
#define TIME_A 1700000000   /* 2023-11-14 22:13:20 UTC */
#define TIME_B 1704164645   /* 2024-01-02 03:04:05 UTC */
#define TIME_C 1654077600   /* 2022-06-01 10:00:00 UTC */

static void put32(uint8_t *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { v = htole64(v); memcpy(p, &v, 8); }

static void write_file(const char *path, const void *data, size_t n) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || loop_write(fd, data, n) < 0)
                TEST_FAIL("cannot write %s", path);
        close(fd);
}

static const char *mkpath(const char *a, const char *b) {
        static char buf[8][4096];
        static unsigned i;
        char *p = buf[i++ % 8];
        if (snprintf(p, 4096, "%s/%s", a, b) >= 4096)
                TEST_FAIL("path too long: %s/%s", a, b);
        return p;
}

/* An ELF vmcore with VMCOREINFO and a kernel log ending in a panic. */
static void make_elf(const char *path, bool incomplete_flag, long crash_time) {
        struct synth_core c;
        struct printk_sim s;
        char vi[8192];

        snprintf(vi, sizeof(vi), "OSRELEASE=%s\nPAGESIZE=4096\n%sCRASHTIME=%ld\n", REL_A, printk_sim_vmcoreinfo(), crash_time);
        synth_standard(&c, vi);
        printk_sim_init(&s, &c, 3, 8, 0);
        printk_sim_emit(&s, 1000000000, "Linux version " REL_A, 2);
        printk_sim_emit(&s, 5000000000, "sysrq: Trigger a crash", 2);
        printk_sim_emit(&s, 5000100000, "Kernel panic - not syncing: sysrq triggered crash", 2);
        ASSERT_OK(synth_write(&c, path));
        synth_done(&c);
        if (incomplete_flag) {
                /* e_flags, at offset 48 of the ELF64 header: makedumpfile's mark. */
                uint32_t flags = 1;
                int fd = open(path, O_WRONLY | O_CLOEXEC);
                ASSERT_TRUE(fd >= 0);
                ASSERT_TRUE(pwrite(fd, &flags, 4, 48) == 4);
                close(fd);
        }
}

/* A kdump-compressed header through kdump-collect's own writer. */
static void make_kdump_by_writer_for(const char *path, unsigned status, const char *machine) {
        static const char vi[] = "OSRELEASE=" REL_B "\nPAGESIZE=4096\nCRASHTIME=1704164645\n";
        struct diskdump_info info = {
                .sz = sizeof(info), .page_size = 4096, .max_mapnr = 0x1000, .nr_cpus = 2,
                .tv_sec = 1, .dump_level = 31, .compression = 0x2 /* lzo */,
                .notes = vi, .notes_size = sizeof(vi), .vmcoreinfo_offset = 0, .vmcoreinfo_size = sizeof(vi) - 1,
        };
        struct diskdump_layout l;
        uint8_t buf[8192] = {};

        strcpy(info.utsname[0], "Linux");
        strcpy(info.utsname[2], "utsname-release-not-used");
        strcpy(info.utsname[4], machine);
        ASSERT_OK(diskdump_layout_compute(&info, 1, &l));
        diskdump_header_build(&info, &l, status, buf);
        kdump_sub_header_build(&info, buf + 4096);
        memcpy(buf + 4096 + KDUMP_SUB_HDR_SIZE, vi, sizeof(vi));
        write_file(path, buf, sizeof(buf));
}

static void make_kdump_by_writer(const char *path, unsigned status) {
        make_kdump_by_writer_for(path, status, "x86_64");
}

/* By hand from makedumpfile's diskdump_mod.h: no VMCOREINFO, so the release
 * comes from utsname.release (offset 8 + 4 + 65 * 2), no timestamp. */
static void make_kdump_by_hand(const char *path, uint32_t version, uint32_t block_size, const char *signature) {
        uint8_t buf[2 * 4096] = {};

        memcpy(buf, signature, 8);
        put32(buf + 8, version);
        memcpy(buf + 8 + 4, "Linux", 5);
        memcpy(buf + 8 + 4 + 65 * 2, REL_C, strlen(REL_C));
        put32(buf + 424, 0x20 | 0x8);   /* zstd, incomplete */
        put32(buf + 428, block_size);
        put32(buf + 460, 4);
        put32(buf + 4096 + 8, 1);       /* dump_level */
        put64(buf + 4096 + 32, 0);
        put64(buf + 4096 + 40, 0);
        write_file(path, buf, sizeof(buf));
}

static const char *build_tree(void) {
        const char *root = test_tmp("crash");
        static const char dmesg_b[] =
                "[    0.000000] Linux version " REL_B "\n"
                "[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
                "[   12.345900] Kernel panic - not syncing: Fatal exception  \n"
                "[   12.346000] Kernel Offset: disabled\n";
        static const char dmesg_c[] = "[    1.000000] Oops: 0002 [#1] PREEMPT SMP NOPTI\n";

        ASSERT_OK(mkdir_p(mkpath(root, "2023-11-14-22:13:20"), 0700));
        make_elf(mkpath(root, "2023-11-14-22:13:20/vmcore"), false, TIME_A);

        ASSERT_OK(mkdir_p(mkpath(root, "2024-01-02-03:04:05"), 0700));
        make_kdump_by_writer(mkpath(root, "2024-01-02-03:04:05/vmcore"), 0);
        write_file(mkpath(root, "2024-01-02-03:04:05/vmcore-dmesg.txt"), dmesg_b, strlen(dmesg_b));

        ASSERT_OK(mkdir_p(mkpath(root, "myhost-2022-06-01-10:00:00"), 0700));
        make_kdump_by_hand(mkpath(root, "myhost-2022-06-01-10:00:00/vmcore-incomplete"), 6, 4096, "KDUMP   ");
        write_file(mkpath(root, "myhost-2022-06-01-10:00:00/vmcore-dmesg.txt"), dmesg_c, strlen(dmesg_c));

        /* A complete-looking name whose ELF header says incomplete. */
        ASSERT_OK(mkdir_p(mkpath(root, "2024-03-01-00:00:00"), 0700));
        make_elf(mkpath(root, "2024-03-01-00:00:00/vmcore"), true, 1709251200);

        /* Not dumps. */
        ASSERT_OK(mkdir_p(mkpath(root, "lost+found"), 0700));
        write_file(mkpath(root, "README"), "x", 1);
        return root;
}

TEST(dump_format_from_magic) {
        static const struct { const char *bytes; size_t n; enum dump_format f; } t[] = {
                { "\177ELF\2\1\1", 7, DUMP_FORMAT_ELF },
                { "KDUMP   \6\0\0\0", 12, DUMP_FORMAT_KDUMP },
                { "makedumpfile\0\0\0\0", 16, DUMP_FORMAT_FLATTENED },
                { "makedumpfileX\0\0\0", 16, DUMP_FORMAT_UNKNOWN },    /* not NUL-padded */
                { "KDUMP  ", 7, DUMP_FORMAT_UNKNOWN },                  /* too short to tell */
                { "\177EL", 3, DUMP_FORMAT_UNKNOWN },
                { "not a dump at all", 17, DUMP_FORMAT_UNKNOWN },
                { "", 0, DUMP_FORMAT_UNKNOWN },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                if (dump_format_from_magic(t[i].bytes, t[i].n) != t[i].f)
                        TEST_FAIL("case %zu: %s, expected %s", i, dump_format_to_string(dump_format_from_magic(t[i].bytes, t[i].n)),
                                  dump_format_to_string(t[i].f));
}

TEST(dump_info_elf) {
        const char *p = test_tmp("a.vmcore");
        struct dump_info i;

        make_elf(p, false, TIME_A);
        ASSERT_OK(dump_info_read(p, &i));
        ASSERT_EQ(i.format, DUMP_FORMAT_ELF);
        ASSERT_STREQ(i.release, REL_A);
        ASSERT_TRUE(i.have_crash_time);
        ASSERT_EQ(i.crash_time, TIME_A);
        ASSERT_TRUE(!i.marked_incomplete);
        ASSERT_EQ(i.nr_cpus, 2);
        ASSERT_EQ(i.dump_level, (unsigned long long) -1);
        ASSERT_STREQ(i.machine, "x86_64");      /* e_machine EM_X86_64 */

        make_elf(p, true, TIME_A);
        ASSERT_OK(dump_info_read(p, &i));
        ASSERT_TRUE(i.marked_incomplete);
}

TEST(dump_info_kdump_compressed_from_writer) {
        const char *p = test_tmp("b.vmcore");
        struct dump_info i;

        make_kdump_by_writer(p, 0);
        ASSERT_OK(dump_info_read(p, &i));
        ASSERT_EQ(i.format, DUMP_FORMAT_KDUMP);
        /* VMCOREINFO wins over utsname and over the header's timestamp. */
        ASSERT_STREQ(i.release, REL_B);
        ASSERT_EQ(i.crash_time, TIME_B);
        ASSERT_EQ(i.dump_level, 31);
        ASSERT_STREQ(i.compression, "lzo");
        ASSERT_EQ(i.nr_cpus, 2);
        ASSERT_TRUE(!i.marked_incomplete);
        ASSERT_STREQ(i.machine, "x86_64");      /* utsname.machine */

        make_kdump_by_writer(p, DISKDUMP_STATUS_INCOMPLETE);
        ASSERT_OK(dump_info_read(p, &i));
        ASSERT_TRUE(i.marked_incomplete);
}

TEST(dump_info_kdump_compressed_by_hand) {
        const char *p = test_tmp("c.vmcore");
        struct dump_info i;

        make_kdump_by_hand(p, 6, 4096, "KDUMP   ");
        ASSERT_OK(dump_info_read(p, &i));
        ASSERT_STREQ(i.release, REL_C);
        ASSERT_TRUE(!i.have_crash_time);
        ASSERT_TRUE(i.marked_incomplete);
        ASSERT_STREQ(i.compression, "zstd");
        ASSERT_EQ(i.dump_level, 1);
        ASSERT_EQ(i.header_version, 6);
        ASSERT_STREQ(i.machine, "");            /* utsname.machine left empty */

        make_kdump_by_hand(p, 6, 1000, "KDUMP   ");
        ASSERT_ERR(dump_info_read(p, &i), EBADMSG);
        make_kdump_by_hand(p, 6, 4096, "DISKDUMP");
        ASSERT_ERR(dump_info_read(p, &i), ENOEXEC);
        write_file(p, "KDUMP   \6", 9);
        ASSERT_ERR(dump_info_read(p, &i), EBADMSG);
        write_file(p, "", 0);
        ASSERT_ERR(dump_info_read(p, &i), EBADMSG);
}

TEST(panic_from_dmesg) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *c = NULL;
        static const char log1[] = "[ 1.0] BUG: unable to handle page fault\n[ 1.1] Kernel panic - not syncing: Fatal exception\r\n";
        static const char log2[] = "[ 1.0] hello\n[ 2.0] Oops: 0002 [#1] SMP\n[ 3.0] BUG: soft lockup";

        ASSERT_OK(dump_panic_from_dmesg(log1, strlen(log1), &a));
        ASSERT_STREQ(a, "Fatal exception");
        /* Without a panic line, BUG: ranks before Oops:. */
        ASSERT_OK(dump_panic_from_dmesg(log2, strlen(log2), &b));
        ASSERT_STREQ(b, "BUG: soft lockup");
        ASSERT_ERR(dump_panic_from_dmesg("nothing\n", 8, &c), ENOENT);
        ASSERT_TRUE(c == NULL);
}

TEST(release_from_dmesg) {
        static const char log[] = "[    0.000000] Linux version 6.12.9-amd64 (debian-kernel@lists.debian.org) (gcc) #1 SMP\n"
                                  "[    5.000000] Kernel panic - not syncing: Oops\n";
        _cleanup_free_ char *rel = NULL, *none = NULL;

        ASSERT_OK(dump_release_from_dmesg(log, strlen(log), &rel));
        ASSERT_STREQ(rel, "6.12.9-amd64");
        ASSERT_ERR(dump_release_from_dmesg("no version here\n", 16, &none), ENOENT);
        ASSERT_ERR(dump_release_from_dmesg("Linux version ", 14, &none), ENOENT);
}

TEST(time_from_name) {
        int64_t t;

        ASSERT_OK(dump_time_from_name("2023-11-14-22:13:20", &t));
        ASSERT_EQ(t, TIME_A);
        ASSERT_OK(dump_time_from_name("127.0.0.1-2022-06-01-10:00:00", &t));
        ASSERT_EQ(t, TIME_C);
        ASSERT_ERR(dump_time_from_name("x2023-11-14-22:13:20", &t), EINVAL);
        ASSERT_ERR(dump_time_from_name("2023-11-14", &t), EINVAL);
        ASSERT_ERR(dump_time_from_name("2023-13-14-22:13:20", &t), EINVAL);
}

TEST(host_from_name) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

        ASSERT_OK(dump_host_from_name("192.168.77.3-2022-06-01-10:00:00", &a));
        ASSERT_STREQ(a, "192.168.77.3");
        ASSERT_OK(dump_host_from_name("fd77::2-2022-06-01-10:00:00", &b));
        ASSERT_STREQ(b, "fd77::2");
        ASSERT_ERR(dump_host_from_name("2022-06-01-10:00:00", &c), ENOENT);
        ASSERT_ERR(dump_host_from_name("-2022-06-01-10:00:00", &c), ENOENT);
        ASSERT_ERR(dump_host_from_name("host-2022-06-01", &c), ENOENT);
        ASSERT_TRUE(c == NULL);
}

TEST(scan_and_find) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        const char *root = build_tree();
        const struct dump_entry *e;

        ASSERT_OK(dump_catalog_scan(root, &c));
        ASSERT_EQ(c->n, 4);
        /* Oldest first, by crash time. */
        ASSERT_STREQ(c->entries[0].id, "myhost-2022-06-01-10:00:00");
        ASSERT_STREQ(c->entries[1].id, "2023-11-14-22:13:20");
        ASSERT_STREQ(c->entries[3].id, "2024-03-01-00:00:00");

        e = &c->entries[0];
        ASSERT_TRUE(!e->complete);
        ASSERT_CONTAINS(e->incomplete_reason, "vmcore-incomplete");
        ASSERT_STREQ(e->time_source, "the directory name");
        ASSERT_EQ(e->time, TIME_C);
        ASSERT_STREQ(e->info.release, REL_C);
        ASSERT_STREQ(e->panic, "Oops: 0002 [#1] PREEMPT SMP NOPTI");

        e = &c->entries[1];
        ASSERT_TRUE(e->complete);
        /* No vmcore-dmesg.txt: the panic comes from the ELF vmcore's log. */
        ASSERT_STREQ(e->panic, "sysrq triggered crash");
        ASSERT_STREQ(e->time_source, "VMCOREINFO CRASHTIME");

        e = &c->entries[2];
        ASSERT_TRUE(e->complete);
        ASSERT_STREQ(e->panic, "Fatal exception");
        ASSERT_EQ(e->size, 8192);

        e = &c->entries[3];
        ASSERT_TRUE(!e->complete);
        ASSERT_CONTAINS(e->incomplete_reason, "e_flags");

        ASSERT_OK(dump_catalog_find(c, "2", &e));
        ASSERT_STREQ(e->id, "2023-11-14-22:13:20");
        ASSERT_OK(dump_catalog_find(c, "last", &e));
        ASSERT_STREQ(e->id, "2024-03-01-00:00:00");
        ASSERT_OK(dump_catalog_find(c, "2024-01", &e));
        ASSERT_STREQ(e->id, "2024-01-02-03:04:05");
        ASSERT_OK(dump_catalog_find(c, "myhost-2022-06-01-10:00:00", &e));
        ASSERT_ERR(dump_catalog_find(c, "2024", &e), ENOTUNIQ);
        ASSERT_ERR(dump_catalog_find(c, "5", &e), ENOENT);
        ASSERT_ERR(dump_catalog_find(c, "0", &e), ENOENT);
        ASSERT_ERR(dump_catalog_find(c, "1999", &e), ENOENT);
}

TEST(scan_missing_dir_is_empty) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;

        ASSERT_OK(dump_catalog_scan(test_tmp("no-such-dir"), &c));
        ASSERT_EQ(c->n, 0);
}

static char *run_verb(const char *verb, const char *dir, bool json, const char *arg, int *ret) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);
        char *args[] = { (char *) arg, NULL };

        ASSERT_TRUE(f != NULL);
        *ret = catalog_verb_run(verb, &(struct catalog_verb_opts) { .sz = sizeof(struct catalog_verb_opts),
                                .dump_dir = dir, .json = json, .state_dir = test_tmp_dir }, args, arg ? 1 : 0, f);
        fclose(f);
        return s;
}

TEST(verb_list) {
        const char *root = build_tree();
        _cleanup_free_ char *out = NULL, *json = NULL;
        int r;

        out = run_verb("list", root, false, NULL, &r);
        ASSERT_OK(r);
        ASSERT_CONTAINS(out, "COMPLETE");
        ASSERT_CONTAINS(out, REL_B);
        ASSERT_CONTAINS(out, "Fatal exception");
        ASSERT_CONTAINS(out, "4 dumps in ");

        json = run_verb("list", root, true, NULL, &r);
        ASSERT_OK(r);
        ASSERT_TRUE(json[0] == '[');
        ASSERT_CONTAINS(json, "\"id\":\"2024-01-02-03:04:05\"");
        ASSERT_CONTAINS(json, "\"kernel_release\":\"" REL_B "\",\"panic\":\"Fatal exception\"");
        ASSERT_CONTAINS(json, "\"time\":1704164645");
        ASSERT_CONTAINS(json, "\"complete\":true");
        ASSERT_CONTAINS(json, "\"complete\":false");
        ASSERT_CONTAINS(json, "\"dump_level\":31");
        ASSERT_CONTAINS(json, "\"format\":\"kdump-compressed\"");
}

TEST(verb_list_empty) {
        _cleanup_free_ char *out = NULL, *json = NULL;
        int r;

        out = run_verb("list", test_tmp("empty"), false, NULL, &r);
        ASSERT_OK(r);
        ASSERT_CONTAINS(out, "No dumps in");
        json = run_verb("list", test_tmp("empty"), true, NULL, &r);
        ASSERT_STREQ(json, "[]\n");
}

TEST(verb_info) {
        const char *root = build_tree();
        _cleanup_free_ char *out = NULL, *bad = NULL;
        char expect[8192];
        int r;

        out = run_verb("info", root, false, "2024-01", &r);
        ASSERT_OK(r);
        snprintf(expect, sizeof(expect), "crash /usr/lib/debug/boot/vmlinux-%s %s/2024-01-02-03:04:05/vmcore", REL_B, root);
        ASSERT_CONTAINS(out, expect);
        ASSERT_CONTAINS(out, "Panic: Fatal exception");
        ASSERT_CONTAINS(out, "Complete: yes");
        ASSERT_CONTAINS(out, "dump level 31");
        ASSERT_CONTAINS(out, "lzo");

        free(out);
        out = run_verb("info", root, false, "1", &r);
        ASSERT_OK(r);
        ASSERT_CONTAINS(out, "Complete: no: the capture did not finish (vmcore-incomplete");

        bad = run_verb("info", root, false, "42", &r);
        ASSERT_ERR(r, ENOENT);
}

/* A dump of the other architecture (an arm64 dump on an x86_64 workstation):
 * info names its machine and says how to open it where Debian's crash(8)
 * cannot (drgn, the debug package of that architecture); list --json has
 * the machine. */
TEST(verb_info_other_architecture) {
        const char *root = test_tmp("foreign"), *here = kernel_arch_uname(KERNEL_ARCH_NATIVE);
        enum kernel_arch native = kernel_arch_native();
        enum kernel_arch other = native == KERNEL_ARCH_ARM64 ? KERNEL_ARCH_X86_64 : KERNEL_ARCH_ARM64;
        _cleanup_free_ char *out = NULL, *json = NULL;
        char expect[8192];
        int r;

        ASSERT_OK(mkdir_p(mkpath(root, "2024-01-02-03:04:05"), 0700));
        make_kdump_by_writer_for(mkpath(root, "2024-01-02-03:04:05/vmcore"), 0, kernel_arch_uname(other));
        out = run_verb("info", root, false, NULL, &r);
        ASSERT_OK(r);
        snprintf(expect, sizeof(expect), "Machine: %s\n", kernel_arch_uname(other));
        ASSERT_CONTAINS(out, expect);
        snprintf(expect, sizeof(expect), "drgn -c %s/2024-01-02-03:04:05/vmcore -s /usr/lib/debug/boot/vmlinux-%s", root, REL_B);
        ASSERT_CONTAINS(out, expect);
        snprintf(expect, sizeof(expect), "crash(8) on this %s machine reads %s dumps only", here, here);
        ASSERT_CONTAINS(out, expect);
        snprintf(expect, sizeof(expect), "dpkg --add-architecture %s", kernel_arch_debian(other));
        ASSERT_CONTAINS(out, expect);
        snprintf(expect, sizeof(expect), "apt-get install linux-image-%s-dbg:%s", REL_B, kernel_arch_debian(other));
        ASSERT_CONTAINS(out, expect);
        ASSERT_TRUE(strstr(out, "Analyse: crash ") == NULL);

        json = run_verb("list", root, true, NULL, &r);
        ASSERT_OK(r);
        snprintf(expect, sizeof(expect), "\"machine\":\"%s\"", kernel_arch_uname(other));
        ASSERT_CONTAINS(json, expect);
}

TEST(verb_dmesg) {
        const char *root = build_tree();
        _cleanup_free_ char *a = NULL, *b = NULL;
        int r;

        /* No vmcore-dmesg.txt: read from the ELF vmcore's printk ring. */
        a = run_verb("dmesg", root, false, "2023-11", &r);
        ASSERT_OK(r);
        ASSERT_CONTAINS(a, "] Kernel panic - not syncing: sysrq triggered crash\n");
        ASSERT_CONTAINS(a, "[    5.000000] sysrq: Trigger a crash\n");

        b = run_verb("dmesg", root, false, "2024-01", &r);
        ASSERT_OK(r);
        ASSERT_CONTAINS(b, "BUG: kernel NULL pointer dereference");
}

/* Without an ID, info and dmesg answer for the newest dump (coredumpctl's
 * way); an empty directory says there are none. */
TEST(verb_default_is_newest) {
        const char *root = build_tree();
        _cleanup_free_ char *info = NULL, *info_last = NULL, *dmesg = NULL, *dmesg_last = NULL, *none = NULL,
                            *two = NULL;
        char *args[] = { (char *) "1", (char *) "2", NULL };
        size_t n = 0;
        FILE *f;
        int r;

        info = run_verb("info", root, false, NULL, &r);
        ASSERT_OK(r);
        info_last = run_verb("info", root, false, "last", &r);
        ASSERT_OK(r);
        ASSERT_STREQ(info, info_last);
        ASSERT_CONTAINS(info, "ID: 4 ");

        dmesg = run_verb("dmesg", root, false, NULL, &r);
        ASSERT_OK(r);
        dmesg_last = run_verb("dmesg", root, false, "last", &r);
        ASSERT_OK(r);
        ASSERT_STREQ(dmesg, dmesg_last);
        ASSERT_TRUE(dmesg[0] != 0);

        none = run_verb("info", test_tmp("empty-too"), false, NULL, &r);
        ASSERT_ERR(r, ENOENT);

        f = open_memstream(&two, &n);
        ASSERT_TRUE(f != NULL);
        r = catalog_verb_run("info", &(struct catalog_verb_opts) { .sz = sizeof(struct catalog_verb_opts),
                             .dump_dir = root }, args, 2, f);
        fclose(f);
        ASSERT_ERR(r, EINVAL);
}

TEST(write_dmesg_file) {
        char dir[4096], vmcore[4096];
        _cleanup_free_ char *path = NULL, *text = NULL;
        size_t n;
        struct stat st;

        snprintf(dir, sizeof(dir), "%s", test_tmp("dmesg-dir"));
        ASSERT_OK(mkdir_p(dir, 0700));
        ASSERT_TRUE(strlen(dir) + 8 < sizeof(vmcore));
        memcpy(vmcore, dir, strlen(dir));
        memcpy(vmcore + strlen(dir), "/vmcore", 8);
        make_elf(vmcore, false, TIME_A);
        ASSERT_OK(dump_write_dmesg_file(dir, vmcore, &path));
        ASSERT_STREQ(path, mkpath(dir, "vmcore-dmesg.txt"));
        ASSERT_OK(read_full_file(path, &text, &n));
        ASSERT_CONTAINS(text, "[    5.000100] Kernel panic - not syncing: sysrq triggered crash\n");
        ASSERT_OK(stat(path, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_TRUE(access(mkpath(dir, ".vmcore-dmesg.txt.tmp"), F_OK) < 0);

        /* Not a dump: nothing is left behind, not even the temporary file. */
        ASSERT_OK(unlink(path));
        write_file(vmcore, "not a dump at all", 17);
        free(path);
        path = NULL;
        ASSERT_ERR(dump_write_dmesg_file(dir, vmcore, &path), ENOEXEC);
        ASSERT_TRUE(path == NULL);
        ASSERT_TRUE(access(mkpath(dir, "vmcore-dmesg.txt"), F_OK) < 0);
        ASSERT_TRUE(access(mkpath(dir, ".vmcore-dmesg.txt.tmp"), F_OK) < 0);
}

TEST(vmlinux_path) {
        const char *root = test_tmp("debugroot");
        _cleanup_free_ char *a = NULL, *b = NULL;
        bool exists;

        ASSERT_OK(dump_vmlinux_path(root, "6.1.0-x", &a, &exists));
        ASSERT_TRUE(!exists);
        ASSERT_CONTAINS(a, "/usr/lib/debug/boot/vmlinux-6.1.0-x");

        ASSERT_OK(mkdir_p(mkpath(root, "usr/lib/debug/lib/modules/6.1.0-x"), 0755));
        write_file(mkpath(root, "usr/lib/debug/lib/modules/6.1.0-x/vmlinux"), "x", 1);
        ASSERT_OK(dump_vmlinux_path(root, "6.1.0-x", &b, &exists));
        ASSERT_TRUE(exists);
        ASSERT_CONTAINS(b, "/usr/lib/debug/lib/modules/6.1.0-x/vmlinux");
}

TEST(test_confirmation) {
        ASSERT_TRUE(service_test_confirmed("YES\n"));
        ASSERT_TRUE(service_test_confirmed("YES"));
        ASSERT_TRUE(!service_test_confirmed("yes\n"));
        ASSERT_TRUE(!service_test_confirmed("y\n"));
        ASSERT_TRUE(!service_test_confirmed("YESS\n"));
        ASSERT_TRUE(!service_test_confirmed(""));
}

TEST(seen_list) {
        static const char seen[] = "/var/crash/2024-01-02-03:04:05\n/var/crash/2024-01-03-00:00:00\n";

        ASSERT_TRUE(dump_seen_contains(seen, "/var/crash/2024-01-02-03:04:05"));
        ASSERT_TRUE(dump_seen_contains(seen, "/var/crash/2024-01-03-00:00:00"));
        /* Whole lines only: a prefix or a longer name is another dump. */
        ASSERT_TRUE(!dump_seen_contains(seen, "/var/crash/2024-01-02"));
        ASSERT_TRUE(!dump_seen_contains(seen, "/var/crash/2024-01-03-00:00:00x"));
        ASSERT_TRUE(!dump_seen_contains("", "/var/crash/x"));
        ASSERT_TRUE(dump_seen_contains("/a", "/a"));
}

/* A sealed dump (encrypt_to): listed from its files alone, "encrypted"
 * where the kernel and the panic would be; nothing inside is read. */
TEST(sealed_dump) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        _cleanup_free_ char *root = NULL, *out = NULL;
        const char *d;
        int r;

        ASSERT_TRUE(asprintf(&root, "%s/sealed", test_tmp_dir) > 0);
        d = mkpath(root, "2026-12-02-10:00:00");
        ASSERT_OK(mkdir_p(d, 0700));
        write_file(mkpath(d, "vmcore.age"), "age-encryption.org/v1\n-> X25519 x\n", 35);
        write_file(mkpath(d, "vmcore-dmesg.txt.age"), "age-encryption.org/v1\n", 22);
        write_file(mkpath(d, "RECIPIENTS"), "age1x\n", 6);
        ASSERT_OK(dump_catalog_scan(root, &c));
        ASSERT_EQ(c->n, 1u);
        ASSERT_TRUE(c->entries[0].sealed);
        ASSERT_TRUE(c->entries[0].complete);
        ASSERT_EQ(c->entries[0].size, 35u);
        ASSERT_TRUE(c->entries[0].panic == NULL);
        ASSERT_TRUE(c->entries[0].have_time);
        out = run_verb("list", root, false, NULL, &r);
        ASSERT_OK(r);
        ASSERT_CONTAINS(out, "encrypted");
        ASSERT_CONTAINS(out, "1 dump in ");
}

TEST_MAIN()
