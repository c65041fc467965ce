/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-collect: saves the crashed kernel's memory from the capture
 * environment.  Today it writes an exact ELF copy of the dump (makedumpfile
 * -E -d 0) and the kernel log (--dump-dmesg); option spellings follow
 * makedumpfile so that core_collector lines keep working when page filtering
 * and compressed output arrive. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/log.h"
#include "basic/parse-util.h"
#include "build-config.h"
#include "initramfs/collect/elf-copy.h"
#include "initramfs/collect/progress.h"
#include "notes/printk.h"
#include "notes/vmcore.h"

enum {
        EXIT_OK = 0,
        EXIT_FAILED = 1,        /* input unreadable or not a dump, I/O error */
        EXIT_USAGE = 2,         /* bad or not yet supported options */
        EXIT_EXISTS = 3,        /* output exists and --force was not given */
        EXIT_INCOMPLETE = 4,    /* target full: partial dump kept, marked incomplete */
};

/* makedumpfile's --message-level bits. */
enum {
        ML_PROGRESS = 1 << 0,
        ML_COMMON = 1 << 1,
        ML_ERROR = 1 << 2,
        ML_DEBUG = 1 << 3,
        ML_DEFAULT = ML_PROGRESS | ML_COMMON | ML_ERROR,
};

static struct {
        bool dump_dmesg;
        bool force;
        bool no_mmap;
        bool no_sparse;
        unsigned message_level;
        const char *input;
        const char *output;
} arg = { .message_level = ML_DEFAULT };

static void help(void) {
        printf("Usage: kdump-collect [OPTIONS] VMCORE OUTPUT\n"
               "       kdump-collect --dump-dmesg [OPTIONS] VMCORE OUTPUT\n"
               "\n"
               "Copies a kernel crash dump (normally /proc/vmcore in the capture kernel)\n"
               "to OUTPUT as an ELF core file, byte for byte, or writes its kernel log.\n"
               "\n"
               "  -E                   ELF output (the default and, for now, only format)\n"
               "  -d, --dump-level N   page filtering level; only 0 is implemented\n"
               "      --dump-dmesg     write the kernel log (dmesg) of VMCORE to OUTPUT\n"
               "  -f, --force          replace OUTPUT if it exists\n"
               "      --message-level N  bit mask: 1 progress, 2 common messages,\n"
               "                       4 errors, 8 debug (default 7)\n"
               "  -D                   debug messages (message level 31)\n"
               "      --non-mmap       read with pread() instead of mmap()\n"
               "      --no-sparse      write zero pages instead of leaving holes\n"
               "  -h, --help           this text\n"
               "      --version        the version\n"
               "\n"
               "Not supported yet (rejected, named in the message): -l, -z, -c, -p, -F, -R,\n"
               "--num-threads, --split, --reassemble, -x, -i, --cyclic-buffer, --work-dir.\n"
               "\n"
               "OUTPUT is created with mode 0600 and never replaced without --force.\n"
               "Exit status: 0 success; 1 failure (unreadable input, not a dump, I/O error);\n"
               "2 bad or unsupported options; 3 OUTPUT exists; 4 the target filled up: the\n"
               "part written is kept and marked incomplete (ELF e_flags = 1).\n");
}

enum {
        OPT_DUMP_DMESG = 0x100,
        OPT_MESSAGE_LEVEL,
        OPT_NON_MMAP,
        OPT_NO_SPARSE,
        OPT_VERSION,
        OPT_UNSUPPORTED_NOARG,
        OPT_UNSUPPORTED_ARG,
};

static int parse_argv(int argc, char *argv[]) {
        static const struct option options[] = {
                { "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
                { "dump-level", required_argument, NULL, 'd' },
                { "force", no_argument, NULL, 'f' },
                { "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
                { "non-mmap", no_argument, NULL, OPT_NON_MMAP },
                { "no-sparse", no_argument, NULL, OPT_NO_SPARSE },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, OPT_VERSION },
                { "num-threads", required_argument, NULL, OPT_UNSUPPORTED_ARG },
                { "cyclic-buffer", required_argument, NULL, OPT_UNSUPPORTED_ARG },
                { "splitblock-size", required_argument, NULL, OPT_UNSUPPORTED_ARG },
                { "work-dir", required_argument, NULL, OPT_UNSUPPORTED_ARG },
                { "eppic", required_argument, NULL, OPT_UNSUPPORTED_ARG },
                { "split", no_argument, NULL, OPT_UNSUPPORTED_NOARG },
                { "reassemble", no_argument, NULL, OPT_UNSUPPORTED_NOARG },
                { "non-cyclic", no_argument, NULL, OPT_UNSUPPORTED_NOARG },
                { "mem-usage", no_argument, NULL, OPT_UNSUPPORTED_NOARG },
                {}
        };
        int c, idx;

        opterr = 0;
        while ((c = getopt_long(argc, argv, ":Ed:fDhlzcpFRx:i:g:", options, &idx)) >= 0) {
                switch (c) {
                case 'E':
                        break;
                case 'd': {
                        unsigned level;
                        if (safe_atou(optarg, &level) < 0 || level > 31)
                                return log_error_errno(EINVAL, "Invalid dump level '%s': expected 0..31.", optarg);
                        if (level != 0)
                                return log_error_errno(EOPNOTSUPP,
                                                       "Dump level %u needs page filtering, not implemented yet; use -d 0 (a full ELF copy).",
                                                       level);
                        break;
                }
                case 'f':
                        arg.force = true;
                        break;
                case 'D':
                        arg.message_level = 31;
                        break;
                case OPT_DUMP_DMESG:
                        arg.dump_dmesg = true;
                        break;
                case OPT_MESSAGE_LEVEL:
                        if (safe_atou(optarg, &arg.message_level) < 0 || arg.message_level > 31)
                                return log_error_errno(EINVAL, "Invalid message level '%s': expected 0..31.", optarg);
                        break;
                case OPT_NON_MMAP:
                        arg.no_mmap = true;
                        break;
                case OPT_NO_SPARSE:
                        arg.no_sparse = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case OPT_VERSION:
                        printf("kdump-collect (kdumpd) %s\n", PACKAGE_VERSION);
                        return 0;
                case 'l': case 'z': case 'c': case 'p':
                        return log_error_errno(EOPNOTSUPP, "Option -%c (compressed kdump format) is not supported yet; use -E.", c);
                case 'F':
                        return log_error_errno(EOPNOTSUPP, "Option -F (flattened output) is not supported yet.");
                case 'R':
                        return log_error_errno(EOPNOTSUPP, "Option -R (rearrange flattened input) is not supported yet.");
                case 'x': case 'i': case 'g':
                        return log_error_errno(EOPNOTSUPP, "Option -%c is not supported yet: kdump-collect reads VMCOREINFO from the dump itself.", c);
                case OPT_UNSUPPORTED_ARG:
                case OPT_UNSUPPORTED_NOARG:
                        return log_error_errno(EOPNOTSUPP, "Option --%s is not supported yet.", options[idx].name);
                case ':':
                        return log_error_errno(EINVAL, "Option %s needs an argument.", argv[optind - 1]);
                default:
                        return log_error_errno(EINVAL, "Unknown option %s; see --help.", argv[optind - 1]);
                }
        }

        if (argc - optind != 2)
                return log_error_errno(EINVAL, "Expected VMCORE and OUTPUT arguments; see --help.");
        arg.input = argv[optind];
        arg.output = argv[optind + 1];
        return 1;
}

static int apply_message_level(void) {
        if (arg.message_level & ML_DEBUG)
                log_set_max_level(LOG_LEVEL_DEBUG);
        else if (arg.message_level & ML_COMMON)
                log_set_max_level(LOG_LEVEL_INFO);
        else if (arg.message_level & ML_ERROR)
                log_set_max_level(LOG_LEVEL_ERR);
        else
                log_set_max_level(0);
        return 0;
}

/* 0600, never following a symlink planted at OUTPUT, never replacing a
 * file unless asked: a dump holds every secret the machine had in RAM. */
static int create_output(const char *path, int *ret_fd) {
        int fd;

        if (arg.force && unlink(path) < 0 && errno != ENOENT)
                return log_error_errno(errno, "Failed to remove %s: %m", path);
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
                if (errno == EEXIST) {
                        log_error("%s exists; not replacing it without --force.", path);
                        return -EEXIST;
                }
                return log_error_errno(errno, "Failed to create %s: %m", path);
        }
        *ret_fd = fd;
        return 0;
}

static int exit_for(int r) {
        if (r == -EEXIST)
                return EXIT_EXISTS;
        return EXIT_FAILED;
}

static int do_dump_dmesg(void) {
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        int fd = -EBADF, r;

        r = vmcore_open(arg.input, 0, &v);
        if (r < 0) {
                log_error_errno(r, "Failed to read the dump %s: %m", arg.input);
                return EXIT_FAILED;
        }
        if (!vmcore_vmcoreinfo(v)) {
                log_error_errno(vmcore_vmcoreinfo_error(v), "%s has no usable VMCOREINFO note (%m); cannot find the kernel log.", arg.input);
                return EXIT_FAILED;
        }

        r = create_output(arg.output, &fd);
        if (r < 0)
                return exit_for(r);
        f = fdopen(fd, "w");
        if (!f) {
                r = log_error_errno(errno, "Failed to open %s: %m", arg.output);
                safe_close(fd);
                (void) unlink(arg.output);
                return EXIT_FAILED;
        }

        r = printk_dump(v, f);
        if (r >= 0 && fsync(fileno(f)) < 0)
                r = negative_errno();
        if (r < 0) {
                if (r == -ENOENT)
                        log_error("VMCOREINFO of %s lacks the entries needed to find the kernel log (printk ring buffer or log_buf).", arg.input);
                else
                        log_error_errno(r, "Failed to extract the kernel log from %s to %s: %m", arg.input, arg.output);
                (void) unlink(arg.output);
                return EXIT_FAILED;
        }
        log_info("Wrote %d kernel log records to %s.", r, arg.output);
        return EXIT_OK;
}

struct progress_ctx {
        struct progress p;
        bool tty;
};

static void progress_cb(uint64_t done, uint64_t total, void *userdata) {
        struct progress_ctx *c = userdata;
        uint64_t now = progress_now_ns();
        char line[128];

        if (!(arg.message_level & ML_PROGRESS) || !progress_due(&c->p, done, now))
                return;
        progress_format(&c->p, done, now, line, sizeof(line));
        /* A console or log file gets whole lines; a terminal one line redrawn. */
        if (c->tty)
                fprintf(stderr, "\r%s%s", line, done >= total ? "\n" : "");
        else
                fprintf(stderr, "%s\n", line);
}

static int do_copy(void) {
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_close_ int in_fd = -EBADF, out_fd = -EBADF;
        struct progress_ctx pc = { .tty = isatty(STDERR_FILENO) };
        struct elf_copy_result res;
        struct stat st;
        uint64_t size;
        int r;

        in_fd = open(arg.input, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (in_fd < 0) {
                log_error_errno(errno, "Failed to open %s: %m", arg.input);
                return EXIT_FAILED;
        }
        if (fstat(in_fd, &st) < 0) {
                log_error_errno(errno, "Failed to stat %s: %m", arg.input);
                return EXIT_FAILED;
        }
        size = (uint64_t) st.st_size;

        /* Check what we copy, but copy a dump with odd headers anyway: the
         * raw bytes are worth more than a refusal.  Only "this is not a core
         * file at all" stops us (a wrong argument, most likely). */
        r = vmcore_open_fd(in_fd, 0, &v);
        if (r == -ENOEXEC || r == -EPROTONOSUPPORT) {
                log_error_errno(r, "%s is not an ELF64 core file (%m).", arg.input);
                return EXIT_FAILED;
        }
        if (r < 0)
                log_warning_errno(r, "The headers of %s look wrong (%m); copying the file as it is.", arg.input);
        else {
                const vmcoreinfo *vi = vmcore_vmcoreinfo(v);
                const char *rel = vi ? vmcoreinfo_get(vi, "OSRELEASE") : NULL;
                size_t n;

                (void) vmcore_loads(v, &n);
                log_info("Dump of Linux %s, %u CPUs, %zu memory ranges.", rel ?: "(unknown release)", vmcore_ncpus(v), n);
        }

        r = create_output(arg.output, &out_fd);
        if (r < 0)
                return exit_for(r);

        progress_init(&pc.p, size, progress_now_ns());
        r = elf_copy(in_fd, size, out_fd,
                     &(struct elf_copy_options) {
                             .sz = sizeof(struct elf_copy_options),
                             .no_mmap = arg.no_mmap,
                             .no_sparse = arg.no_sparse,
                             .progress = progress_cb,
                             .userdata = &pc,
                     }, &res);
        if (r == -ENOSPC || r == -EDQUOT || r == -EFBIG) {
                char a[32], b[32];
                int k = elf_mark_incomplete(out_fd);

                log_error_errno(r, "The dump target is full (%m) after %s of %s; keeping the partial dump %s%s.",
                                format_bytes(a, sizeof(a), res.copied), format_bytes(b, sizeof(b), size), arg.output,
                                k >= 0 ? ", marked incomplete" : " (could not mark it incomplete)");
                (void) fsync(out_fd);
                return EXIT_INCOMPLETE;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to copy %s to %s at offset %llu: %m", arg.input, arg.output,
                                (unsigned long long) res.copied);
                return EXIT_FAILED;
        }
        if (fsync(out_fd) < 0) {
                if (errno == ENOSPC || errno == EDQUOT) {
                        (void) elf_mark_incomplete(out_fd);
                        log_error_errno(errno, "The dump target is full (%m) while flushing %s; it is incomplete.", arg.output);
                        return EXIT_INCOMPLETE;
                }
                log_error_errno(errno, "Failed to flush %s: %m", arg.output);
                return EXIT_FAILED;
        }
        log_debug("Read with %s.", res.used_mmap ? "mmap" : "pread");
        return EXIT_OK;
}

int main(int argc, char *argv[]) {
        int r;

        log_set_prefix("kdump-collect");
        r = parse_argv(argc, argv);
        if (r < 0)
                return EXIT_USAGE;
        if (r == 0)
                return EXIT_OK;
        apply_message_level();
        umask(0077);

        return arg.dump_dmesg ? do_dump_dmesg() : do_copy();
}
