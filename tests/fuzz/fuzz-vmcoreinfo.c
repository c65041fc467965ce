/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: VMCOREINFO text through both parsers, notes/vmcoreinfo.c
 * (kdump-collect, --dump-dmesg) and initramfs/collect/vmci.c (the page
 * filter), with the typed lookups the collector makes. */
#include <stdint.h>

#include "initramfs/collect/page-class.h"
#include "initramfs/collect/vmci.h"
#include "notes/vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const syms[] = { "prb", "mem_section", "init_top_pgt", "init_uts_ns", "log_buf" };
        static const char *const fields[] = { "page.flags", "page._mapcount", "mem_section.section_mem_map", "printk_info.ts_nsec" };
        vmcoreinfo *info = NULL;
        struct vmci c = { (const char *) data, size };
        struct page_layout pl;
        uint64_t u;
        int64_t s;
        char buf[65];

        if (vmcoreinfo_parse((const char *) data, size, &info) >= 0) {
                (void) vmcoreinfo_count(info);
                (void) vmcoreinfo_get(info, "OSRELEASE");
                (void) vmcoreinfo_get_u64(info, "KERNELOFFSET", 16, &u);
                (void) vmcoreinfo_get_u64(info, "CRASHTIME", 10, &u);
                for (size_t i = 0; i < 5; i++) {
                        (void) vmcoreinfo_symbol(info, syms[i], &u);
                        (void) vmcoreinfo_length(info, syms[i], &u);
                }
                for (size_t i = 0; i < 4; i++) {
                        (void) vmcoreinfo_offset(info, fields[i], &u);
                        (void) vmcoreinfo_size(info, fields[i], &u);
                }
                (void) vmcoreinfo_number(info, "phys_base", &s);
                vmcoreinfo_free(info);
        }

        for (size_t i = 0; i < 5; i++)
                (void) vmci_symbol(&c, syms[i], &u);
        (void) vmci_number(&c, "SECTION_SIZE_BITS", &s);
        (void) vmci_string(&c, "OSRELEASE", buf, sizeof(buf));
        if (page_layout_from_vmcoreinfo(&c, &pl) >= 0) {
                uint8_t sp[512] = { 0 }, next[512] = { 0 };
                uint64_t nr;
                if (pl.size <= sizeof(sp))
                        for (unsigned level = 0; level <= 31; level += 31)
                                (void) page_classify(&pl, level, 4096, sp, next, &nr);
        }
        return 0;
}
