/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "capture-kernel/kexec-loader.h"
#include "tests.h"

TEST(names) {
        enum kexec_loader l;

        ASSERT_OK(kexec_loader_from_string("classic", &l));
        ASSERT_EQ(l, KEXEC_LOADER_CLASSIC);
        ASSERT_OK(kexec_loader_from_string("auto", &l));
        ASSERT_EQ(l, KEXEC_LOADER_AUTO);
        ASSERT_ERR(kexec_loader_from_string("kexec", &l), EINVAL);
        ASSERT_STREQ(kexec_loader_to_string(KEXEC_LOADER_FILE), "file");
}

/* auto falls back only where the file loader is missing or does not know
 * the image; never past a signature or lockdown refusal. */
TEST(auto_fallback_policy) {
        ASSERT_TRUE(kexec_loader_should_fall_back(-ENOSYS));
        ASSERT_TRUE(kexec_loader_should_fall_back(-EINVAL));
        ASSERT_TRUE(kexec_loader_should_fall_back(-ENOEXEC));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EPERM));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EKEYREJECTED));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-ENOKEY));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EBADMSG));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-ENODATA));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EBUSY));
        ASSERT_TRUE(!kexec_loader_should_fall_back(-EADDRNOTAVAIL));
}

TEST_MAIN()
