/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* "Probe once, remember" for loader=auto: which loader the running kernel
 * takes is a property of the boot (CONFIG_KEXEC_FILE, the image loaders it
 * has), so after the first kexec_file_load attempt the answer is kept in
 * /run (gone at reboot, and keyed by boot_id anyway) and later loads of
 * the same boot go straight to the classic loader instead of failing the
 * file loader again.
 *
 * The record is text, one key=value per line:
 *   boot_id=<the running boot's /proc/sys/kernel/random/boot_id>
 *   loader=file|classic
 *   errno=<what kexec_file_load returned, positive; 0 when it worked>
 *   image=<kernel path, size and mtime when the answer depended on it>
 *
 * ENOSYS holds for the whole boot; EINVAL and ENOEXEC may depend on the
 * image (a kernel the file loader does not recognise), so they are only
 * reused for the same image.  A signature or lockdown refusal is never a
 * reason to use kexec_load (kexec_loader_should_fall_back()) and is never
 * remembered; a record claiming one is ignored. */

#include <stdbool.h>
#include <stddef.h>

#include "capture-kernel/kexec-loader.h"

#define KEXEC_LOADER_PROBE_PATH "/run/kdumpd/loader-probe"
#define KEXEC_BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define BOOT_ID_LEN 36u

struct loader_probe {
        char boot_id[BOOT_ID_LEN + 1];
        enum kexec_loader loader;      /* KEXEC_LOADER_FILE or KEXEC_LOADER_CLASSIC */
        int file_errno;                /* positive */
        char image[512];               /* "" when the answer holds for any image */
};

/* -EBADMSG on a missing or malformed key. */
int loader_probe_parse(const char *text, struct loader_probe *ret);
/* -ENAMETOOLONG when image does not fit. */
int loader_probe_format(const struct loader_probe *p, char **ret);

/* The record to keep after a kexec_file_load attempt that returned
 * file_error (0 or -errno) for this image; false when nothing may be kept
 * (a refusal that is not a fall-back reason, or a transient error). */
bool loader_probe_record(const char *boot_id, int file_error, const char *image, struct loader_probe *ret);

/* What auto should do given the remembered record (NULL: none): CLASSIC
 * to skip the file loader, AUTO to try it (and fall back as usual). */
enum kexec_loader loader_probe_decide(const struct loader_probe *remembered, const char *boot_id, const char *image);

/* The I/O around the pure functions above, used by kexec_crash_load()
 * (kexec-loader.c).  kexec_loader_probe_read() reads the running boot_id
 * (o->boot_id_path) into boot_id ("" if unreadable), the kernel's image key
 * into image ("" if unknown) and the record at o->probe_path into *ret;
 * *ret_have is false when there is none or it does not parse (then auto
 * probes again).  kexec_loader_probe_write() keeps the record
 * loader_probe_record() makes, best effort: without /run the next load
 * just probes again. */
struct kexec_crash_load;
void kexec_loader_probe_read(const struct kexec_crash_load *o, char *boot_id, char *image, size_t image_size,
                             struct loader_probe *ret, bool *ret_have);
void kexec_loader_probe_write(const char *path, const char *boot_id, int file_error, const char *image);

/* "path size=N mtime=S.NS" of the kernel file, the image key. */
int loader_probe_image_key(const char *kernel, char *buf, size_t size);
