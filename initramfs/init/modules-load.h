/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Loads the modules listed in a modules.load file (absolute paths, in load
 * order, as the initramfs builder resolved them with libkmod) with
 * finit_module(2).  The capture initramfs carries no libkmod: the order
 * was decided at build time.  Returns the number of failures (modules that
 * could not be loaded and were not already there), or -errno if the list
 * itself cannot be read; failed names go to report(). */
int modules_load_list(const char *list, void (*report)(const char *path, int error));
