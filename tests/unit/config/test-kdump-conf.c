/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "config/kdump-conf.h"
#include "tests.h"

TEST(defaults_when_empty) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("", "x.conf", &c, NULL));
        ASSERT_TRUE(c->fstype == NULL && c->device == NULL);
        ASSERT_STREQ(c->path, "/var/crash");
        ASSERT_STREQ(c->core_collector, "kdump-collect -l -d 31");
}

TEST(default_collector_argv) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        char **argv = NULL;

        ASSERT_OK(kdump_config_parse("path /crash\n", "x.conf", &c, NULL));
        ASSERT_OK(kdump_config_collector_argv(c, &argv));
        ASSERT_STREQ(argv[0], "kdump-collect");
        ASSERT_STREQ(argv[1], "-l");
        ASSERT_STREQ(argv[2], "-d");
        ASSERT_STREQ(argv[3], "31");
        ASSERT_TRUE(argv[4] == NULL);
        kdump_config_argv_free(argv);
}

TEST(missing_file_is_defaults) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_load(test_tmp("does-not-exist.conf"), &c, NULL));
        ASSERT_STREQ(c->path, "/var/crash");
}

TEST(full_file) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;
        char **argv = NULL;

        ASSERT_OK(kdump_config_load(test_fixture("config/full.conf"), &c, &err));
        ASSERT_STREQ(c->fstype, "ext4");
        ASSERT_STREQ(c->device, "LABEL=KDUMP");
        ASSERT_EQ(c->target_line, 2);
        ASSERT_STREQ(c->path, "/crash");
        ASSERT_OK(kdump_config_collector_argv(c, &argv));
        ASSERT_STREQ(argv[0], "kdump-collect");
        ASSERT_STREQ(argv[1], "-d");
        ASSERT_STREQ(argv[2], "1");
        ASSERT_TRUE(argv[3] == NULL);
        kdump_config_argv_free(argv);
}

TEST(error_names_file_line_and_key) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERR(kdump_config_load(test_fixture("config/bad-key.conf"), &c, &err), EINVAL);
        ASSERT_TRUE(c == NULL);
        ASSERT_CONTAINS(err, "config/bad-key.conf:3: ");
        ASSERT_CONTAINS(err, "dumplevel: unknown option");
        ASSERT_CONTAINS(err, "supported: ext4, xfs, btrfs, ext2, ext3, virtiofs, raw, nfs, ssh, sshkey, path, mount_options, core_collector");
}

/* Every error: file, line, key, and what would be valid. */
static const struct {
        const char *text;
        const char *error;
} bad[] = {
        { "ext4\n", "x.conf:1: ext4: needs a device: /dev/<name>, UUID=<uuid> or LABEL=<label>" },
        { "ext4 sdb1\n", "x.conf:1: ext4: invalid device 'sdb1': expected /dev/<name>, UUID=<uuid> or LABEL=<label>" },
        { "ext4 UUID=\n", "ext4: invalid device 'UUID='" },
        { "ext4 /dev/vdb /dev/vdc\n", "x.conf:1: ext4: takes exactly one device" },
        { "xfs /dev/vdb\next4 /dev/vdc\n", "x.conf:2: ext4: a dump target was already set on line 1" },
        { "path var/crash\n", "x.conf:1: path: must be an absolute directory on the dump target, got 'var/crash'" },
        { "path /a b\n", "x.conf:1: path: must not contain white space" },
        { "\n\npath /a\npath /b\n", "x.conf:4: path: already set on line 3" },
        { "core_collector\n", "x.conf:1: core_collector: needs a command, e.g. 'core_collector kdump-collect -l -d 31'" },
        { "core_collector a\ncore_collector b\n", "x.conf:2: core_collector: already set on line 1" },
        { "core_collector \"makedumpfile -l\"\n", "x.conf:1: core_collector: quotes are not supported" },
        { "loader kexec\n", "x.conf:1: loader: must be file, classic or auto, got 'kexec'" },
        { "loader file\nloader auto\n", "x.conf:2: loader: already set on line 1" },
        { "failure_action explode\n", "x.conf:1: failure_action: invalid action 'explode'; valid: reboot, halt, poweroff, shell, dump_to_rootfs" },
        { "failure_action\n", "failure_action: invalid action ''; valid: reboot, halt, poweroff, shell, dump_to_rootfs" },
        { "default Shell\n", "x.conf:1: default: invalid action 'Shell'" },
        { "default halt\nfailure_action reboot\n", "x.conf:2: failure_action: already set on line 1" },
        { "final_action shell\n", "x.conf:1: final_action: invalid action 'shell'; valid: reboot, halt, poweroff" },
        { "final_action dump_to_rootfs\n", "x.conf:1: final_action: invalid action 'dump_to_rootfs'; valid: reboot, halt, poweroff" },
        { "final_action halt\nfinal_action halt\n", "x.conf:2: final_action: already set on line 1" },
        { "kdump_pre\n", "x.conf:1: kdump_pre: needs the absolute path of a program" },
        { "kdump_pre bin/pre\n", "x.conf:1: kdump_pre: 'bin/pre' is not an absolute path; valid: /path/to/program" },
        { "kdump_post /bin/post --now\n", "x.conf:1: kdump_post: takes one program without arguments" },
        { "kdump_post /a\nkdump_post /b\n", "x.conf:2: kdump_post: already set on line 1" },
        { "extra_bins\n", "x.conf:1: extra_bins: needs at least one program" },
        { "extra_bins usr/bin/foo\n", "x.conf:1: extra_bins: 'usr/bin/foo' is a relative path; valid: absolute paths" },
        { "extra_modules\n", "x.conf:1: extra_modules: needs at least one module name" },
        { "extra_modules nvme dm-crypt.ko\n", "x.conf:1: extra_modules: 'dm-crypt.ko' is not a module name; valid: names as modprobe takes them" },
        { "extra_modules kernel/fs/ext4\n", "'kernel/fs/ext4' is not a module name" },
        { "force_rebuild yes\n", "x.conf:1: force_rebuild: invalid value 'yes'; valid: 0 or 1" },
        { "force_no_rebuild 2\n", "x.conf:1: force_no_rebuild: invalid value '2'; valid: 0 or 1" },
        { "force_rebuild 1\nforce_rebuild 0\n", "x.conf:2: force_rebuild: already set on line 1" },
        { "force_rebuild 1\nforce_no_rebuild 1\n",
          "force_rebuild 1 (x.conf:1) and force_no_rebuild 1 (x.conf:2) contradict each other; set at most one to 1" },
        { "auto_reset_crashkernel 1\n", "x.conf:1: auto_reset_crashkernel: invalid value '1'; valid: yes or no" },
        { "auto_reset_crashkernel yes\nauto_reset_crashkernel no\n", "x.conf:2: auto_reset_crashkernel: already set on line 1" },
        { "capture_cpus 0\n", "x.conf:1: capture_cpus: invalid value '0'; a number of CPUs from 1 to 64" },
        { "capture_cpus 65\n", "x.conf:1: capture_cpus: invalid value '65'; a number of CPUs from 1 to 64" },
        { "capture_cpus two\n", "x.conf:1: capture_cpus: invalid value 'two'" },
        { "capture_cpus 2\ncapture_cpus 4\n", "x.conf:2: capture_cpus: already set on line 1" },
        { "capture_stall_timeout 9\n", "x.conf:1: capture_stall_timeout: invalid value '9'; a number of seconds from 10 to 86400" },
        { "capture_stall_timeout 5m\n", "x.conf:1: capture_stall_timeout: invalid value '5m'" },
        { "capture_stall_timeout 60\ncapture_stall_timeout 90\n", "x.conf:2: capture_stall_timeout: already set on line 1" },
        { "ssh host\n", "x.conf:1: ssh: needs <user>@<server>, e.g. 'ssh root@dumps.example.com' or 'ssh root@2001:db8::1', got 'host'" },
        { "ssh @host\n", "x.conf:1: ssh: needs <user>@<server>" },
        { "ssh root@\n", "x.conf:1: ssh: needs <user>@<server>" },
        { "ssh -oProxyCommand=x@host\n", "x.conf:1: ssh: needs <user>@<server>" },
        { "ssh root@-oProxyCommand=x\n", "x.conf:1: ssh: needs <user>@<server>" },
        { "ssh root@host;reboot\n", "x.conf:1: ssh: needs <user>@<server>" },
        { "ssh root@host:/x\n", "x.conf:1: ssh: needs <user>@<server>" },
        { "ssh root@[2001:db8::1\n", "x.conf:1: ssh: needs <user>@<server>" },
        { "ssh\n", "x.conf:1: ssh: needs a device" },
        { "nfs a:/x\nssh root@b\n", "x.conf:2: ssh: a dump target was already set on line 1" },
        { "sshkey id_rsa\n", "x.conf:1: sshkey: needs the absolute path of a private key without a passphrase, e.g. 'sshkey /root/.ssh/kdump_id_rsa', got 'id_rsa'" },
        { "sshkey /a\nsshkey /b\n", "x.conf:2: sshkey: already set on line 1" },
        { "encrypt_to\n", "x.conf:1: encrypt_to: needs at least one recipient: an age public key (age1...) or a file of them" },
        { "encrypt_to recipients.txt\n", "x.conf:1: encrypt_to: 'recipients.txt' is neither an age public key (age1...) nor the absolute path of a file of them" },
        { "encrypt_to AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n",
          "x.conf:1: encrypt_to: this is a private key (identity); give its public key (age-keygen -y FILE), never the private one" },
        { "nfs4 host:/export\n", "nfs4: a kdump.conf option that kdumpd does not support yet" },
        { "nfs host\n", "x.conf:1: nfs: needs <server>:/<export>, e.g. 'nfs nfs.example.com:/srv/crash' or 'nfs [2001:db8::1]:/srv/crash' (IPv6 addresses in brackets), got 'host'" },
        { "nfs\n", "x.conf:1: nfs: needs a device" },
        { "nfs host:export\n", "nfs: needs <server>:/<export>" },
        { "nfs :/export\n", "nfs: needs <server>:/<export>" },
        { "nfs 2001:db8::1:/export\n", "(IPv6 addresses in brackets), got '2001:db8::1:/export'" },
        { "nfs [2001:db8::1:/export\n", "nfs: needs <server>:/<export>" },
        { "nfs []:/export\n", "nfs: needs <server>:/<export>" },
        { "nfs [host.example]:/export\n", "nfs: needs <server>:/<export>" },
        { "nfs user@host:/export\n", "nfs: needs <server>:/<export>" },
        { "nfs a:/x b:/y\n", "x.conf:1: nfs: takes exactly one device" },
        { "ext4 LABEL=A\nnfs host:/x\n", "x.conf:2: nfs: a dump target was already set on line 1" },
        { "core_collector scp\n", "x.conf:1: core_collector: scp copies the dump over SSH and works only with an ssh target ('ssh user@server'); for this target use kdump-collect" },
        { "nfs a:/x\ncore_collector scp\n", "x.conf:2: core_collector: scp copies the dump over SSH and works only with an ssh target" },
        { "ext4 LABEL=A\ncore_collector /usr/bin/scp -q\n", "x.conf:2: core_collector: scp copies the dump over SSH" },
        { "raw LABEL=x\n", "x.conf:1: raw: needs a block device without a filesystem, /dev/<name>" },
        { "raw /dev/\n", "raw: needs a block device" },
        { "raw /dev/vdb /dev/vdc\n", "x.conf:1: raw: takes exactly one device" },
        { "ext4 LABEL=A\nraw /dev/vdc\n", "x.conf:2: raw: a dump target was already set on line 1" },
        { "raw /dev/vdc\nxfs /dev/vdb\n", "x.conf:2: xfs: a dump target was already set on line 1" },
        { "dracut_args --omit x\n", "x.conf:1: dracut_args: takes effect only when dracut builds the capture initramfs: add 'initramfs_builder dracut'" },
        { "initramfs_builder dracut\ndracut_args\n", "x.conf:2: dracut_args: needs dracut options" },
        { "initramfs_builder dracut\ndracut_args --add-drivers \"nvme\n", "x.conf:2: dracut_args: has an unterminated quote in '--add-drivers \"nvme'" },
        { "initramfs_builder dracut\ndracut_args -m \"base\"\n", "x.conf:2: dracut_args: -m: kdumpd chooses the dracut modules" },
        { "initramfs_builder dracut\ndracut_args --no-hostonly\n", "x.conf:2: dracut_args: --no-hostonly: without host-only mode dracut puts every module of the kernel in" },
        { "initramfs_builder dracut\ndracut_args --kver=6.1.0-9-amd64\n", "dracut_args: --kver=6.1.0-9-amd64: kdumpd builds one image per kernel release" },
        { "initramfs_builder mkinitramfs\n", "x.conf:1: initramfs_builder: must be kdumpd or dracut, got 'mkinitramfs'" },
        { "initramfs_builder dracut\ninitramfs_builder kdumpd\n", "x.conf:2: initramfs_builder: already set on line 1" },
        { "fence_kdump_args -p 7410\n", "fence_kdump_args: a kdump.conf option that kdumpd does not support yet" },
        { "vfat /dev/vdb\n", "vfat: a kdump.conf option that kdumpd does not support yet" },
        { "virtiofs my share\n", "virtiofs: takes exactly one device" },
        { "virtiofs /dev/vdb\n", "virtiofs: needs the share's tag" },
        { "mount_options subvol=/a noatime\n", "mount_options: takes mount options separated by commas" },
        { "mount_options a\nmount_options b\n", "x.conf:2: mount_options: already set on line 1" },
        { "hello world\n", "x.conf:1: hello: unknown option (supported: ext4, xfs" },
};

TEST(nfs_target) {
        static const struct {
                const char *spec, *host, *export;
        } good[] = {
                { "nfs.example.com:/srv/crash", "nfs.example.com", "/srv/crash" },
                { "192.168.77.1:/", "192.168.77.1", "/" },
                { "[2001:db8::1]:/export/dumps", "2001:db8::1", "/export/dumps" },
                { "[fd77::1]:/srv/crash", "fd77::1", "/srv/crash" },
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;
                _cleanup_free_ char *text = NULL, *err = NULL, *host = NULL, *export = NULL;

                ASSERT_TRUE(asprintf(&text, "nfs %s\n", good[i].spec) > 0);
                ASSERT_OK(kdump_config_parse(text, "x.conf", &c, &err));
                ASSERT_TRUE(kdump_config_is_nfs(c));
                ASSERT_STREQ(c->device, good[i].spec);
                ASSERT_STREQ(c->path, "/var/crash");
                ASSERT_OK(kdump_config_nfs_split(c->device, &host, &export));
                ASSERT_STREQ(host, good[i].host);
                ASSERT_STREQ(export, good[i].export);
        }
}

TEST(ssh_target) {
        static const struct {
                const char *spec, *user, *host;
        } good[] = {
                { "root@dumps.example.com", "root", "dumps.example.com" },
                { "kdump@192.168.77.1", "kdump", "192.168.77.1" },
                { "root@2001:db8::1", "root", "2001:db8::1" },
                { "root@[fd77::1]", "root", "fd77::1" },
                { "crash.dumps@host-1", "crash.dumps", "host-1" },
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;
                _cleanup_free_ char *text = NULL, *err = NULL, *user = NULL, *host = NULL;

                ASSERT_TRUE(asprintf(&text, "ssh %s\n", good[i].spec) > 0);
                ASSERT_OK(kdump_config_parse(text, "x.conf", &c, &err));
                ASSERT_TRUE(kdump_config_is_ssh(c));
                ASSERT_TRUE(kdump_config_is_net(c));
                ASSERT_STREQ(c->device, good[i].spec);
                ASSERT_STREQ(c->path, "/var/crash");
                /* kdump-utils' default key */
                ASSERT_STREQ(c->sshkey, "/root/.ssh/kdump_id_rsa");
                ASSERT_OK(kdump_config_ssh_split(c->device, &user, &host));
                ASSERT_STREQ(user, good[i].user);
                ASSERT_STREQ(host, good[i].host);
        }
}

/* scp is kdump-utils' plain copy over SSH: accepted with an ssh target
 * only; sshkey names the key; sshkey with another target is left alone,
 * as kdump-utils does (a kdump.conf switched from ssh to nfs still works). */
TEST(ssh_with_scp_and_key) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL, *d = NULL;

        ASSERT_OK(kdump_config_parse("ssh root@server\nsshkey /etc/kdump/id_ed25519\ncore_collector scp\npath /dumps\n",
                                     "x.conf", &c, NULL));
        ASSERT_TRUE(kdump_config_collector_is_scp(c));
        ASSERT_STREQ(c->sshkey, "/etc/kdump/id_ed25519");
        ASSERT_STREQ(c->path, "/dumps");
        ASSERT_OK(kdump_config_parse("nfs server:/x\nsshkey /root/.ssh/k\n", "x.conf", &d, NULL));
        ASSERT_TRUE(!kdump_config_collector_is_scp(d));
}

TEST(collector_is_ours) {
        static const struct {
                const char *conf;
                bool ours;
        } t[] = {
                { "", true },
                { "core_collector kdump-collect -c -d 31\n", true },
                { "core_collector /usr/sbin/kdump-collect -l\n", true },
                { "core_collector makedumpfile -l -d 31\n", false },
                { "core_collector kdump-collector -l\n", false },
                { "core_collector /opt/kdump-collect.sh\n", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;

                ASSERT_OK(kdump_config_parse(t[i].conf, "x.conf", &c, NULL));
                ASSERT_EQ(kdump_config_collector_is_ours(c), t[i].ours);
        }
}

/* encrypt_to: keys and files, on several lines and in drop-ins, add up. */
TEST(encrypt_to_list) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("encrypt_to age1abc /etc/kdump/recipients\nencrypt_to age1def\n", "x.conf", &c, NULL));
        ASSERT_STREQ(c->encrypt_to[0], "age1abc");
        ASSERT_STREQ(c->encrypt_to[1], "/etc/kdump/recipients");
        ASSERT_STREQ(c->encrypt_to[2], "age1def");
        ASSERT_TRUE(c->encrypt_to[3] == NULL);
}

/* kdumpctl's own collector is still fine with a network target. */
TEST(nfs_with_collector) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("nfs server:/x\npath /dumps\ncore_collector kdump-collect -c -d 31\n", "x.conf",
                                     &c, NULL));
        ASSERT_STREQ(c->path, "/dumps");
        ASSERT_STREQ(c->core_collector, "kdump-collect -c -d 31");
}

TEST(every_key) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;

        ASSERT_OK(kdump_config_parse("xfs UUID=1234\n"
                                     "path /dumps\n"
                                     "core_collector kdump-collect -z -d 17\n"
                                     "loader file\n"
                                     "failure_action poweroff\n"
                                     "final_action halt\n"
                                     "kdump_pre /usr/local/bin/pre\n"
                                     "kdump_post /usr/local/bin/post\n"
                                     "extra_bins /usr/bin/strace lsblk\n"
                                     "extra_bins /usr/bin/df\n"
                                     "extra_modules nvme dm_crypt\n"
                                     "extra_modules dm-mod\n"
                                     "force_rebuild 1\n"
                                     "force_no_rebuild 0\n"
                                     "auto_reset_crashkernel yes\n"
                                     "capture_cpus 4\n"
                                     "capture_stall_timeout 120\n", "x.conf", &c, &err));
        ASSERT_EQ(c->capture_stall_timeout, 120);
        ASSERT_STREQ(c->fstype, "xfs");
        ASSERT_STREQ(c->device, "UUID=1234");
        ASSERT_STREQ(c->path, "/dumps");
        ASSERT_STREQ(c->core_collector, "kdump-collect -z -d 17");
        ASSERT_STREQ(c->loader, "file");
        ASSERT_EQ(c->failure_action, KDUMP_ACTION_POWEROFF);
        ASSERT_EQ(c->final_action, KDUMP_ACTION_HALT);
        ASSERT_STREQ(c->kdump_pre, "/usr/local/bin/pre");
        ASSERT_STREQ(c->kdump_post, "/usr/local/bin/post");
        ASSERT_STREQ(c->extra_bins[0], "/usr/bin/strace");
        ASSERT_STREQ(c->extra_bins[1], "lsblk");
        ASSERT_STREQ(c->extra_bins[2], "/usr/bin/df");
        ASSERT_TRUE(c->extra_bins[3] == NULL);
        ASSERT_STREQ(c->extra_modules[0], "nvme");
        ASSERT_STREQ(c->extra_modules[2], "dm-mod");
        ASSERT_TRUE(c->extra_modules[3] == NULL);
        ASSERT_TRUE(c->force_rebuild);
        ASSERT_TRUE(!c->force_no_rebuild);
        ASSERT_TRUE(c->auto_reset_crashkernel);
        ASSERT_EQ(kdump_config_capture_cpus(c), 4u);
}

/* kdump-utils' dracut_args: shell words, quotes keep a list of drivers
 * together, several lines add up (and drop-ins, as for extra_modules). */
TEST(dracut_builder) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL, *d = NULL;
        _cleanup_free_ char *err = NULL;

        ASSERT_OK(kdump_config_parse("", "x.conf", &d, &err));
        ASSERT_EQ(d->initramfs_builder, KDUMP_BUILDER_KDUMPD);
        ASSERT_TRUE(d->dracut_args == NULL);

        ASSERT_OK(kdump_config_parse("initramfs_builder dracut\n"
                                     "dracut_args --omit-drivers \"cfg80211 snd\" --add-drivers 'ext2 ext3'\n"
                                     "dracut_args --add lvm\n", "x.conf", &c, &err));
        ASSERT_EQ(c->initramfs_builder, KDUMP_BUILDER_DRACUT);
        ASSERT_STREQ(kdump_builder_to_string(c->initramfs_builder), "dracut");
        ASSERT_STREQ(c->dracut_args[0], "--omit-drivers");
        ASSERT_STREQ(c->dracut_args[1], "cfg80211 snd");
        ASSERT_STREQ(c->dracut_args[2], "--add-drivers");
        ASSERT_STREQ(c->dracut_args[3], "ext2 ext3");
        ASSERT_STREQ(c->dracut_args[4], "--add");
        ASSERT_STREQ(c->dracut_args[5], "lvm");
        ASSERT_TRUE(c->dracut_args[6] == NULL);
}

TEST(action_defaults_and_alias) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL, *d = NULL;

        ASSERT_OK(kdump_config_parse("", "x.conf", &c, NULL));
        ASSERT_EQ(c->failure_action, KDUMP_ACTION_REBOOT);
        ASSERT_EQ(c->final_action, KDUMP_ACTION_REBOOT);
        ASSERT_TRUE(!c->auto_reset_crashkernel && !c->force_rebuild && !c->force_no_rebuild);
        ASSERT_TRUE(c->kdump_pre == NULL && c->extra_bins == NULL && c->extra_modules == NULL);
        /* "default" is kdump-utils' old name of failure_action. */
        ASSERT_OK(kdump_config_parse("default halt\n", "x.conf", &d, NULL));
        ASSERT_EQ(d->failure_action, KDUMP_ACTION_HALT);
        ASSERT_STREQ(kdump_action_to_string(KDUMP_ACTION_POWEROFF), "poweroff");
}

TEST(raw_target) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("raw /dev/disk/by-id/virtio-kdump\n", "x.conf", &c, NULL));
        ASSERT_TRUE(kdump_config_is_raw(c));
        ASSERT_STREQ(c->device, "/dev/disk/by-id/virtio-kdump");
        ASSERT_EQ(c->target_line, 1);
        /* path: where the dump is saved from the device at the next start */
        ASSERT_STREQ(c->path, KDUMP_CONF_DEFAULT_PATH);
}

TEST(failure_action_shell_and_dump_to_rootfs) {
        _cleanup_(kdump_config_freep) kdump_config *a = NULL, *b = NULL, *d = NULL;

        ASSERT_OK(kdump_config_parse("failure_action shell\n", "x.conf", &a, NULL));
        ASSERT_EQ(a->failure_action, KDUMP_ACTION_SHELL);
        ASSERT_OK(kdump_config_parse("failure_action dump_to_rootfs\nfinal_action poweroff\n", "x.conf", &b, NULL));
        ASSERT_EQ(b->failure_action, KDUMP_ACTION_DUMP_TO_ROOTFS);
        ASSERT_EQ(b->final_action, KDUMP_ACTION_POWEROFF);
        ASSERT_OK(kdump_config_parse("default dump_to_rootfs\n", "x.conf", &d, NULL));
        ASSERT_EQ(d->failure_action, KDUMP_ACTION_DUMP_TO_ROOTFS);
        ASSERT_STREQ(kdump_action_to_string(KDUMP_ACTION_DUMP_TO_ROOTFS), "dump_to_rootfs");
        ASSERT_STREQ(kdump_action_to_string(KDUMP_ACTION_SHELL), "shell");
}

static void write_text(const char *path, const char *text) {
        FILE *f = fopen(path, "we");
        ASSERT_TRUE(f != NULL);
        fputs(text, f);
        fclose(f);
}

TEST(dropins_override_in_lexical_order) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;
        char main_conf[4096], dir[4200], p[4400];

        snprintf(main_conf, sizeof(main_conf), "%s", test_tmp("kdump.conf"));
        snprintf(dir, sizeof(dir), "%s.d", main_conf);
        ASSERT_OK(mkdir_p(dir, 0755));
        write_text(main_conf, "ext4 LABEL=MAIN\npath /main\nfinal_action halt\nextra_modules nvme\n");
        snprintf(p, sizeof(p), "%s/20-second.conf", dir);
        write_text(p, "path /second\nextra_modules dm_crypt\n");
        snprintf(p, sizeof(p), "%s/10-first.conf", dir);
        write_text(p, "path /first\nxfs UUID=abcd\nfinal_action poweroff\n");
        snprintf(p, sizeof(p), "%s/30-ignored.conf.disabled", dir);
        write_text(p, "path /never\n");

        ASSERT_OK(kdump_config_load(main_conf, &c, &err));
        ASSERT_STREQ(c->path, "/second");          /* 20- after 10- */
        ASSERT_STREQ(c->fstype, "xfs");            /* the drop-in's target replaces the main one */
        ASSERT_STREQ(c->device, "UUID=abcd");
        ASSERT_EQ(c->final_action, KDUMP_ACTION_POWEROFF);
        ASSERT_STREQ(c->extra_modules[0], "nvme"); /* lists add up */
        ASSERT_STREQ(c->extra_modules[1], "dm_crypt");
        ASSERT_TRUE(c->extra_modules[2] == NULL);
}

/* A NUL would end the text early and drop the lines after it unnoticed. */
TEST(nul_byte_is_refused_naming_its_line) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL, *expect = NULL;
        static const char text[] = "path /var/crash\nfinal_action reboot\0\nfinal_action halt\n";
        const char *p = test_tmp("nul.conf");
        FILE *f = fopen(p, "we");

        ASSERT_TRUE(f);
        ASSERT_EQ(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
        ASSERT_EQ(fclose(f), 0);
        ASSERT_ERR(kdump_config_load(p, &c, &err), EINVAL);
        ASSERT_TRUE(asprintf(&expect, "%s:2: line contains a NUL byte", p) > 0);
        ASSERT_CONTAINS(err, expect);
}

TEST(dropin_error_names_the_dropin) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL;
        char main_conf[4096], dir[4200], p[4400];

        snprintf(main_conf, sizeof(main_conf), "%s", test_tmp("bad.conf"));
        snprintf(dir, sizeof(dir), "%s.d", main_conf);
        ASSERT_OK(mkdir_p(dir, 0755));
        write_text(main_conf, "force_rebuild 1\n");
        snprintf(p, sizeof(p), "%s/50-x.conf", dir);
        write_text(p, "# comment\nfinal_action explode\n");
        ASSERT_ERR(kdump_config_load(main_conf, &c, &err), EINVAL);
        ASSERT_CONTAINS(err, "bad.conf.d/50-x.conf:2: final_action: invalid action 'explode'");

        write_text(p, "force_no_rebuild 1\n");
        free(err);
        err = NULL;
        ASSERT_ERR(kdump_config_load(main_conf, &c, &err), EINVAL);
        ASSERT_CONTAINS(err, "bad.conf:1) and force_no_rebuild 1 (");
        ASSERT_CONTAINS(err, "50-x.conf:1) contradict each other");
}

TEST(no_dropin_dir) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        write_text(test_tmp("solo.conf"), "path /solo\n");
        ASSERT_OK(kdump_config_load(test_tmp("solo.conf"), &c, NULL));
        ASSERT_STREQ(c->path, "/solo");
}

TEST(loader_key) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("loader classic\n", "x.conf", &c, NULL));
        ASSERT_STREQ(c->loader, "classic");
}

/* kdump-utils' own documented examples: "btrfs UUID=...", "virtiofs myfs". */
TEST(more_targets) {
        static const char *const ok[][3] = {
                { "btrfs UUID=0a1b2c3d-4e5f-6789-abcd-ef0123456789\n", "btrfs", "UUID=0a1b2c3d-4e5f-6789-abcd-ef0123456789" },
                { "ext3 LABEL=old\n", "ext3", "LABEL=old" },
                { "ext2 /dev/vdb1\n", "ext2", "/dev/vdb1" },
                { "virtiofs myfs\n", "virtiofs", "myfs" },
        };

        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;

                ASSERT_OK(kdump_config_parse(ok[i][0], "x.conf", &c, NULL));
                ASSERT_STREQ(c->fstype, ok[i][1]);
                ASSERT_STREQ(c->device, ok[i][2]);
        }
        {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;

                ASSERT_OK(kdump_config_parse("btrfs LABEL=x\nmount_options subvol=/@crash,noatime\n", "x.conf", &c, NULL));
                ASSERT_STREQ(c->mount_options, "subvol=/@crash,noatime");
                ASSERT_TRUE(kdump_config_is_virtiofs(c) == false);
        }
}

TEST(bad_lines) {
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(kdump_config_freep) kdump_config *c = NULL;
                _cleanup_free_ char *err = NULL;

                ASSERT_ERR(kdump_config_parse(bad[i].text, "x.conf", &c, &err), EINVAL);
                ASSERT_CONTAINS(err, bad[i].error);
        }
}

TEST(overlong_line) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;
        _cleanup_free_ char *err = NULL, *text = malloc(KDUMP_CONF_LINE_MAX + 20);

        memset(text, 'a', KDUMP_CONF_LINE_MAX + 10);
        text[KDUMP_CONF_LINE_MAX + 10] = 0;
        ASSERT_ERR(kdump_config_parse(text, "x.conf", &c, &err), EINVAL);
        ASSERT_CONTAINS(err, "x.conf:1: line is longer than");
}

TEST(comments_and_crlf) {
        _cleanup_(kdump_config_freep) kdump_config *c = NULL;

        ASSERT_OK(kdump_config_parse("  # x\r\nxfs UUID=abc\r\n\t\r\n", "x.conf", &c, NULL));
        ASSERT_STREQ(c->fstype, "xfs");
        ASSERT_STREQ(c->device, "UUID=abc");
}

TEST_MAIN()
