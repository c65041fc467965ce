/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/kernel-arch.h"
#include "basic/macro.h"
#include "basic/unaligned.h"
#include "notes/dump-info.h"
#include "notes/elf-notes.h"
#include "notes/vmcore.h"
#include "notes/vmcoreinfo.h"

const char *dump_format_to_string(enum dump_format f) {
        switch (f) {
        case DUMP_FORMAT_ELF: return "ELF";
        case DUMP_FORMAT_KDUMP: return "kdump-compressed";
        case DUMP_FORMAT_FLATTENED: return "flattened (makedumpfile -F)";
        default: return "unknown";
        }
}

enum dump_format dump_format_from_magic(const void *buf, size_t n) {
        /* makedumpfile's flattened stream: the signature, NUL-padded to 16. */
        static const char flat[] = "makedumpfile";

        if (n >= 8 && memcmp(buf, DISKDUMP_SIGNATURE, 8) == 0)
                return DUMP_FORMAT_KDUMP;
        if (n >= 4 && memcmp(buf, "\177ELF", 4) == 0)
                return DUMP_FORMAT_ELF;
        if (n >= sizeof(flat) && memcmp(buf, flat, sizeof(flat)) == 0)
                return DUMP_FORMAT_FLATTENED;
        return DUMP_FORMAT_UNKNOWN;
}

static void info_init(struct dump_info *i) {
        *i = (struct dump_info) { .dump_level = -1 };
}

int diskdump_header_parse(const void *buf, size_t size, struct dump_info *ret, uint32_t *ret_block_size) {
        const uint8_t *h = buf;
        struct dump_info i;
        uint32_t status, bs;

        if (size < DISKDUMP_HDR_SIZE || memcmp(h, DISKDUMP_SIGNATURE, 8) != 0)
                return -ENOEXEC;
        bs = unaligned_read_le32(h + DISKDUMP_OFF_BLOCK_SIZE);
        if (bs < 512 || bs > (1u << 20) || (bs & (bs - 1)))
                return -EBADMSG;

        info_init(&i);
        i.format = DUMP_FORMAT_KDUMP;
        i.header_version = unaligned_read_le32(h + DISKDUMP_OFF_VERSION);
        /* utsname fields are 65 bytes, normally NUL-terminated; never trust it. */
        memcpy(i.release, h + DISKDUMP_OFF_RELEASE, 64);
        i.release[64] = 0;
        memcpy(i.machine, h + DISKDUMP_OFF_MACHINE, 64);
        i.machine[64] = 0;
        status = unaligned_read_le32(h + DISKDUMP_OFF_STATUS);
        i.marked_incomplete = status & DISKDUMP_STATUS_INCOMPLETE;
        i.compression = status & DISKDUMP_STATUS_ZLIB ? "zlib" :
                        status & DISKDUMP_STATUS_LZO ? "lzo" :
                        status & DISKDUMP_STATUS_SNAPPY ? "snappy" :
                        status & DISKDUMP_STATUS_ZSTD ? "zstd" : "none";
        i.nr_cpus = unaligned_read_le32(h + DISKDUMP_OFF_NR_CPUS);
        if (unaligned_read_le64(h + DISKDUMP_OFF_TIMESTAMP) != 0) {
                i.have_crash_time = true;
                i.crash_time = (int64_t) unaligned_read_le64(h + DISKDUMP_OFF_TIMESTAMP);
        }
        *ret = i;
        if (ret_block_size)
                *ret_block_size = bs;
        return 0;
}

void kdump_sub_header_parse(const void *buf, uint32_t version, struct dump_info *info,
                            uint64_t *ret_vmcoreinfo_offset, uint64_t *ret_vmcoreinfo_size,
                            uint64_t *ret_note_offset, uint64_t *ret_note_size) {
        const uint8_t *s = buf;

        info->dump_level = (int) unaligned_read_le32(s + KDUMP_SUB_OFF_DUMP_LEVEL);
        /* Fields appeared with header versions (makedumpfile diskdump_mod.h). */
        *ret_vmcoreinfo_offset = version >= 3 ? unaligned_read_le64(s + KDUMP_SUB_OFF_VMCOREINFO) : 0;
        *ret_vmcoreinfo_size = version >= 3 ? unaligned_read_le64(s + KDUMP_SUB_OFF_VMCOREINFO + 8) : 0;
        *ret_note_offset = version >= 4 ? unaligned_read_le64(s + KDUMP_SUB_OFF_NOTE) : 0;
        *ret_note_size = version >= 4 ? unaligned_read_le64(s + KDUMP_SUB_OFF_NOTE + 8) : 0;
}

int dump_info_apply_vmcoreinfo(struct dump_info *info, const char *text, size_t len) {
        _cleanup_vmcoreinfo_ vmcoreinfo *vi = NULL;
        const char *rel;
        uint64_t t;
        int r;

        r = vmcoreinfo_parse(text, len, &vi);
        if (r < 0)
                return r;
        rel = vmcoreinfo_get(vi, "OSRELEASE");
        if (rel && *rel && strlen(rel) < sizeof(info->release))
                strcpy(info->release, rel);
        if (vmcoreinfo_get_u64(vi, "CRASHTIME", 10, &t) >= 0 && t <= INT64_MAX) {
                info->have_crash_time = true;
                info->crash_time = (int64_t) t;
        }
        return 0;
}

int kdump_vmcoreinfo_load(int fd, uint64_t vmcoreinfo_offset, uint64_t vmcoreinfo_size, uint64_t note_offset,
                          uint64_t note_size, char **ret, size_t *ret_size) {
        bool in_notes = vmcoreinfo_size == 0;
        uint64_t off = in_notes ? note_offset : vmcoreinfo_offset, size = in_notes ? note_size : vmcoreinfo_size;
        _cleanup_free_ char *buf = NULL;
        int r;

        if (size == 0)
                return 0;
        if (size > DUMP_INFO_NOTES_MAX)
                return -EFBIG;
        buf = malloc(size);
        if (!buf)
                return -ENOMEM;
        r = pread_full(fd, buf, size, off);
        if (r < 0)
                return r;
        if (in_notes) {
                const char *vi;
                size_t vs;

                if (elf_notes_scan(buf, size, NULL, &vi, &vs) < 0 || !vi)
                        return 0;
                /* vi points into buf: move the text to its start. */
                memmove(buf, vi, vs);
                size = vs;
        }
        *ret_size = size;
        *ret = TAKE_PTR(buf);
        return 1;
}

static int read_kdump(int fd, const uint8_t *hdr, size_t n, struct dump_info *ret) {
        uint8_t sub[KDUMP_SUB_HDR_SIZE];
        uint64_t vi_off, vi_size, note_off, note_size;
        _cleanup_free_ char *vi = NULL;
        struct dump_info i;
        size_t vs;
        uint32_t bs;
        int r;

        r = diskdump_header_parse(hdr, n, &i, &bs);
        if (r < 0)
                return r;
        r = pread_full(fd, sub, sizeof(sub), bs);
        if (r < 0)
                return r == -EIO ? -EBADMSG : r;
        kdump_sub_header_parse(sub, i.header_version, &i, &vi_off, &vi_size, &note_off, &note_size);

        /* Neither VMCOREINFO nor the notes are required here. */
        r = kdump_vmcoreinfo_load(fd, vi_off, vi_size, note_off, note_size, &vi, &vs);
        if (r == -ENOMEM)
                return r;
        if (r > 0)
                (void) dump_info_apply_vmcoreinfo(&i, vi, vs);
        *ret = i;
        return 0;
}

static int read_elf(int fd, struct dump_info *ret) {
        _cleanup_vmcore_ vmcore *v = NULL;
        const vmcoreinfo *vi;
        enum kernel_arch arch;
        struct dump_info i;
        const char *rel;
        uint64_t t;
        int r;

        r = vmcore_open_fd(fd, VMCORE_OPEN_ALLOW_TRUNCATED, &v);
        if (r < 0)
                return r;
        info_init(&i);
        i.format = DUMP_FORMAT_ELF;
        i.marked_incomplete = vmcore_elf_flags(v) & DUMP_ELF_FLAG_INCOMPLETE;
        i.nr_cpus = vmcore_ncpus(v);
        if (kernel_arch_from_elf_machine(vmcore_machine(v), &arch) >= 0)
                strcpy(i.machine, kernel_arch_uname(arch));
        vi = vmcore_vmcoreinfo(v);
        if (vi) {
                rel = vmcoreinfo_get(vi, "OSRELEASE");
                if (rel && strlen(rel) < sizeof(i.release))
                        strcpy(i.release, rel);
                if (vmcoreinfo_get_u64(vi, "CRASHTIME", 10, &t) >= 0 && t <= INT64_MAX) {
                        i.have_crash_time = true;
                        i.crash_time = (int64_t) t;
                }
        }
        *ret = i;
        return 0;
}

int dump_info_read(const char *path, struct dump_info *ret) {
        _cleanup_close_ int fd = -EBADF;
        uint8_t hdr[DISKDUMP_HDR_SIZE];
        ssize_t n;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        n = pread(fd, hdr, sizeof(hdr), 0);
        if (n < 0)
                return negative_errno();
        switch (dump_format_from_magic(hdr, (size_t) n)) {
        case DUMP_FORMAT_KDUMP:
                return n < (ssize_t) DISKDUMP_HDR_SIZE ? -EBADMSG : read_kdump(fd, hdr, (size_t) n, ret);
        case DUMP_FORMAT_ELF:
                return read_elf(fd, ret);
        case DUMP_FORMAT_FLATTENED:
                info_init(ret);
                ret->format = DUMP_FORMAT_FLATTENED;
                return 0;
        default:
                return n == 0 ? -EBADMSG : -ENOEXEC;
        }
}
