/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* "raw <device>": the capture kernel wrote the dump over the device as
 * makedumpfile's flattened stream (it cannot mount anything there), or
 * sealed with encrypt_to as an age file after an envelope block.  At the
 * next start, as kdump-utils does, the stream is turned back into a dump
 * file under path (kdump-collect -R), and only when that is complete and
 * synced is the stream's header cleared, so a dump is never lost and never
 * saved twice. */

#include <stdbool.h>
#include <stddef.h>

/* Pure: whether the first bytes of the device are a flattened stream's
 * header (FLAT_SIGNATURE, type 1). */
bool raw_header_is_dump(const void *head, size_t len);

/* 1 and *ret_dir (path/<date>) when a dump was saved, 0 when the device
 * holds none.  collect: the kdump-collect to run.  A sealed dump (encrypt_to:
 * an envelope block and an age file, seal/raw-envelope.h) is copied as
 * vmcore.age, never opened, its hash checked against the envelope's, with
 * SHA256SUMS and RECIPIENTS beside it; *ret_sealed (when not NULL) says
 * which.  On failure the stream is left on the device and what was written
 * is kept as vmcore-incomplete (.age). */
int raw_dump_save(const char *devnode, const char *path, const char *collect, char **ret_dir, bool *ret_sealed);

/* A file written into a saved dump's directory afterwards (the log, which
 * comes from the rebuilt dump): its line joins the directory's SHA256SUMS,
 * so that the manifest lists every file, as a capture onto a filesystem
 * leaves it.  -EEXIST if the manifest names it already. */
int raw_dump_add_sum(const char *dir, const char *name);
