/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/unaligned.h"
#include "initramfs/collect/diskdump-read.h"
#include "initramfs/collect/diskdump.h"
#include "initramfs/collect/page-compress.h"
#include "notes/dump-info.h"

/* Set bits counted per chunk of the 2nd bitmap, so that finding a page's
 * descriptor is one table lookup plus at most 64 popcounts. */
#define RANK_CHUNK_BITS 4096u
#define RANK_CHUNK_WORDS (RANK_CHUNK_BITS / 64u)

struct diskdump_reader {
        int fd;
        uint64_t file_size;
        struct diskdump_geometry g;
        uint64_t *bitmap2;              /* max_mapnr bits, the rest of the last word zero */
        uint64_t nwords;
        uint64_t *rank;                 /* set bits before each chunk */
        char *vmcoreinfo;               /* NULL: none */
        size_t vmcoreinfo_size;
        uint8_t *page;                  /* the last page read */
        uint64_t page_pfn;              /* UINT64_MAX: none */
        uint8_t *cbuf;                  /* compressed data of one page */
};

static bool block_size_ok(uint32_t bs) {
        return bs >= 4096 && bs <= 65536 && (bs & (bs - 1)) == 0;
}

int diskdump_geometry_parse(const uint8_t *hdr, size_t hdr_size, const uint8_t *sub, size_t sub_size,
                            uint64_t file_size, struct diskdump_geometry *ret) {
        struct diskdump_geometry g = {};
        struct dump_info unused;
        uint32_t sub_blocks, bitmap_blocks;
        uint64_t end;

        if (hdr_size < DISKDUMP_HDR_SIZE || memcmp(hdr, DISKDUMP_SIGNATURE, 8) != 0)
                return -ENOEXEC;
        g.header_version = unaligned_read_le32(hdr + DISKDUMP_OFF_VERSION);
        g.status = unaligned_read_le32(hdr + DISKDUMP_OFF_STATUS);
        g.block_size = unaligned_read_le32(hdr + DISKDUMP_OFF_BLOCK_SIZE);
        sub_blocks = unaligned_read_le32(hdr + DISKDUMP_OFF_SUB_HDR_SIZE);
        bitmap_blocks = unaligned_read_le32(hdr + DISKDUMP_OFF_BITMAP_BLOCKS);
        g.max_mapnr = unaligned_read_le32(hdr + DISKDUMP_OFF_MAX_MAPNR);

        if (!block_size_ok(g.block_size))
                return -EPROTONOSUPPORT;
        if (sub_blocks == 0 || bitmap_blocks == 0 || bitmap_blocks % 2)
                return -EBADMSG;
        if (sub_size < KDUMP_SUB_HDR_SIZE)
                return -EBADMSG;
        /* makedumpfile's header_version 6 moved max_mapnr to the sub-header
         * (64 bits); the 32-bit field is then only a clamped copy. */
        if (g.header_version >= 6)
                g.max_mapnr = unaligned_read_le64(sub + KDUMP_SUB_OFF_MAX_MAPNR_64);
        if (g.max_mapnr > DISKDUMP_READ_MAPNR_MAX)
                return -EFBIG;

        g.bitmap_bytes = (uint64_t) bitmap_blocks / 2 * g.block_size;
        if (g.bitmap_bytes * 8 < g.max_mapnr)
                return -EBADMSG;
        g.bitmap2_offset = (1 + (uint64_t) sub_blocks) * g.block_size + g.bitmap_bytes;
        g.desc_offset = g.bitmap2_offset + g.bitmap_bytes;

        /* Where VMCOREINFO and the notes are, by header version. */
        kdump_sub_header_parse(sub, g.header_version, &unused, &g.vmcoreinfo_offset, &g.vmcoreinfo_size,
                               &g.note_offset, &g.note_size);
        if (g.vmcoreinfo_size > DISKDUMP_READ_VMCOREINFO_MAX)
                return -EFBIG;
        if (g.vmcoreinfo_size &&
            (__builtin_add_overflow(g.vmcoreinfo_offset, g.vmcoreinfo_size, &end) || end > file_size))
                return -EBADMSG;
        *ret = g;
        return 0;
}

diskdump_reader *diskdump_reader_free(diskdump_reader *r) {
        if (!r)
                return NULL;
        if (r->fd >= 0)
                close(r->fd);
        free(r->bitmap2);
        free(r->rank);
        free(r->vmcoreinfo);
        free(r->page);
        free(r->cbuf);
        free(r);
        return NULL;
}

static int load_bitmap(diskdump_reader *r) {
        uint64_t bytes = (r->g.max_mapnr + 7) / 8, nchunks, dumped = 0;
        int k;

        if (r->g.bitmap2_offset + bytes > r->file_size)
                return -EIO;
        r->nwords = (r->g.max_mapnr + 63) / 64;
        r->bitmap2 = calloc(r->nwords ? r->nwords : 1, sizeof(uint64_t));
        if (!r->bitmap2)
                return -ENOMEM;
        k = pread_full(r->fd, r->bitmap2, bytes, r->g.bitmap2_offset);
        if (k < 0)
                return k;
        /* Bits past max_mapnr are padding: never pages. */
        if (r->g.max_mapnr % 64)
                r->bitmap2[r->nwords - 1] &= (UINT64_C(1) << (r->g.max_mapnr % 64)) - 1;

        nchunks = (r->nwords + RANK_CHUNK_WORDS - 1) / RANK_CHUNK_WORDS;
        r->rank = calloc(nchunks ? nchunks : 1, sizeof(uint64_t));
        if (!r->rank)
                return -ENOMEM;
        for (uint64_t w = 0; w < r->nwords; w++) {
                if (w % RANK_CHUNK_WORDS == 0)
                        r->rank[w / RANK_CHUNK_WORDS] = dumped;
                dumped += (uint64_t) __builtin_popcountll(r->bitmap2[w]);
        }
        return 0;
}

int diskdump_reader_open_fd(int fd, diskdump_reader **ret) {
        _cleanup_(diskdump_reader_freep) diskdump_reader *r = NULL;
        uint8_t hdr[DISKDUMP_HDR_SIZE], sub[KDUMP_SUB_HDR_SIZE];
        size_t vs;
        struct stat st;
        int k;

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->page_pfn = UINT64_MAX;
        r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (r->fd < 0)
                return negative_errno();
        if (fstat(r->fd, &st) < 0)
                return negative_errno();
        r->file_size = (uint64_t) st.st_size;

        k = pread_full(r->fd, hdr, sizeof(hdr), 0);
        if (k < 0)
                return k;
        if (memcmp(hdr, DISKDUMP_SIGNATURE, 8) != 0)
                return -ENOEXEC;
        /* The sub-header starts at block 1. */
        if (!block_size_ok(unaligned_read_le32(hdr + DISKDUMP_OFF_BLOCK_SIZE)))
                return -EPROTONOSUPPORT;
        k = pread_full(r->fd, sub, sizeof(sub), unaligned_read_le32(hdr + DISKDUMP_OFF_BLOCK_SIZE));
        if (k < 0)
                return k;
        k = diskdump_geometry_parse(hdr, sizeof(hdr), sub, sizeof(sub), r->file_size, &r->g);
        if (k < 0)
                return k;

        k = load_bitmap(r);
        if (k < 0)
                return k;
        k = kdump_vmcoreinfo_load(r->fd, r->g.vmcoreinfo_offset, r->g.vmcoreinfo_size, r->g.note_offset,
                                  r->g.note_size, &r->vmcoreinfo, &vs);
        if (k < 0)
                return k;
        r->vmcoreinfo_size = k > 0 ? vs : 0;
        r->page = malloc(r->g.block_size);
        r->cbuf = malloc(r->g.block_size);
        if (!r->page || !r->cbuf)
                return -ENOMEM;
        *ret = TAKE_PTR(r);
        return 0;
}

int diskdump_reader_open(const char *path, diskdump_reader **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return negative_errno();
        return diskdump_reader_open_fd(fd, ret);
}

const struct diskdump_geometry *diskdump_reader_geometry(const diskdump_reader *r) {
        return &r->g;
}

const char *diskdump_reader_vmcoreinfo(const diskdump_reader *r, size_t *ret_size) {
        if (ret_size)
                *ret_size = r->vmcoreinfo_size;
        return r->vmcoreinfo;
}

bool diskdump_reader_has_page(const diskdump_reader *r, uint64_t pfn) {
        return pfn < r->g.max_mapnr && (r->bitmap2[pfn / 64] >> (pfn % 64) & 1);
}

/* Index of pfn's descriptor: the set bits of the 2nd bitmap before it. */
static uint64_t desc_index(const diskdump_reader *r, uint64_t pfn) {
        uint64_t w = pfn / 64, n = r->rank[w / RANK_CHUNK_WORDS];

        for (uint64_t i = w - w % RANK_CHUNK_WORDS; i < w; i++)
                n += (uint64_t) __builtin_popcountll(r->bitmap2[i]);
        if (pfn % 64)
                n += (uint64_t) __builtin_popcountll(r->bitmap2[w] & ((UINT64_C(1) << (pfn % 64)) - 1));
        return n;
}

/* Makes r->page hold page pfn. */
static int load_page(diskdump_reader *r, uint64_t pfn) {
        uint8_t d[DISKDUMP_PAGE_DESC_SIZE];
        uint64_t offset, end;
        uint32_t size, flags;
        int k;

        if (pfn >= r->g.max_mapnr)
                return -ENXIO;
        if (!diskdump_reader_has_page(r, pfn))
                return -ENODATA;
        if (pfn == r->page_pfn)
                return 0;

        k = pread_full(r->fd, d, sizeof(d), r->g.desc_offset + desc_index(r, pfn) * DISKDUMP_PAGE_DESC_SIZE);
        if (k == -EIO)
                return -ENODATA;        /* the descriptor area itself was cut short */
        if (k < 0)
                return k;
        offset = unaligned_read_le64(d);
        size = unaligned_read_le32(d + 8);
        flags = unaligned_read_le32(d + 12);
        if (offset == 0 && size == 0)
                return -ENODATA;        /* reserved, never written */
        if (size == 0 || size > r->g.block_size || offset < r->g.desc_offset ||
            __builtin_add_overflow(offset, (uint64_t) size, &end))
                return -EBADMSG;
        if (end > r->file_size)
                return -EIO;
        /* r->page is about to be overwritten. */
        r->page_pfn = UINT64_MAX;
        k = pread_full(r->fd, r->cbuf, size, offset);
        if (k < 0)
                return k;
        k = page_decompress(flags, r->cbuf, size, r->page, r->g.block_size);
        if (k < 0)
                return k;
        r->page_pfn = pfn;
        return 0;
}

int diskdump_reader_read_page(diskdump_reader *r, uint64_t pfn, void *out) {
        int k = load_page(r, pfn);

        if (k < 0)
                return k;
        memcpy(out, r->page, r->g.block_size);
        return 0;
}

int diskdump_reader_read_phys(diskdump_reader *r, uint64_t paddr, void *buf, size_t n) {
        uint8_t *p = buf;
        uint32_t bs = r->g.block_size;

        while (n > 0) {
                uint64_t pfn = paddr / bs, off = paddr % bs;
                size_t chunk = (size_t) MIN((uint64_t) n, bs - off);
                int k;

                k = load_page(r, pfn);
                if (k < 0)
                        return k;
                memcpy(p, r->page + off, chunk);
                p += chunk;
                paddr += chunk;
                n -= chunk;
        }
        return 0;
}
