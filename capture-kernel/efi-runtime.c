/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "capture-kernel/efi-runtime.h"

struct efi_runtime *efi_runtime_free(struct efi_runtime *e) {
        if (!e)
                return NULL;
        free(e->map);
        free(e);
        return NULL;
}

int efi_systab_parse(const char *text, struct efi_runtime *e) {
        static const struct { const char *key; size_t off; } keys[] = {
                { "ACPI20=", offsetof(struct efi_runtime, acpi20) },
                { "ACPI=", offsetof(struct efi_runtime, acpi) },
                { "SMBIOS=", offsetof(struct efi_runtime, smbios) },
        };

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                        char v[32];
                        size_t n = strcspn(l + strlen(keys[i].key), "\n");
                        uint64_t x;

                        if (strncmp(l, keys[i].key, strlen(keys[i].key)) != 0)
                                continue;
                        if (n == 0 || n >= sizeof(v))
                                return -EBADMSG;
                        memcpy(v, l + strlen(keys[i].key), n);
                        v[n] = 0;
                        if (safe_atou64_base(v, 0, &x) < 0)
                                return -EBADMSG;
                        memcpy((uint8_t *) e + keys[i].off, &x, sizeof(x));
                }
        }
        return 0;
}

/* The sysfs files print "0x%llx\n" (runtime-map.c, efi.c). */
static int read_hex(const char *dir, const char *name, uint64_t *ret) {
        char p[4096];
        int r;

        if ((size_t) snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p))
                return -ENAMETOOLONG;
        r = read_u64_file(p, 0, ret);
        return r == -EINVAL || r == -ERANGE ? -EBADMSG : r;
}

int efi_runtime_load(const char *root, struct efi_runtime **ret) {
        _cleanup_(efi_runtime_freep) struct efi_runtime *e = NULL;
        _cleanup_free_ char *systab = NULL;
        char dir[4096], p[4096];
        int r;

        if (!root)
                root = "";
        /* dir leaves room for the longest name appended below. */
        if ((size_t) snprintf(dir, sizeof(dir) - 64, "%s/sys/firmware/efi", root) >= sizeof(dir) - 64)
                return -ENAMETOOLONG;
        snprintf(p, sizeof(p), "%.4000s/runtime-map", dir);
        if (access(p, F_OK) < 0)
                return -ENOENT;

        e = calloc(1, sizeof(*e));
        if (!e)
                return -ENOMEM;
        if ((r = read_hex(dir, "fw_vendor", &e->fw_vendor)) < 0 ||
            (r = read_hex(dir, "runtime", &e->runtime)) < 0 ||
            (r = read_hex(dir, "config_table", &e->config_table)) < 0)
                return r;
        snprintf(p, sizeof(p), "%.4000s/systab", dir);
        r = read_full_file(p, &systab, NULL);
        if (r >= 0)
                r = efi_systab_parse(systab, e);
        if (r < 0 && r != -ENOENT)
                return r;

        /* Entries are numbered 0..n-1 in the order of the map
         * (efi_runtime_map_init()). */
        for (size_t i = 0;; i++) {
                struct efi_runtime_desc d;
                uint64_t type;
                char ent[4096];

                snprintf(ent, sizeof(ent), "%.4000s/runtime-map/%zu", dir, i);
                if (access(ent, F_OK) < 0)
                        break;
                if (i >= EFI_RUNTIME_MAP_MAX)
                        return -E2BIG;
                if ((r = read_hex(ent, "type", &type)) < 0 ||
                    (r = read_hex(ent, "phys_addr", &d.phys_addr)) < 0 ||
                    (r = read_hex(ent, "virt_addr", &d.virt_addr)) < 0 ||
                    (r = read_hex(ent, "num_pages", &d.num_pages)) < 0 ||
                    (r = read_hex(ent, "attribute", &d.attribute)) < 0)
                        return r;
                if (type > UINT32_MAX)
                        return -EBADMSG;
                d.type = (uint32_t) type;
                if (i % 16 == 0) {
                        struct efi_runtime_desc *m = reallocarray(e->map, i + 16, sizeof(*m));
                        if (!m)
                                return -ENOMEM;
                        e->map = m;
                }
                e->map[i] = d;
                e->n_map = i + 1;
        }

        *ret = TAKE_PTR(e);
        return 0;
}
