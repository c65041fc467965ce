/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Paths inside the capture initramfs, shared by the builder side
 * (kdumpctl) and the programs that run in it. */

/* The capture configuration: kdump.conf syntax, with the dump target
 * resolved at build time (a device spec always present, path relative to
 * the target's root). */
#define CAPTURE_CONF "/etc/kdump/capture.conf"
/* failure_action dump_to_rootfs: the root filesystem as a second target,
 * kdump.conf syntax ("<fstype> <spec>", "path", "core_collector"). */
#define CAPTURE_ROOTFS_CONF "/etc/kdump/rootfs.conf"
/* failure_action shell: the shell it runs on the console. */
#define CAPTURE_SHELL "/bin/sh"
/* Modules to load, one absolute path per line, in load order (written by
 * the initramfs builder). */
#define CAPTURE_MODULES_LOAD "/etc/kdump/modules.load"
/* The storage stack (dm, md) under the dump target, and under the root
 * filesystem for dump_to_rootfs (initramfs/stack/storage-stack.h); present
 * only when there is one. */
#define CAPTURE_STACK "/etc/kdump/stack"
#define CAPTURE_ROOTFS_STACK "/etc/kdump/rootfs-stack"
/* The program that recreates it, and where it writes the top device's node. */
#define CAPTURE_STACK_PROGRAM "/usr/sbin/kdump-stack"
#define CAPTURE_STACK_TOP "/etc/kdump/stack-top"
/* A network target's way to the server (initramfs/net/net-record.h), and
 * the program that sets it up. */
#define CAPTURE_NET "/etc/kdump/net"
#define CAPTURE_NET_PROGRAM "/usr/sbin/kdump-net"
/* An address that came from DHCP: busybox's udhcpc asks for a lease
 * (initramfs/net/dhcp-client.h) and kdump-net, run by it, writes the lease
 * here.  kdump-net then rewrites CAPTURE_NET with the address it set. */
#define CAPTURE_DHCP_PROGRAM "/usr/sbin/udhcpc"
#define CAPTURE_DHCP_LEASE "/etc/kdump/dhcp-lease"
/* The crashed system's hardware watchdog was running: its driver is in the
 * initramfs and this record says how /init keeps it
 * (initramfs/init/watchdog-keeper.h); absent otherwise. */
#define CAPTURE_WATCHDOG "/etc/kdump/watchdog"
/* An SSH target: OpenSSH's client, the server's host keys under its
 * address, and the private key, which is not in the initramfs file: kdumpctl
 * appends it in memory when it loads (kdumpd/initrd-secrets.h).  ssh needs
 * a passwd entry for root and a home. */
#define CAPTURE_SSH_PROGRAM "/usr/bin/ssh"
#define CAPTURE_SCP_PROGRAM "/usr/bin/scp"
#define CAPTURE_SSH_DIR "/etc/kdump/ssh"
#define CAPTURE_SSH_KNOWN_HOSTS "/etc/kdump/ssh/known_hosts"
#define CAPTURE_SSH_KEY "/etc/kdump/ssh/id"
#define CAPTURE_HOME "/root"
/* encrypt_to: the age public keys every file the capture writes is sealed
 * to, one per line (only public keys ever reach the machine). */
#define CAPTURE_RECIPIENTS "/etc/kdump/recipients"
/* Where the target is mounted. */
#define CAPTURE_MOUNTPOINT "/kdumproot"
/* The collector that always comes along: it also writes vmcore-dmesg.txt. */
#define CAPTURE_COLLECTOR "/usr/sbin/kdump-collect"
#define CAPTURE_PATH_ENV "/usr/sbin:/usr/bin:/sbin:/bin"
