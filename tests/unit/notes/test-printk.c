/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "notes/printk.h"
#include "printk-sim.h"
#include "tests.h"

static char *dump_to_string(const vmcore *v, int *ret_records) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);

        if (!f)
                TEST_FAIL("open_memstream");
        *ret_records = printk_dump(v, f);
        fclose(f);
        return s;
}

/* Builds the standard fixture with a ring buffer of 8 descriptors and 256
 * bytes of text: more messages than either holds, ids crossing the 2^62 wrap,
 * text blocks wrapping to the start of the data ring. */
static void build_ring(struct synth_core *c, struct printk_sim *s, const char *vi_override) {
        char text[64];

        synth_standard(c, vi_override ? vi_override : printk_sim_vmcoreinfo());
        printk_sim_init(s, c, 3, 8, (~(UINT64_C(3) << 62)) - 2);
        for (int i = 0; i < 12; i++) {
                snprintf(text, sizeof(text), "message number %02d from the test", i);
                printk_sim_emit(s, UINT64_C(1000000000) * (uint64_t) i + 123456789, text, 2);
        }
        printk_sim_emit(s, UINT64_C(42000000000), "committed, not yet finalized", 1);
        printk_sim_emit(s, UINT64_C(43000000000), "still being written", 0);
}

TEST(ringbuffer) {
        struct synth_core c;
        struct printk_sim s;
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_free_ char *out = NULL;
        char expected[8192];
        const char *path = test_tmp("ring");
        int records, alive = 0;

        build_ring(&c, &s, NULL);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(vmcore_open(path, 0, &v));
        out = dump_to_string(v, &records);
        ASSERT_OK(records);

        printk_sim_expected(&s, expected, sizeof(expected));
        for (size_t i = 0; i < s.n; i++)
                if (!s.recs[i].dropped && (s.recs[i].state == 1 || s.recs[i].state == 2))
                        alive++;
        ASSERT_EQ(records, alive);
        ASSERT_STREQ(out, expected);

        /* What a user would look for. */
        ASSERT_CONTAINS(out, "[   11.123456] message number 11 from the test\n");
        ASSERT_CONTAINS(out, "[   42.000000] committed, not yet finalized\n");
        ASSERT_TRUE(!strstr(out, "message number 00"));
        ASSERT_TRUE(!strstr(out, "still being written"));
        /* The fixture did wrap: some kept record's data block starts at 0. */
        {
                bool wrapped = false;
                for (size_t i = 0; i < s.n; i++)
                        if (!s.recs[i].dropped && s.recs[i].id != 0) {
                                uint64_t d = SYNTH_PAGE_OFFSET + 0x100000 + (s.recs[i].id & 7) * 32 + 16, b, n;
                                ASSERT_OK(vmcore_read_virt_u64(v, d, &b));
                                ASSERT_OK(vmcore_read_virt_u64(v, d + 8, &n));
                                if ((b >> 8) != (n >> 8))
                                        wrapped = true;
                        }
                ASSERT_TRUE(wrapped);
        }
        synth_done(&c);
}

TEST(ringbuffer_missing_key) {
        struct synth_core c;
        struct printk_sim s;
        _cleanup_vmcore_ vmcore *v = NULL;
        char vi[4096], *p;
        const char *path = test_tmp("ring-nokey");

        snprintf(vi, sizeof(vi), "%s", printk_sim_vmcoreinfo());
        p = strstr(vi, "OFFSET(prb_desc.state_var)");
        ASSERT_TRUE(p != NULL);
        memcpy(p, "OFFSET(prb_desc.stateXvar)", 26);
        build_ring(&c, &s, vi);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(vmcore_open(path, 0, &v));
        ASSERT_ERR(printk_walk(v, NULL, NULL), ENOENT);
        synth_done(&c);
}

TEST(ringbuffer_corrupt) {
        struct synth_core c;
        struct printk_sim s;
        _cleanup_vmcore_ vmcore *v = NULL;
        const char *path = test_tmp("ring-corrupt");

        build_ring(&c, &s, NULL);
        /* count_bits of 40: no kernel has a trillion descriptors. */
        synth_poke_u32(&c, SYNTH_KTEXT + 0x200 + 8, 40);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(vmcore_open(path, 0, &v));
        ASSERT_ERR(printk_walk(v, NULL, NULL), EBADMSG);
        synth_done(&c);
}

TEST(no_vmcoreinfo) {
        struct synth_core c;
        _cleanup_vmcore_ vmcore *v = NULL;
        const char *path = test_tmp("novi");

        synth_standard(&c, NULL);
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(vmcore_open(path, 0, &v));
        ASSERT_ERR(printk_walk(v, NULL, NULL), ENOENT);
        synth_done(&c);
}

/* 3.5-5.9: log_buf of struct printk_log records; a len-0 record marks the
 * wrap.  Invented header layout: ts_nsec at 0, len at 8, text_len at 10,
 * size 16. */
TEST(log_buf) {
        struct synth_core c;
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_free_ char *out = NULL;
        const uint64_t sym = SYNTH_KTEXT + 0x300, buf = SYNTH_PAGE_OFFSET + 0x200800;
        const char *path = test_tmp("logbuf");
        char vi[1024];
        int records;
        struct { uint32_t at; uint64_t ts; const char *text; } recs[] = {
                { 80, 5000000, "old one" },
                { 0, 6500000000, "new two" },
                { 24, 7000001000, "new three" },
        };

        snprintf(vi, sizeof(vi),
                 "OSRELEASE=4.19.0\n"
                 "SYMBOL(log_buf)=%" PRIx64 "\n"
                 "SYMBOL(log_buf_len)=%" PRIx64 "\n"
                 "SYMBOL(log_first_idx)=%" PRIx64 "\n"
                 "SYMBOL(log_next_idx)=%" PRIx64 "\n"
                 "SIZE(printk_log)=16\n"
                 "OFFSET(printk_log.ts_nsec)=0\n"
                 "OFFSET(printk_log.len)=8\n"
                 "OFFSET(printk_log.text_len)=10\n",
                 sym, sym + 8, sym + 12, sym + 16);
        synth_standard(&c, vi);
        synth_poke_u64(&c, sym, buf);
        synth_poke_u32(&c, sym + 8, 128);
        synth_poke_u32(&c, sym + 12, 80);
        synth_poke_u32(&c, sym + 16, 56);
        /* Garbage everywhere first, so unread bytes cannot pass as records. */
        for (unsigned i = 0; i < 128; i++)
                synth_poke_virt(&c, buf + i, "\xee", 1);
        for (size_t i = 0; i < ELEMENTSOF(recs); i++) {
                uint16_t tl = (uint16_t) strlen(recs[i].text), len = (uint16_t) ALIGN_UP(16 + tl, 8);
                synth_poke_u64(&c, buf + recs[i].at, recs[i].ts);
                synth_poke_u16(&c, buf + recs[i].at + 8, len);
                synth_poke_u16(&c, buf + recs[i].at + 10, tl);
                synth_poke_virt(&c, buf + recs[i].at + 16, recs[i].text, tl);
        }
        synth_poke_u16(&c, buf + 104 + 8, 0);   /* wrap marker after "old one" */
        ASSERT_OK(synth_write(&c, path));
        ASSERT_OK(vmcore_open(path, 0, &v));
        out = dump_to_string(v, &records);
        ASSERT_EQ(records, 3);
        ASSERT_STREQ(out,
                     "[    0.005000] old one\n"
                     "[    6.500000] new two\n"
                     "[    7.000001] new three\n");
        synth_done(&c);
}

TEST(format) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);
        struct printk_record r = { .ts_nsec = UINT64_C(123456789012), .text = "two\nlines\x01 \xc3\xa9", .text_len = 13 };

        ASSERT_TRUE(f != NULL);
        ASSERT_OK(printk_format_record(&r, f));
        fclose(f);
        ASSERT_STREQ(s, "[  123.456789] two\n[  123.456789] lines\\x01 \xc3\xa9\n");
        free(s);
}

TEST_MAIN();
