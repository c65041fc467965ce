/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/diskdump-read.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/page-compress.h"
#include "tests.h"

#define MAPNR 100
#define PS 4096

/* An ELF note blob: one NT_PRSTATUS-sized dummy and a VMCOREINFO note. */
static const char vmcoreinfo_text[] = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n";

static size_t build_notes(uint8_t *buf, uint64_t *ret_vmci_off) {
        size_t n = 0;
        uint32_t h[3];

        h[0] = 5; h[1] = 336; h[2] = 1;            /* "CORE", NT_PRSTATUS */
        memcpy(buf + n, h, 12); n += 12;
        memcpy(buf + n, "CORE\0\0\0", 8); n += 8;
        memset(buf + n, 0x11, 336); n += 336;
        h[0] = 11; h[1] = sizeof(vmcoreinfo_text) - 1; h[2] = 0;
        memcpy(buf + n, h, 12); n += 12;
        memcpy(buf + n, "VMCOREINFO\0\0", 12); n += 12;
        *ret_vmci_off = n;
        memcpy(buf + n, vmcoreinfo_text, sizeof(vmcoreinfo_text) - 1);
        n += ALIGN_UP(sizeof(vmcoreinfo_text) - 1, 4);
        return n;
}

static void page_content(uint64_t pfn, uint8_t *p) {
        if (pfn % 10 == 3) {
                memset(p, 0, PS);               /* zero page */
                return;
        }
        if (pfn % 10 == 7) {                    /* incompressible */
                uint64_t x = pfn * 0x9e3779b97f4a7c15 + 1;
                for (size_t i = 0; i < PS; i++) {
                        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                        p[i] = (uint8_t) x;
                }
                return;
        }
        for (size_t i = 0; i < PS; i++)
                p[i] = (uint8_t) (pfn + i / 64);
}

static bool ram(uint64_t pfn) {
        return pfn < 40 || (pfn >= 60 && pfn < 90);
}
static bool kept(uint64_t pfn) {
        return ram(pfn) && pfn % 5 != 1;
}

static uint8_t bm1[MAPNR / 8 + 1], bm2[MAPNR / 8 + 1], notes[1024];

static void setup(struct diskdump_info *info) {
        uint64_t voff;
        size_t nn;

        memset(bm1, 0, sizeof(bm1));
        memset(bm2, 0, sizeof(bm2));
        for (uint64_t p = 0; p < MAPNR; p++) {
                if (ram(p))
                        bitmap_set(bm1, p);
                if (kept(p))
                        bitmap_set(bm2, p);
        }
        nn = build_notes(notes, &voff);
        *info = (struct diskdump_info) {
                .sz = sizeof(*info),
                .page_size = PS,
                .max_mapnr = MAPNR,
                .tv_sec = 1700000000,
                .nr_cpus = 1,
                .phys_base = 0x1000000,
                .dump_level = 31,
                .compression = PAGE_COMPRESS_LZO,
                .notes = notes,
                .notes_size = nn,
                .vmcoreinfo_offset = voff,
                .vmcoreinfo_size = sizeof(vmcoreinfo_text) - 1,
        };
        strcpy(info->utsname[0], "Linux");
        strcpy(info->utsname[2], "6.1.0-test");
        strcpy(info->utsname[4], "x86_64");
}

/* Writes all kept pages; stops after `limit` pages if limit > 0. */
static int write_dump(const char *path, enum page_compression comp, bool flat) {
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        struct diskdump_info info;
        struct dump_sink *s;
        struct diskdump_writer *w;
        struct page_compressor *pc;
        _cleanup_free_ uint8_t *out = malloc(page_compress_bound(PS));
        uint8_t page[PS];
        int r = 0;

        setup(&info);
        info.compression = comp;
        ASSERT_OK(dump_sink_new(fd, flat, &s));
        ASSERT_OK(page_compressor_new(comp, PS, &pc));
        /* A small buffer, to exercise many flushes. */
        ASSERT_OK(diskdump_writer_new(s, &info, bm1, bm2, 8 * PS, &w));
        for (uint64_t p = 0; p < MAPNR && r >= 0; p++) {
                size_t n;
                int flag;

                if (!kept(p))
                        continue;
                page_content(p, page);
                if (memcmp(page, (uint8_t[PS]) {}, PS) == 0) {
                        r = diskdump_writer_add_zero(w, p);
                        continue;
                }
                flag = page_compress(pc, page, out, &n);
                ASSERT_OK(flag);
                r = flag > 0 ? diskdump_writer_add_page(w, p, out, n, (unsigned) flag)
                             : diskdump_writer_add_page(w, p, page, PS, 0);
        }
        r = diskdump_writer_finish(w, r < 0);
        if (r >= 0)
                ASSERT_OK(dump_sink_finish(s));
        diskdump_writer_free(w);
        page_compressor_free(pc);
        dump_sink_free(s);
        return r;
}

static uint32_t rd32(const char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* An independent reader following crash's read_diskdump(). Returns the
 * number of pages that read back as written; -1 on format errors. */
static long check_dump(const char *path, bool expect_complete) {
        _cleanup_free_ char *d = NULL;
        size_t n;
        uint32_t bs, sub_blocks, bm_blocks;
        uint64_t desc_off, idx = 0;
        long good = 0;

        ASSERT_OK(read_full_file(path, &d, &n));
        ASSERT_TRUE(memcmp(d, "KDUMP   ", 8) == 0);
        ASSERT_EQ(rd32(d + 8), 6);
        ASSERT_STREQ(d + 12 + 4 * 65, "x86_64");
        ASSERT_EQ(rd64(d + 408), 1700000000);
        bs = rd32(d + 428);
        ASSERT_EQ(bs, PS);
        ASSERT_EQ(!!(rd32(d + 424) & DISKDUMP_STATUS_INCOMPLETE), !expect_complete);
        sub_blocks = rd32(d + 432);
        bm_blocks = rd32(d + 436);
        ASSERT_EQ(bm_blocks, 2);
        ASSERT_EQ(rd32(d + 440), MAPNR);
        ASSERT_EQ(rd32(d + 460), 1);
        /* sub header */
        ASSERT_EQ(rd64(d + bs + 0), 0x1000000);
        ASSERT_EQ(rd32(d + bs + 8), 31);
        ASSERT_EQ(rd64(d + bs + 48), bs + 104);                 /* offset_note */
        ASSERT_TRUE(memcmp(d + rd64(d + bs + 32), "OSRELEASE=6.1.0-test\n", 21) == 0);
        ASSERT_EQ(rd64(d + bs + 40), sizeof(vmcoreinfo_text) - 1);
        ASSERT_EQ(rd64(d + bs + 96), MAPNR);                    /* max_mapnr_64 */
        ASSERT_EQ(sub_blocks, DIV_ROUND_UP(104 + rd64(d + bs + 56), bs));

        {
                const uint8_t *b1 = (const uint8_t *) d + (1 + sub_blocks) * bs;
                const uint8_t *b2 = b1 + bm_blocks / 2 * bs;
                for (uint64_t p = 0; p < bm_blocks / 2 * bs * 8; p++) {
                        ASSERT_EQ(bitmap_test(b1, p), p < MAPNR && ram(p));
                        ASSERT_EQ(bitmap_test(b2, p), p < MAPNR && kept(p));
                }
        }
        desc_off = (1 + sub_blocks + bm_blocks) * (uint64_t) bs;
        for (uint64_t p = 0; p < MAPNR; p++) {
                const char *pd;
                uint64_t off;
                uint32_t size, flags;
                uint8_t want[PS], got[PS];

                if (!kept(p))
                        continue;
                pd = d + desc_off + 24 * idx++;
                off = rd64(pd);
                size = rd32(pd + 8);
                flags = rd32(pd + 12);
                if (off == 0) {
                        ASSERT_TRUE(!expect_complete);  /* "page incomplete" */
                        continue;
                }
                ASSERT_TRUE(size <= bs && off + size <= n);
                ASSERT_OK(page_decompress(flags, d + off, size, got, PS));
                page_content(p, want);
                ASSERT_TRUE(memcmp(want, got, PS) == 0);
                good++;
        }
        return good;
}

static long nr_kept(void) {
        long k = 0;
        for (uint64_t p = 0; p < MAPNR; p++)
                k += kept(p);
        return k;
}

TEST(write_read_back) {
        static const enum page_compression comps[] = { PAGE_COMPRESS_LZO, PAGE_COMPRESS_ZSTD, PAGE_COMPRESS_ZLIB, PAGE_COMPRESS_NONE };
        for (size_t i = 0; i < ELEMENTSOF(comps); i++) {
                ASSERT_EQ(write_dump(test_tmp("dump"), comps[i], false), 0);
                ASSERT_EQ(check_dump(test_tmp("dump"), true), nr_kept());
        }
}

TEST(flattened_rebuild_identical) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        size_t na, nb;
        int in, out;

        ASSERT_EQ(write_dump(test_tmp("direct"), PAGE_COMPRESS_ZSTD, false), 0);
        ASSERT_EQ(write_dump(test_tmp("flat"), PAGE_COMPRESS_ZSTD, true), 0);
        in = open(test_tmp("flat"), O_RDONLY);
        out = open(test_tmp("rebuilt"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        ASSERT_OK(flatten_rearrange(in, out, NULL));
        close(in);
        close(out);
        ASSERT_OK(read_full_file(test_tmp("direct"), &a, &na));
        ASSERT_OK(read_full_file(test_tmp("rebuilt"), &b, &nb));
        ASSERT_EQ(na, nb);
        ASSERT_TRUE(memcmp(a, b, na) == 0);
}

TEST(disk_full_marks_incomplete) {
        struct diskdump_info info;
        struct diskdump_layout l;
        pid_t pid;
        int status;

        setup(&info);
        ASSERT_OK(diskdump_layout_compute(&info, bitmap_count(bm2, MAPNR), &l));
        /* In a child with a file size limit just past a few pages of data:
         * writes fail (EFBIG, as ENOSPC would), the dump must say so. */
        pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0) {
                struct rlimit rl = { l.data_offset + 20 * PS, l.data_offset + 20 * PS };
                signal(SIGXFSZ, SIG_IGN);
                setrlimit(RLIMIT_FSIZE, &rl);
                _exit(write_dump(test_tmp("full"), PAGE_COMPRESS_NONE, false) == -EFBIG ? 0 : 1);
        }
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        {
                long good = check_dump(test_tmp("full"), false), read_ok = 0;
                _cleanup_diskdump_reader_ diskdump_reader *r = NULL;
                uint8_t want[PS], got[PS];

                ASSERT_TRUE(good > 0 && good < nr_kept());
                /* The reader: every page is either the page written or
                 * -ENODATA (never written), never wrong bytes. */
                ASSERT_OK(diskdump_reader_open(test_tmp("full"), &r));
                ASSERT_TRUE(diskdump_reader_geometry(r)->status & DISKDUMP_STATUS_INCOMPLETE);
                for (uint64_t p = 0; p < MAPNR; p++) {
                        int k = diskdump_reader_read_page(r, p, got);

                        if (!kept(p) || k == -ENODATA) {
                                ASSERT_ERR(k, ENODATA);
                                continue;
                        }
                        ASSERT_OK(k);
                        page_content(p, want);
                        ASSERT_TRUE(memcmp(want, got, PS) == 0);
                        read_ok++;
                }
                ASSERT_EQ(read_ok, good);
        }
}

TEST(reader_reads_every_page_back) {
        static const enum page_compression comps[] = { PAGE_COMPRESS_LZO, PAGE_COMPRESS_ZSTD, PAGE_COMPRESS_ZLIB, PAGE_COMPRESS_NONE };
        for (size_t i = 0; i < ELEMENTSOF(comps); i++) {
                _cleanup_diskdump_reader_ diskdump_reader *r = NULL;
                const struct diskdump_geometry *g;
                uint8_t want[2 * PS], got[PS];
                const char *vi;
                size_t vlen;

                ASSERT_EQ(write_dump(test_tmp("rd"), comps[i], false), 0);
                ASSERT_OK(diskdump_reader_open(test_tmp("rd"), &r));
                g = diskdump_reader_geometry(r);
                ASSERT_EQ(g->header_version, 6);
                ASSERT_EQ(g->block_size, PS);
                ASSERT_EQ(g->max_mapnr, MAPNR);
                ASSERT_EQ(g->status & DISKDUMP_STATUS_INCOMPLETE, 0);
                vi = diskdump_reader_vmcoreinfo(r, &vlen);
                ASSERT_EQ(vlen, sizeof(vmcoreinfo_text) - 1);
                ASSERT_TRUE(vi && memcmp(vi, vmcoreinfo_text, vlen) == 0);

                for (uint64_t p = 0; p < MAPNR + 3; p++) {
                        int k = diskdump_reader_read_page(r, p, got);

                        if (p >= MAPNR) {
                                ASSERT_ERR(k, ENXIO);
                        } else if (!kept(p)) {
                                ASSERT_ERR(k, ENODATA);
                                ASSERT_TRUE(!diskdump_reader_has_page(r, p));
                        } else {
                                ASSERT_OK(k);
                                page_content(p, want);
                                ASSERT_TRUE(memcmp(want, got, PS) == 0);
                        }
                }
                /* Across a page boundary (pages 4 and 5 are both kept), and
                 * backwards, past the one-page cache. */
                page_content(4, want);
                page_content(5, want + PS);
                {
                        uint8_t buf[300];
                        ASSERT_OK(diskdump_reader_read_phys(r, 5 * PS - 100, buf, sizeof(buf)));
                        ASSERT_TRUE(memcmp(buf, want + PS - 100, sizeof(buf)) == 0);
                        ASSERT_OK(diskdump_reader_read_phys(r, 4 * PS + 7, buf, 10));
                        ASSERT_TRUE(memcmp(buf, want + 7, 10) == 0);
                        /* Page 6 is excluded: the read stops there. */
                        ASSERT_ERR(diskdump_reader_read_phys(r, 6 * PS - 10, buf, 20), ENODATA);
                }
        }
}

/* A copy of a good dump with `len` bytes at `off` replaced, opened. */
static int open_mutated(const char *good, uint64_t off, const void *bytes, size_t len, size_t truncate_to,
                        diskdump_reader **ret) {
        _cleanup_free_ char *d = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n;

        ASSERT_OK(read_full_file(good, &d, &n));
        ASSERT_TRUE(off + len <= n);
        memcpy(d + off, bytes, len);
        if (truncate_to)
                n = truncate_to;
        fd = open(test_tmp("mutated"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(loop_write(fd, d, n));
        return diskdump_reader_open(test_tmp("mutated"), ret);
}

TEST(reader_rejects_bad_headers) {
        char good[1024];
        _cleanup_diskdump_reader_ diskdump_reader *r = NULL;
        uint32_t u32;
        uint64_t u64, desc;

        /* test_tmp()'s buffers are reused: keep a copy. */
        snprintf(good, sizeof(good), "%s", test_tmp("good"));
        ASSERT_EQ(write_dump(good, PAGE_COMPRESS_LZO, false), 0);
        ASSERT_ERR(open_mutated(good, 0, "KDUMP  X", 8, 0, &r), ENOEXEC);
        u32 = 3000;
        ASSERT_ERR(open_mutated(good, 428, &u32, 4, 0, &r), EPROTONOSUPPORT);
        u32 = UINT32_C(1) << 31;
        ASSERT_ERR(open_mutated(good, 428, &u32, 4, 0, &r), EPROTONOSUPPORT);
        u32 = 0;
        ASSERT_ERR(open_mutated(good, 432, &u32, 4, 0, &r), EBADMSG);   /* no sub-header */
        ASSERT_ERR(open_mutated(good, 436, &u32, 4, 0, &r), EBADMSG);   /* no bitmap */
        u32 = 3;
        ASSERT_ERR(open_mutated(good, 436, &u32, 4, 0, &r), EBADMSG);   /* odd */
        u64 = PS * 8 + 1;                       /* more pages than one bitmap block holds */
        ASSERT_ERR(open_mutated(good, PS + 96, &u64, 8, 0, &r), EBADMSG);
        u64 = UINT64_C(1) << 50;
        ASSERT_ERR(open_mutated(good, PS + 96, &u64, 8, 0, &r), EFBIG);
        u64 = UINT64_C(1) << 40;                /* VMCOREINFO past the end */
        ASSERT_ERR(open_mutated(good, PS + 32, &u64, 8, 0, &r), EBADMSG);
        u64 = 2u << 20;
        ASSERT_ERR(open_mutated(good, PS + 40, &u64, 8, 0, &r), EFBIG);
        ASSERT_ERR(open_mutated(good, 0, "KDUMP   ", 8, 300, &r), EIO);       /* inside block 0 */
        ASSERT_ERR(open_mutated(good, 0, "KDUMP   ", 8, 3 * PS + 5, &r), EIO); /* inside the 2nd bitmap */

        /* No VMCOREINFO offset (a writer that records only the notes): the
         * VMCOREINFO note is found among them, the same text. */
        u64 = 0;
        ASSERT_OK(open_mutated(good, PS + 40, &u64, 8, 0, &r));
        {
                size_t vlen;
                const char *vi = diskdump_reader_vmcoreinfo(r, &vlen);
                ASSERT_EQ(diskdump_reader_geometry(r)->vmcoreinfo_size, 0);
                ASSERT_EQ(vlen, sizeof(vmcoreinfo_text) - 1);
                ASSERT_TRUE(vi && memcmp(vi, vmcoreinfo_text, vlen) == 0);
        }
        r = diskdump_reader_free(r);

        /* Descriptors: pfn 0 is the first kept page. */
        desc = 4 * (uint64_t) PS;               /* block 0, sub-header, 2 bitmap blocks */
        u64 = UINT64_C(1) << 40;
        ASSERT_OK(open_mutated(good, desc, &u64, 8, 0, &r));
        ASSERT_ERR(diskdump_reader_read_page(r, 0, (uint8_t[PS]) {}), EIO);         /* data past the end */
        r = diskdump_reader_free(r);
        u32 = PS + 1;
        ASSERT_OK(open_mutated(good, desc + 8, &u32, 4, 0, &r));
        ASSERT_ERR(diskdump_reader_read_page(r, 0, (uint8_t[PS]) {}), EBADMSG);     /* bigger than a page */
        r = diskdump_reader_free(r);
        u64 = 8;
        ASSERT_OK(open_mutated(good, desc, &u64, 8, 0, &r));
        ASSERT_ERR(diskdump_reader_read_page(r, 0, (uint8_t[PS]) {}), EBADMSG);     /* points into the headers */
        r = diskdump_reader_free(r);
        /* pfn 7 is stored raw (incompressible), its descriptor the 6th
         * (pfns 1 and 6 are not kept): flag it "zstd". */
        u32 = 0x20;
        ASSERT_OK(open_mutated(good, desc + 5 * 24 + 12, &u32, 4, 0, &r));
        ASSERT_OK(diskdump_reader_read_page(r, 5, (uint8_t[PS]) {}));               /* others still read */
        ASSERT_ERR(diskdump_reader_read_page(r, 7, (uint8_t[PS]) {}), EBADMSG);
}

TEST(rejects_out_of_order) {
        _cleanup_close_ int fd = open(test_tmp("order"), O_RDWR | O_CREAT | O_TRUNC, 0600);
        struct diskdump_info info;
        struct dump_sink *s;
        struct diskdump_writer *w;

        setup(&info);
        ASSERT_OK(dump_sink_new(fd, false, &s));
        ASSERT_OK(diskdump_writer_new(s, &info, bm1, bm2, 0, &w));
        ASSERT_ERR(diskdump_writer_add_zero(w, 2), EINVAL);    /* pfn 0 skipped */
        ASSERT_OK(diskdump_writer_add_zero(w, 0));
        ASSERT_ERR(diskdump_writer_add_zero(w, 1), EINVAL);    /* not dumped */
        ASSERT_OK(diskdump_writer_add_zero(w, 2));
        ASSERT_ERR(diskdump_writer_add_zero(w, 2), EINVAL);    /* twice */
        ASSERT_EQ(diskdump_writer_finish(w, false), 1);         /* pages missing: incomplete */
        diskdump_writer_free(w);
        dump_sink_free(s);
}

TEST(libkdumpfile_oracle) {
        char cmd[1024];
        int r;

        if (system("/usr/bin/python3 -c 'import kdumpfile' 2>/dev/null") != 0) {
                printf("# python3-libkdumpfile not installed, skipping\n");
                return;
        }
        ASSERT_EQ(write_dump(test_tmp("oracle"), PAGE_COMPRESS_LZO, false), 0);
        /* libkdumpfile reads each kept page; the script compares it with the
         * same generator and exits non-zero on any difference. */
        snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s", test_fixture("collect/kdumpfile-check.py"), test_tmp("oracle"));
        r = system(cmd);
        ASSERT_EQ(r, 0);
}

TEST_MAIN()
