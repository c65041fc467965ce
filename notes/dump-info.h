/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What a saved dump says about itself, without a vmlinux: the crashed
 * kernel's release, the time of the crash, whether the capture finished,
 * the dump level.  For the catalog (kdumpctl list/info) and the service's
 * journal record of a new dump.
 *
 * Two file formats:
 *  - ELF (/proc/vmcore copied, or kdump-collect -E / makedumpfile -E):
 *    VMCOREINFO's OSRELEASE and CRASHTIME; e_flags bit 0 is makedumpfile's
 *    "incomplete" mark (a full disk cut the dump short).
 *  - kdump-compressed (makedumpfile's "diskdump" format, kdump-collect's
 *    default): struct disk_dump_header in block 0 (signature "KDUMP   ",
 *    header_version, new_utsname, timestamp, status with the compression
 *    and DISKDUMP_STATUS_INCOMPLETE 0x8 bits, block_size, ...), struct
 *    kdump_sub_header at block 1 (dump_level, offset/size of VMCOREINFO
 *    and of the ELF notes), as makedumpfile's diskdump_mod.h lays them out
 *    for a 64-bit (LP64) machine.
 *
 * The parsers of header bytes are pure; dump_info_read() does the I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DUMP_INFO_RELEASE_MAX 65        /* __NEW_UTS_LEN + 1 */

#include "notes/kdump-layout.h"

/* makedumpfile's mark for an ELF dump cut short (e_flags). */
#define DUMP_ELF_FLAG_INCOMPLETE 0x1u

/* Sanity bound for the VMCOREINFO / notes we read from a kdump-compressed
 * header: the kernel's VMCOREINFO is one page, the notes a few KiB per CPU. */
#define DUMP_INFO_NOTES_MAX (16u * 1024u * 1024u)

enum dump_format {
        DUMP_FORMAT_UNKNOWN,
        DUMP_FORMAT_ELF,
        DUMP_FORMAT_KDUMP,          /* kdump-compressed */
        DUMP_FORMAT_FLATTENED,      /* makedumpfile -F stream, needs -R first */
};

struct dump_info {
        enum dump_format format;
        char release[DUMP_INFO_RELEASE_MAX];   /* "" when unknown */
        char machine[DUMP_INFO_RELEASE_MAX];   /* the crashed machine's uname -m ("x86_64",
                                                * "aarch64"): ELF e_machine or utsname.machine;
                                                * "" when unknown */
        bool have_crash_time;
        int64_t crash_time;                    /* seconds since the epoch (CRASHTIME) */
        bool marked_incomplete;                /* the writer's own incomplete flag */
        int dump_level;                        /* -1 when the format does not record it */
        const char *compression;               /* "lzo", "zlib", "snappy", "zstd", "none"; NULL: ELF */
        unsigned nr_cpus;                      /* 0 when unknown */
        uint32_t header_version;               /* kdump-compressed only */
};

const char *dump_format_to_string(enum dump_format f);

/* Bytes of a file's start dump_format_from_magic() needs to tell every
 * format. */
#define DUMP_MAGIC_MAX 16u

/* The format by the first n bytes of a file: "\177ELF", the kdump-compressed
 * "KDUMP   ", or makedumpfile's flattened-stream signature ("makedumpfile"
 * and its NUL); DUMP_FORMAT_UNKNOWN otherwise, or when n is too short to
 * tell.  Pure. */
enum dump_format dump_format_from_magic(const void *buf, size_t n);

/* Parses block 0 of a kdump-compressed file (at least DISKDUMP_HDR_SIZE
 * bytes).  Fills format, release (utsname.release; VMCOREINFO's OSRELEASE
 * overrides it later if present), machine (utsname.machine), marked_incomplete, compression, nr_cpus,
 * header_version, and the header timestamp as the crash time (the collector
 * writes CRASHTIME there; VMCOREINFO's CRASHTIME overrides it).
 * ret_block_size: where the sub-header is.  -ENOEXEC: not this format;
 * -EBADMSG: a block size that is not a power of two in [512, 1 MiB]. */
int diskdump_header_parse(const void *buf, size_t size, struct dump_info *ret, uint32_t *ret_block_size);

/* Parses the kdump_sub_header (KDUMP_SUB_HDR_SIZE bytes) for header version
 * version: dump_level into info; where VMCOREINFO and the notes are (0/0
 * when the version does not have them). */
void kdump_sub_header_parse(const void *buf, uint32_t version, struct dump_info *info,
                            uint64_t *ret_vmcoreinfo_offset, uint64_t *ret_vmcoreinfo_size,
                            uint64_t *ret_note_offset, uint64_t *ret_note_size);

/* The VMCOREINFO of a kdump-compressed dump open as fd, where
 * kdump_sub_header_parse() found it: at its own offset, or, when the dump
 * records only the notes, as the VMCOREINFO note among them.  Returns 1 with
 * a malloc()ed copy, 0 when the dump has neither, -EFBIG past
 * DUMP_INFO_NOTES_MAX, -ENOMEM, or the error of pread_full(). */
int kdump_vmcoreinfo_load(int fd, uint64_t vmcoreinfo_offset, uint64_t vmcoreinfo_size, uint64_t note_offset,
                          uint64_t note_size, char **ret, size_t *ret_size);

/* Applies VMCOREINFO text (OSRELEASE, CRASHTIME) to info.  Pure. */
int dump_info_apply_vmcoreinfo(struct dump_info *info, const char *text, size_t len);

/* Reads a dump file of either format.  A file too short for its own headers
 * (a capture that died early) is -EBADMSG; an ELF file whose PT_LOAD data is
 * cut short still reads (the caller knows from the name or flag that it is
 * incomplete).  -ENOEXEC: not a dump. */
int dump_info_read(const char *path, struct dump_info *ret);
