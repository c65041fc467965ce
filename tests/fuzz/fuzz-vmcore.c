/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: an ELF vmcore as notes/vmcore.h opens it (headers, notes,
 * VMCOREINFO), then what kdump-collect does with it before copying pages:
 * address lookups, reads across PT_LOADs, the kernel log walk, and the page
 * filter's VMCOREINFO interpretation (page layout, page-table root). */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "initramfs/collect/page-class.h"
#include "initramfs/collect/vmci.h"
#include "initramfs/collect/x86-mmu.h"
#include "notes/printk.h"
#include "notes/vmcore.h"

static int discard(const struct printk_record *rec, void *userdata) {
        (void) rec;
        (*(unsigned *) userdata)++;
        return 0;
}

static int rd(void *userdata, uint64_t paddr, void *buf, size_t len) {
        return vmcore_read_phys(userdata, paddr, buf, len) < 0 ? -ENXIO : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        vmcore *v = NULL;
        const struct vmcore_load *l;
        const void *notes;
        size_t n, ns;
        uint8_t buf[256];
        unsigned records = 0;
        int fd;

        fd = memfd_create("fuzz-vmcore", MFD_CLOEXEC);
        if (fd < 0)
                return 0;
        if (write(fd, data, size) != (ssize_t) size) {
                close(fd);
                return 0;
        }
        for (unsigned flags = 0; flags <= VMCORE_OPEN_ALLOW_TRUNCATED; flags += VMCORE_OPEN_ALLOW_TRUNCATED) {
                if (vmcore_open_fd(fd, flags, &v) < 0)
                        continue;
                l = vmcore_loads(v, &n);
                for (size_t i = 0; i < n && i < 16; i++) {
                        uint64_t off, len, pa;
                        (void) vmcore_phys_to_offset(v, l[i].phys, &off, &len);
                        (void) vmcore_read_phys(v, l[i].phys, buf, sizeof(buf));
                        (void) vmcore_read_phys(v, l[i].phys + l[i].mem_size - 8, buf, 16);   /* across the edge */
                        if (l[i].virt && vmcore_virt_to_phys(v, l[i].virt, &pa) >= 0)
                                (void) vmcore_read_virt(v, l[i].virt, buf, sizeof(buf));
                }
                notes = vmcore_notes(v, &ns);
                (void) notes;
                for (unsigned cpu = 0; cpu < vmcore_ncpus(v) && cpu < 8; cpu++) {
                        struct elf_prstatus_x86_64 prs;
                        (void) vmcore_prstatus(v, cpu, &prs);
                }
                if (vmcore_vmcoreinfo(v)) {
                        FILE *f = fopen("/dev/null", "w");
                        if (f) {
                                (void) printk_walk(v, discard, &records);
                                fclose(f);
                        }
                }
                /* The filter's view of VMCOREINFO, from the note text. */
                {
                        const char *vi = NULL;
                        size_t nvi = 0;
                        unsigned nprs;
                        if (notes && elf_notes_scan(notes, ns, &nprs, &vi, &nvi) >= 0 && vi) {
                                struct vmci c = { vi, nvi };
                                struct page_layout pl;
                                struct x86_mmu mmu;
                                uint64_t pa, span;
                                if (page_layout_from_vmcoreinfo(&c, &pl) >= 0)
                                        (void) page_layout_supported_levels(&pl);
                                if (x86_mmu_init(&mmu, &c, rd, v) >= 0)
                                        (void) x86_mmu_translate(&mmu, UINT64_C(0xffffffff81000000), &pa, &span);
                        }
                }
                v = vmcore_free(v);
        }
        close(fd);
        return 0;
}
