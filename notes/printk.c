/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "basic/unaligned.h"
#include "notes/printk.h"

/* kernel/printk/printk_ringbuffer.h, for a 64-bit unsigned long. */
#define DESC_SV_BITS 64
#define DESC_FLAGS_SHIFT (DESC_SV_BITS - 2)
#define DESC_FLAGS_MASK (UINT64_C(3) << DESC_FLAGS_SHIFT)
#define DESC_ID_MASK (~DESC_FLAGS_MASK)
#define DESC_ID(sv) ((sv) & DESC_ID_MASK)
#define DESC_STATE(sv) (3 & ((sv) >> DESC_FLAGS_SHIFT))
enum {
        DESC_RESERVED = 0,
        DESC_COMMITTED = 1,
        DESC_FINALIZED = 2,
        DESC_REUSABLE = 3,
};
/* Bit 0 of an lpos marks a record without data (FAILED_LPOS 0x1, NO_LPOS 0x3). */
#define LPOS_DATALESS(lpos) ((lpos) & 1u)

struct ringbuf_layout {
        uint64_t rb_desc_ring, rb_text_data_ring;
        uint64_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
        uint64_t desc_size, desc_state_var, desc_text_blk_lpos;
        uint64_t lpos_begin, lpos_next;
        uint64_t data_size_bits, data_data;
        uint64_t info_size, info_seq, info_ts_nsec, info_text_len;
        uint64_t counter;
        bool have_seq;
};

static int get_layout(const vmcoreinfo *vi, struct ringbuf_layout *l) {
        struct { const char *name; uint64_t *dst; bool size; } req[] = {
                { "printk_ringbuffer.desc_ring", &l->rb_desc_ring },
                { "printk_ringbuffer.text_data_ring", &l->rb_text_data_ring },
                { "prb_desc_ring.count_bits", &l->dr_count_bits },
                { "prb_desc_ring.descs", &l->dr_descs },
                { "prb_desc_ring.infos", &l->dr_infos },
                { "prb_desc_ring.head_id", &l->dr_head_id },
                { "prb_desc_ring.tail_id", &l->dr_tail_id },
                { "prb_desc", &l->desc_size, true },
                { "prb_desc.state_var", &l->desc_state_var },
                { "prb_desc.text_blk_lpos", &l->desc_text_blk_lpos },
                { "prb_data_blk_lpos.begin", &l->lpos_begin },
                { "prb_data_blk_lpos.next", &l->lpos_next },
                { "prb_data_ring.size_bits", &l->data_size_bits },
                { "prb_data_ring.data", &l->data_data },
                { "printk_info", &l->info_size, true },
                { "printk_info.ts_nsec", &l->info_ts_nsec },
                { "printk_info.text_len", &l->info_text_len },
                { "atomic_long_t.counter", &l->counter },
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(req); i++) {
                r = req[i].size ? vmcoreinfo_size(vi, req[i].name, req[i].dst)
                                : vmcoreinfo_offset(vi, req[i].name, req[i].dst);
                if (r < 0)
                        return r;
        }
        l->have_seq = vmcoreinfo_offset(vi, "printk_info.seq", &l->info_seq) >= 0;
        return 0;
}

static int read_u64(const struct printk_source *s, uint64_t vaddr, uint64_t *ret) {
        uint64_t x;
        int r = s->read_virt(s->userdata, vaddr, &x, sizeof(x));

        if (r < 0)
                return r;
        *ret = x;
        return 0;
}

static int read_u32(const struct printk_source *s, uint64_t vaddr, uint32_t *ret) {
        uint32_t x;
        int r = s->read_virt(s->userdata, vaddr, &x, sizeof(x));

        if (r < 0)
                return r;
        *ret = x;
        return 0;
}

static int read_alloc(const struct printk_source *s, uint64_t vaddr, uint64_t size, uint8_t **ret) {
        _cleanup_free_ uint8_t *b = NULL;
        int r;

        if (size > PRINTK_RING_MAX)
                return -EFBIG;
        b = malloc(size ? size : 1);
        if (!b)
                return -ENOMEM;
        r = s->read_virt(s->userdata, vaddr, b, size);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(b);
        return 0;
}

/* Where the ring in use keeps its descriptors, infos and text, and its
 * head and tail ids. */
struct ring {
        uint64_t descs_addr, infos_addr, data_addr, head, tail;
        uint32_t count_bits, size_bits;
};

static int read_ring(const struct printk_source *s, const struct ringbuf_layout *l, uint64_t prb_sym, struct ring *ret) {
        struct ring g = {};
        uint64_t prb;
        int r;

        /* prb is a pointer to the ring buffer in use: printk_rb_static, or
         * printk_rb_dynamic after setup_log_buf() grew it. */
        r = read_u64(s, prb_sym, &prb);
        if (r >= 0)
                r = read_u32(s, prb + l->rb_desc_ring + l->dr_count_bits, &g.count_bits);
        if (r >= 0)
                r = read_u64(s, prb + l->rb_desc_ring + l->dr_descs, &g.descs_addr);
        if (r >= 0)
                r = read_u64(s, prb + l->rb_desc_ring + l->dr_infos, &g.infos_addr);
        if (r >= 0)
                r = read_u64(s, prb + l->rb_desc_ring + l->dr_head_id + l->counter, &g.head);
        if (r >= 0)
                r = read_u64(s, prb + l->rb_desc_ring + l->dr_tail_id + l->counter, &g.tail);
        if (r >= 0)
                r = read_u32(s, prb + l->rb_text_data_ring + l->data_size_bits, &g.size_bits);
        if (r >= 0)
                r = read_u64(s, prb + l->rb_text_data_ring + l->data_data, &g.data_addr);
        if (r < 0)
                return r;
        if (g.count_bits > 30 || g.size_bits > 31 || g.size_bits < 3)
                return -EBADMSG;
        *ret = g;
        return 0;
}

/* get_data(): a text block's place in the data ring from its logical
 * positions (same wrap: a regular block at begin; begin one wrap behind
 * next: the data at index 0).  false for an illegal block. */
static bool text_block(uint64_t begin, uint64_t next, uint32_t size_bits, uint64_t *ret_start, uint64_t *ret_size) {
        uint64_t data_size = UINT64_C(1) << size_bits, start, size;

        if ((begin >> size_bits) == (next >> size_bits) && begin < next) {
                start = begin & (data_size - 1);
                size = next - begin;
        } else if (((begin + data_size) >> size_bits) == (next >> size_bits)) {
                start = 0;
                size = next & (data_size - 1);
        } else
                return false;
        if ((begin & 7) || (next & 7) || size < 8 || start + size > data_size)
                return false;
        *ret_start = start;
        *ret_size = size;
        return true;
}

static int walk_ringbuffer(const struct printk_source *s, const vmcoreinfo *vi, printk_record_cb cb, void *userdata) {
        _cleanup_free_ uint8_t *descs = NULL, *infos = NULL, *data = NULL;
        struct ringbuf_layout l = {};
        struct ring g;
        uint64_t prb_sym, head, tail, count, data_size, id, n;
        int r, records = 0;

        r = vmcoreinfo_symbol(vi, "prb", &prb_sym);
        if (r < 0)
                return r;
        r = get_layout(vi, &l);
        if (r < 0)
                return r;
        if (l.desc_state_var + l.counter + 8 > l.desc_size ||
            l.desc_text_blk_lpos + MAX(l.lpos_begin, l.lpos_next) + 8 > l.desc_size ||
            l.info_ts_nsec + 8 > l.info_size || l.info_text_len + 2 > l.info_size ||
            (l.have_seq && l.info_seq + 8 > l.info_size))
                return -EBADMSG;
        r = read_ring(s, &l, prb_sym, &g);
        if (r < 0)
                return r;
        count = UINT64_C(1) << g.count_bits;
        data_size = UINT64_C(1) << g.size_bits;
        if (count * l.desc_size > PRINTK_RING_MAX || count * l.info_size > PRINTK_RING_MAX)
                return -EFBIG;

        r = read_alloc(s, g.descs_addr, count * l.desc_size, &descs);
        if (r >= 0)
                r = read_alloc(s, g.infos_addr, count * l.info_size, &infos);
        if (r >= 0)
                r = read_alloc(s, g.data_addr, data_size, &data);
        if (r < 0)
                return r;

        head = DESC_ID(g.head);
        tail = DESC_ID(g.tail);
        /* At most count records are alive (desc_reserve() pushes the tail
         * when the new id would reuse the tail's slot); a longer distance
         * means a corrupt tail: start where the ring can still hold data. */
        n = DESC_ID(head - tail) + 1;
        if (n > count) {
                tail = DESC_ID(head - count + 1);
                n = count;
        }

        for (id = tail; n > 0; n--, id = DESC_ID(id + 1)) {
                uint64_t idx = id & (count - 1);
                const uint8_t *d = descs + idx * l.desc_size, *info = infos + idx * l.info_size;
                uint64_t sv = unaligned_read_le64(d + l.desc_state_var + l.counter);
                uint64_t begin = unaligned_read_le64(d + l.desc_text_blk_lpos + l.lpos_begin);
                uint64_t next = unaligned_read_le64(d + l.desc_text_blk_lpos + l.lpos_next);
                struct printk_record rec = {
                        .seq = l.have_seq ? unaligned_read_le64(info + l.info_seq) : 0,
                        .ts_nsec = unaligned_read_le64(info + l.info_ts_nsec),
                        .text = "",
                };
                uint16_t text_len = unaligned_read_le16(info + l.info_text_len);
                uint64_t state = DESC_STATE(sv), start, size;

                if (DESC_ID(sv) != id)
                        continue;       /* desc_miss: slot already reused */
                if (state != DESC_COMMITTED && state != DESC_FINALIZED)
                        continue;
                if (!LPOS_DATALESS(begin) && !LPOS_DATALESS(next)) {
                        if (!text_block(begin, next, g.size_bits, &start, &size))
                                continue;       /* illegal block: skip it */
                        rec.text = (const char *) data + start + 8;
                        rec.text_len = MIN((uint64_t) text_len, size - 8);
                }

                r = cb(&rec, userdata);
                if (r < 0)
                        return r;
                records++;
        }
        return records;
}

static int walk_log_buf(const struct printk_source *s, const vmcoreinfo *vi, printk_record_cb cb, void *userdata) {
        _cleanup_free_ uint8_t *buf = NULL;
        uint64_t sym_buf, sym_len, sym_first, sym_next, hdr_size, off_ts, off_len, off_text_len, buf_addr;
        uint32_t len, first, next, idx;
        const char *sname = "printk_log";
        bool wrapped = false;
        int r, records = 0;

        r = vmcoreinfo_symbol(vi, "log_buf", &sym_buf);
        if (r < 0)
                return r;
        if ((r = vmcoreinfo_symbol(vi, "log_buf_len", &sym_len)) < 0 ||
            (r = vmcoreinfo_symbol(vi, "log_first_idx", &sym_first)) < 0 ||
            (r = vmcoreinfo_symbol(vi, "log_next_idx", &sym_next)) < 0)
                return r;
        /* struct log was renamed struct printk_log in 3.11. */
        if (vmcoreinfo_size(vi, sname, &hdr_size) < 0)
                sname = "log";
        r = vmcoreinfo_size(vi, sname, &hdr_size);
        if (r < 0)
                return r;
        {
                char k[32];
                snprintf(k, sizeof(k), "%s.ts_nsec", sname);
                if ((r = vmcoreinfo_offset(vi, k, &off_ts)) < 0)
                        return r;
                snprintf(k, sizeof(k), "%s.len", sname);
                if ((r = vmcoreinfo_offset(vi, k, &off_len)) < 0)
                        return r;
                snprintf(k, sizeof(k), "%s.text_len", sname);
                if ((r = vmcoreinfo_offset(vi, k, &off_text_len)) < 0)
                        return r;
        }
        if (off_ts + 8 > hdr_size || off_len + 2 > hdr_size || off_text_len + 2 > hdr_size || hdr_size == 0)
                return -EBADMSG;

        if ((r = read_u64(s, sym_buf, &buf_addr)) < 0 ||
            (r = read_u32(s, sym_len, &len)) < 0 ||
            (r = read_u32(s, sym_first, &first)) < 0 ||
            (r = read_u32(s, sym_next, &next)) < 0)
                return r;
        if (first > len || next > len)
                return -EBADMSG;
        r = read_alloc(s, buf_addr, len, &buf);
        if (r < 0)
                return r;

        for (idx = first; idx != next; ) {
                const uint8_t *h;
                uint16_t rec_len, text_len;
                struct printk_record rec;

                if ((uint64_t) idx + hdr_size > len) {
                        /* No room for a header: log_from_idx() treats this
                         * like the wrap marker. */
                        if (wrapped)
                                return -EBADMSG;
                        wrapped = true;
                        idx = 0;
                        continue;
                }
                h = buf + idx;
                rec_len = unaligned_read_le16(h + off_len);
                if (rec_len == 0) {
                        if (wrapped)
                                return -EBADMSG;
                        wrapped = true;
                        idx = 0;
                        continue;
                }
                if (rec_len < hdr_size || (uint64_t) idx + rec_len > len)
                        return -EBADMSG;
                text_len = unaligned_read_le16(h + off_text_len);
                rec = (struct printk_record) {
                        .ts_nsec = unaligned_read_le64(h + off_ts),
                        .text = (const char *) h + hdr_size,
                        .text_len = MIN((uint64_t) text_len, rec_len - hdr_size),
                };
                r = cb(&rec, userdata);
                if (r < 0)
                        return r;
                records++;
                idx += rec_len;
                if (wrapped && idx > next)
                        return -EBADMSG;        /* ran past the head: corrupt */
        }
        return records;
}

int printk_walk_source(const struct printk_source *s, printk_record_cb cb, void *userdata) {
        const vmcoreinfo *vi = s->vmcoreinfo;

        if (!vi)
                return -ENOENT;
        if (vmcoreinfo_get(vi, "SYMBOL(prb)"))
                return walk_ringbuffer(s, vi, cb, userdata);
        if (vmcoreinfo_get(vi, "SYMBOL(log_buf)") && vmcoreinfo_get(vi, "SYMBOL(log_first_idx)"))
                return walk_log_buf(s, vi, cb, userdata);
        /* Before 3.5 (log_end/logged_chars) is not handled. */
        return -ENOENT;
}

static int vmcore_read_cb(void *userdata, uint64_t vaddr, void *buf, size_t n) {
        return vmcore_read_virt(userdata, vaddr, buf, n);
}

int printk_walk(const vmcore *v, printk_record_cb cb, void *userdata) {
        struct printk_source s = {
                .vmcoreinfo = vmcore_vmcoreinfo(v),
                .read_virt = vmcore_read_cb,
                .userdata = (void *) v,
        };

        if (!s.vmcoreinfo)
                return vmcore_vmcoreinfo_error(v) < 0 ? vmcore_vmcoreinfo_error(v) : -ENOENT;
        return printk_walk_source(&s, cb, userdata);
}

int printk_format_record(const struct printk_record *rec, FILE *f) {
        char prefix[64];
        int plen;

        plen = snprintf(prefix, sizeof(prefix), "[%5" PRIu64 ".%06" PRIu64 "] ",
                        rec->ts_nsec / 1000000000u, (rec->ts_nsec % 1000000000u) / 1000u);
        if (plen < 0)
                return -EIO;
        fputs(prefix, f);
        for (size_t i = 0; i < rec->text_len; i++) {
                unsigned char c = (unsigned char) rec->text[i];

                if (c == '\n') {
                        fputc('\n', f);
                        fputs(prefix, f);
                } else if (c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80)
                        fputc(c, f);    /* UTF-8 passes through */
                else
                        fprintf(f, "\\x%02x", c);
        }
        fputc('\n', f);
        return ferror(f) ? -EIO : 0;
}

static int format_cb(const struct printk_record *rec, void *userdata) {
        return printk_format_record(rec, userdata);
}

static int finish_dump(int r, FILE *f) {
        if (r < 0)
                return r;
        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return r;
}

int printk_dump(const vmcore *v, FILE *f) {
        return finish_dump(printk_walk(v, format_cb, f), f);
}

int printk_dump_source(const struct printk_source *s, FILE *f) {
        return finish_dump(printk_walk_source(s, format_cb, f), f);
}
