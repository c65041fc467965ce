/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The arm64 kernel image (Documentation/arch/arm64/booting.rst) and the
 * forms distributions ship it in.  arm64's kexec_file_load takes only the
 * raw Image (arch/arm64/kernel/kexec_image.c: "ARM\x64" at 0x38, else
 * EINVAL), so a gzip Image.gz or an EFI zboot vmlinuz (a PE file whose
 * payload is the compressed Image, drivers/firmware/efi/libstub/
 * zboot-header.S) is unpacked into a memfd first.
 *
 * Pure: arm64_image_header_parse(), arm64_image_identify(),
 * arm64_zboot_parse(), arm64_image_unpack() work on buffers.
 * I/O: arm64_image_open(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARM64_IMAGE_HEADER_SIZE 64u
#define ARM64_IMAGE_MAGIC_OFFSET 0x38u
#define ARM64_IMAGE_MAGIC "ARM\x64"
#define ARM64_ZBOOT_HEADER_SIZE 0x40u

/* The flags field (booting.rst). */
#define ARM64_IMAGE_FLAG_BE (1ull << 0)
#define ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT 1
#define ARM64_IMAGE_FLAG_PAGE_SIZE_MASK (3ull << 1)
#define ARM64_IMAGE_FLAG_PHYS_ANYWHERE (1ull << 3)

struct arm64_image_header {
        uint32_t code0, code1;
        uint64_t text_offset;
        uint64_t image_size;       /* memory the kernel needs from its load address, bss included */
        uint64_t flags;
        uint32_t pe_offset;        /* res5: the PE header's offset with an EFI stub, else 0 */
        bool efi_stub;             /* "MZ" at 0 */
        bool big_endian;
        unsigned page_size_kib;    /* 0: unspecified, 4, 16, 64 */
        bool placement_anywhere;   /* flags bit 3 */
};

/* -ENOEXEC (not an arm64 Image) or -EPROTONOSUPPORT (one kexec_file_load
 * refuses: big-endian, or image_size 0 from a kernel before 3.17), with a
 * sentence in *ret_error. */
int arm64_image_header_parse(const void *buf, size_t size, struct arm64_image_header *ret, char **ret_error);

enum arm64_image_form {
        ARM64_IMAGE_RAW,           /* Image, with or without an EFI stub */
        ARM64_IMAGE_GZIP,          /* Image.gz */
        ARM64_IMAGE_ZBOOT,         /* EFI zboot vmlinuz */
};

const char *arm64_image_form_to_string(enum arm64_image_form f);

/* -ENOEXEC when the buffer is none of the three. */
int arm64_image_identify(const void *buf, size_t size, enum arm64_image_form *ret);

enum arm64_compression {
        ARM64_COMPRESSION_GZIP,
        ARM64_COMPRESSION_ZSTD,
        ARM64_COMPRESSION_XZ,      /* .xz, and the legacy .lzma: liblzma */
        ARM64_COMPRESSION_UNSUPPORTED,
};

struct arm64_zboot {
        uint32_t payload_offset;
        uint32_t payload_size;
        char compression_name[32]; /* as in the header: "gzip", "zstd", "lzma", "xz", "lz4", ... */
        enum arm64_compression compression;
};

/* -ENOEXEC: not a zboot image or a payload outside the file; the name of an
 * unsupported compression is still returned (compression ==
 * ARM64_COMPRESSION_UNSUPPORTED), arm64_image_unpack() refuses it. */
int arm64_zboot_parse(const void *buf, size_t size, struct arm64_zboot *ret, char **ret_error);

/* Decompresses in[] into a new buffer of at most max_out bytes (-EFBIG
 * beyond), then checks it is a loadable arm64 Image (the header parse). */
int arm64_image_unpack(enum arm64_compression c, const char *compression_name, const void *in, size_t in_size,
                       size_t max_out, void **ret, size_t *ret_size, char **ret_error);

/* Largest kernel file read and largest Image unpacked. */
#define ARM64_IMAGE_FILE_MAX (256u * 1024u * 1024u)
#define ARM64_IMAGE_UNPACKED_MAX (1024u * 1024u * 1024u)

/* An fd kexec_file_load can take for the kernel file at path: the file
 * itself for a raw Image, else a memfd (MFD_CLOEXEC) holding the unpacked
 * Image, at offset 0.  *ret_header describes the Image. */
int arm64_image_open(const char *path, int *ret_fd, struct arm64_image_header *ret_header,
                     enum arm64_image_form *ret_form, char **ret_error);
