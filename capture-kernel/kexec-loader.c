/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "basic/macro.h"
#include "capture-kernel/kexec-classic.h"
#include "capture-kernel/kexec-file.h"
#include "capture-kernel/kexec-loader.h"
#include "capture-kernel/loader-probe.h"
#include "basic/fileio.h"

static const char *const names[] = {
        [KEXEC_LOADER_AUTO] = "auto",
        [KEXEC_LOADER_FILE] = "file",
        [KEXEC_LOADER_CLASSIC] = "classic",
};

int kexec_loader_from_string(const char *s, enum kexec_loader *ret) {
        for (size_t i = 0; s && i < ELEMENTSOF(names); i++)
                if (strcmp(s, names[i]) == 0) {
                        *ret = (enum kexec_loader) i;
                        return 0;
                }
        return -EINVAL;
}

const char *kexec_loader_to_string(enum kexec_loader l) {
        return (size_t) l < ELEMENTSOF(names) ? names[l] : "?";
}

bool kexec_loader_should_fall_back(int error) {
        error = error < 0 ? -error : error;
        return error == ENOSYS || error == EINVAL || error == ENOEXEC;
}

static int load_classic(const struct kexec_crash_load *o, char **ret_error) {
        _cleanup_(kexec_classic_freep) kexec_classic *k = NULL;
        int r;

        r = kexec_classic_prepare(&(struct kexec_classic_opts) {
                        .sz = sizeof(struct kexec_classic_opts),
                        .kernel = o->kernel, .initrd = o->initrd, .cmdline = o->cmdline,
                        .corrupt_digest = o->corrupt_digest,
                }, &k, ret_error);
        if (r < 0)
                return r;
        return kexec_classic_load(k);
}

void kexec_loader_probe_read(const struct kexec_crash_load *o, char *boot_id, char *image, size_t image_size,
                       struct loader_probe *ret, bool *ret_have) {
        _cleanup_free_ char *id = NULL, *text = NULL;

        *ret_have = false;
        boot_id[0] = 0;
        if (read_one_line_file(o->boot_id_path ? o->boot_id_path : KEXEC_BOOT_ID_PATH, &id) < 0 ||
            strlen(id) != BOOT_ID_LEN)
                return;
        memcpy(boot_id, id, BOOT_ID_LEN + 1);
        if (loader_probe_image_key(o->kernel, image, image_size) < 0)
                image[0] = 0;
        if (read_full_file(o->probe_path, &text, NULL) >= 0 && loader_probe_parse(text, ret) >= 0)
                *ret_have = true;
}

void kexec_loader_probe_write(const char *path, const char *boot_id, int file_error, const char *image) {
        _cleanup_free_ char *text = NULL, *dir = NULL;
        struct loader_probe p;
        char *slash;

        if (!loader_probe_record(boot_id, file_error, image[0] ? image : NULL, &p) || loader_probe_format(&p, &text) < 0)
                return;
        dir = strdup(path);
        if (!dir)
                return;
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = 0;
                (void) mkdir_p(dir, 0755);
        }
        (void) write_file_atomic(path, text, strlen(text), 0644);
}

int kexec_crash_load(const struct kexec_crash_load *o, enum kexec_loader *ret_used, int *ret_file_error,
                     char **ret_error) {
        char boot_id[BOOT_ID_LEN + 1] = "", image[sizeof(((struct loader_probe *) NULL)->image)] = "";
        struct loader_probe remembered;
        bool have = false, probing;
        int r;

        if (ret_file_error)
                *ret_file_error = 0;
        if (o->ret_remembered)
                *o->ret_remembered = false;
        if (o->loader == KEXEC_LOADER_CLASSIC) {
                *ret_used = KEXEC_LOADER_CLASSIC;
                return load_classic(o, ret_error);
        }

        probing = o->loader == KEXEC_LOADER_AUTO && o->probe_path;
        if (probing) {
                kexec_loader_probe_read(o, boot_id, image, sizeof(image), &remembered, &have);
                if (have && loader_probe_decide(&remembered, boot_id, image) == KEXEC_LOADER_CLASSIC) {
                        if (ret_file_error)
                                *ret_file_error = -remembered.file_errno;
                        if (o->ret_remembered)
                                *o->ret_remembered = true;
                        *ret_used = KEXEC_LOADER_CLASSIC;
                        return load_classic(o, ret_error);
                }
        }

        *ret_used = KEXEC_LOADER_FILE;
        r = o->kernel_fd ? kexec_file_load_crash_fd(*o->kernel_fd, o->initrd, o->cmdline) :
                           kexec_file_load_crash(o->kernel, o->initrd, o->cmdline);
        if (probing && boot_id[0])
                kexec_loader_probe_write(o->probe_path, boot_id, r < 0 ? r : 0, image);
        if (r >= 0 || o->loader == KEXEC_LOADER_FILE || !kexec_loader_should_fall_back(r))
                return r;

        if (ret_file_error)
                *ret_file_error = r;
        *ret_used = KEXEC_LOADER_CLASSIC;
        return load_classic(o, ret_error);
}
