/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>

#include "basic/macro.h"
#include "capture-kernel/purgatory-load.h"
#include "capture-kernel/purgatory/purgatory-abi.h"
#include "capture-kernel/purgatory/sha256.h"
#include "tests.h"

static void hex(const uint8_t *d, char *out) {
        for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
                sprintf(out + 2 * i, "%02x", d[i]);
}

static const char *sha(const void *data, size_t len, size_t chunk) {
        static char out[65];
        struct sha256_ctx c;
        uint8_t d[SHA256_DIGEST_SIZE];
        const uint8_t *p = data;

        sha256_init(&c);
        for (size_t off = 0; off < len; off += chunk)
                sha256_update(&c, p + off, MIN(chunk, len - off));
        sha256_final(&c, d);
        hex(d, out);
        return out;
}

/* FIPS 180-4 / NIST CAVP vectors. */
TEST(sha256_vectors) {
        static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        static char million_a[1000000];

        ASSERT_STREQ(sha("", 0, 1), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        ASSERT_STREQ(sha("abc", 3, 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ASSERT_STREQ(sha(two_blocks, strlen(two_blocks), 64),
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        /* byte-by-byte and odd chunks must give the same digest as one call */
        ASSERT_STREQ(sha(two_blocks, strlen(two_blocks), 1),
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        memset(million_a, 'a', sizeof(million_a));
        ASSERT_STREQ(sha(million_a, sizeof(million_a), 4099),
                     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(purgatory_relocates) {
        _cleanup_(purgatory_freep) purgatory *a = NULL, *b = NULL;
        uint64_t ea, eb, rip = 0x1234567000ull, got;
        const uint8_t *ia, *ib;
        size_t diffs = 0;

        ASSERT_OK(purgatory_new(kdump_purgatory, kdump_purgatory_size, &a));
        ASSERT_OK(purgatory_new(kdump_purgatory, kdump_purgatory_size, &b));
        ASSERT_TRUE(purgatory_size(a) >= 16384);           /* the stack is in it */
        ASSERT_EQ(purgatory_size(a) % 4096, 0);
        ASSERT_ERR(purgatory_symbol_addr(a, "purgatory_start", &ea), ESTALE);

        ASSERT_OK(purgatory_relocate(a, 0x1fe00000, NULL));
        ASSERT_OK(purgatory_relocate(b, 0x1fe00000 + 0x10000000, NULL));
        ASSERT_OK(purgatory_symbol_addr(a, "purgatory_start", &ea));
        ASSERT_OK(purgatory_symbol_addr(b, "purgatory_start", &eb));
        ASSERT_EQ(eb - ea, 0x10000000);
        ASSERT_TRUE(ea >= 0x1fe00000 && ea < 0x1fe00000 + purgatory_size(a));

        /* Absolute relocations differ by exactly the displacement;
         * PC-relative ones within the image not at all. */
        ia = purgatory_image(a);
        ib = purgatory_image(b);
        for (size_t i = 0; i + 8 <= purgatory_size(a); i++) {
                uint64_t x, y;
                memcpy(&x, ia + i, 8);
                memcpy(&y, ib + i, 8);
                if (x != y && y - x == 0x10000000) {
                        diffs++;
                        ASSERT_TRUE(x >= 0x1fe00000 && x < 0x1fe00000 + purgatory_size(a));
                        i += 7;
                }
        }
        ASSERT_TRUE(diffs >= 2);                            /* the GDT pointer and the call to purgatory_main */

        ASSERT_OK(purgatory_set_symbol(a, "purgatory_entry_rip", &rip, sizeof(rip)));
        ASSERT_OK(purgatory_get_symbol(a, "purgatory_entry_rip", &got, sizeof(got)));
        ASSERT_EQ(got, rip);
        ASSERT_ERR(purgatory_set_symbol(a, "purgatory_entry_rip", &rip, 64), E2BIG);
        ASSERT_ERR(purgatory_set_symbol(a, "no_such_symbol", &rip, 8), ENOENT);
        {
                struct purgatory_region regions[PURGATORY_MAX_REGIONS] = {};
                ASSERT_OK(purgatory_set_symbol(a, "purgatory_sha_regions", regions, sizeof(regions)));
        }
}

TEST(purgatory_refuses_bad_objects) {
        _cleanup_(purgatory_freep) purgatory *p = NULL;
        _cleanup_free_ uint8_t *copy = malloc(kdump_purgatory_size);
        Elf64_Ehdr *eh = (Elf64_Ehdr *) copy;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(purgatory_new("hello", 5, &p), ENOEXEC);
        memcpy(copy, kdump_purgatory, kdump_purgatory_size);
        eh->e_type = ET_EXEC;
        ASSERT_ERR(purgatory_new(copy, kdump_purgatory_size, &p), ENOEXEC);
        eh->e_type = ET_REL;
        eh->e_shoff = kdump_purgatory_size;                  /* section headers beyond the end */
        ASSERT_ERR(purgatory_new(copy, kdump_purgatory_size, &p), EBADMSG);

        /* A relocation type the loader does not know is refused by name. */
        memcpy(copy, kdump_purgatory, kdump_purgatory_size);
        {
                Elf64_Shdr *sh = (Elf64_Shdr *) (copy + eh->e_shoff);
                for (unsigned i = 0; i < eh->e_shnum; i++)
                        if (sh[i].sh_type == SHT_RELA && (sh[sh[i].sh_info].sh_flags & SHF_ALLOC)) {
                                Elf64_Rela *r = (Elf64_Rela *) (copy + sh[i].sh_offset);
                                r[0].r_info = ELF64_R_INFO(ELF64_R_SYM(r[0].r_info), R_X86_64_GOTPCREL);
                                break;
                        }
        }
        ASSERT_OK(purgatory_new(copy, kdump_purgatory_size, &p));
        ASSERT_ERR(purgatory_relocate(p, 0x1000000, &err), EOPNOTSUPP);
        ASSERT_CONTAINS(err, "type 9");
        p = purgatory_free(p);

        /* R_X86_64_32 cannot reach above 4 GiB: say so rather than truncate. */
        memcpy(copy, kdump_purgatory, kdump_purgatory_size);
        {
                Elf64_Shdr *sh = (Elf64_Shdr *) (copy + eh->e_shoff);
                for (unsigned i = 0; i < eh->e_shnum; i++)
                        if (sh[i].sh_type == SHT_RELA && (sh[sh[i].sh_info].sh_flags & SHF_ALLOC)) {
                                Elf64_Rela *r = (Elf64_Rela *) (copy + sh[i].sh_offset);
                                r[0].r_info = ELF64_R_INFO(ELF64_R_SYM(r[0].r_info), R_X86_64_32);
                                break;
                        }
        }
        ASSERT_OK(purgatory_new(copy, kdump_purgatory_size, &p));
        ASSERT_ERR(purgatory_relocate(p, 0x100000000ull, &err), ERANGE);
        p = purgatory_free(p);
        ASSERT_OK(purgatory_new(copy, kdump_purgatory_size, &p));
        ASSERT_OK(purgatory_relocate(p, 0x10000000, NULL));
}

TEST_MAIN()
