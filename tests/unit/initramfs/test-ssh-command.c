/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SSH target's command lines and the reading of what comes back. */
#include "basic/macro.h"
#include "basic/strv.h"
#include "initramfs/net/ssh-command.h"
#include "tests.h"

static size_t strv_length(char **v) {
        size_t n = 0;

        while (v && v[n])
                n++;
        return n;
}

static char *join(char **v) {
        size_t n = 0;
        char *s, *o;

        for (size_t i = 0; v[i]; i++)
                n += strlen(v[i]) + 1;
        s = o = malloc(n + 1);
        for (size_t i = 0; v[i]; i++)
                o += sprintf(o, "%s%s", i ? " " : "", v[i]);
        *o = 0;
        return s;
}

TEST(shell_quote) {
        static const struct {
                const char *in, *out;
        } t[] = {
                { "/var/crash", "'/var/crash'" },
                { "", "''" },
                { "it's", "'it'\\''s'" },
                { "$(reboot) `x` \"y\" ;&|", "'$(reboot) `x` \"y\" ;&|'" },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *q = NULL;

                ASSERT_OK(shell_quote(t[i].in, &q));
                ASSERT_STREQ(q, t[i].out);
        }
}

/* What both kernels run: no config file, the one key, only the recorded
 * host keys, no questions, bounded. */
TEST(ssh_argv) {
        _cleanup_(strv_freep) char **v = NULL;
        _cleanup_free_ char *s = NULL;

        ASSERT_OK(ssh_command_argv(&(struct ssh_params) {
                        .user = "root", .address = "192.168.77.1", .key = "/etc/kdump/ssh/id",
                        .known_hosts = "/etc/kdump/ssh/known_hosts", .connect_timeout_s = 10,
                }, "umask 077 && mkdir -p -- '/var/crash'", &v));
        s = join(v);
        ASSERT_STREQ(s, "ssh -F /dev/null -i /etc/kdump/ssh/id -o BatchMode=yes -o StrictHostKeyChecking=yes "
                        "-o GlobalKnownHostsFile=/dev/null -o CheckHostIP=no -o IdentitiesOnly=yes -o UpdateHostKeys=no "
                        "-o LogLevel=ERROR -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no "
                        "-o UserKnownHostsFile=/etc/kdump/ssh/known_hosts -o ConnectTimeout=10 "
                        "-o ServerAliveInterval=15 -o ServerAliveCountMax=4 root@192.168.77.1 -- "
                        "umask 077 && mkdir -p -- '/var/crash'");
        /* the remote command is one argument: ssh joins nothing */
        ASSERT_STREQ(v[strv_length(v) - 1], "umask 077 && mkdir -p -- '/var/crash'");
        ASSERT_ERR(ssh_command_argv(&(struct ssh_params) { .user = "root", .address = "h" }, NULL, &v), EINVAL);
}

TEST(scp_argv_ipv6_in_brackets) {
        _cleanup_(strv_freep) char **v = NULL, **w = NULL;
        size_t n;

        ASSERT_OK(ssh_scp_argv(&(struct ssh_params) {
                        .user = "root", .address = "fd77::1", .key = "/k", .known_hosts = "/kh",
                }, "/proc/vmcore", "/var/crash/fd77::2-2026-12-02-10:00:00/vmcore-incomplete", &v));
        n = strv_length(v);
        ASSERT_STREQ(v[0], "scp");
        ASSERT_STREQ(v[n - 3], "--");
        ASSERT_STREQ(v[n - 2], "/proc/vmcore");
        ASSERT_STREQ(v[n - 1], "root@[fd77::1]:/var/crash/fd77::2-2026-12-02-10:00:00/vmcore-incomplete");
        ASSERT_OK(ssh_scp_argv(&(struct ssh_params) {
                        .program = "/usr/bin/scp", .user = "u", .address = "10.0.0.1", .key = "/k", .known_hosts = "/kh",
                }, "/a", "/b", &w));
        ASSERT_STREQ(w[0], "/usr/bin/scp");
        ASSERT_STREQ(w[strv_length(w) - 1], "u@10.0.0.1:/b");
}

/* ssh's own words (OpenSSH 9.2) for each failure. */
TEST(failure_classify) {
        static const struct {
                const char *err;
                enum ssh_failure f;
        } t[] = {
                { "No ED25519 host key is known for 192.168.77.1 and you have requested strict checking.\r\n"
                  "Host key verification failed.\r\n", SSH_FAILURE_HOST_KEY_UNKNOWN },
                { "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
                  "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n"
                  "Host key verification failed.\r\n", SSH_FAILURE_HOST_KEY_CHANGED },
                { "root@192.168.77.1: Permission denied (publickey).\r\n", SSH_FAILURE_AUTH },
                { "@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\r\n", SSH_FAILURE_KEY_FILE },
                { "Load key \"/root/.ssh/kdump_id_rsa\": error in libcrypto\r\n", SSH_FAILURE_KEY_FILE },
                { "ssh: connect to host 192.168.77.1 port 22: Connection refused\r\n", SSH_FAILURE_REFUSED },
                { "ssh: connect to host 192.168.77.9 port 22: No route to host\r\n", SSH_FAILURE_UNREACHABLE },
                { "ssh: connect to host 192.168.77.9 port 22: Connection timed out\r\n", SSH_FAILURE_TIMEOUT },
                { "Timeout, server 192.168.77.1 not responding.\r\n", SSH_FAILURE_CLOSED },
                { "client_loop: send disconnect: Broken pipe\r\n", SSH_FAILURE_CLOSED },
                { "something else\n", SSH_FAILURE_OTHER },
                { NULL, SSH_FAILURE_OTHER },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                ASSERT_EQ(ssh_failure_classify(t[i].err), t[i].f);
        ASSERT_CONTAINS(ssh_failure_hint(SSH_FAILURE_HOST_KEY_UNKNOWN), "kdumpctl propagate");
        ASSERT_CONTAINS(ssh_failure_hint(SSH_FAILURE_AUTH), "kdumpctl propagate");
        ASSERT_CONTAINS(ssh_failure_hint(SSH_FAILURE_HOST_KEY_CHANGED), "ssh-keygen -R");
        ASSERT_TRUE(ssh_failure_hint(SSH_FAILURE_OTHER) == NULL);
}

TEST(df_parse) {
        uint64_t b = 0;

        ASSERT_OK(ssh_df_parse("Filesystem     1024-blocks   Used Available Capacity Mounted on\n"
                               "/dev/vdb            999320 123456    806052      14% /srv\n", &b));
        ASSERT_EQ(b, 806052ull * 1024);
        ASSERT_OK(ssh_df_parse("Filesystem 1024-blocks Used Available Capacity Mounted on\n"
                               "server:/export/with/a/long/name 10 2 8 20% /mnt/with space\n", &b));
        ASSERT_EQ(b, 8ull * 1024);
        ASSERT_ERR(ssh_df_parse("df: /x: No such file or directory\n", &b), EINVAL);
        ASSERT_ERR(ssh_df_parse("Filesystem\n", &b), EINVAL);
}

/* ssh-keygen -F's output: found lines rewritten under the address the
 * capture kernel connects to; hashed names too; markers left out; each key
 * once (the host and its address can both have it). */
TEST(known_hosts_render) {
        _cleanup_free_ char *kh = NULL, *none = NULL;
        unsigned n = 0;

        ASSERT_OK(ssh_known_hosts_render(
                "# Host kdump-server found: line 1 \n"
                "kdump-server ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK1\n"
                "# Host kdump-server found: line 4 \n"
                "|1|abc=|def= ecdsa-sha2-nistp256 AAAAE2VjZHNh\n"
                "@revoked kdump-server ssh-rsa AAAAB3Nza\n"
                "# Host 192.168.77.1 found: line 2 \n"
                "192.168.77.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK1 comment here\n",
                "192.168.77.1", &kh, &n));
        ASSERT_EQ(n, 2u);
        ASSERT_STREQ(kh, "192.168.77.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK1\n"
                         "192.168.77.1 ecdsa-sha2-nistp256 AAAAE2VjZHNh\n");
        ASSERT_OK(ssh_known_hosts_render("", "fd77::1", &none, &n));
        ASSERT_EQ(n, 0u);
        ASSERT_STREQ(none, "");
}

TEST_MAIN()
