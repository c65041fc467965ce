/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The addresses this machine's capture kernels were loaded with, for a
 * dump over the network.  A capture names its directory on the server after
 * the address it used ("<address>-<date>", kdump-utils' name), and the
 * machine may come back from the crash with another one (a new DHCP lease,
 * a changed configuration): kdumpd then looks for its dumps under each
 * address it remembers as well as under the current one.  They are kept in
 * <state_dir>/capture-addresses, one a line, the newest last, at most
 * CAPTURE_ADDRESSES_MAX.  An address another machine had before (and dumped
 * under) is claimed too: kdump-utils' naming cannot tell them apart. */

#define CAPTURE_ADDRESSES_FILE "capture-addresses"
#define CAPTURE_ADDRESSES_MAX 8

/* Pure: text (NULL: none yet) with address as the newest line (moved to the
 * end if it is there already), the oldest dropped past the maximum.
 * -EINVAL for an address with white space or control characters. */
int capture_addresses_add(const char *text, const char *address, char **ret_text);

/* Pure: the addresses in text, newest first (lines that are not an address
 * are skipped). */
int capture_addresses_parse(const char *text, char ***ret);

/* Adds address to state_dir's list (written atomically, 0600). */
int capture_addresses_remember(const char *state_dir, const char *address);

/* The addresses to look for dumps under: current first, then the
 * remembered ones, newest first, each once.  No file: current only. */
int capture_addresses_lookup(const char *state_dir, const char *current, char ***ret);

/* "A" or "A, earlier B C" for messages; NULL on -ENOMEM. */
char *capture_addresses_describe(char *const *addresses);
