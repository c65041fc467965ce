/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-collect: saves the crashed kernel's memory from the capture
 * environment, with makedumpfile's options and meanings: page filtering by
 * dump level (-d), the kdump-compressed format (the default, uncompressed
 * unless -l/-z/-c/-p), filtered ELF (-E), the flattened stream (-F) and its
 * reassembly (-R), the kernel log (--dump-dmesg).  -E -d 0 is a byte-exact
 * copy of the input through mmap windows. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"

#include "basic/log.h"
#include "basic/parse-util.h"
#include "build-config.h"
#include "initramfs/collect/dump-job.h"
#include "initramfs/collect/elf-copy.h"
#include "initramfs/collect/flatten.h"
#include "initramfs/collect/page-compress.h"
#include "initramfs/collect/progress.h"
#include "initramfs/collect/vmcore-source.h"
#include "initramfs/collect/dump-dmesg.h"
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
        bool elf;
        bool flat;
        bool rearrange;
        unsigned dump_level;
        enum page_compression compression;
        char compress_opt;      /* the option that chose it, for messages */
        unsigned threads;       /* 0: the online CPUs */
        unsigned message_level;
        const char *input;
        const char *output;
} arg = { .message_level = ML_DEFAULT };

static void help(void) {
        printf("Usage: kdump-collect [OPTIONS] VMCORE OUTPUT\n"
               "       kdump-collect -F [OPTIONS] VMCORE > STREAM\n"
               "       kdump-collect -R OUTPUT < STREAM\n"
               "       kdump-collect --dump-dmesg VMCORE OUTPUT\n"
               "\n"
               "Saves a kernel crash dump (normally /proc/vmcore in the capture kernel, or\n"
               "a saved ELF vmcore), filtered and compressed like makedumpfile, with the\n"
               "same options.  The default output is the kdump-compressed format without\n"
               "compression, as makedumpfile's; crash(8) and drgn read it.\n"
               "\n"
               "  -d, --dump-level N   exclude pages (bit mask): 1 zero, 2 cache without\n"
               "                       private data, 4 all cache, 8 user, 16 free (default 0)\n"
               "  -l                   kdump-compressed, lzo per page\n"
               "  -z                   kdump-compressed, zstd per page\n"
               "  -c                   kdump-compressed, zlib per page\n"
               "  -p                   kdump-compressed, snappy per page%s\n"
               "  -E                   ELF output (excluded runs become holes); -E -d 0 is an\n"
               "                       exact copy of VMCOREINFO's dump\n"
               "  -F                   write a flattened stream to stdout (for pipes)\n"
               "  -R                   rebuild OUTPUT from a flattened stream on stdin\n"
               "      --num-threads N  compression threads (default: the online CPUs); the\n"
               "                       output does not depend on it\n"
               "      --dump-dmesg     write the kernel log (dmesg) of VMCORE (ELF or\n"
               "                       kdump-compressed) to OUTPUT\n"
               "  -f, --force          replace OUTPUT if it exists\n"
               "      --message-level N  bit mask: 1 progress, 2 common messages,\n"
               "                       4 errors, 8 debug (default 7)\n"
               "  -D                   debug messages (message level 31)\n"
               "      --non-mmap       read with pread() instead of mmap()\n"
               "      --no-sparse      -E -d 0: write zero pages instead of leaving holes\n"
               "  -h, --help           this text\n"
               "      --version        the version\n"
               "\n"
               "Page filtering needs only the dump's VMCOREINFO (no vmlinux); when it cannot\n"
               "interpret it, it says so and uses the highest level it can honour.\n"
               "Buffers are sized from MemAvailable; the peak use is reported at the end.\n"
               "Not supported (rejected): --split, --reassemble, -x, -i, --cyclic-buffer,\n"
               "--work-dir, --eppic, --mem-usage.\n"
               "\n"
               "OUTPUT is created with mode 0600 and never replaced without --force.\n"
               "Exit status: 0 success; 1 failure (unreadable input, not a dump, I/O error);\n"
               "2 bad or unsupported options; 3 OUTPUT exists; 4 the target filled up: the\n"
               "part written is kept and marked incomplete (ELF e_flags = 1, kdump-compressed\n"
               "header status 0x8).\n",
               page_compression_supported(PAGE_COMPRESS_SNAPPY) ? "" : " (not in this build)");
}

enum {
        OPT_DUMP_DMESG = 0x100,
        OPT_MESSAGE_LEVEL,
        OPT_NON_MMAP,
        OPT_NO_SPARSE,
        OPT_VERSION,
        OPT_NUM_THREADS,
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
                { "num-threads", required_argument, NULL, OPT_NUM_THREADS },
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
                        arg.elf = true;
                        break;
                case 'd':
                        if (safe_atou(optarg, &arg.dump_level) < 0 || arg.dump_level > 31)
                                return log_error_errno(EINVAL, "Invalid dump level '%s': expected 0..31.", optarg);
                        break;
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
                case 'l': case 'z': case 'c': case 'p': {
                        enum page_compression pc = c == 'l' ? PAGE_COMPRESS_LZO :
                                                   c == 'z' ? PAGE_COMPRESS_ZSTD :
                                                   c == 'c' ? PAGE_COMPRESS_ZLIB : PAGE_COMPRESS_SNAPPY;
                        if (arg.compress_opt && arg.compress_opt != c)
                                return log_error_errno(EINVAL, "Options -%c and -%c both choose a compression; give one.",
                                                       arg.compress_opt, c);
                        if (!page_compression_supported(pc))
                                return log_error_errno(EOPNOTSUPP, "Option -%c: this kdump-collect is built without %s.",
                                                       c, page_compression_name(pc));
                        arg.compression = pc;
                        arg.compress_opt = (char) c;
                        break;
                }
                case 'F':
                        arg.flat = true;
                        break;
                case 'R':
                        arg.rearrange = true;
                        break;
                case OPT_NUM_THREADS:
                        if (safe_atou(optarg, &arg.threads) < 0 || arg.threads == 0 || arg.threads > 1024)
                                return log_error_errno(EINVAL, "Invalid --num-threads '%s': expected 1..1024.", optarg);
                        break;
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

        if (arg.elf && arg.compress_opt)
                return log_error_errno(EINVAL, "Option -E (ELF output) and -%c (compressed kdump format) exclude each other.",
                                       arg.compress_opt);
        if (arg.rearrange) {
                if (arg.flat || arg.dump_dmesg)
                        return log_error_errno(EINVAL, "Option -R takes no other mode option (-F, --dump-dmesg).");
                if (argc - optind != 1)
                        return log_error_errno(EINVAL, "Expected one OUTPUT argument with -R (the stream comes on stdin).");
                arg.output = argv[optind];
                return 1;
        }
        if (arg.flat) {
                if (arg.dump_dmesg)
                        return log_error_errno(EINVAL, "Options -F and --dump-dmesg exclude each other.");
                if (argc - optind != 1)
                        return log_error_errno(EINVAL, "Expected one VMCORE argument with -F (the stream goes to stdout).");
                arg.input = argv[optind];
                return 1;
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
        _cleanup_fclose_ FILE *f = NULL;
        int fd = -EBADF, r;

        if (access(arg.input, R_OK) < 0) {
                log_error_errno(errno, "Failed to read the dump %s: %m", arg.input);
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

        r = dump_dmesg_write(arg.input, f);
        if (r >= 0 && fsync(fileno(f)) < 0)
                r = negative_errno();
        if (r < 0) {
                if (r == -ENOENT)
                        log_error("%s has no VMCOREINFO, or one without the entries needed to find the kernel log (printk ring buffer or log_buf).", arg.input);
                else if (r == -ENOEXEC)
                        log_error("%s is neither an ELF core nor a kdump-compressed dump.", arg.input);
                else if (r == -EMEDIUMTYPE)
                        log_error("%s is a flattened stream (-F); rebuild the dump first: kdump-collect -R DUMP < %s",
                                  arg.input, arg.input);
                else if (r == -EPROTONOSUPPORT)
                        log_error("%s: reading the log of a kdump-compressed dump needs an x86_64 kernel's page tables (SYMBOL(init_top_pgt)); this dump has none.", arg.input);
                else if (r == -ENODATA)
                        log_error("%s: the pages of the kernel log were left out of the dump (or never written).", arg.input);
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
        struct progress_out out;
};

static void progress_cb(uint64_t done, uint64_t total, void *userdata) {
        struct progress_ctx *c = userdata;
        uint64_t now = progress_now_ns();
        char line[128];

        if (!(arg.message_level & ML_PROGRESS) || !progress_due(&c->p, done, now))
                return;
        progress_format(&c->p, done, now, line, sizeof(line));
        progress_emit(&c->out, stderr, line, done >= total);
}

static int do_copy(void) {
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_close_ int in_fd = -EBADF, out_fd = -EBADF;
        struct progress_ctx pc = { .out.tty = isatty(STDERR_FILENO) };
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
        progress_close(&pc.out, stderr);
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

/* ---- filtered dumps (dump-job) ---- */

/* "MemAvailable:   123456 kB" from /proc/meminfo, in bytes; 0 if unknown. */
static uint64_t meminfo_available(void) {
        _cleanup_free_ char *text = NULL;
        const char *p;
        unsigned long long kb;

        if (read_full_file("/proc/meminfo", &text, NULL) < 0)
                return 0;
        p = strstr(text, "MemAvailable:");
        if (!p || sscanf(p + strlen("MemAvailable:"), "%llu", &kb) != 1)
                return 0;
        return (uint64_t) kb * 1024;
}

/* VmHWM (peak resident set) of this process, in bytes; 0 if unknown. */
static uint64_t peak_rss(void) {
        _cleanup_free_ char *text = NULL;
        const char *p;
        unsigned long long kb;

        if (read_full_file("/proc/self/status", &text, NULL) < 0)
                return 0;
        p = strstr(text, "VmHWM:");
        if (!p || sscanf(p + strlen("VmHWM:"), "%llu", &kb) != 1)
                return 0;
        return (uint64_t) kb * 1024;
}

/* Page buffers get a quarter of the memory the capture kernel has left, at
 * most 64 MiB (more buys no speed: the batch is capped) and at least 2 MiB;
 * the bitmaps (2 bits per page frame) come on top and are checked apart. */
#define BUDGET_MAX (UINT64_C(8) << 20)
#define BUDGET_MIN (UINT64_C(2) << 20)
#define BUDGET_UNKNOWN (UINT64_C(16) << 20)

static size_t memory_budget(uint64_t available) {
        if (available == 0)
                return BUDGET_UNKNOWN;
        return (size_t) MIN(MAX(available / 4, BUDGET_MIN), BUDGET_MAX);
}

struct job_progress {
        struct progress p;
        struct progress_out out;
        bool announced;
};

static void format_excluded(const uint64_t *excluded, uint64_t zero, char *buf, size_t size) {
        static const enum page_class order[] = { PAGE_FREE, PAGE_CACHE, PAGE_CACHE_PRIVATE, PAGE_USER, PAGE_HWPOISON, PAGE_OFFLINE };
        size_t k = 0;

        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(order) && k < size; i++)
                if (excluded[order[i]] > 0)
                        k += (size_t) snprintf(buf + k, size - k, "%s%s %llu", k ? ", " : "",
                                               page_class_name(order[i]), (unsigned long long) excluded[order[i]]);
        if (k < size)
                snprintf(buf + k, size - k, "%szero %llu", k ? ", " : "", (unsigned long long) zero);
}

static void job_progress_cb(const struct dump_progress *pr, void *userdata) {
        struct job_progress *c = userdata;
        uint64_t now = progress_now_ns();
        char line[384], ex[200], w[32];
        double rate;

        if (!(arg.message_level & ML_PROGRESS))
                return;
        if (!c->announced) {
                progress_init(&c->p, pr->pages_total, now);
                c->announced = true;
        }
        if (!progress_due(&c->p, pr->pages_done, now))
                return;
        rate = pr->seconds > 0 ? (double) pr->pages_done * 4096.0 / pr->seconds / (1024.0 * 1024.0) : 0.0;
        format_excluded(pr->excluded, pr->zero_pages, ex, sizeof(ex));
        snprintf(line, sizeof(line), "Dumped %3u%% (%llu of %llu pages), %.1f MiB/s, %s written; excluded pages: %s",
                 pr->pages_total ? (unsigned) (pr->pages_done * 100 / pr->pages_total) : 100,
                 (unsigned long long) pr->pages_done, (unsigned long long) pr->pages_total, rate,
                 format_bytes(w, sizeof(w), pr->bytes_written), ex);
        progress_emit(&c->out, stderr, line, pr->pages_done >= pr->pages_total);
}

static unsigned online_cpus(void) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (unsigned) MIN(n, 1024L) : 1;
}

static int do_rearrange(void) {
        _cleanup_close_ int out_fd = -EBADF;
        uint64_t records = 0;
        int r;

        if (isatty(STDIN_FILENO)) {
                log_error("-R reads a flattened stream on stdin, which is a terminal.");
                return EXIT_USAGE;
        }
        r = create_output(arg.output, &out_fd);
        if (r < 0)
                return exit_for(r);
        r = flatten_rearrange(STDIN_FILENO, out_fd, &records);
        if (r >= 0 && fsync(out_fd) < 0)
                r = negative_errno();
        if (r == -ENOSPC || r == -EDQUOT || r == -EFBIG) {
                log_error_errno(r, "The target is full (%m) while rebuilding %s after %llu records; the file is incomplete.",
                                arg.output, (unsigned long long) records);
                return EXIT_INCOMPLETE;
        }
        if (r == -EBADMSG) {
                log_error("stdin is not a complete flattened dump stream (bad header, record or end); %s is incomplete.", arg.output);
                return EXIT_FAILED;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to rebuild %s from the flattened stream: %m", arg.output);
                return EXIT_FAILED;
        }
        log_info("Rebuilt %s from %llu records.", arg.output, (unsigned long long) records);
        return EXIT_OK;
}

static int do_dump(void) {
        _cleanup_vmcore_ vmcore *v = NULL;
        struct vmcore_source *vs = NULL;
        _cleanup_close_ int out_fd = -EBADF;
        struct job_progress jp = { .out.tty = isatty(STDERR_FILENO) };
        struct dump_result res = {};
        const vmcoreinfo *vi;
        uint64_t avail = meminfo_available();
        size_t budget = memory_budget(avail), nloads;
        char a[32], b[32], c[32], ex[200];
        int fd, r, k;

        r = vmcore_open(arg.input, 0, &v);
        if (r < 0) {
                if (r == -ENOEXEC || r == -EPROTONOSUPPORT)
                        log_error_errno(r, "%s is not an ELF64 core file of this byte order (%m).", arg.input);
                else
                        log_error_errno(r, "Failed to read the dump %s: %m", arg.input);
                return EXIT_FAILED;
        }
        vi = vmcore_vmcoreinfo(v);
        (void) vmcore_loads(v, &nloads);
        log_info("Dump of Linux %s, %u CPUs, %zu memory ranges.",
                 vi && vmcoreinfo_get(vi, "OSRELEASE") ? vmcoreinfo_get(vi, "OSRELEASE") : "(unknown release)",
                 vmcore_ncpus(v), nloads);
        if (!vi && arg.dump_level > 1)
                log_warning_errno(vmcore_vmcoreinfo_error(v), "%s has no usable VMCOREINFO (%m): only zero pages can be excluded.", arg.input);

        r = vmcore_source_new(v, 0, arg.no_mmap, &vs);
        if (r < 0) {
                log_error_errno(r, "Failed to set up reading %s: %m", arg.input);
                return EXIT_FAILED;
        }

        if (arg.flat) {
                if (isatty(STDOUT_FILENO)) {
                        log_error("-F writes a flattened stream to stdout, which is a terminal; redirect it.");
                        vmcore_source_free(vs);
                        return EXIT_USAGE;
                }
                fd = STDOUT_FILENO;
        } else {
                r = create_output(arg.output, &out_fd);
                if (r < 0) {
                        vmcore_source_free(vs);
                        return exit_for(r);
                }
                fd = out_fd;
        }

        log_debug("Memory available %s: page buffers get %s.", format_bytes(a, sizeof(a), avail), format_bytes(b, sizeof(b), budget));
        r = dump_job_run(vmcore_source_get(vs),
                         &(struct dump_options) {
                                 .sz = sizeof(struct dump_options),
                                 .dump_level = arg.dump_level,
                                 .compression = arg.compression,
                                 .flat = arg.flat,
                                 .elf = arg.elf,
                                 .threads = arg.threads ?: online_cpus(),
                                 .memory_budget = budget,
                                 .progress = job_progress_cb,
                                 .progress_userdata = &jp,
                         }, fd, &res);
        /* Also after a failure (a full disk, a read error): the messages
         * below start on their own line. */
        progress_close(&jp.out, stderr);
        log_debug("Read %s of the dump with %s.", format_bytes(a, sizeof(a), vmcore_source_bytes_read(vs)),
                  vmcore_source_mmapped(vs) ? "mmap" : "pread");
        vmcore_source_free(vs);

        if (res.fallback_reason)
                log_warning("Dump level %u lowered to %u: %s%s%s%s.", arg.dump_level, res.effective_level,
                            res.fallback_reason, res.fallback_entry ? " (" : "", res.fallback_entry ?: "",
                            res.fallback_entry ? " not usable)" : "");
        if (res.memmap_unreadable > 0)
                log_warning("%llu pages kept because their struct page could not be read.", (unsigned long long) res.memmap_unreadable);

        k = r;
        if (r >= 0 && !arg.flat && fsync(fd) < 0)
                k = negative_errno();
        if (k == -ENOSPC || k == -EDQUOT || k == -EFBIG) {
                log_error_errno(k, "The dump target is full (%m) after %s; keeping the partial dump %s, marked incomplete.",
                                format_bytes(a, sizeof(a), res.bytes_written), arg.flat ? "(stream)" : arg.output);
                return EXIT_INCOMPLETE;
        }
        if (k < 0) {
                if (k == -EIO)
                        log_error_errno(k, "Failed to read %s (%m): is it cut short?", arg.input);
                else
                        log_error_errno(k, "Failed to write the dump of %s: %m", arg.input);
                return res.incomplete && !arg.flat ? EXIT_INCOMPLETE : EXIT_FAILED;
        }

        format_excluded(res.excluded, res.zero_pages, ex, sizeof(ex));
        log_info("Dump level %u: %llu of %llu RAM pages dumped; excluded pages: %s.",
                 res.effective_level, (unsigned long long) res.dumped_pages, (unsigned long long) res.ram_pages, ex);
        log_info("Wrote %s (%s%s) in %.2f s (filter %.2f s); peak memory %s (page buffers and bitmaps %s).",
                 arg.flat ? "the stream" : arg.output,
                 format_bytes(a, sizeof(a), res.bytes_written),
                 arg.elf ? ", ELF" : arg.compression ? "" : ", uncompressed",
                 res.seconds_total, res.seconds_filter,
                 format_bytes(b, sizeof(b), peak_rss()), format_bytes(c, sizeof(c), res.buffer_bytes));
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

        if (arg.rearrange)
                return do_rearrange();
        if (arg.dump_dmesg)
                return do_dump_dmesg();
        /* -E -d 0: nothing to filter, the plain copy is exact and fastest. */
        if (arg.elf && arg.dump_level == 0 && !arg.flat)
                return do_copy();
        return do_dump();
}
