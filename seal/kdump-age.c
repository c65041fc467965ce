/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-age: age v1 encryption and decryption with X25519 keys, on
 * libseal, for kdumpctl and the capture /init to seal files with; the tests
 * use it against the real age tool, and an administrator can open a sealed
 * dump with it where Debian's age is not installed.  Output is compatible
 * both ways: `age -d -i KEY` opens what this seals, and this opens what
 * `age -r` seals. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/log.h"
#include "basic/macro.h"
#include "build-config.h"
#include "seal/age-key.h"
#include "seal/age-open.h"
#include "seal/age-seal.h"

#define READ_BUF_SIZE (64u * 1024u)       /* larger reads measured slower */

static struct {
        const char *verb;
        const char *output;
        const char *input;
        age_recipients *recipients;
        age_identities *identities;
} arg;

static void help(void) {
        printf("Usage: kdump-age encrypt (-r RECIPIENT | -R FILE)... [-o OUTPUT] [INPUT]\n"
               "       kdump-age decrypt -i IDENTITY-FILE... [-o OUTPUT] [INPUT]\n"
               "\n"
               "Seals or opens a file in the age v1 format with X25519 keys, as age(1) does.\n"
               "INPUT and OUTPUT default to standard input and output (or \"-\").\n"
               "\n"
               "  -r, --recipient=age1…       seal to this public key (repeatable)\n"
               "  -R, --recipients-file=FILE  seal to the public keys in FILE, as age -R reads it\n"
               "  -i, --identity=FILE         open with the private keys in FILE (age-keygen's output)\n"
               "  -o, --output=FILE           write here; removed again if the operation fails\n"
               "  -h, --help                  this text\n"
               "      --version               the version\n");
}

/* Quotes a -r value only when it is public: never echo a private key. */
static void recipient_error(const char *value, const char *msg) {
        if (strncmp(value, "age1", 4) == 0 || strncmp(value, "ssh-", 4) == 0)
                log_error("-r \"%.100s\": %s", value, msg);
        else
                log_error("a -r value: %s", msg);
}

static int add_recipient(const char *value, bool file) {
        _cleanup_free_ char *msg = NULL;
        int r;

        if (!arg.recipients && age_recipients_new(&arg.recipients) < 0)
                return log_oom();
        r = file ? age_recipients_add_file(arg.recipients, value, &msg)
                 : age_recipients_add_string(arg.recipients, value, &msg);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0 && file)
                return log_error_errno(r, "%s", msg ? msg : "invalid recipients file");
        if (r < 0)
                recipient_error(value, msg ? msg : "invalid recipient");
        return r;
}

static int add_identity_file(const char *path) {
        _cleanup_free_ char *msg = NULL;
        int r;

        if (!arg.identities && age_identities_new(&arg.identities) < 0)
                return log_oom();
        r = age_identities_add_file(arg.identities, path, &msg);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s", msg ? msg : "invalid identity file");
        return 0;
}

static int check_args(int argc, char *argv[]) {
        bool encrypt = strcmp(arg.verb, "encrypt") == 0;

        if (optind < argc)
                arg.input = argv[optind++];
        if (optind < argc)
                return log_error_errno(EINVAL, "Too many arguments: one INPUT at most; see --help.");
        if (encrypt && arg.identities)
                return log_error_errno(EINVAL, "encrypt takes -r/-R public keys, not -i.");
        if (!encrypt && arg.recipients)
                return log_error_errno(EINVAL, "decrypt takes -i identity files, not -r/-R.");
        if (encrypt && age_recipients_count(arg.recipients) == 0)
                return log_error_errno(EINVAL, "encrypt needs a recipient: -r age1… or -R FILE.");
        if (!encrypt && age_identities_count(arg.identities) == 0)
                return log_error_errno(EINVAL, "decrypt needs an identity file: -i FILE (as age-keygen writes).");
        return 1;
}

enum { OPT_VERSION = 0x100 };

static const struct option options[] = {
        { "recipient", required_argument, NULL, 'r' },
        { "recipients-file", required_argument, NULL, 'R' },
        { "identity", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        {}
};

/* "kdump-age VERB [OPTIONS] [INPUT]"; --help and --version need no verb. */
static int parse_argv(int argc, char *argv[]) {
        int c, r;

        if (argc >= 2 && argv[1][0] != '-') {
                arg.verb = argv[1];
                if (strcmp(arg.verb, "encrypt") != 0 && strcmp(arg.verb, "decrypt") != 0)
                        return log_error_errno(EINVAL, "Unknown verb \"%s\": encrypt or decrypt; see --help.", arg.verb);
                argc--;
                argv++;         /* the verb takes the program name's place */
        }
        opterr = 0;
        while ((c = getopt_long(argc, argv, ":r:R:i:o:h", options, NULL)) >= 0) {
                switch (c) {
                case 'r': case 'R':
                        r = add_recipient(optarg, c == 'R');
                        if (r < 0)
                                return r;
                        break;
                case 'i':
                        r = add_identity_file(optarg);
                        if (r < 0)
                                return r;
                        break;
                case 'o':
                        arg.output = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                case OPT_VERSION:
                        printf("kdump-age (kdumpd) %s\n", PACKAGE_VERSION);
                        return 0;
                case ':':
                        return log_error_errno(EINVAL, "Option %s needs a value; see --help.", argv[optind - 1]);
                default:
                        return log_error_errno(EINVAL, "Unknown option %s; see --help.", argv[optind - 1]);
                }
        }
        if (!arg.verb)
                return log_error_errno(EINVAL, "Missing verb: kdump-age encrypt|decrypt …; see --help.");
        return check_args(argc, argv);
}

struct output {
        const char *path;       /* NULL: standard output */
        int fd;
        bool created;           /* by us, a regular file: removed on failure */
};

static int open_output(struct output *o, mode_t mode) {
        struct stat st;

        *o = (struct output) { .fd = STDOUT_FILENO };
        if (!arg.output || strcmp(arg.output, "-") == 0)
                return 0;
        o->path = arg.output;
        o->fd = open(o->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (o->fd >= 0) {
                o->created = fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode);
                return 0;
        }
        if (errno == EEXIST)
                o->fd = open(o->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (o->fd < 0)
                return log_error_errno(errno, "Cannot open %s for writing: %m", o->path);
        return 0;
}

/* Closes the output; on failure removes what we created. */
static int close_output(struct output *o, int r) {
        if (o->fd == STDOUT_FILENO)
                return r;
        if (close(o->fd) < 0 && r >= 0)
                r = log_error_errno(errno, "Writing %s: %m", o->path);
        if (r < 0 && o->created && unlink(o->path) >= 0)
                log_notice("Removed the incomplete output %s.", o->path);
        return r;
}

static int open_input(void) {
        int fd;

        if (!arg.input || strcmp(arg.input, "-") == 0)
                return STDIN_FILENO;
        fd = open(arg.input, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return log_error_errno(errno, "Cannot open %s: %m", arg.input);
        return fd;
}

static int seal_stream(int in, int out) {
        _cleanup_age_seal_ age_seal *s = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        int r;

        r = age_seal_new(arg.recipients, age_write_fd, &out, &s);
        if (r == -EAGAIN)
                return log_error_errno(r, "The kernel's random number generator is not initialized yet: "
                                       "refusing to seal with guessable keys; try again later.");
        if (r < 0)
                return log_error_errno(r, "Cannot start sealing: %m");
        buf = malloc(READ_BUF_SIZE);
        if (!buf)
                return log_oom();
        for (;;) {
                ssize_t n = read(in, buf, READ_BUF_SIZE);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return log_error_errno(errno, "Reading %s: %m", arg.input ?: "standard input");
                if (n == 0)
                        break;
                r = age_seal_write(s, buf, (size_t) n);
                if (r < 0)
                        return log_error_errno(r, "Writing %s: %m", arg.output ?: "standard output");
        }
        r = age_seal_finish(s);
        if (r < 0)
                return log_error_errno(r, "Writing %s: %m", arg.output ?: "standard output");
        return 0;
}

static int open_stream(int in, int out) {
        _cleanup_free_ char *msg = NULL;
        int r;

        r = age_open_fd(arg.identities, in, age_write_fd, &out, &msg);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s: %s", arg.input ?: "standard input", msg ? msg : "cannot open");
        return 0;
}

static int run(void) {
        bool encrypt = strcmp(arg.verb, "encrypt") == 0;
        _cleanup_close_ int in = -EBADF;
        struct output out;
        int r;

        if (encrypt && (!arg.output || strcmp(arg.output, "-") == 0) && isatty(STDOUT_FILENO))
                return log_error_errno(EINVAL, "Refusing to write an age file to a terminal: use -o FILE or a pipe.");
        in = open_input();
        if (in < 0)
                return in;
        /* Plaintext may be a memory dump: readable by the owner only. */
        r = open_output(&out, encrypt ? 0666 : 0600);
        if (r < 0)
                return r;
        r = encrypt ? seal_stream(in, out.fd) : open_stream(in, out.fd);
        r = close_output(&out, r);
        if (in == STDIN_FILENO)
                in = -EBADF;
        return r;
}

int main(int argc, char *argv[]) {
        int r;

        log_set_prefix("kdump-age");
        r = parse_argv(argc, argv);
        if (r > 0)
                r = run();
        age_recipients_free(arg.recipients);
        age_identities_free(arg.identities);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
