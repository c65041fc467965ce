/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: a kdump-compressed dump as initramfs/collect/diskdump-read.h
 * opens it (headers, bitmap, descriptors, per-page decompression), then the
 * kernel log walk over it through the dumped kernel's page tables, as
 * kdump-collect --dump-dmesg, kdumpd and kdumpctl dmesg do. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "initramfs/collect/diskdump-read.h"
#include "initramfs/collect/dump-dmesg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        diskdump_reader *r = NULL;
        char path[64];
        uint8_t buf[300];
        int fd;

        fd = memfd_create("fuzz-diskdump", MFD_CLOEXEC);
        if (fd < 0)
                return 0;
        if (write(fd, data, size) != (ssize_t) size) {
                close(fd);
                return 0;
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        if (diskdump_reader_open(path, &r) >= 0) {
                const struct diskdump_geometry *g = diskdump_reader_geometry(r);
                uint8_t *page = malloc(g->block_size);

                for (uint64_t pfn = 0; page && pfn < g->max_mapnr && pfn < 64; pfn++)
                        (void) diskdump_reader_read_page(r, pfn, page);
                /* Across a page boundary, and backwards. */
                (void) diskdump_reader_read_phys(r, g->block_size - 100, buf, sizeof(buf));
                (void) diskdump_reader_read_phys(r, 10, buf, 10);
                free(page);
                r = diskdump_reader_free(r);

                FILE *f = fopen("/dev/null", "w");
                if (f) {
                        (void) dump_dmesg_write(path, f);
                        fclose(f);
                }
        }
        close(fd);
        return 0;
}
