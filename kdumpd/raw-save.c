/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "initramfs/collect/flatten.h"
#include "kdumpd/raw-save.h"
#include "seal/hash-sha256.h"
#include "seal/raw-envelope.h"
#include "seal/sha256-manifest.h"

bool raw_header_is_dump(const void *head, size_t len) {
        const unsigned char *h = head;
        uint64_t type = 0;

        /* makedumpfile_header: char signature[16], int64_t type, int64_t
         * version, big-endian (flatten.h). */
        if (len < 32 || memcmp(h, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE)) != 0)
                return false;
        for (size_t i = strlen(FLAT_SIGNATURE); i < 16; i++)
                if (h[i] != 0)
                        return false;
        for (size_t i = 16; i < 24; i++)
                type = type << 8 | h[i];
        return type == FLAT_TYPE;
}

static int rearrange(const char *collect, int in_fd, const char *out) {
        pid_t pid;
        int status;

        if (lseek(in_fd, 0, SEEK_SET) < 0)
                return negative_errno();
        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                if (dup2(in_fd, STDIN_FILENO) < 0)
                        _exit(127);
                execl(collect, collect, "--message-level", "1", "-R", out, (char *) NULL);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return -EIO;
        return 0;
}

/* The sealed age file after the envelope, copied to out and hashed on the
 * way: -EBADMSG when it is not what the envelope says (cut short, changed). */
static int copy_sealed(int fd, const struct raw_envelope *e, const char *out, uint8_t ret_digest[HASH_SHA256_SIZE]) {
        _cleanup_close_ int ofd = -EBADF;
        _cleanup_free_ uint8_t *buf = NULL;
        struct hash_sha256 h;
        uint8_t digest[HASH_SHA256_SIZE];
        char hex[SHA256_HEX_SIZE];
        off_t dev_size;
        int r;

        dev_size = lseek(fd, 0, SEEK_END);
        if (dev_size < 0)
                return negative_errno();
        if (e->length > (uint64_t) dev_size - RAW_ENVELOPE_SIZE)
                return -EBADMSG;
        buf = malloc(1 << 20);
        ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (!buf || ofd < 0)
                return buf ? negative_errno() : -ENOMEM;
        hash_sha256_init(&h);
        for (uint64_t done = 0; done < e->length;) {
                size_t n = (size_t) MIN(e->length - done, (uint64_t) (1 << 20));

                r = pread_full(fd, buf, n, RAW_ENVELOPE_SIZE + done);
                if (r >= 0)
                        r = loop_write(ofd, buf, n);
                if (r < 0)
                        return r;
                hash_sha256_update(&h, buf, n);
                done += n;
        }
        hash_sha256_final(&h, digest);
        sha256_digest_to_hex(digest, hex);
        if (strcmp(hex, e->sha256) != 0)
                return -EBADMSG;
        if (fsync(ofd) < 0)
                return negative_errno();
        memcpy(ret_digest, digest, sizeof(digest));
        return 0;
}

/* SHA256SUMS (and RECIPIENTS for a sealed dump) next to the dump, as a
 * capture onto a filesystem leaves them.  name: vmcore.age or vmcore. */
/* m with name's line added, written to sums (atomically, 0600). */
static int manifest_add_write(sha256_manifest *m, const char *sums, const char *name,
                              const uint8_t digest[HASH_SHA256_SIZE], uint64_t size) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = sha256_manifest_add(m, name, digest, size);
        if (r >= 0)
                r = sha256_manifest_format(m, &text, &len);
        if (r < 0)
                return r;
        return write_file_atomic(sums, text, len, 0600);
}

static int write_extras(const char *dir, const char *name, const uint8_t digest[HASH_SHA256_SIZE], uint64_t size,
                        const char *recipients) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ char *sums = NULL, *keys = NULL;
        int r;

        if (asprintf(&sums, "%s/SHA256SUMS", dir) < 0 || (recipients && asprintf(&keys, "%s/RECIPIENTS", dir) < 0))
                return -ENOMEM;
        r = sha256_manifest_new(&m);
        if (r >= 0)
                r = manifest_add_write(m, sums, name, digest, size);
        if (r >= 0 && keys)
                r = write_file_atomic(keys, recipients, strlen(recipients), 0600);
        return r;
}

int raw_dump_add_sum(const char *dir, const char *name) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ char *sums = NULL, *file = NULL, *error = NULL;
        _cleanup_close_ int fd = -EBADF;
        uint8_t digest[HASH_SHA256_SIZE];
        uint64_t size;
        int r;

        if (!sha256_manifest_name_valid(name))
                return -EINVAL;
        if (asprintf(&sums, "%s/SHA256SUMS", dir) < 0 || asprintf(&file, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        r = sha256_manifest_load(sums, &m, &error);
        if (r < 0)
                return r;
        fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        r = sha256_fd(fd, NULL, NULL, digest, &size);
        if (r < 0)
                return r;
        return manifest_add_write(m, sums, name, digest, size);
}

/* A clear dump rebuilt from the stream: its SHA-256 by reading it once (the
 * stream on the device was not hashed by the capture). */
static int hash_rebuilt(const char *path, uint8_t ret_digest[HASH_SHA256_SIZE], uint64_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return negative_errno();
        return sha256_fd(fd, NULL, NULL, ret_digest, ret_size);
}

/* path/<date>, made 0700. */
static int make_dump_dir(const char *path, char **ret) {
        _cleanup_free_ char *dir = NULL;
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        int r;

        if (!gmtime_r(&t, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M:%S", &tm) == 0)
                return -EINVAL;
        r = mkdir_p(path, 0700);
        if (r < 0)
                return r;
        if (asprintf(&dir, "%s/%s", path, stamp) < 0)
                return -ENOMEM;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        /* Dumps hold all of memory: root only, whatever the umask. */
        if (chmod(dir, 0700) < 0)
                return negative_errno();
        *ret = TAKE_PTR(dir);
        return 0;
}

int raw_dump_save(const char *devnode, const char *path, const char *collect, char **ret_dir, bool *ret_sealed) {
        _cleanup_free_ char *dir = NULL, *incomplete = NULL, *final = NULL;
        _cleanup_close_ int fd = -EBADF, dfd = -EBADF;
        _cleanup_(raw_envelope_done) struct raw_envelope env = {};
        uint8_t head[RAW_ENVELOPE_SIZE], digest[HASH_SHA256_SIZE];
        uint64_t size = 0;
        bool sealed;
        int r;

        fd = open(devnode, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = pread_full(fd, head, sizeof(head), 0);
        if (r < 0)
                return r;
        r = raw_envelope_parse(head, sizeof(head), &env);
        if (r < 0 && r != -ENOMSG)
                return r;
        sealed = r >= 0;
        if (!sealed && !raw_header_is_dump(head, FLAT_HEADER_SIZE))
                return 0;

        r = make_dump_dir(path, &dir);
        if (r < 0)
                return r;
        if (asprintf(&incomplete, "%s/%s", dir, sealed ? "vmcore-incomplete.age" : "vmcore-incomplete") < 0 ||
            asprintf(&final, "%s/%s", dir, sealed ? "vmcore.age" : "vmcore") < 0)
                return -ENOMEM;

        r = sealed ? copy_sealed(fd, &env, incomplete, digest) : rearrange(collect, fd, incomplete);
        if (r < 0)
                return r;
        if (!sealed)
                r = hash_rebuilt(incomplete, digest, &size);
        if (r >= 0)
                r = write_extras(dir, sealed ? "vmcore.age" : "vmcore", digest, sealed ? env.length : size,
                                 sealed ? env.recipients : NULL);
        if (r < 0)
                return r;
        (void) chmod(incomplete, 0600);
        {
                _cleanup_close_ int out = open(incomplete, O_RDONLY | O_CLOEXEC);
                if (out < 0 || fsync(out) < 0)
                        return negative_errno();
        }
        if (rename(incomplete, final) < 0)
                return negative_errno();
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) < 0)
                return negative_errno();

        /* Saved and on disk: clear the header (or envelope) so it is not
         * saved again. */
        memset(head, 0, sizeof(head));
        r = pwrite_full(fd, head, sealed ? RAW_ENVELOPE_SIZE : FLAT_HEADER_SIZE, 0);
        if (r < 0)
                return r;
        if (fsync(fd) < 0)
                return negative_errno();

        *ret_dir = TAKE_PTR(dir);
        if (ret_sealed)
                *ret_sealed = sealed;
        return 1;
}
