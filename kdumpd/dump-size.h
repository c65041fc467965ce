/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* How big a dump of this machine would be now, before compression, for the
 * free-space check of a target: the pages the collector keeps.  From
 * /proc/meminfo and the core_collector's dump level (-d): with cache (2, 4),
 * user (8) and free (16) pages all left out, what is left is the kernel's
 * own memory; otherwise every page in use.  An upper bound: zero pages and
 * compression make the file smaller.  Pure. */

#include <stdint.h>

#include "config/kdump-conf.h"

int dump_size_estimate(const char *meminfo, const kdump_config *c, uint64_t *ret);
