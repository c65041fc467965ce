/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include <asm/bootparam.h>

#include "capture-kernel/setup-data.h"
#include "tests.h"

/* Three records written at an offset of a buffer that will sit at a
 * physical address: the kernel follows hdr.setup_data and then each next,
 * so every link must be that address plus the record's offset. */
TEST(chain_links_by_physical_address) {
        static const uint8_t a[] = { 1, 2, 3 }, c[32] = { [0] = 0xaa, [31] = 0x55 };
        struct setup_data_chain ch = {};
        uint8_t buf[0x1200];
        const uint64_t addr = 0x2fffe000;
        const struct setup_data *sd;
        uint64_t head, off;

        memset(buf, 0xee, sizeof(buf));
        ASSERT_OK(setup_data_chain_add(&ch, SETUP_E820_EXT, a, sizeof(a)));
        ASSERT_OK(setup_data_chain_add(&ch, SETUP_EFI, NULL, 96));
        ASSERT_OK(setup_data_chain_add(&ch, SETUP_RNG_SEED, c, sizeof(c)));
        /* 16+3 -> 32, 16+96 -> 112, 16+32 -> 48 */
        ASSERT_EQ(setup_data_chain_size(&ch), 32 + 112 + 48);
        ASSERT_OK(setup_data_chain_place(&ch, buf, sizeof(buf), 0x1010, addr, &head));
        ASSERT_EQ(head, addr + 0x1010);

        off = head - addr;
        sd = (const struct setup_data *) (buf + off);
        ASSERT_EQ(sd->type, SETUP_E820_EXT);
        ASSERT_EQ(sd->len, 3);
        ASSERT_TRUE(memcmp(sd->data, a, 3) == 0);
        ASSERT_EQ(sd->next, addr + 0x1010 + 32);

        off = sd->next - addr;
        sd = (const struct setup_data *) (buf + off);
        ASSERT_EQ(sd->type, SETUP_EFI);
        ASSERT_EQ(sd->len, 96);
        for (unsigned i = 0; i < 96; i++)
                ASSERT_EQ(sd->data[i], 0);
        ASSERT_EQ(sd->next % SETUP_DATA_ALIGN, 0);

        off = sd->next - addr;
        sd = (const struct setup_data *) (buf + off);
        ASSERT_EQ(sd->type, SETUP_RNG_SEED);
        ASSERT_EQ(sd->len, 32);
        ASSERT_TRUE(memcmp(sd->data, c, 32) == 0);
        ASSERT_EQ(sd->next, 0);
        /* nothing written past the chain */
        ASSERT_EQ(buf[0x1010 + 192], 0xee);
        ASSERT_EQ(buf[0x100f], 0xee);
}

TEST(empty_chain_is_a_null_pointer) {
        struct setup_data_chain ch = {};
        uint8_t buf[16];
        uint64_t head = 1;

        ASSERT_EQ(setup_data_chain_size(&ch), 0);
        ASSERT_OK(setup_data_chain_place(&ch, buf, sizeof(buf), 16, 0x3000, &head));
        ASSERT_EQ(head, 0);
}

TEST(limits) {
        struct setup_data_chain ch = {};
        uint8_t buf[256];
        uint64_t head = 7;

        for (unsigned i = 0; i < SETUP_DATA_CHAIN_MAX; i++)
                ASSERT_OK(setup_data_chain_add(&ch, SETUP_RNG_SEED, NULL, 8));
        ASSERT_ERR(setup_data_chain_add(&ch, SETUP_RNG_SEED, NULL, 8), E2BIG);

        ch = (struct setup_data_chain) {};
        ASSERT_ERR(setup_data_chain_add(&ch, SETUP_E820_EXT, NULL, SETUP_DATA_LEN_MAX + 1), E2BIG);
        ASSERT_OK(setup_data_chain_add(&ch, SETUP_E820_EXT, NULL, 200));
        /* 16 + 200 = 216 -> 224 bytes: fits at 0 and 32, not at 48 */
        ASSERT_OK(setup_data_chain_place(&ch, buf, sizeof(buf), 32, 0x3000, &head));
        ASSERT_ERR(setup_data_chain_place(&ch, buf, sizeof(buf), 48, 0x3000, &head), ENOSPC);
        ASSERT_ERR(setup_data_chain_place(&ch, buf, sizeof(buf), 8, 0x3000, &head), EINVAL);
        ASSERT_ERR(setup_data_chain_place(&ch, buf, sizeof(buf), 0, 0x3008, &head), EINVAL);
        ASSERT_ERR(setup_data_chain_place(&ch, buf, sizeof(buf), 0, UINT64_MAX - 15, &head), ERANGE);
        ASSERT_EQ(head, 0x3000 + 32);   /* untouched by the failures */
}

TEST_MAIN()
