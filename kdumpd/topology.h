/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The CPUs and memory that a loaded ELF core header describes, as one
 * comparable string.  At every boot udev replays an "add" event for each
 * CPU and memory block (coldplug); they arrive after kdumpd's first load and
 * look like hotplug.  Comparing the topology now with the one the load saw
 * tells a replay (nothing to do) from a real change (the header is stale):
 * a boot logs one load, and a CPU offlined or memory onlined still reloads. */

/* Pure: "ram=<start>-<end>,...;cpus=<list>" from /proc/iomem's text (its
 * top-level "System RAM" ranges, what both loaders put in the header's
 * PT_LOADs) and /sys/devices/system/cpu/online ("0-3,6").  -EPERM when
 * the addresses are hidden (read as 0 by someone not root), -EINVAL when
 * there is no System RAM. */
int topology_fingerprint(const char *iomem_text, const char *cpus_online, char **ret);

/* The running machine's (/proc/iomem, /sys/devices/system/cpu/online). */
int topology_read(char **ret);
