/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Builds the ELF fixture root (tests/fixtures/initramfs/make-elf-root.sh)
 * once per test program. */

#include <stdio.h>
#include <stdlib.h>

#include "tests.h"

static inline const char *fake_elf_root(void) {
        static char dir[4096];
        char cmd[8192];

        if (dir[0])
                return dir;
        snprintf(dir, sizeof(dir), "%s", test_tmp("elfroot"));
        snprintf(cmd, sizeof(cmd), "sh '%s' '%s'", test_fixture("initramfs/make-elf-root.sh"), dir);
        if (system(cmd) != 0) {
                dir[0] = 0;
                TEST_FAIL("make-elf-root.sh failed (needs cc)");
        }
        return dir;
}
