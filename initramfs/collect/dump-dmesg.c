/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "basic/macro.h"
#include "initramfs/collect/diskdump-read.h"
#include "initramfs/collect/dump-dmesg.h"
#include "initramfs/collect/kernel-mmu.h"
#include "initramfs/collect/vmci.h"
#include "notes/dump-info.h"
#include "notes/printk.h"
#include "notes/vmcore.h"

static int phys_read(void *userdata, uint64_t paddr, void *buf, size_t len) {
        return diskdump_reader_read_phys(userdata, paddr, buf, len);
}

static int virt_read(void *userdata, uint64_t vaddr, void *buf, size_t n) {
        return kernel_mmu_read(userdata, vaddr, buf, n);
}

static int diskdump_dmesg(diskdump_reader *d, FILE *f) {
        _cleanup_vmcoreinfo_ vmcoreinfo *vi = NULL;
        struct kernel_mmu mmu;
        struct vmci vc;
        int r;

        vc.text = diskdump_reader_vmcoreinfo(d, &vc.len);
        if (!vc.text)
                return -ENOENT;
        r = vmcoreinfo_parse(vc.text, vc.len, &vi);
        if (r < 0)
                return r;
        /* The header's utsname is not trusted for the machine: VMCOREINFO
         * says which page tables these are. */
        r = kernel_mmu_init(&mmu, 0, &vc, phys_read, d);
        if (r < 0)
                return r;
        return printk_dump_source(&(struct printk_source) {
                                          .vmcoreinfo = vi,
                                          .read_virt = virt_read,
                                          .userdata = &mmu,
                                  }, f);
}

/* An ELF vmcore: addresses through its PT_LOADs, and where none covers one
 * (an arm64 vmalloc address: only the linear map and the image have
 * PT_LOADs) through the dumped kernel's page tables. */
struct elf_virt {
        const vmcore *v;
        struct kernel_mmu mmu;
        bool mmu_ok;
};

static int elf_phys_read(void *userdata, uint64_t paddr, void *buf, size_t len) {
        int r = vmcore_read_phys(userdata, paddr, buf, len);
        return r == -EFAULT ? -ENXIO : r;
}

static int elf_virt_read(void *userdata, uint64_t vaddr, void *buf, size_t n) {
        struct elf_virt *e = userdata;
        int r;

        r = vmcore_read_virt(e->v, vaddr, buf, n);
        if (r == -EFAULT && e->mmu_ok)
                r = kernel_mmu_read(&e->mmu, vaddr, buf, n);
        return r;
}

static int elf_dmesg(const vmcore *v, FILE *f) {
        const vmcoreinfo *vi = vmcore_vmcoreinfo(v);
        struct elf_virt e = { .v = v };
        const void *notes;
        const char *text = NULL;
        size_t size, len = 0;
        unsigned nprs;

        if (!vi)
                return vmcore_vmcoreinfo_error(v) < 0 ? vmcore_vmcoreinfo_error(v) : -ENOENT;
        notes = vmcore_notes(v, &size);
        if (notes && elf_notes_scan(notes, size, &nprs, &text, &len) >= 0 && text)
                e.mmu_ok = kernel_mmu_init(&e.mmu, vmcore_machine(v), &(struct vmci) { text, len },
                                           elf_phys_read, (void *) v) >= 0;
        return printk_dump_source(&(struct printk_source) {
                                          .vmcoreinfo = vi,
                                          .read_virt = elf_virt_read,
                                          .userdata = &e,
                                  }, f);
}

int dump_dmesg_write(const char *path, FILE *f) {
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_diskdump_reader_ diskdump_reader *d = NULL;
        _cleanup_close_ int fd = -EBADF;
        char magic[DUMP_MAGIC_MAX];
        ssize_t n;
        int r;

        /* The format by its magic, so that a short or foreign file is
         * "neither", not a read error of whichever parser came first. */
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        n = pread(fd, magic, sizeof(magic), 0);
        if (n < 0)
                return negative_errno();

        switch (dump_format_from_magic(magic, (size_t) n)) {
        case DUMP_FORMAT_ELF:
                /* A dump cut short by a full disk still has its log,
                 * usually: the log is in low memory, written early. */
                r = vmcore_open_fd(fd, VMCORE_OPEN_ALLOW_TRUNCATED, &v);
                if (r < 0)
                        return r;
                return elf_dmesg(v, f);
        case DUMP_FORMAT_KDUMP:
                r = diskdump_reader_open_fd(fd, &d);
                if (r < 0)
                        return r;
                return diskdump_dmesg(d, f);
        case DUMP_FORMAT_FLATTENED:
                return -EMEDIUMTYPE;    /* kdump-collect -R first */
        default:
                return -ENOEXEC;
        }
}
