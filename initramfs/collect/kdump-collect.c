/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-collect: saves the crashed kernel's memory from the capture
 * environment, with makedumpfile's options and meanings: page filtering by
 * dump level (-d), the kdump-compressed format (the default, uncompressed
 * unless -l/-z/-c/-p), filtered ELF (-E), the flattened stream (-F) and its
 * reassembly (-R), the kernel log (--dump-dmesg).  -E -d 0 is a byte-exact
 * copy of the input through mmap windows.  A stream (-F) and the log can
 * be sealed with age (--seal) and hashed (--sha256) while they are written,
 * through a chain of byte sinks (byte-sink.h). */

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
#include "initramfs/collect/byte-sink.h"
#include "initramfs/collect/dump-job.h"
#include "initramfs/collect/elf-copy.h"
#include "initramfs/collect/flatten.h"
#include "initramfs/collect/page-compress.h"
#include "initramfs/collect/progress.h"
#include "initramfs/collect/random-wait.h"
#include "initramfs/collect/sink-seal.h"
#include "initramfs/collect/sink-sha256.h"
#include "initramfs/collect/vmcore-source.h"
#include "initramfs/collect/dump-dmesg.h"
#include "notes/vmcore.h"
#include "seal/age-key.h"
#include "seal/hash-sha256.h"
#include "seal/sha256-manifest.h"

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
        const char *output;     /* NULL: the stream goes to stdout */
        const char *seal;       /* --seal FILE */
        const char *sha256;     /* --sha256 FILE */
        const char *sha256_name;
} arg = { .message_level = ML_DEFAULT };

/* --seal's recipients, read before anything is written. */
static age_recipients *recipients;

static void help(void) {
        printf("Usage: kdump-collect [OPTIONS] VMCORE OUTPUT\n"
               "       kdump-collect -F [OPTIONS] VMCORE > STREAM\n"
               "       kdump-collect -R OUTPUT < STREAM\n"
               "       kdump-collect --dump-dmesg VMCORE OUTPUT\n"
               "       kdump-collect --seal RECIPIENTS [OPTIONS] VMCORE [OUTPUT]\n"
               "       kdump-collect -F --sha256 SUMFILE [OPTIONS] VMCORE [OUTPUT]\n"
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
               "      --seal FILE      encrypt with age to the recipients in FILE (age1... keys,\n"
               "                       one a line, as age -R reads them): the flattened stream\n"
               "                       (-F implied; to OUTPUT, or to stdout without one), or\n"
               "                       with --dump-dmesg the log.  Waits at most 30 s for the\n"
               "                       kernel's random number generator, then fails: never\n"
               "                       writes in clear instead\n"
               "      --sha256 FILE    write to FILE sha256sum's line for the bytes written\n"
               "                       (the ciphertext if sealed): a stream (-F or --seal;\n"
               "                       to OUTPUT if given, else stdout) and the log\n"
               "                       (--dump-dmesg) are hashed while written; a\n"
               "                       kdump-compressed or ELF file, whose headers follow\n"
               "                       the data, is read back once after its fsync;\n"
               "                       nothing if the dump fails\n"
               "      --sha256-name NAME  the file name in that line (default: OUTPUT's\n"
               "                       basename; needed for stdout)\n"
               "  -f, --force          replace OUTPUT (and --sha256's FILE) if it exists\n"
               "      --message-level N  bit mask: 1 progress, 2 common messages,\n"
               "                       4 errors, 8 debug (default 7)\n"
               "  -D                   debug messages (message level 31)\n"
               "      --non-mmap       read /proc/vmcore with pread() instead of mmap() (any\n"
               "                       other file is read with pread())\n"
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
               "Exit status: 0 success; 1 failure (unreadable input, not a dump, I/O error,\n"
               "no random numbers for --seal); 2 bad or unsupported options (or --seal's\n"
               "FILE); 3 OUTPUT exists; 4 the target filled up: the part written is kept and\n"
               "marked incomplete (ELF e_flags = 1, kdump-compressed header status 0x8; a\n"
               "stream or sealed file is cut short).\n",
               page_compression_supported(PAGE_COMPRESS_SNAPPY) ? "" : " (not in this build)");
}

enum {
        OPT_DUMP_DMESG = 0x100,
        OPT_MESSAGE_LEVEL,
        OPT_NON_MMAP,
        OPT_NO_SPARSE,
        OPT_VERSION,
        OPT_NUM_THREADS,
        OPT_SEAL,
        OPT_SHA256,
        OPT_SHA256_NAME,
        OPT_UNSUPPORTED_NOARG,
        OPT_UNSUPPORTED_ARG,
};

/* What --seal and --sha256 need; --seal implies -F (but for the log). */
static int check_output_options(void) {
        if (arg.rearrange && (arg.seal || arg.sha256))
                return log_error_errno(EINVAL, "Option -R rebuilds a file at offsets and cannot seal or hash it; "
                                       "decrypt a sealed stream with kdump-age first and pipe it into -R.");
        if (arg.sha256_name && !arg.sha256)
                return log_error_errno(EINVAL, "Option --sha256-name names the file in --sha256's line; give --sha256 FILE too.");
        if (arg.seal && !arg.dump_dmesg)
                arg.flat = true;
        return 0;
}

/* The name in --sha256's line: --sha256-name, or OUTPUT's last component. */
static int check_sha256_name(void) {
        const char *name;

        if (!arg.sha256)
                return 1;
        if (!arg.sha256_name && !arg.output)
                return log_error_errno(EINVAL, "Option --sha256 with the stream on stdout needs --sha256-name NAME, "
                                       "the name the file will have where it is stored.");
        if (!arg.sha256_name) {
                name = strrchr(arg.output, '/');
                arg.sha256_name = name ? name + 1 : arg.output;
        }
        if (!sha256_manifest_name_valid(arg.sha256_name))
                return log_error_errno(EINVAL, "Cannot name '%s' in a sha256sum line: it must be a relative name without "
                                       "newlines, backslashes or '..'; give --sha256-name NAME.", arg.sha256_name);
        if (arg.output && strcmp(arg.sha256, arg.output) == 0)
                return log_error_errno(EINVAL, "Option --sha256 needs a FILE other than OUTPUT.");
        return 1;
}

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
                { "seal", required_argument, NULL, OPT_SEAL },
                { "sha256", required_argument, NULL, OPT_SHA256 },
                { "sha256-name", required_argument, NULL, OPT_SHA256_NAME },
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
        int c, idx, r;

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
                case OPT_SEAL:
                        arg.seal = optarg;
                        break;
                case OPT_SHA256:
                        arg.sha256 = optarg;
                        break;
                case OPT_SHA256_NAME:
                        arg.sha256_name = optarg;
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
        r = check_output_options();
        if (r < 0)
                return r;
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
                /* makedumpfile's -F writes to stdout only; sealed or
                 * hashed, the stream may go to a file, created here. */
                if ((arg.seal || arg.sha256) && argc - optind == 2)
                        arg.output = argv[optind + 1];
                else if (argc - optind != 1)
                        return log_error_errno(EINVAL, arg.seal || arg.sha256 ?
                                               "Expected VMCORE and an optional OUTPUT with --seal or -F --sha256 (without OUTPUT the stream goes to stdout)." :
                                               "Expected one VMCORE argument with -F (the stream goes to stdout).");
                arg.input = argv[optind];
                return check_sha256_name();
        }
        if (argc - optind != 2)
                return log_error_errno(EINVAL, "Expected VMCORE and OUTPUT arguments; see --help.");
        arg.input = argv[optind];
        arg.output = argv[optind + 1];
        return check_sha256_name();
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
        if (r == -ENOTTY)
                return EXIT_USAGE;
        return EXIT_FAILED;
}

/* ---- sealed and hashed output (byte-sink.h) ---- */

/* --seal's file, read before anything is created: a bad line stops the
 * capture with the file and line, not after the dump. */
static int load_recipients(void) {
        _cleanup_age_recipients_ age_recipients *r = NULL;
        _cleanup_free_ char *err = NULL;
        int k;

        k = age_recipients_new(&r);
        if (k < 0)
                return log_oom();
        k = age_recipients_add_file(r, arg.seal, &err);
        if (k == -ENOMEM)
                return log_oom();
        if (k < 0) {
                log_error("Option --seal: %s; nothing written.", err ?: strerror(-k));
                return k;
        }
        recipients = TAKE_PTR(r);
        return 0;
}

static void random_waiting(void *userdata) {
        *(bool *) userdata = true;
        log_warning("Waiting for the kernel's random number generator (needed for the encryption key), at most %u s.",
                    (unsigned) (RANDOM_WAIT_TIMEOUT_USEC / 1000000));
}

/* The file key is drawn when the first output is set up: the pool must be
 * ready before anything is created, or nothing is. */
static int random_ready(void) {
        bool waited = false;
        int r;

        if (!recipients)
                return 0;
        r = random_wait_ready(RANDOM_WAIT_TIMEOUT_USEC, RANDOM_WAIT_POLL_USEC, random_waiting, &waited);
        if (r == -ETIME)
                log_error("The kernel's random number generator is still not ready after %u s: an encryption key "
                          "drawn now could be guessed, and the dump is never written in clear instead; nothing written.",
                          (unsigned) (RANDOM_WAIT_TIMEOUT_USEC / 1000000));
        else if (r < 0)
                log_error_errno(r, "Cannot draw random bytes for the encryption key (getrandom: %m); nothing written.");
        else if (waited)
                log_info("The kernel's random number generator is ready.");
        return r;
}

struct out_chain {
        byte_sink *head;        /* owned: the writer writes here */
        byte_sink *hash;        /* the hashing filter in the chain, or NULL */
        byte_sink *end;         /* the fd at its end: the bytes on disk */
};

/* fd <- [sha256] <- [age]: the hash is of what reaches the file.  Both
 * run on the thread that writes (a thread of their own was measured slower:
 * the compression workers already keep every CPU busy). */
static int out_chain_open(int fd, struct out_chain *ret) {
        _cleanup_byte_sink_ byte_sink *head = NULL;
        struct out_chain c = {};
        byte_sink *s;
        int r;

        r = byte_sink_fd_new(fd, &head);
        if (r < 0)
                return r;
        c.end = head;
        if (arg.sha256) {
                r = sha256_sink_new(head, &s);
                if (r < 0)
                        return r;
                c.hash = head = s;
        }
        if (recipients) {
                r = seal_sink_new(recipients, head, &s);
                if (r < 0)
                        return r;
                head = s;
        }
        c.head = TAKE_PTR(head);
        *ret = c;
        return 0;
}

/* Where a stream or the log goes. */
struct output {
        int fd;                 /* OUTPUT, or stdout */
        int owned_fd;           /* OUTPUT's */
        int sha_fd;             /* --sha256's FILE: removed unless written */
        struct out_chain chain; /* head NULL: the writer writes to fd */
        struct hash_sha256 tap; /* a file's bytes as written, where they come in order */
        uint8_t digest[HASH_SHA256_SIZE];       /* a file's, tapped or read back */
        bool has_digest;
};
#define OUTPUT_INIT { .fd = -EBADF, .owned_fd = -EBADF, .sha_fd = -EBADF }

static void output_done(struct output *o) {
        byte_sink_free(o->chain.head);
        safe_close(o->owned_fd);
        if (o->sha_fd >= 0) {
                safe_close(o->sha_fd);
                (void) unlink(arg.sha256);
        }
}

static const char *output_name(void) {
        return arg.output ?: "the stream";
}

/* Creates --sha256's FILE and OUTPUT (or takes stdout) and sets up the
 * chain (always with chain: the log is written through a stdio stream on
 * it).  Messages are logged; -EEXIST and -ENOTTY map to their exits. */
static int output_open(bool chain, struct output *o) {
        int r;

        if (!arg.output && isatty(STDOUT_FILENO)) {
                if (arg.seal)
                        log_error("--seal without OUTPUT writes the sealed stream to stdout, which is a terminal; redirect it or give OUTPUT.");
                else
                        log_error("-F writes a flattened stream to stdout, which is a terminal; redirect it.");
                return -ENOTTY;
        }
        r = random_ready();
        if (r < 0)
                return r;
        if (arg.sha256) {
                r = create_output(arg.sha256, &o->sha_fd);
                if (r < 0)
                        return r;
        }
        if (arg.output) {
                r = create_output(arg.output, &o->owned_fd);
                if (r < 0)
                        return r;
        }
        o->fd = arg.output ? o->owned_fd : STDOUT_FILENO;
        /* a kdump-compressed or ELF file is written at offsets, not
         * through a chain: its bytes are tapped (ELF) or read back
         * (output_hash_back()) for --sha256 */
        if (!chain && !arg.flat)
                return 0;
        r = out_chain_open(o->fd, &o->chain);
        if (r == -EAGAIN)
                log_error("The kernel's random number generator is not ready; nothing written in clear.");
        else if (r < 0)
                log_error_errno(r, "Failed to set up %s for %s: %m", arg.seal ? "sealing" : "hashing", output_name());
        return r;
}

/* A file written front to back (an ELF copy, a filtered ELF dump) is
 * hashed as it is written: with --sha256, its bytes go through the output's
 * tap (output_tap_fn()); output_tap_done() takes the digest where the tap saw
 * them all. */
static bool output_wants_tap(const struct output *o) {
        return arg.sha256 && o->owned_fd >= 0 && !o->chain.head;
}

static void output_tap_fn(void *userdata, const void *buf, size_t len) {
        hash_sha256_update(userdata, buf, len);
}

static void output_tap_done(struct output *o, bool complete) {
        if (!output_wants_tap(o) || !complete)
                return;
        hash_sha256_final(&o->tap, o->digest);
        o->has_digest = true;
}

struct read_back_progress {
        struct progress p;
        struct progress_out out;
};

static void read_back_progress_cb(uint64_t done, void *userdata) {
        struct read_back_progress *c = userdata;
        uint64_t now = progress_now_ns();
        char line[128];

        if (!(arg.message_level & ML_PROGRESS) || !progress_due(&c->p, done, now))
                return;
        progress_format_verb(&c->p, "Read back and hashed", done, now, line, sizeof(line));
        progress_emit(&c->out, stderr, line, done >= c->p.total);
}

/* A file written at offsets (kdump-compressed: the page descriptors ahead
 * of the data they describe, and known only after it) has no front-to-back
 * order to hash while writing in bounded memory: read it back once, with a
 * progress line, before its fsync and while its writeback (started here)
 * runs. */
static int output_hash_back(struct output *o) {
        struct read_back_progress c = { .out.tty = isatty(STDERR_FILENO) };
        uint64_t t0 = progress_now_ns(), size;
        struct stat st;
        char a[32];
        int r;

        /* where it cannot be started, the fsync after does it all */
        (void) sync_file_range(o->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        if (fstat(o->fd, &st) < 0)
                return negative_errno();
        progress_init(&c.p, (uint64_t) st.st_size, t0);
        r = sha256_fd(o->fd, read_back_progress_cb, &c, o->digest, &size);
        progress_close(&c.out, stderr);
        if (r < 0)
                return r;
        o->has_digest = true;
        log_info("Read %s back for its SHA-256 (%s in %.2f s).", output_name(), format_bytes(a, sizeof(a), size),
                 (double) (progress_now_ns() - t0) / 1e9);
        return 0;
}

/* sha256sum's line for the finished output into --sha256's FILE. */
static int output_write_sha256(struct output *o) {
        uint8_t digest[HASH_SHA256_SIZE];
        _cleanup_free_ char *line = NULL;
        int r;

        if (!arg.sha256)
                return 0;
        if (o->chain.hash)
                r = sha256_sink_digest(o->chain.hash, digest, NULL);
        else if (o->has_digest) {
                memcpy(digest, o->digest, sizeof(digest));
                r = 0;
        } else
                r = -EINVAL;
        if (r >= 0)
                r = sha256sum_line(digest, arg.sha256_name, &line);
        if (r >= 0)
                r = loop_write(o->sha_fd, line, strlen(line));
        if (r >= 0 && fsync(o->sha_fd) < 0)
                r = negative_errno();
        if (r < 0)
                return log_error_errno(r, "Failed to write the SHA-256 of %s to %s: %m", output_name(), arg.sha256);
        o->sha_fd = safe_close(o->sha_fd);
        return 0;
}

/* After the writer: the last sealed chunk (or a file written at offsets
 * read back for --sha256), then the file on disk. */
static int output_finish(struct output *o) {
        int r;

        if (o->chain.head) {
                r = byte_sink_finish(o->chain.head);
                if (r < 0)
                        return r;
        } else if (arg.sha256 && o->owned_fd >= 0 && !o->has_digest) {
                r = output_hash_back(o);
                if (r < 0)
                        return r;
        }
        if (o->owned_fd >= 0 && fsync(o->owned_fd) < 0)
                return negative_errno();
        return 0;
}

static void log_sha256_done(void) {
        if (arg.sha256)
                log_info("Wrote the SHA-256 of %s, as %s, to %s.", output_name(), arg.sha256_name, arg.sha256);
}

static void log_dmesg_error(int r) {
        if (r == -ENOENT)
                log_error("%s has no VMCOREINFO, or one without the entries needed to find the kernel log (printk ring buffer or log_buf).", arg.input);
        else if (r == -ENOEXEC)
                log_error("%s is neither an ELF core nor a kdump-compressed dump.", arg.input);
        else if (r == -EMEDIUMTYPE)
                log_error("%s is a flattened stream (-F); rebuild the dump first: kdump-collect -R DUMP < %s",
                          arg.input, arg.input);
        else if (r == -EPROTONOSUPPORT)
                log_error("%s: reading the log of a kdump-compressed dump needs the kernel's page tables, and its VMCOREINFO names neither an x86_64 (SYMBOL(init_top_pgt)) nor an arm64 one (NUMBER(kimage_voffset)).", arg.input);
        else if (r == -ENODATA)
                log_error("%s: the pages of the kernel log were left out of the dump (or never written).", arg.input);
        else
                log_error_errno(r, "Failed to extract the kernel log from %s to %s: %m", arg.input, arg.output);
}

static int do_dump_dmesg(void) {
        _cleanup_(output_done) struct output out = OUTPUT_INIT;
        _cleanup_fclose_ FILE *f = NULL;
        int n, r;

        if (access(arg.input, R_OK) < 0) {
                log_error_errno(errno, "Failed to read the dump %s: %m", arg.input);
                return EXIT_FAILED;
        }
        r = output_open(true, &out);
        if (r < 0)
                return exit_for(r);
        f = byte_sink_fopen(out.chain.head);
        if (!f) {
                log_error_errno(errno, "Failed to open %s: %m", arg.output);
                (void) unlink(arg.output);
                return EXIT_FAILED;
        }

        r = n = dump_dmesg_write(arg.input, f);
        if (r >= 0 && fflush(f) != 0)
                r = negative_errno();
        if (r >= 0)
                r = output_finish(&out);
        if (r < 0) {
                log_dmesg_error(r);
                (void) unlink(arg.output);
                return EXIT_FAILED;
        }
        if (output_write_sha256(&out) < 0)
                return EXIT_FAILED;
        log_info("Wrote %d kernel log records to %s%s.", n, arg.output, arg.seal ? ", sealed" : "");
        log_sha256_done();
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
        _cleanup_close_ int in_fd = -EBADF;
        _cleanup_(output_done) struct output out = OUTPUT_INIT;
        int out_fd;
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

        r = output_open(false, &out);
        if (r < 0)
                return exit_for(r);
        out_fd = out.fd;

        progress_init(&pc.p, size, progress_now_ns());
        if (output_wants_tap(&out))
                hash_sha256_init(&out.tap);
        r = elf_copy(in_fd, size, out_fd,
                     &(struct elf_copy_options) {
                             .sz = sizeof(struct elf_copy_options),
                             .no_mmap = arg.no_mmap,
                             .no_sparse = arg.no_sparse,
                             .progress = progress_cb,
                             .userdata = &pc,
                             .tap = output_wants_tap(&out) ? output_tap_fn : NULL,
                             .tap_userdata = &out.tap,
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
        output_tap_done(&out, true);
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
        if (output_write_sha256(&out) < 0)
                return EXIT_FAILED;
        log_sha256_done();
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

/* Page buffers: what keeps the threads and the writes busy
 * (DUMP_BUDGET_DEFAULT), less where the capture kernel has less than four
 * times that left, down to a floor that still works (batches of 16 pages).
 * The bitmaps come on top, in cycles of a fixed size (DUMP_BITMAP_BUDGET_DEFAULT). */
#define BUDGET_MIN ((size_t) 128 * 1024)

static size_t memory_budget(uint64_t available) {
        if (available == 0)
                return DUMP_BUDGET_DEFAULT;
        return (size_t) MIN(MAX(available / 4, (uint64_t) BUDGET_MIN), (uint64_t) DUMP_BUDGET_DEFAULT);
}

/* $KDUMP_COLLECT_CYCLE_PAGES, for tests only: cycles of that many pfns, to
 * show the output does not depend on them.  0 when unset or not a number. */
static uint64_t forced_cycle_pages(void) {
        const char *e = getenv("KDUMP_COLLECT_CYCLE_PAGES");
        uint64_t n;

        if (!e || safe_atou64_base(e, 10, &n) < 0)
                return 0;
        return n;
}

struct job_progress {
        struct progress p;
        struct progress_out out;
        bool announced;
};

/* "free 12, cache 40, zero 7".  Zero pages are excluded only from ELF
 * output (holes); the kdump-compressed format keeps them, readable, as
 * one shared page, so they are said apart (log_dump_done()). */
static void format_excluded(const uint64_t *excluded, uint64_t zero, char *buf, size_t size) {
        static const enum page_class order[] = { PAGE_FREE, PAGE_CACHE, PAGE_CACHE_PRIVATE, PAGE_USER, PAGE_HWPOISON, PAGE_OFFLINE };
        size_t k = 0;

        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(order) && k < size; i++)
                if (excluded[order[i]] > 0)
                        k += (size_t) snprintf(buf + k, size - k, "%s%s %llu", k ? ", " : "",
                                               page_class_name(order[i]), (unsigned long long) excluded[order[i]]);
        if (k < size && arg.elf)
                snprintf(buf + k, size - k, "%szero %llu", k ? ", " : "", (unsigned long long) zero);
        else if (k == 0)
                snprintf(buf, size, "none");
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
        rate = pr->seconds > 0 ? (double) pr->pages_done * (pr->page_size ?: 4096) / pr->seconds / (1024.0 * 1024.0) : 0.0;
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

DEFINE_TRIVIAL_CLEANUP_FUNC(struct vmcore_source *, vmcore_source_free);

static void log_dump_done(const struct dump_result *res, const struct output *out) {
        char a[32], b[32], c[32], ex[200];

        format_excluded(res->excluded, res->zero_pages, ex, sizeof(ex));
        if (arg.elf || res->zero_pages == 0)
                log_info("Dump level %u: %llu of %llu RAM pages dumped; excluded pages: %s.", res->effective_level,
                         (unsigned long long) res->dumped_pages, (unsigned long long) res->ram_pages, ex);
        else
                log_info("Dump level %u: %llu of %llu RAM pages dumped, %llu of them zero (stored as one page); "
                         "excluded pages: %s.", res->effective_level, (unsigned long long) res->dumped_pages,
                         (unsigned long long) res->ram_pages, (unsigned long long) res->zero_pages, ex);
        log_info("Wrote %s (%s%s) in %.2f s (filter %.2f s); peak memory %s (page buffers and bitmaps %s).",
                 output_name(),
                 format_bytes(a, sizeof(a), res->bytes_written),
                 arg.elf ? ", ELF" : arg.compression ? "" : ", uncompressed",
                 res->seconds_total, res->seconds_filter,
                 format_bytes(b, sizeof(b), peak_rss()), format_bytes(c, sizeof(c), res->buffer_bytes));
        if (arg.seal)
                log_info("Sealed with age for %zu recipient%s: %s written.", age_recipients_count(recipients),
                         age_recipients_count(recipients) == 1 ? "" : "s",
                         format_bytes(a, sizeof(a), byte_sink_bytes(out->chain.end)));
        log_sha256_done();
}

/* The dump's end: a full target keeps the part written (exit 4). */
static int dump_exit_status(int r, const struct dump_result *res) {
        char a[32];

        if (r == -ENOSPC || r == -EDQUOT || r == -EFBIG) {
                log_error_errno(r, "The dump target is full (%m) after %s; keeping the partial dump %s, %s.",
                                format_bytes(a, sizeof(a), res->bytes_written), output_name(),
                                arg.seal ? "a sealed stream cut short (age refuses it as incomplete)" : "marked incomplete");
                return EXIT_INCOMPLETE;
        }
        if (r == -EIO)
                log_error_errno(r, "Failed to read %s (%m): is it cut short?", arg.input);
        else
                log_error_errno(r, "Failed to write the dump of %s: %m", arg.input);
        return res->incomplete && !arg.flat ? EXIT_INCOMPLETE : EXIT_FAILED;
}

static int do_dump(void) {
        _cleanup_vmcore_ vmcore *v = NULL;
        _cleanup_(vmcore_source_freep) struct vmcore_source *vs = NULL;
        _cleanup_(output_done) struct output out = OUTPUT_INIT;
        struct job_progress jp = { .out.tty = isatty(STDERR_FILENO) };
        struct dump_result res = {};
        const vmcoreinfo *vi;
        uint64_t avail = meminfo_available();
        size_t budget = memory_budget(avail), nloads;
        char a[32], b[32];
        int r;

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
        r = output_open(false, &out);
        if (r < 0)
                return exit_for(r);

        log_debug("Memory available %s: page buffers get %s.", format_bytes(a, sizeof(a), avail), format_bytes(b, sizeof(b), budget));
        if (output_wants_tap(&out))
                hash_sha256_init(&out.tap);
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
                                 .stream = out.chain.head,
                                 .cycle_pages = forced_cycle_pages(),
                                 .defer_fsync = !arg.flat,
                                 .tap = output_wants_tap(&out) ? output_tap_fn : NULL,
                                 .tap_userdata = &out.tap,
                         }, out.fd, &res);
        if (r >= 0)
                output_tap_done(&out, res.tap_complete);
        /* Also after a failure (a full disk, a read error): the messages
         * below start on their own line. */
        progress_close(&jp.out, stderr);
        log_debug("Read %s of the dump with %s.", format_bytes(a, sizeof(a), vmcore_source_bytes_read(vs)),
                  vmcore_source_mmapped(vs) ? "mmap" : "pread");
        vs = vmcore_source_free(vs);
        if (res.cycles > 0)
                log_debug("Bitmaps in %llu cycle%s of %llu pages.", (unsigned long long) res.cycles,
                          res.cycles == 1 ? "" : "s", (unsigned long long) res.cycle_pages);

        if (res.fallback_reason)
                log_warning("Dump level %u lowered to %u: %s%s%s%s.", arg.dump_level, res.effective_level,
                            res.fallback_reason, res.fallback_entry ? " (" : "", res.fallback_entry ?: "",
                            res.fallback_entry ? " not usable)" : "");
        if (res.memmap_unreadable > 0)
                log_warning("%llu pages kept because their struct page could not be read.", (unsigned long long) res.memmap_unreadable);

        if (r >= 0)
                r = output_finish(&out);
        if (r < 0)
                return dump_exit_status(r, &res);
        if (output_write_sha256(&out) < 0)
                return EXIT_FAILED;
        log_dump_done(&res, &out);
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
        if (arg.seal && load_recipients() < 0)
                return EXIT_USAGE;

        if (arg.rearrange)
                return do_rearrange();
        if (arg.dump_dmesg)
                return do_dump_dmesg();
        /* -E -d 0: nothing to filter, the plain copy is exact and fastest. */
        if (arg.elf && arg.dump_level == 0 && !arg.flat)
                return do_copy();
        return do_dump();
}
