/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Loads the modules listed in a modules.load file (absolute paths, in load
 * order, as the initramfs builder resolved them with libkmod) with
 * finit_module(2).  The capture initramfs carries no libkmod: the order
 * was decided at build time.  Returns the number of failures (modules that
 * could not be loaded and were not already there), or -errno if the list
 * itself cannot be read; failed names go to report().  Each module file is
 * removed once it was tried (it would only hold memory). */
int modules_load_list(const char *list, void (*report)(const char *path, int error));

/* Pure: every module a modules.dep text names, in an order that loads each
 * after the modules it depends on (a line lists a module's dependencies as
 * depmod writes them, the deepest last, and modprobe loads them from the
 * end), once each.  The paths as the file gives them (relative to its
 * directory). */
int modules_dep_order(const char *text, char ***ret);

/* An image dracut built has the kernel's modules.dep for the modules it
 * holds and no modules.load: every one of them is loaded, in that order.
 * dir is /lib/modules/<release>.  Returns as modules_load_list(); 0 when
 * there is no modules.dep. */
int modules_load_dep(const char *dir, void (*report)(const char *path, int error));
