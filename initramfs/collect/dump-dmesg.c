/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "initramfs/collect/diskdump-read.h"
#include "initramfs/collect/dump-dmesg.h"
#include "initramfs/collect/vmci.h"
#include "initramfs/collect/x86-mmu.h"
#include "notes/printk.h"
#include "notes/vmcore.h"

static int phys_read(void *userdata, uint64_t paddr, void *buf, size_t len) {
        return diskdump_reader_read_phys(userdata, paddr, buf, len);
}

static int virt_read(void *userdata, uint64_t vaddr, void *buf, size_t n) {
        return x86_mmu_read(userdata, vaddr, buf, n);
}

static int diskdump_dmesg(diskdump_reader *d, FILE *f) {
        _cleanup_vmcoreinfo_ vmcoreinfo *vi = NULL;
        struct x86_mmu mmu;
        struct vmci vc;
        int r;

        vc.text = diskdump_reader_vmcoreinfo(d, &vc.len);
        if (!vc.text)
                return -ENOENT;
        r = vmcoreinfo_parse(vc.text, vc.len, &vi);
        if (r < 0)
                return r;
        r = x86_mmu_init(&mmu, &vc, phys_read, d);
        if (r == -ENOENT)
                return -EPROTONOSUPPORT;        /* no init_top_pgt: not x86_64 */
        if (r < 0)
                return r;
        return printk_dump_source(&(struct printk_source) {
                                          .vmcoreinfo = vi,
                                          .read_virt = virt_read,
                                          .userdata = &mmu,
                                  }, f);
}

int dump_dmesg_write(const char *path, FILE *f) {
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_diskdump_reader_ diskdump_reader *d = NULL;
        int r;

        /* A dump cut short by a full disk still has its log, usually: the
         * log is in low memory, written early. */
        r = vmcore_open(path, VMCORE_OPEN_ALLOW_TRUNCATED, &v);
        if (r >= 0)
                return printk_dump(v, f);
        if (r != -ENOEXEC)
                return r;
        r = diskdump_reader_open(path, &d);
        if (r < 0)
                return r;
        return diskdump_dmesg(d, f);
}
