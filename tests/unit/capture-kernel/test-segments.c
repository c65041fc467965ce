/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "capture-kernel/segments.h"
#include "tests.h"

/* A 256 MiB reservation at 256 MiB, as crashkernel=256M gives a 1 GiB QEMU guest. */
#define RS 0x10000000ull
#define RE 0x1fffffffull
#define MiB (1ull << 20)

struct check_case {
        const char *what;
        struct kexec_seg segs[KEXEC_SEGMENTS_MAX + 1];
        size_t n;
        uint64_t entry;
        int error;              /* expected -errno, 0 = accepted */
        const char *mentions;   /* the message names this */
};

static const struct check_case cases[] = {
        { "a valid list", { { "kernel", NULL, 8 * MiB, RE + 1 - 64 * MiB, 64 * MiB },
                            { "purgatory", NULL, 4096, RS + 0x100000, 0x5000 } }, 2, RS + 0x100000, 0, NULL },
        { "start not page-aligned", { { "initrd", NULL, 100, RS + 0x800, 4096 } }, 1, RS, EADDRNOTAVAIL, "initrd" },
        { "end not page-aligned", { { "boot_params", NULL, 100, RS, 4097 } }, 1, RS, EADDRNOTAVAIL, "not page-aligned" },
        { "overlapping", { { "kernel", NULL, 0, RS, 2 * MiB }, { "initrd", NULL, 0, RS + MiB, 2 * MiB } }, 2, RS, EINVAL,
          "segment 1 (initrd)" },
        { "touching is fine", { { "kernel", NULL, 0, RS, 2 * MiB }, { "initrd", NULL, 0, RS + 2 * MiB, 2 * MiB } }, 2, RS,
          0, NULL },
        { "buffer larger than memory", { { "elfcorehdr", NULL, 8192, RS, 4096 } }, 1, RS, EINVAL, "elfcorehdr" },
        { "below the reservation", { { "kernel", NULL, 0, RS - 4096, 8192 } }, 1, RS, EADDRNOTAVAIL, "outside the crash reservation" },
        { "beyond its end", { { "initrd", NULL, 0, RE + 1 - 4096, 8192 } }, 1, RS, EADDRNOTAVAIL, "initrd" },
        { "ending exactly at its end", { { "initrd", NULL, 0, RE + 1 - 8192, 8192 } }, 1, RS, 0, NULL },
        { "entry outside", { { "kernel", NULL, 0, RS, 8192 } }, 1, RE + 1, EADDRNOTAVAIL, "entry point" },
        { "wrapping", { { "kernel", NULL, 0, 0xfffffffffffff000ull, 0x2000 } }, 1, RS, EADDRNOTAVAIL, "wraps" },
        { "too many", { }, KEXEC_SEGMENTS_MAX + 1, RS, EINVAL, "at most 16" },
};

TEST(check_table) {
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const struct check_case *c = &cases[i];
                struct kexec_seg segs[KEXEC_SEGMENTS_MAX + 1];
                _cleanup_free_ char *err = NULL;
                int r;

                memcpy(segs, c->segs, sizeof(segs));
                if (c->n > 2 && !c->segs[0].memsz)
                        for (size_t j = 0; j < c->n; j++)
                                segs[j] = (struct kexec_seg) { "s", NULL, 0, RS + j * 4096, 4096 };
                r = kexec_seg_check(segs, c->n, RS, RE, c->entry, &err);
                printf("# %s: %d %s\n", c->what, r, err ? err : "");
                ASSERT_EQ(r, -c->error);
                if (c->mentions)
                        ASSERT_CONTAINS(err, c->mentions);
        }
}

TEST(place_top_down) {
        struct kexec_seg_list l;
        uint64_t kernel, initrd, bp, purg;

        kexec_seg_list_init(&l, RS, RE);
        /* Debian 6.1: init_size 0x3f98000, 2 MiB alignment */
        ASSERT_OK(kexec_seg_add(&l, "kernel", NULL, 8 * MiB, 0x3f98000, 2 * MiB, MiB, &kernel));
        ASSERT_EQ(kernel % (2 * MiB), 0);
        ASSERT_TRUE(kernel + 0x3f98000 <= RE + 1);
        ASSERT_TRUE(kernel + 0x3f98000 > RE + 1 - 2 * MiB);          /* as high as alignment allows */
        ASSERT_OK(kexec_seg_add(&l, "initrd", NULL, 30 * MiB + 5, 30 * MiB + 5, 4096, 16 * MiB, &initrd));
        ASSERT_EQ(initrd + ALIGN_UP(30 * MiB + 5, 4096), kernel);    /* right below the kernel */
        ASSERT_OK(kexec_seg_add(&l, "boot_params", NULL, 4096 + 300, 4096 + 300, 4096, 0x3000, &bp));
        /* the 2 MiB-aligned kernel leaves a gap at the top: the highest hole */
        ASSERT_EQ(bp + 8192, RE + 1);
        ASSERT_OK(kexec_seg_add(&l, "purgatory", NULL, 0x5000, 0x5000, 16384, 0x3000, &purg));
        ASSERT_EQ(purg % 16384, 0);
        ASSERT_TRUE(purg + 0x5000 <= bp);
        ASSERT_OK(kexec_seg_check(l.segs, l.n, RS, RE, purg, NULL));
}

TEST(place_errors) {
        struct kexec_seg_list l;
        uint64_t a;

        kexec_seg_list_init(&l, RS, RE);
        ASSERT_ERR(kexec_seg_add(&l, "huge", NULL, 0, 257 * MiB, 4096, 0, &a), ENOSPC);
        ASSERT_ERR(kexec_seg_add(&l, "odd", NULL, 0, 4096, 3 * 4096, 0, &a), EINVAL);
        /* min_addr above what is left */
        ASSERT_ERR(kexec_seg_add(&l, "high", NULL, 0, 2 * MiB, 4096, RE - MiB, &a), ENOSPC);
        /* fill the reservation exactly, then nothing fits */
        ASSERT_OK(kexec_seg_add(&l, "all", NULL, 0, 256 * MiB, 4096, 0, &a));
        ASSERT_EQ(a, RS);
        ASSERT_ERR(kexec_seg_add(&l, "more", NULL, 0, 4096, 4096, 0, &a), ENOSPC);
        kexec_seg_list_init(&l, RS, RE);
        for (unsigned i = 0; i < KEXEC_SEGMENTS_MAX; i++)
                ASSERT_OK(kexec_seg_add(&l, "page", NULL, 0, 4096, 4096, 0, &a));
        ASSERT_ERR(kexec_seg_add(&l, "seventeenth", NULL, 0, 4096, 4096, 0, &a), E2BIG);
}

/* The purgatory's digest: every segment but the purgatory, buffer then zeros
 * up to memsz, in list order.  The expected value is Python's
 * hashlib.sha256(b"abc" + 4093 zeros + 5000 * b"Z" + 3192 zeros). */
TEST(digest_skips_purgatory_and_pads) {
        static uint8_t z[5000];
        static const uint8_t purg[64] = { 1, 2, 3 };
        struct kexec_seg_list l;
        struct kexec_seg_region regions[4];
        uint8_t digest[SHA256_DIGEST_SIZE];
        char hex[2 * SHA256_DIGEST_SIZE + 1];
        size_t n = 99;

        memset(z, 'Z', sizeof(z));
        kexec_seg_list_init(&l, RS, RE);
        l.segs[l.n++] = (struct kexec_seg) { "initrd", "abc", 3, RS, 4096 };
        l.segs[l.n++] = (struct kexec_seg) { "purgatory", purg, sizeof(purg), RS + 4096, 4096 };
        l.segs[l.n++] = (struct kexec_seg) { "kernel", z, sizeof(z), RS + MiB, 8192 };
        ASSERT_OK(kexec_seg_list_digest(&l, purg, digest, regions, ELEMENTSOF(regions), &n));
        for (size_t i = 0; i < sizeof(digest); i++)
                snprintf(hex + 2 * i, 3, "%02x", digest[i]);
        ASSERT_STREQ(hex, "951ddd77548e0846042dc0fc524d3efbe78cc84c343ca64fd3ae2336324393c4");
        ASSERT_EQ(n, 2u);
        ASSERT_EQ(regions[0].start, RS);
        ASSERT_EQ(regions[0].len, 4096u);
        ASSERT_EQ(regions[1].start, RS + MiB);
        ASSERT_EQ(regions[1].len, 8192u);

        /* More segments to check than the purgatory has room for: refused,
         * and nothing written. */
        n = 99;
        ASSERT_ERR(kexec_seg_list_digest(&l, purg, digest, regions, 1, &n), E2BIG);
        ASSERT_EQ(n, 99u);
}

TEST_MAIN()
