/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The closure of a set of kernel modules, resolved with libkmod against one
 * modules directory (/lib/modules/<release>, indexed by depmod), in an order
 * in which they can be loaded one by one with finit_module(): what modprobe
 * would do, computed ahead of time because the capture environment carries
 * no modprobe and no libkmod.
 *
 * Order rules (libkmod's kmod_module_get_probe_list()):
 *   - "softdep <m> pre: <x>" modules come before m,
 *   - hard dependencies (modules.dep, from undefined symbols) before m,
 *   - "softdep <m> post: <x>" modules after m.
 * Softdeps come from modprobe.d and from MODULE_SOFTDEP() in the modules
 * (depmod collects those into modules.softdep).  Since the capture kernel
 * cannot call request_module() either, softdeps are followed also for
 * built-in modules: ext4 built in still wants crc32c loaded.  A softdep
 * naming no module is skipped, as modprobe does; cycles of softdeps are
 * broken at the module already being visited. */

#include <stddef.h>

#include "basic/macro.h"

struct kmod_closure_module {
        const char *name;       /* "virtio_blk" (libkmod's normalised name) */
        const char *path;       /* absolute host path of the .ko[.xz|.zst|.gz], NULL if built in */
};

typedef struct kmod_closure kmod_closure;

/* modules_dir: "/lib/modules/6.1.0-21-amd64".  config_paths: modprobe.d
 * files or directories, NULL-terminated; NULL means libkmod's defaults
 * (/etc/modprobe.d, /run/modprobe.d, /lib/modprobe.d, ...).  Returns
 * -ENOENT if modules_dir has no modules.dep.bin (depmod never ran). */
int kmod_closure_new(const char *modules_dir, const char *const *config_paths, kmod_closure **ret);
kmod_closure *kmod_closure_free(kmod_closure *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(kmod_closure *, kmod_closure_free);

enum {
        /* A name or alias that matches no module is not an error: for
         * modaliases read from sysfs, most of which no module claims. */
        KMOD_CLOSURE_OPTIONAL = 1 << 0,
};

/* Adds a module name ("ext4", "virtio-blk"), a modprobe alias ("crc32c",
 * "fs-ext4") or a modalias ("virtio:d00000002v00001AF4") and everything it
 * needs.  An alias can match several modules; all are added.  Returns the
 * number of modules appended to the list (0 when all were there).
 * -ENOENT: nothing matches (not with KMOD_CLOSURE_OPTIONAL), or the file of
 * a needed module is missing; kmod_closure_failed_name() then says which. */
int kmod_closure_add(kmod_closure *c, const char *name_or_alias, unsigned flags);

/* The name that made the last kmod_closure_add() fail, or NULL. */
const char *kmod_closure_failed_name(const kmod_closure *c);

const char *kmod_closure_modules_dir(const kmod_closure *c);
size_t kmod_closure_count(const kmod_closure *c);
/* In load order; NULL if i is out of range. */
const struct kmod_closure_module *kmod_closure_get(const kmod_closure *c, size_t i);
/* By normalised name, NULL if not in the closure. */
const struct kmod_closure_module *kmod_closure_find(const kmod_closure *c, const char *name);
