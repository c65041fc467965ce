/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Builds the fake modules tree (tests/fixtures/initramfs/make-modules.sh)
 * once per test program, in the program's temp dir. */

#include <stdio.h>
#include <stdlib.h>

#include "tests.h"

#define FAKE_RELEASE "6.1.0-fake"

static inline const char *fake_modules_dir(void) {
        static char dir[4096];
        char cmd[8192];

        if (dir[0])
                return dir;
        snprintf(cmd, sizeof(cmd), "sh '%s' '%s' %s", test_fixture("initramfs/make-modules.sh"),
                 test_tmp("modroot"), FAKE_RELEASE);
        if (system(cmd) != 0)
                TEST_FAIL("make-modules.sh failed (needs cc, depmod, xz, zstd)");
        snprintf(dir, sizeof(dir), "%s/lib/modules/%s", test_tmp("modroot"), FAKE_RELEASE);
        return dir;
}
