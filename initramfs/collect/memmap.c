/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/collect/memmap.h"

#define SECTION_MARKED_PRESENT UINT64_C(0x1)
/* Flag bits below SECTION_MAP_LAST_BIT (1 << 5 since 5.x; fewer bits on
 * older kernels, which never set the extra ones). */
#define SECTION_MAP_MASK (~UINT64_C(0x1f))

uint64_t memmap_decode(uint64_t section_mem_map, uint64_t section_nr, uint64_t pages_per_section, uint32_t page_struct_size) {
        if (!(section_mem_map & SECTION_MARKED_PRESENT) || (section_mem_map & SECTION_MAP_MASK) == 0)
                return 0;
        return (section_mem_map & SECTION_MAP_MASK) + section_nr * pages_per_section * page_struct_size;
}

static unsigned page_shift_of(uint64_t page_size) {
        return (unsigned) __builtin_ctzll(page_size);
}

void memmap_done(struct memmap *m) {
        free(m->ranges);
        *m = (struct memmap) {};
}

int memmap_discover(const struct vmci *v, struct kernel_mmu *mmu, uint64_t max_pfn, struct memmap *ret) {
        uint64_t sym, len = 0, ms_size, off_map, page_size = 4096, page_struct, nr_sections, nr_needed, per_root;
        int64_t section_bits, physmem_bits;
        _cleanup_free_ struct memmap_range *ranges = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        size_t n = 0;
        bool extreme;
        char ps[32];
        int r;

        if ((r = vmci_symbol(v, "mem_section", &sym)) < 0 ||
            (r = vmci_size(v, "mem_section", &ms_size)) < 0 ||
            (r = vmci_offset(v, "mem_section.section_mem_map", &off_map)) < 0 ||
            (r = vmci_number(v, "SECTION_SIZE_BITS", &section_bits)) < 0 ||
            (r = vmci_number(v, "MAX_PHYSMEM_BITS", &physmem_bits)) < 0 ||
            (r = vmci_size(v, "page", &page_struct)) < 0)
                return r;
        r = vmci_length(v, "mem_section", &len);
        if (r < 0 && r != -ENOENT)
                return r;
        if (vmci_string(v, "PAGESIZE", ps, sizeof(ps)) >= 0)
                page_size = strtoull(ps, NULL, 10);

        if ((page_size != 4096 && page_size != 16384 && page_size != 65536) || ms_size == 0 || ms_size > 256 || off_map + 8 > ms_size ||
            section_bits < 20 || (uint64_t) section_bits <= page_shift_of(page_size) || section_bits > 40 || physmem_bits <= section_bits || physmem_bits > 57 ||
            page_struct == 0 || page_struct > 512)
                return -EINVAL;

        nr_sections = UINT64_C(1) << (physmem_bits - section_bits);
        per_root = page_size / ms_size;
        /* makedumpfile's is_sparsemem_extreme(): the root array of
         * SPARSEMEM_EXTREME has NR_SECTIONS / SECTIONS_PER_ROOT entries;
         * plain SPARSEMEM has one section per "root". */
        extreme = r == -ENOENT || len == DIV_ROUND_UP(nr_sections, per_root);
        if (!extreme) {
                if (len != nr_sections)
                        return -EINVAL;
                per_root = 1;
        }

        {
                uint64_t pps = UINT64_C(1) << (section_bits - page_shift_of(page_size));
                nr_needed = MIN(DIV_ROUND_UP(max_pfn, pps), nr_sections);

                ranges = calloc(MAX(nr_needed, 1u), sizeof(*ranges));
                buf = malloc(per_root * ms_size);
                if (!ranges || !buf)
                        return -ENOMEM;

                for (uint64_t root = 0; root * per_root < nr_needed; root++) {
                        uint64_t base;

                        if (extreme) {
                                /* mem_section (the value VMCOREINFO gives) is
                                 * the array of root pointers. */
                                r = kernel_mmu_read(mmu, sym + root * 8, &base, 8);
                                if (r < 0)
                                        return r;
                                if (base == 0)
                                        continue;
                        } else
                                base = sym + root * ms_size;

                        r = kernel_mmu_read(mmu, base, buf, per_root * ms_size);
                        if (r < 0)
                                return r;

                        for (uint64_t i = 0; i < per_root; i++) {
                                uint64_t nr = root * per_root + i, raw, map;
                                if (nr >= nr_needed)
                                        break;
                                memcpy(&raw, buf + i * ms_size + off_map, 8);
                                map = memmap_decode(raw, nr, pps, (uint32_t) page_struct);
                                if (map == 0)
                                        continue;
                                ranges[n++] = (struct memmap_range) {
                                        .start_pfn = nr * pps,
                                        .end_pfn = (nr + 1) * pps,
                                        .mem_map = map,
                                };
                        }
                }

                *ret = (struct memmap) {
                        .ranges = TAKE_PTR(ranges),
                        .n = n,
                        .pages_per_section = pps,
                        .page_struct_size = (uint32_t) page_struct,
                        .extreme = extreme,
                };
        }
        return n > 0 ? 0 : -ENODATA;
}
