/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "capture-kernel/bzimage.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24; }
static uint64_t le64(const uint8_t *p) { return (uint64_t) le32(p) | (uint64_t) le32(p + 4) << 32; }

int bzimage_parse(const void *hdr, size_t hdr_size, uint64_t file_size, struct bzimage_info *ret) {
        const uint8_t *b = hdr;
        struct bzimage_info info = {};

        if (hdr_size < BZIMAGE_HEADER_MIN || file_size < hdr_size)
                return -ENOEXEC;
        /* boot_flag 0xAA55 at 0x1fe and "HdrS" at 0x202 */
        if (le16(b + 0x1fe) != 0xaa55 || memcmp(b + 0x202, "HdrS", 4) != 0)
                return -ENOEXEC;

        info.version = le16(b + 0x206);
        info.setup_sects = b[0x1f1] ? b[0x1f1] : 4;  /* 0 means 4, boot.rst */
        info.setup_size = ((uint64_t) info.setup_sects + 1) * 512;
        if (info.setup_size >= file_size)
                return -ENOEXEC;
        info.payload_size = file_size - info.setup_size;

        /* arch/x86/kernel/kexec-bzimage64.c bzImage64_probe(): 2.12+ and a
         * 64-bit entry point. */
        if (info.version < 0x020c)
                return -EPROTONOSUPPORT;
        info.kernel_alignment = le32(b + 0x230);
        info.xloadflags = le16(b + 0x236);
        info.cmdline_size = le32(b + 0x238);
        info.pref_address = le64(b + 0x258);
        info.init_size = le32(b + 0x260);
        if (!(info.xloadflags & XLF_KERNEL_64))
                return -EPROTONOSUPPORT;
        if (info.init_size == 0)
                return -ENOEXEC;

        *ret = info;
        return 0;
}

int bzimage_parse_file(const char *path, struct bzimage_info *ret) {
        _cleanup_close_ int fd = -EBADF;
        uint8_t hdr[BZIMAGE_HEADER_MIN];
        struct stat st;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if ((uint64_t) st.st_size < sizeof(hdr))
                return -ENOEXEC;
        r = pread_full(fd, hdr, sizeof(hdr), 0);
        if (r < 0)
                return r;
        return bzimage_parse(hdr, sizeof(hdr), (uint64_t) st.st_size, ret);
}
