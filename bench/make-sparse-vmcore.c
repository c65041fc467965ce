/* SPDX-License-Identifier: GPL-2.0-or-later */
/* make-sparse-vmcore GIB OUTPUT: a synthetic x86_64 ELF vmcore describing
 * GIB GiB of RAM in one PT_LOAD over a sparse file, for bench/bounded-memory.
 * The collector's memory must not grow with the machine, so the machine is
 * large and almost nothing is in it: VMCOREINFO (6.1 layout, as
 * tests/unit/collect/test-dump-job.c's filter_end_to_end) with page tables
 * (1 GiB leaves for the direct map's first GiB and for the vmemmap),
 * SPARSEMEM_EXTREME mem_section for every 128 MiB section, and struct
 * pages saying: the first GiB is in use (a 16 MiB run of text in it, the
 * rest zero), every other 1024-page block is one free buddy block of order
 * 10.  So -d 31 walks the whole mem_map (RAM/64 bytes: 16 GiB for 1 TiB, in
 * the file's holes but for one struct page per 4 MiB) and keeps the first
 * GiB, as a real machine's filter keeps its used memory.  Disk use: 16 MiB
 * of text, 16 MiB of struct pages for the first GiB and one 4 KiB block
 * per 1024 heads' block (about RAM/1024 bytes: 1 GiB for 1 TiB). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GIB (UINT64_C(1) << 30)
#define PS UINT64_C(4096)
#define DIRECT UINT64_C(0xffff888000000000)
#define VMEMMAP UINT64_C(0xffffea0000000000)
#define DATA_OFF UINT64_C(0x10000)      /* file offset of phys 0 */
#define ROOTS UINT64_C(0x5000)          /* mem_section's root array */
#define ROOT_PAGES UINT64_C(0x10000)    /* root i's 256 sections */
#define TEXT UINT64_C(0x4000000)        /* 16 MiB of text at 64 MiB */

static int fd;
static uint64_t mem_map;                /* phys of pfn 0's struct page */

static void put(uint64_t pa, const void *p, size_t n) {
        if (pwrite(fd, p, n, (off_t) (DATA_OFF + pa)) != (ssize_t) n) {
                perror("pwrite");
                exit(1);
        }
}
static void put64(uint64_t pa, uint64_t v) {
        put(pa, &v, 8);
}

static size_t vmcoreinfo(char *buf, size_t size) {
        return (size_t) snprintf(buf, size,
                "OSRELEASE=6.1.0-sparse\nPAGESIZE=4096\nCRASHTIME=1764000000\nSYMBOL(init_top_pgt)=ffffffff80001000\n"
                "NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\n"
                "SYMBOL(mem_section)=%llx\nLENGTH(mem_section)=2048\nSIZE(mem_section)=16\n"
                "OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=46\n"
                "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\nOFFSET(page.mapping)=24\n"
                "OFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
                "OFFSET(page.compound_head)=8\nOFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\n"
                "LENGTH(zone.free_area)=11\nNUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\n"
                "NUMBER(PG_swapbacked)=19\nNUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=65536\n"
                "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(HUGETLB_PAGE_DTOR)=2\n"
                "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n", (unsigned long long) (DIRECT + ROOTS));
}

static void headers(uint64_t ram) {
        char vi[2048], note[2304] = {};
        uint32_t namesz = 11, descsz = (uint32_t) vmcoreinfo(vi, sizeof(vi)), type = 0;
        size_t nsize;
        Elf64_Ehdr eh = {
                .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
                .e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
                .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
                .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 2,
        };
        Elf64_Phdr ph[2];

        memcpy(note, &namesz, 4);
        memcpy(note + 4, &descsz, 4);
        memcpy(note + 8, &type, 4);
        memcpy(note + 12, "VMCOREINFO", 11);
        memcpy(note + 24, vi, descsz);
        nsize = 24 + ((descsz + 3) & ~3u);
        ph[0] = (Elf64_Phdr) { .p_type = PT_NOTE, .p_offset = 0x1000, .p_filesz = nsize, .p_memsz = nsize };
        ph[1] = (Elf64_Phdr) { .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = DATA_OFF,
                               .p_vaddr = DIRECT, .p_paddr = 0, .p_filesz = ram, .p_memsz = ram };
        if (pwrite(fd, &eh, sizeof(eh), 0) < 0 || pwrite(fd, ph, sizeof(ph), sizeof(eh)) < 0 ||
            pwrite(fd, note, nsize, 0x1000) < 0 || ftruncate(fd, (off_t) (DATA_OFF + ram)) < 0) {
                perror("write");
                exit(1);
        }
}

/* Page tables: the direct map's first GiB and the vmemmap, 1 GiB leaves. */
static void page_tables(uint64_t ram) {
        uint64_t mm_gib = (ram / PS * 64 + GIB - 1) / GIB;

        put64(0x1000 + ((DIRECT >> 39) & 511) * 8, 0x2000 | 0x63);
        put64(0x2000 + ((DIRECT >> 30) & 511) * 8, 0xe3);
        put64(0x1000 + ((VMEMMAP >> 39) & 511) * 8, 0x3000 | 0x63);
        for (uint64_t i = 0; i < mm_gib; i++)
                put64(0x3000 + (((VMEMMAP >> 30) & 511) + i) * 8, (mem_map + i * GIB) | 0xe3);
}

/* SPARSEMEM_EXTREME: 256 sections of 16 bytes per root page. */
static void sections(uint64_t ram) {
        uint64_t n = ram >> 27;
        uint64_t *page = calloc(512, 8);

        for (uint64_t i = 0; i < 256; i++)
                page[2 * i] = VMEMMAP | 3;
        for (uint64_t root = 0; root * 256 < n; root++) {
                put64(ROOTS + root * 8, DIRECT + ROOT_PAGES + root * PS);
                put(ROOT_PAGES + root * PS, page, PS);
        }
        free(page);
}

static void struct_pages(uint64_t ram) {
        static uint8_t sp[1024 * 64];
        uint64_t used = GIB / PS;

        /* The first GiB in use: _mapcount -1, nothing else. */
        for (size_t i = 0; i < 1024; i++)
                memset(sp + i * 64 + 48, 0xff, 4);
        for (uint64_t pfn = 0; pfn < used; pfn += 1024)
                put(mem_map + pfn * 64, sp, sizeof(sp));
        /* The rest: free blocks of order 10. */
        memset(sp, 0, 64);
        memset(sp + 48, 0xff, 4);
        sp[48] = 0x7f;                          /* _mapcount -129: buddy */
        sp[40] = 10;                            /* private: order */
        for (uint64_t pfn = used; pfn < ram / PS; pfn += 1024)
                put(mem_map + pfn * 64, sp, 64);
}

int main(int argc, char *argv[]) {
        uint64_t gib, ram;
        static char text[1 << 20];

        if (argc != 3 || (gib = strtoull(argv[1], NULL, 10)) < 4 || gib > 16384) {
                fprintf(stderr, "usage: make-sparse-vmcore GIB OUTPUT (4 to 16384 GiB)\n");
                return 2;
        }
        ram = gib * GIB;
        mem_map = ram / 2;                      /* 1 GiB aligned, past the used GiB */
        fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
                perror(argv[2]);
                return 1;
        }
        headers(ram);
        page_tables(ram);
        sections(ram);
        struct_pages(ram);
        for (size_t i = 0; i < sizeof(text); i++)
                text[i] = "kdump-collect in cycles: its bitmaps do not grow with the machine. "[i % 68];
        for (uint64_t o = 0; o < 16 * sizeof(text); o += sizeof(text))
                put(TEXT + o, text, sizeof(text));
        if (close(fd) < 0) {
                perror("close");
                return 1;
        }
        return 0;
}
