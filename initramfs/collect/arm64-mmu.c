/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "initramfs/collect/arm64-mmu.h"

#define DESC_VALID UINT64_C(0x1)
#define DESC_TABLE UINT64_C(0x2)        /* table (levels < 3) or page (level 3); clear: block */

static uint64_t bits(unsigned hi, unsigned lo) {
        return (UINT64_MAX >> (63 - hi)) & ~((UINT64_C(1) << lo) - 1);
}

/* -(1 << n) as an address. */
static uint64_t top(unsigned n) {
        return n >= 64 ? 0 : ~((UINT64_C(1) << n) - 1);
}

static unsigned levels_for(unsigned va_bits, unsigned page_shift) {
        unsigned per = page_shift - 3;
        return (va_bits - page_shift + per - 1) / per;
}

static bool va_bits_valid(unsigned va_bits, unsigned page_shift) {
        switch (page_shift) {
        case 12: return va_bits == 39 || va_bits == 48 || va_bits == 52;
        case 14: return va_bits == 36 || va_bits == 47 || va_bits == 48 || va_bits == 52;
        case 16: return va_bits == 42 || va_bits == 48 || va_bits == 52;
        }
        return false;
}

/* VA_BITS_MIN: what a 52-bit kernel falls back to without LVA/LPA2. */
static unsigned va_bits_min(unsigned va_bits, unsigned page_shift) {
        if (va_bits <= 48)
                return va_bits;
        return page_shift == 14 ? 47 : 48;
}

/* The 5.4 flip, from the release "major.minor...". */
static int layout_flipped(const struct vmci *v, bool *ret) {
        char rel[65];
        unsigned major, minor;
        int r;

        r = vmci_string(v, "OSRELEASE", rel, sizeof(rel));
        if (r < 0)
                return r == -ENAMETOOLONG ? -EINVAL : r;
        if (sscanf(rel, "%u.%u", &major, &minor) != 2)
                return -EINVAL;
        *ret = major > 5 || (major == 5 && minor >= 4);
        return 0;
}

static int get_page_shift(const struct vmci *v, unsigned *ret) {
        char buf[32];
        uint64_t ps;
        int r;

        r = vmci_string(v, "PAGESIZE", buf, sizeof(buf));
        if (r < 0)
                return r == -ENAMETOOLONG ? -EINVAL : r;
        if (safe_atou64_base(buf, 10, &ps) < 0)
                return -EINVAL;
        if (ps != 4096 && ps != 16384 && ps != 65536)
                return -EINVAL;
        *ret = (unsigned) __builtin_ctzll(ps);
        return 0;
}

/* What TCR_EL1.T1SZ says the MMU used: a 52-bit kernel runs with 48 (47 on
 * 16K) bits on CPUs without LVA/LPA2, and then only VMCOREINFO can say. */
static int get_actual_va_bits(const struct vmci *v, unsigned va_bits, unsigned page_shift, unsigned *ret) {
        uint64_t t1sz;
        int r;

        r = vmci_number_u64(v, "TCR_EL1_T1SZ", &t1sz);
        if (r == -ENOENT)
                r = vmci_number_u64(v, "tcr_el1_t1sz", &t1sz);         /* 5.9's spelling */
        if (r == -ENOENT && va_bits <= 48) {
                *ret = va_bits;
                return 0;
        }
        if (r < 0)
                return r;
        if (t1sz > 64 - va_bits_min(va_bits, page_shift) || 64 - t1sz > va_bits)
                return -EINVAL;
        *ret = (unsigned) (64 - t1sz);
        return 0;
}

static int read_config(struct arm64_mmu *m, const struct vmci *v, uint64_t *ret_pgdir) {
        int64_t va_bits, pa_bits = 48;
        int r;

        if ((r = get_page_shift(v, &m->page_shift)) < 0 ||
            (r = vmci_number(v, "VA_BITS", &va_bits)) < 0 ||
            (r = vmci_number_u64(v, "kimage_voffset", &m->kimage_voffset)) < 0 ||
            (r = vmci_number_u64(v, "PHYS_OFFSET", &m->phys_offset)) < 0 ||
            (r = vmci_symbol(v, "swapper_pg_dir", ret_pgdir)) < 0 ||
            (r = layout_flipped(v, &m->flipped)) < 0)
                return r;
        if (va_bits < 0 || !va_bits_valid((unsigned) va_bits, m->page_shift))
                return -EINVAL;
        m->va_bits = (unsigned) va_bits;
        r = get_actual_va_bits(v, m->va_bits, m->page_shift, &m->va_bits_actual);
        if (r < 0)
                return r;
        r = vmci_number(v, "MAX_PHYSMEM_BITS", &pa_bits);
        if (r < 0 && r != -ENOENT)
                return r;
        m->lpa2 = m->page_shift != 16 && m->va_bits_actual == 52;
        m->pa52_64k = m->page_shift == 16 && pa_bits == 52;
        return 0;
}

/* The linear map's place, and whether swapper_pg_dir (in the kernel image)
 * is where that layout keeps the image: the other half of the kernel's
 * space. */
static int set_layout(struct arm64_mmu *m, uint64_t pgdir) {
        if (m->flipped) {
                m->page_offset = top(m->va_bits);
                m->linear_size = top(va_bits_min(m->va_bits, m->page_shift) - 1) - m->page_offset;
                if (pgdir < m->page_offset + m->linear_size)
                        return -EINVAL;
        } else {
                if (m->va_bits > 48)
                        return -EINVAL;         /* no 52-bit kernel VAs before 5.4 */
                m->page_offset = top(m->va_bits - 1);
                m->linear_size = -m->page_offset;
                if (pgdir < top(m->va_bits) || pgdir >= m->page_offset)
                        return -EINVAL;
        }
        return 0;
}

int arm64_mmu_init(struct arm64_mmu *m, const struct vmci *v, phys_read_fn read, void *userdata) {
        struct arm64_mmu n = { .read = read, .userdata = userdata };
        uint64_t pgdir;
        unsigned levels;
        int r;

        r = read_config(&n, v, &pgdir);
        if (r < 0)
                return r;
        if (pgdir & ((UINT64_C(1) << n.page_shift) - 1))
                return -EINVAL;
        r = set_layout(&n, pgdir);
        if (r < 0)
                return r;

        levels = levels_for(n.va_bits_actual, n.page_shift);
        n.top_level = 4 - (int) levels;
        n.root = pgdir - n.kimage_voffset;
        /* A 64K kernel built for 52 bits on a 48-bit CPU: same number of
         * levels, and TTBR1 points into swapper_pg_dir at the entries the
         * narrower walk uses (TTBR1_BADDR_4852_OFFSET).  Where the level
         * count differs (4K/16K LPA2), the top level is folded and the walk
         * starts at swapper_pg_dir itself. */
        if (n.va_bits_actual < n.va_bits && levels_for(n.va_bits, n.page_shift) == levels) {
                unsigned top_shift = n.page_shift + (levels - 1) * (n.page_shift - 3);
                n.root += ((UINT64_C(1) << (n.va_bits - top_shift)) - (UINT64_C(1) << (n.va_bits_actual - top_shift))) * 8;
        }
        *m = n;
        return 0;
}

/* The output address of a table, block or page descriptor. */
static uint64_t desc_address(const struct arm64_mmu *m, uint64_t d) {
        if (m->page_shift == 16)
                return (d & bits(47, 16)) | (m->pa52_64k ? ((d >> 12) & 0xf) << 48 : 0);
        if (m->lpa2)
                return (d & bits(49, m->page_shift)) | ((d >> 8) & 0x3) << 50;
        return d & bits(47, m->page_shift);
}

/* Whether a block descriptor is allowed at this level (D8.2 of the Arm ARM:
 * 4K: 1 GiB and 2 MiB, and 512 GiB with LPA2; 16K: 32 MiB, and 64 GiB with
 * LPA2; 64K: 512 MiB, and 4 TiB with 52-bit output addresses). */
static bool block_allowed(const struct arm64_mmu *m, int level) {
        switch (m->page_shift) {
        case 12: return level == 1 || level == 2 || (level == 0 && m->lpa2);
        case 14: return level == 2 || (level == 1 && m->lpa2);
        default: return level == 2 || (level == 1 && m->pa52_64k);
        }
}

static bool cache_lookup(struct arm64_mmu *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span) {
        for (unsigned i = 0; i < ARM64_MMU_CACHE; i++)
                if (m->cache[i].size && vaddr - m->cache[i].vbase < m->cache[i].size) {
                        uint64_t off = vaddr - m->cache[i].vbase;
                        *ret_paddr = m->cache[i].pbase + off;
                        *ret_span = m->cache[i].size - off;
                        return true;
                }
        return false;
}

static int walk(struct arm64_mmu *m, uint64_t vaddr, uint64_t *ret_pbase, uint64_t *ret_size) {
        unsigned per = m->page_shift - 3;
        uint64_t table = m->root;
        int r;

        if (vaddr < top(m->va_bits_actual))
                return -EFAULT;         /* not a TTBR1 address */
        m->walks++;
        for (int level = m->top_level; level <= 3; level++) {
                unsigned shift = m->page_shift + (unsigned) (3 - level) * per;
                uint64_t idx = (vaddr >> shift) & ((UINT64_C(1) << per) - 1), d;

                if (level == m->top_level)
                        idx = (vaddr & ~top(m->va_bits_actual)) >> shift;
                r = m->read(m->userdata, table + idx * 8, &d, sizeof(d));
                if (r < 0)
                        return r == -ENXIO ? -EFAULT : r;
                if (!(d & DESC_VALID))
                        return -EFAULT;
                if (level == 3 || !(d & DESC_TABLE)) {
                        if (level == 3 ? !(d & DESC_TABLE) : !block_allowed(m, level))
                                return -EFAULT;         /* reserved encodings */
                        *ret_size = UINT64_C(1) << shift;
                        *ret_pbase = desc_address(m, d) & ~(*ret_size - 1);
                        return 0;
                }
                table = desc_address(m, d);
        }
        return -EFAULT;
}

int arm64_mmu_translate(struct arm64_mmu *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span) {
        uint64_t pbase, size, span, dummy;
        int r;

        if (!ret_span)
                ret_span = &dummy;
        if (vaddr - m->page_offset < m->linear_size) {
                *ret_paddr = (vaddr & ~m->page_offset) + m->phys_offset;
                *ret_span = m->linear_size - (vaddr - m->page_offset);
                return 0;
        }
        if (cache_lookup(m, vaddr, ret_paddr, ret_span))
                return 0;

        r = walk(m, vaddr, &pbase, &size);
        if (r < 0)
                return r;
        {
                unsigned slot = m->cache_next++ % ARM64_MMU_CACHE;
                uint64_t vbase = vaddr & ~(size - 1);

                m->cache[slot].vbase = vbase;
                m->cache[slot].pbase = pbase;
                m->cache[slot].size = size;
                span = size - (vaddr - vbase);
                *ret_paddr = pbase + (vaddr - vbase);
                *ret_span = span;
        }
        return 0;
}

static int translate_step(void *m, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_span) {
        return arm64_mmu_translate(m, vaddr, ret_paddr, ret_span);
}

int arm64_mmu_read(struct arm64_mmu *m, uint64_t vaddr, void *buf, size_t len) {
        return mmu_virt_read(translate_step, m, m->read, m->userdata, vaddr, buf, len);
}
