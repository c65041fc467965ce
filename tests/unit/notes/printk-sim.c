/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk-sim.h"

/* Where things live in the synth_standard() fixture. */
#define PRB_PTR   (SYNTH_KTEXT + 0x100)         /* the variable prb */
#define RB        (SYNTH_KTEXT + 0x200)         /* printk_rb_static */
#define DESCS     (SYNTH_PAGE_OFFSET + 0x100000)
#define INFOS     (SYNTH_PAGE_OFFSET + 0x100400)
#define DATA      (SYNTH_PAGE_OFFSET + 0x10ff80) /* straddles PT_LOADs 0 and 1 */

/* The invented layout. */
#define RB_DESC_RING 8
#define RB_TEXT_RING 72
#define DR_COUNT_BITS 0
#define DR_DESCS 8
#define DR_INFOS 16
#define DR_HEAD 24
#define DR_TAIL 32
#define DESC_SIZE 32
#define DESC_SV 8
#define DESC_LPOS 16
#define LPOS_BEGIN 0
#define LPOS_NEXT 8
#define DATA_SIZE_BITS 4
#define DATA_DATA 8
#define INFO_SIZE 96
#define INFO_SEQ 0
#define INFO_TS 16
#define INFO_TEXT_LEN 8

#define ID_MASK (~(UINT64_C(3) << 62))

const char *printk_sim_vmcoreinfo(void) {
        static char buf[2048];

        snprintf(buf, sizeof(buf),
                 "OSRELEASE=6.1.0-sim\n"
                 "PAGESIZE=4096\n"
                 "SYMBOL(prb)=%" PRIx64 "\n"
                 "SIZE(printk_ringbuffer)=120\n"
                 "OFFSET(printk_ringbuffer.desc_ring)=%d\n"
                 "OFFSET(printk_ringbuffer.text_data_ring)=%d\n"
                 "SIZE(prb_desc_ring)=48\n"
                 "OFFSET(prb_desc_ring.count_bits)=%d\n"
                 "OFFSET(prb_desc_ring.descs)=%d\n"
                 "OFFSET(prb_desc_ring.infos)=%d\n"
                 "OFFSET(prb_desc_ring.head_id)=%d\n"
                 "OFFSET(prb_desc_ring.tail_id)=%d\n"
                 "SIZE(prb_desc)=%d\n"
                 "OFFSET(prb_desc.state_var)=%d\n"
                 "OFFSET(prb_desc.text_blk_lpos)=%d\n"
                 "SIZE(prb_data_blk_lpos)=16\n"
                 "OFFSET(prb_data_blk_lpos.begin)=%d\n"
                 "OFFSET(prb_data_blk_lpos.next)=%d\n"
                 "SIZE(printk_info)=%d\n"
                 "OFFSET(printk_info.seq)=%d\n"
                 "OFFSET(printk_info.ts_nsec)=%d\n"
                 "OFFSET(printk_info.text_len)=%d\n"
                 "OFFSET(printk_info.caller_id)=20\n"
                 "SIZE(prb_data_ring)=32\n"
                 "OFFSET(prb_data_ring.size_bits)=%d\n"
                 "OFFSET(prb_data_ring.data)=%d\n"
                 "OFFSET(atomic_long_t.counter)=0\n",
                 PRB_PTR, RB_DESC_RING, RB_TEXT_RING,
                 DR_COUNT_BITS, DR_DESCS, DR_INFOS, DR_HEAD, DR_TAIL,
                 DESC_SIZE, DESC_SV, DESC_LPOS, LPOS_BEGIN, LPOS_NEXT,
                 INFO_SIZE, INFO_SEQ, INFO_TS, INFO_TEXT_LEN,
                 DATA_SIZE_BITS, DATA_DATA);
        return buf;
}

static void write_desc(struct printk_sim *s, uint64_t id, unsigned state, uint64_t begin, uint64_t next) {
        uint64_t d = DESCS + (id & ((UINT64_C(1) << s->count_bits) - 1)) * DESC_SIZE;

        synth_poke_u64(s->core, d + DESC_SV, ((uint64_t) state << 62) | id);
        synth_poke_u64(s->core, d + DESC_LPOS + LPOS_BEGIN, begin);
        synth_poke_u64(s->core, d + DESC_LPOS + LPOS_NEXT, next);
}

static void set_state(struct printk_sim *s, uint64_t id, unsigned state) {
        uint64_t d = DESCS + (id & ((UINT64_C(1) << s->count_bits) - 1)) * DESC_SIZE;
        synth_poke_u64(s->core, d + DESC_SV, ((uint64_t) state << 62) | id);
}

static void write_heads(struct printk_sim *s) {
        synth_poke_u64(s->core, RB + RB_DESC_RING + DR_HEAD, s->head_id);
        synth_poke_u64(s->core, RB + RB_DESC_RING + DR_TAIL, s->tail_id);
}

void printk_sim_init(struct printk_sim *s, struct synth_core *core, unsigned count_bits, unsigned size_bits, uint64_t first_id) {
        memset(s, 0, sizeof(*s));
        s->core = core;
        s->count_bits = count_bits;
        s->size_bits = size_bits;
        synth_poke_u64(core, PRB_PTR, RB);
        synth_poke_u32(core, RB + RB_DESC_RING + DR_COUNT_BITS, count_bits);
        synth_poke_u64(core, RB + RB_DESC_RING + DR_DESCS, DESCS);
        synth_poke_u64(core, RB + RB_DESC_RING + DR_INFOS, INFOS);
        synth_poke_u32(core, RB + RB_TEXT_RING + DATA_SIZE_BITS, size_bits);
        synth_poke_u64(core, RB + RB_TEXT_RING + DATA_DATA, DATA);
        /* Like the kernel's DESC0_SV: the initial descriptor is reusable
         * and data-less (FAILED_LPOS). */
        s->head_id = s->tail_id = (first_id - 1) & ID_MASK;
        write_desc(s, s->head_id, 3, 1, 1);
        s->head_lpos = s->tail_lpos = (UINT64_C(1) << size_bits) * 5;  /* a few wraps in */
        write_heads(s);
}

static struct sim_record *find(struct printk_sim *s, uint64_t id) {
        for (size_t i = 0; i < s->n; i++)
                if (s->recs[i].id == id)
                        return &s->recs[i];
        return NULL;
}

void printk_sim_emit(struct printk_sim *s, uint64_t ts_nsec, const char *text, unsigned state) {
        uint64_t count = UINT64_C(1) << s->count_bits, dsize = UINT64_C(1) << s->size_bits;
        uint64_t id = (s->head_id + 1) & ID_MASK, begin, next, size, at, info;
        size_t len = strlen(text);
        struct sim_record *r, *old;

        /* desc_reserve(): the new id would reuse the tail's slot. */
        if (((id - count) & ID_MASK) == s->tail_id) {
                old = find(s, s->tail_id);
                if (old)
                        old->dropped = true;
                set_state(s, s->tail_id, 3);
                s->tail_id = (s->tail_id + 1) & ID_MASK;
        }

        /* data_alloc() + get_next_lpos(). */
        size = (8 + len + 7) & ~UINT64_C(7);
        begin = s->head_lpos;
        next = begin + size;
        if ((begin >> s->size_bits) != (next >> s->size_bits))
                next = (next & ~(dsize - 1)) + size;
        /* data_push_tail(): records whose data gets overwritten become
         * reusable (their descriptors stay until the desc tail passes). */
        while (next - s->tail_lpos > dsize) {
                struct sim_record *o = NULL;
                for (size_t i = 0; i < s->n; i++)
                        if (!s->recs[i].dropped) {
                                o = &s->recs[i];
                                break;
                        }
                if (!o)
                        abort();
                o->dropped = true;
                set_state(s, o->id, 3);
                {
                        /* That record's next lpos is where the tail moves. */
                        uint64_t d = DESCS + (o->id & (count - 1)) * DESC_SIZE;
                        uint64_t onext = 0;
                        for (size_t k = 0; k < s->core->n_loads; k++) {
                                struct synth_load *l = &s->core->loads[k];
                                uint64_t va = d + DESC_LPOS + LPOS_NEXT;
                                if (l->virt && va >= l->virt && va < l->virt + l->mem_size) {
                                        memcpy(&onext, l->data + (va - l->virt), 8);
                                        break;
                                }
                        }
                        s->tail_lpos = onext;
                }
        }
        at = ((begin >> s->size_bits) != (next >> s->size_bits)) ? 0 : (begin & (dsize - 1));
        if (at == 0 && (begin & (dsize - 1)) != 0)
                /* The kernel also writes the id at begin (blk->id) before
                 * moving to the start; harmless, done for realism. */
                synth_poke_u64(s->core, DATA + (begin & (dsize - 1)), id);
        synth_poke_u64(s->core, DATA + at, id);
        synth_poke_virt(s->core, DATA + at + 8, text, len);
        s->head_lpos = next;

        info = INFOS + (id & (count - 1)) * INFO_SIZE;
        synth_poke_u64(s->core, info + INFO_SEQ, s->n);
        synth_poke_u64(s->core, info + INFO_TS, ts_nsec);
        synth_poke_u16(s->core, info + INFO_TEXT_LEN, (uint16_t) len);
        write_desc(s, id, state, begin, next);
        s->head_id = id;
        write_heads(s);

        if (s->n >= SIM_MAX_RECORDS)
                abort();
        r = &s->recs[s->n++];
        *r = (struct sim_record) { .id = id, .ts_nsec = ts_nsec, .state = state };
        snprintf(r->text, sizeof(r->text), "%s", text);
}

void printk_sim_expected(const struct printk_sim *s, char *buf, size_t size) {
        size_t o = 0;

        buf[0] = 0;
        for (size_t i = 0; i < s->n; i++) {
                const struct sim_record *r = &s->recs[i];
                if (r->dropped || (r->state != 1 && r->state != 2))
                        continue;
                o += (size_t) snprintf(buf + o, size - o, "[%5" PRIu64 ".%06" PRIu64 "] %s\n",
                                       r->ts_nsec / 1000000000, r->ts_nsec % 1000000000 / 1000, r->text);
        }
}
