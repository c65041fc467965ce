/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Driver for the fuzz targets without libFuzzer (gcc builds, CI without
 * clang): runs LLVMFuzzerTestOneInput() once per file or directory entry
 * given, so that the corpus is a regression test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        _cleanup_free_ char *data = NULL;
        size_t n;
        int r = read_full_file(path, &data, &n);
        if (r < 0) {
                fprintf(stderr, "%s: cannot read (%d)\n", path, r);
                return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *) data, n);
        return 0;
}

int main(int argc, char *argv[]) {
        unsigned files = 0;
        int fail = 0;

        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: missing\n", argv[i]);
                        return 1;
                }
                if (S_ISDIR(st.st_mode)) {
                        DIR *d = opendir(argv[i]);
                        struct dirent *de;
                        while (d && (de = readdir(d))) {
                                char p[4096];
                                if (de->d_name[0] == '.')
                                        continue;
                                snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
                                fail |= run_file(p);
                                files++;
                        }
                        if (d)
                                closedir(d);
                } else {
                        fail |= run_file(argv[i]);
                        files++;
                }
        }
        printf("replayed %u inputs\n", files);
        return fail || files == 0;
}
