/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "basic/kernel-arch.h"
#include "basic/log.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/spawn.h"
#include "config/kdump-conf.h"
#include "initramfs/collect/dump-dmesg.h"
#include "kdumpd/catalog.h"
#include "kdumpd/dump-manifest.h"
#include "kdumpd/json-out.h"
#include "kdumpd/verbs-catalog.h"

bool catalog_verb_known(const char *verb) {
        return strcmp(verb, "list") == 0 || strcmp(verb, "info") == 0 || strcmp(verb, "dmesg") == 0;
}

int catalog_open(const struct catalog_verb_opts *o, char **ret_dir, dump_catalog **ret) {
        _cleanup_free_ char *dir = NULL, *err = NULL;
        const char *config = o->config_path ? o->config_path : KDUMP_CONF_PATH;
        int r;

        if (o->dump_dir) {
                dir = strdup(o->dump_dir);
                if (!dir)
                        return log_oom();
        } else {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;

                r = kdump_config_load(config, &c, &err);
                if (r < 0)
                        return log_error_errno(r, "%s", err ? err : "Failed to read the configuration");
                r = dump_catalog_dir(c, &dir, &err);
                if (r < 0)
                        return log_error_errno(r, "Cannot find the dumps: %s", err ? err : strerror(-r));
        }
        r = dump_catalog_scan(dir, ret);
        if (r < 0)
                return log_error_errno(r, "Failed to read the dumps in %s: %m", dir);
        *ret_dir = TAKE_PTR(dir);
        return 0;
}

static const char *format_time(char *buf, size_t size, const struct dump_entry *e) {
        struct tm tm;
        time_t t = (time_t) e->time;

        if (!e->have_time || !localtime_r(&t, &tm) || strftime(buf, size, "%a %Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                return "-";
        return buf;
}

static const char *format_iso(char *buf, size_t size, const struct dump_entry *e) {
        struct tm tm;
        time_t t = (time_t) e->time;

        if (!e->have_time || !gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return NULL;
        return buf;
}

static const char *entry_release(const struct dump_entry *e) {
        return e->info_error >= 0 && e->info.release[0] ? e->info.release : NULL;
}

/* files: list's FILES word (entry_files_state()) */
static void json_entry(FILE *out, size_t idx, const struct dump_entry *e, const char *files) {
        char iso[64];
        bool first = true;

        fputc('{', out);
        json_kv_u64(out, &first, "index", idx);
        json_kv_string(out, &first, "id", e->id);
        json_kv_string(out, &first, "directory", e->dir);
        json_kv_string(out, &first, "host", e->host);
        if (e->have_time) {
                json_kv_i64(out, &first, "time", e->time);
                json_kv_string(out, &first, "time_iso", format_iso(iso, sizeof(iso), e));
                json_kv_string(out, &first, "time_source", e->time_source);
        } else
                json_kv_null(out, &first, "time");
        json_kv_string(out, &first, "kernel_release", entry_release(e));
        json_kv_string(out, &first, "panic", e->panic);
        json_kv_bool(out, &first, "encrypted", e->sealed);
        json_kv_string(out, &first, "vmcore", e->vmcore);
        if (e->vmcore) {
                json_kv_u64(out, &first, "size", e->size);
                json_kv_u64(out, &first, "disk_size", e->disk_size);
        } else
                json_kv_null(out, &first, "size");
        json_kv_bool(out, &first, "complete", e->complete);
        json_kv_string(out, &first, "incomplete_reason", e->incomplete_reason);
        json_kv_string(out, &first, "format", e->vmcore && e->info_error >= 0 ? dump_format_to_string(e->info.format) : NULL);
        json_kv_string(out, &first, "compression", e->info_error >= 0 ? e->info.compression : NULL);
        if (e->info_error >= 0 && e->info.dump_level >= 0)
                json_kv_i64(out, &first, "dump_level", e->info.dump_level);
        else
                json_kv_null(out, &first, "dump_level");
        json_kv_string(out, &first, "machine", e->vmcore && e->info_error >= 0 && e->info.machine[0] ? e->info.machine : NULL);
        json_kv_string(out, &first, "dmesg", e->dmesg);
        json_kv_string(out, &first, "files", files);
        fputc('}', out);
}

static const char *state_dir_of(const struct catalog_verb_opts *o) {
        return o->state_dir ?: KDUMP_STATEDIR;
}

int catalog_verify_record_load(const struct catalog_verb_opts *o, verify_record **ret) {
        int r = verify_record_load(state_dir_of(o), ret);

        if (r == -EACCES || r == -EPERM) {
                log_debug("Cannot read %s/%s (%s): every dump shows as unchecked.", state_dir_of(o),
                          VERIFY_RECORD_FILE, strerror(-r));
                return verify_record_new(ret);
        }
        return r;
}

void catalog_verify_record_save(const struct catalog_verb_opts *o, const verify_record *v) {
        int r = verify_record_save(state_dir_of(o), v);

        if (r < 0)
                log_debug("Failed to save %s/%s, the next list shows these dumps unchecked: %s", state_dir_of(o),
                          VERIFY_RECORD_FILE, strerror(-r));
}

/* list's FILES word for e: without --verify from what earlier checks found
 * (no dump data read), with it from reading every file whole. */
static const char *entry_files_state(const struct dump_entry *e, verify_record *record, bool full) {
        _cleanup_(sha256_manifest_freep) sha256_manifest *m = NULL;
        _cleanup_free_ struct sha256_check_result *res = NULL;
        _cleanup_free_ char *err = NULL;
        size_t n = 0;

        if (!full)
                return dump_files_state_to_string(dump_manifest_quick(e, record));
        return dump_files_state_to_string(dump_files_state_from_check(dump_manifest_check(e, record, &m, &res, &n, &err)));
}

static void list_json(FILE *out, const dump_catalog *c, const char *const *files) {
        fputc('[', out);
        for (size_t i = 0; i < c->n; i++) {
                if (i)
                        fputc(',', out);
                json_entry(out, i + 1, &c->entries[i], files[i]);
        }
        fputs("]\n", out);
}

static void list_table(FILE *out, const dump_catalog *c, const char *dir, const char *const *files) {
        int host_width = 0;

        if (c->n == 0) {
                fprintf(out, "No dumps in %s.\n", dir);
                return;
        }
        /* A HOST column when dumps came from other machines (an NFS
         * export many machines share): "<host>-<date>" directories. */
        for (size_t i = 0; i < c->n; i++)
                if (c->entries[i].host)
                        host_width = MAX(host_width, (int) strlen(c->entries[i].host));
        fprintf(out, "%3s %-27s ", "#", "TIME");
        if (host_width)
                fprintf(out, "%-*s ", MAX(host_width, 4), "HOST");
        fprintf(out, "%-20s %10s %-8s %-10s ", "KERNEL", "SIZE", "COMPLETE", "FILES");
        fprintf(out, "%-19s %s\n", "DIRECTORY", "PANIC");
        for (size_t i = 0; i < c->n; i++) {
                const struct dump_entry *e = &c->entries[i];
                char t[64], b[32];

                fprintf(out, "%3zu %-27s ", i + 1, format_time(t, sizeof(t), e));
                if (host_width)
                        fprintf(out, "%-*s ", MAX(host_width, 4), e->host ?: "-");
                fprintf(out, "%-20s %10s %-8s ", e->sealed ? "encrypted" : entry_release(e) ?: "-",
                        e->vmcore ? format_bytes(b, sizeof(b), e->size) : "-", e->complete ? "yes" : "no");
                fprintf(out, "%-10s ", files[i]);
                fprintf(out, "%-19s %s\n", e->id, e->sealed ? "encrypted" : e->panic ?: "-");
        }
        fprintf(out, "\n%zu dump%s in %s.\n", c->n, c->n == 1 ? "" : "s", dir);
}

static int verb_list(const struct catalog_verb_opts *o, FILE *out) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        _cleanup_(verify_record_freep) verify_record *record = NULL;
        _cleanup_free_ const char **files = NULL;
        _cleanup_free_ char *dir = NULL;
        int r;

        r = catalog_open(o, &dir, &c);
        if (r < 0)
                return r;
        r = catalog_verify_record_load(o, &record);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s/%s: %m", state_dir_of(o), VERIFY_RECORD_FILE);
        /* each dump's FILES word, then (with --verify) what the reading found kept */
        files = calloc(c->n ?: 1, sizeof(*files));
        if (!files)
                return log_oom();
        for (size_t i = 0; i < c->n; i++)
                files[i] = entry_files_state(&c->entries[i], record, o->verify);
        if (o->verify && c->n > 0)
                catalog_verify_record_save(o, record);

        if (o->json)
                list_json(out, c, files);
        else
                list_table(out, c, dir, files);
        return 0;
}

int catalog_find(const dump_catalog *c, const char *dir, const char *id, const struct dump_entry **ret) {
        int r = dump_catalog_find(c, id, ret);

        if (r == -ENOTUNIQ)
                return log_error_errno(r, "'%s' matches several dumps in %s; give more of the name.", id, dir);
        if (r < 0 && c->n == 0)
                return log_error_errno(r, "No dumps in %s.", dir);
        if (r < 0)
                return log_error_errno(r, "No dump '%s' in %s (%zu dump%s; see kdumpctl list).", id, dir, c->n,
                                       c->n == 1 ? "" : "s");
        return 0;
}

const char *catalog_age_program(void) {
        return getenv("KDUMPD_AGE") ?: KDUMP_LIBEXECDIR "/kdump-age";
}

/* A sealed log, opened in memory with the identity: its release and panic
 * (each NULL when not found).  Nothing is written. */
static int sealed_log_facts(const struct catalog_verb_opts *o, const struct dump_entry *e, char **ret_release,
                            char **ret_panic) {
        _cleanup_(spawn_result_done) struct spawn_result res = {};
        int r;

        r = spawn_capture((char *const[]) { (char *) catalog_age_program(),
                                            (char *) "decrypt", (char *) "-i", (char *) o->identity, e->dmesg, NULL },
                          &(struct spawn_opts) { .sz = sizeof(struct spawn_opts), .stdin_fd = -1, .stdout_fd = -1,
                                                 .capture_max = CATALOG_DMESG_MAX }, &res);
        if (r < 0)
                return log_error_errno(r, "Failed to run kdump-age: %m");
        if (res.status != 0)
                return log_error_errno(EBADMSG, "Failed to open %s with %s: %s", e->dmesg, o->identity,
                                       res.err && *res.err ? strtok(res.err, "\n") : "kdump-age failed");
        if (dump_release_from_dmesg(res.out, strlen(res.out), ret_release) == -ENOMEM ||
            dump_panic_from_dmesg(res.out, strlen(res.out), ret_panic) == -ENOMEM)
                return log_oom();
        return 0;
}

/* How to open the dump: crash(8) with the release's vmlinux; for a dump of
 * another architecture (an arm64 dump on an x86_64 workstation) drgn, since
 * Debian's crash(8) reads only its own architecture's dumps, and the debug
 * package of that architecture. */
static int print_analyse(FILE *out, const struct dump_entry *e, const char *rel) {
        _cleanup_free_ char *vmlinux = NULL;
        const char *here = kernel_arch_uname(KERNEL_ARCH_NATIVE);
        enum kernel_arch arch;
        bool have_vmlinux = false, foreign;
        int r;

        if (!e->vmcore)
                return 0;
        if (!rel) {
                fprintf(out, "     Analyse: crash /usr/lib/debug/boot/vmlinux-<release> %s (the release is unknown)\n",
                        e->vmcore);
                return 0;
        }
        r = dump_vmlinux_path(NULL, rel, &vmlinux, &have_vmlinux);
        if (r < 0)
                return log_oom();
        foreign = !e->sealed && e->info.machine[0] && strcmp(e->info.machine, here) != 0;
        if (e->sealed)
                fprintf(out, "     Analyse: kdumpctl decrypt %s --identity=FILE, then crash %s %s/vmcore\n",
                        e->id, vmlinux, e->dir);
        else if (foreign)
                fprintf(out, "     Analyse: drgn -c %s -s %s\n"
                             "              (crash(8) on this %s machine reads %s dumps only: run it on an %s machine)\n",
                        e->vmcore, vmlinux, here, here, e->info.machine);
        else
                fprintf(out, "     Analyse: crash %s %s\n", vmlinux, e->vmcore);
        if (have_vmlinux)
                return 0;
        if (foreign && kernel_arch_from_uname(e->info.machine, &arch) >= 0)
                fprintf(out, "              (%s is not installed: dpkg --add-architecture %s; apt-get update;\n"
                             "              apt-get install linux-image-%s-dbg:%s)\n",
                        vmlinux, kernel_arch_debian(arch), rel, kernel_arch_debian(arch));
        else
                fprintf(out, "              (%s is not installed: apt-get install linux-image-%s-dbg)\n", vmlinux, rel);
        return 0;
}

static int verb_info(const struct catalog_verb_opts *o, const char *id, FILE *out) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        _cleanup_free_ char *dir = NULL, *sealed_rel = NULL, *sealed_panic = NULL;
        const struct dump_entry *e;
        const char *rel, *panic;
        char t[64], b1[32], b2[32];
        int r;

        r = catalog_open(o, &dir, &c);
        if (r < 0)
                return r;
        r = catalog_find(c, dir, id, &e);
        if (r < 0)
                return r;
        rel = entry_release(e);
        panic = e->panic;
        if (e->sealed && e->dmesg && o->identity) {
                r = sealed_log_facts(o, e, &sealed_rel, &sealed_panic);
                if (r < 0)
                        return r;
                rel = sealed_rel;
                panic = sealed_panic;
        }

        fprintf(out, "          ID: %zu (%s)\n", (size_t) (e - c->entries) + 1, e->id);
        fprintf(out, "   Directory: %s\n", e->dir);
        if (e->host)
                fprintf(out, "        Host: %s (the machine that sent it)\n", e->host);
        fprintf(out, "  Crash time: %s", format_time(t, sizeof(t), e));
        if (e->have_time)
                fprintf(out, " (from %s)", e->time_source);
        fputc('\n', out);
        fprintf(out, "      Kernel: %s%s\n", rel ?: e->sealed && !o->identity ? "encrypted" : "unknown",
                rel && sealed_rel ? " (from the log, opened with --identity)" : "");
        fprintf(out, "       Panic: %s\n", panic ?: e->sealed && !o->identity ? "encrypted" :
                                            e->dmesg ? "not found in the kernel log" : "unknown (no vmcore-dmesg.txt)");
        if (e->vmcore) {
                fprintf(out, "        Dump: %s\n", e->vmcore);
                fprintf(out, "        Size: %s (%" PRIu64 " bytes), %s on disk\n", format_bytes(b1, sizeof(b1), e->size),
                        e->size, format_bytes(b2, sizeof(b2), e->disk_size));
        } else
                fprintf(out, "        Dump: none\n");
        fprintf(out, "    Complete: %s%s%s\n", e->complete ? "yes" : "no", e->incomplete_reason ? ": " : "",
                e->incomplete_reason ?: "");
        if (e->vmcore && e->sealed)
                fprintf(out, "      Format: age-encrypted flattened stream\n");
        else if (e->vmcore && e->info_error < 0)
                fprintf(out, "      Format: unreadable (%s)\n", strerror(-e->info_error));
        else if (e->vmcore) {
                fprintf(out, "      Format: %s", dump_format_to_string(e->info.format));
                if (e->info.compression)
                        fprintf(out, ", %s compression", e->info.compression);
                if (e->info.dump_level >= 0)
                        fprintf(out, ", dump level %d", e->info.dump_level);
                fputc('\n', out);
                if (e->info.machine[0])
                        fprintf(out, "     Machine: %s\n", e->info.machine);
                if (e->info.nr_cpus > 0)
                        fprintf(out, "        CPUs: %u online at the crash\n", e->info.nr_cpus);
        }
        fprintf(out, "  Kernel log: %s\n", e->dmesg ?: "none (kdumpctl dmesg reads it from the vmcore)");
        if (e->sealed)
                fprintf(out, "   Encrypted: yes, with age (the keys in %s/RECIPIENTS); open it with\n"
                             "              kdumpctl decrypt %s --identity=FILE; info and dmesg take --identity too\n",
                        e->dir, e->id);

        return print_analyse(out, e, rel);
}

static int copy_file(const char *path, FILE *out) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char buf[65536];
        size_t n;

        if (!f)
                return negative_errno();
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                if (fwrite(buf, 1, n, out) != n)
                        return -EIO;
        return ferror(f) ? -EIO : 0;
}

/* A sealed log opened on the fly with kdump-age; nothing is written. */
static int sealed_dmesg(const struct catalog_verb_opts *o, const struct dump_entry *e, FILE *out) {
        int r;

        if (!e->dmesg)
                return log_error_errno(ENOENT, "Dump %s is encrypted and has no vmcore-dmesg.txt.age.", e->id);
        if (!o->identity)
                return log_error_errno(EINVAL, "Dump %s is encrypted: give --identity=FILE, the age identity of one of "
                                       "its recipients (%s/RECIPIENTS).", e->id, e->dir);
        if (fflush(out) != 0)
                return log_error_errno(errno, "Failed to write the output: %m");
        r = spawn_wait((char *const[]) { (char *) catalog_age_program(),
                                         (char *) "decrypt", (char *) "-i", (char *) o->identity, e->dmesg, NULL },
                       -1, fileno(out));
        if (r != 0)
                return log_error_errno(r < 0 ? r : EBADMSG, "Failed to open %s with %s (the reason is above).", e->dmesg,
                                       o->identity);
        return 0;
}

static int verb_dmesg(const struct catalog_verb_opts *o, const char *id, FILE *out) {
        _cleanup_(dump_catalog_freep) dump_catalog *c = NULL;
        _cleanup_free_ char *dir = NULL;
        const struct dump_entry *e;
        int r;

        r = catalog_open(o, &dir, &c);
        if (r < 0)
                return r;
        r = catalog_find(c, dir, id, &e);
        if (r < 0)
                return r;
        if (e->sealed)
                return sealed_dmesg(o, e, out);
        if (e->dmesg) {
                r = copy_file(e->dmesg, out);
                if (r < 0)
                        return log_error_errno(r, "Failed to read %s: %m", e->dmesg);
                return 0;
        }
        if (!e->vmcore)
                return log_error_errno(ENOENT, "Dump %s has neither vmcore-dmesg.txt nor a vmcore.", e->id);
        r = dump_dmesg_write(e->vmcore, out);
        if (r == -ENOEXEC || r == -EPROTONOSUPPORT || r == -EMEDIUMTYPE)
                return log_error_errno(r, "Dump %s has no vmcore-dmesg.txt, and its %s vmcore cannot be read here: "
                                       "open it with crash(8) and use its 'log' command.", e->id,
                                       dump_format_to_string(e->info.format));
        if (r == -ENODATA)
                return log_error_errno(r, "Dump %s has no vmcore-dmesg.txt, and the pages of the kernel log are not in %s.",
                                       e->id, e->vmcore);
        if (r < 0)
                return log_error_errno(r, "Failed to read the kernel log from %s: %m", e->vmcore);
        return 0;
}

int catalog_verb_run(const char *verb, const struct catalog_verb_opts *o, char *const *args, int n_args, FILE *out) {
        int r;

        if (strcmp(verb, "list") == 0) {
                if (n_args > 0)
                        return log_error_errno(EINVAL, "list takes no arguments.");
                r = verb_list(o, out);
        } else {
                /* Without an ID, the newest dump, as coredumpctl does. */
                const char *id = n_args > 0 ? args[0] : "last";

                if (n_args > 1)
                        return log_error_errno(EINVAL, "%s takes one dump ID, or none for the newest (see kdumpctl "
                                               "list).", verb);
                if (o->json)
                        return log_error_errno(EINVAL, "--json is for list and status.");
                r = strcmp(verb, "info") == 0 ? verb_info(o, id, out) : verb_dmesg(o, id, out);
        }
        if (r >= 0 && fflush(out) != 0)
                return log_error_errno(errno, "Failed to write the output: %m");
        return r;
}
