/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "initramfs/collect/snappy-dl.h"

static struct snappy_dl table;
static const struct snappy_dl *loaded;
static char error[256] = "snappy support is not in this build (no snappy-c.h when it was built)";
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
#if HAVE_SNAPPY
        void *h = dlopen(SNAPPY_DL_SONAME, RTLD_NOW | RTLD_LOCAL);

        if (!h) {
                snprintf(error, sizeof(error), "%s", dlerror());
                return;
        }
        *(void **) &table.compress = dlsym(h, "snappy_compress");
        *(void **) &table.uncompress = dlsym(h, "snappy_uncompress");
        *(void **) &table.max_compressed_length = dlsym(h, "snappy_max_compressed_length");
        if (!table.compress || !table.uncompress || !table.max_compressed_length) {
                snprintf(error, sizeof(error), "%s lacks the snappy C API (snappy_compress)", SNAPPY_DL_SONAME);
                dlclose(h);
                return;
        }
        /* Kept open for the life of the process. */
        loaded = &table;
#endif
}

const struct snappy_dl *snappy_dl_get(void) {
        (void) pthread_once(&once, load);
        return loaded;
}

const char *snappy_dl_error(void) {
        (void) pthread_once(&once, load);
        return loaded ? NULL : error;
}
