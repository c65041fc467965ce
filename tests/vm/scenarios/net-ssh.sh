#!/bin/sh
# kdump-test-expect: dump
# tests/vm/net-e2e: the dump goes over SSH to the server VM (Debian's
# openssh-server), "ssh root@kdump-server", path /srv/crash/ssh there.
# Before the real target, what a user gets wrong is refused at start, each
# time with what to run and nothing loaded: a server whose host key this
# machine does not know, and one whose key is not the recorded one.
# kdumpctl propagate creates a missing key, shows the unknown host key's
# fingerprint and does not trust it without a terminal to confirm on; with
# the host key known and the key authorized, it says so.
# The host put in /etc/kdump-test: ssh-client-key (authorized on the
# server), ssh-known-hosts (the server's key), ssh-wrong-known-hosts.
. /etc/kdump-test/functions

echo "192.168.77.1 kdump-server" >>/etc/hosts
echo "hosts: files dns" >/etc/nsswitch.conf
net_client_up 192.168.77.2/24
mkdir -p /root/.ssh && chmod 700 /root/.ssh
rm -f /root/.ssh/known_hosts

# propagate, no key yet and the host key unknown, not on a terminal:
# creates the key, shows the fingerprint, trusts nothing.
set_kdump_conf <<CONF
ssh root@kdump-server
sshkey /root/.ssh/new_key
path /srv/crash/ssh
CONF
kdumpctl propagate </dev/null >/tmp/p1.out 2>&1
echo "KDUMP-TEST: value prop_new_rc=$?"
value prop_new_out cat /tmp/p1.out
value prop_new_key_mode stat -c %a /root/.ssh/new_key
value prop_new_known ls /root/.ssh/known_hosts

# The real key; the host key still unknown: start refuses.
cp /etc/kdump-test/ssh-client-key /root/.ssh/kdump_id_rsa && chmod 600 /root/.ssh/kdump_id_rsa
set_kdump_conf <<CONF
ssh root@kdump-server
path /srv/crash/ssh
CONF
kdumpctl start --loader="$KDUMP_TEST_LOADER" >/tmp/unknown.out 2>&1
echo "KDUMP-TEST: value unknown_rc=$?"
value unknown_out cat /tmp/unknown.out
value unknown_loaded cat /sys/kernel/kexec_crash_loaded

# A known_hosts with another key for the server: refused at start.
cp /etc/kdump-test/ssh-wrong-known-hosts /root/.ssh/known_hosts && chmod 600 /root/.ssh/known_hosts
kdumpctl start --loader="$KDUMP_TEST_LOADER" >/tmp/wrong.out 2>&1
echo "KDUMP-TEST: value wrong_rc=$?"
value wrong_out cat /tmp/wrong.out
value wrong_loaded cat /sys/kernel/kexec_crash_loaded

# The right host key: propagate finds everything in place.
cp /etc/kdump-test/ssh-known-hosts /root/.ssh/known_hosts && chmod 600 /root/.ssh/known_hosts
kdumpctl propagate </dev/null >/tmp/p2.out 2>&1
echo "KDUMP-TEST: value prop_ok_rc=$?"
value prop_ok_out cat /tmp/p2.out

# new_key (made by the first propagate) is not on the server yet:
# propagate installs it with ssh-copy-id and root's password, asked
# through SSH_ASKPASS (no terminal): a wrong password fails, the right one
# installs it and the key logs in.
printf '#!/bin/sh\necho not-the-password\n' >/tmp/askpass-wrong
printf '#!/bin/sh\necho kdump-test-pw\n' >/tmp/askpass
chmod 755 /tmp/askpass-wrong /tmp/askpass
set_kdump_conf <<CONF
ssh root@kdump-server
sshkey /root/.ssh/new_key
path /srv/crash/ssh
CONF
SSH_ASKPASS=/tmp/askpass-wrong SSH_ASKPASS_REQUIRE=force kdumpctl propagate </dev/null >/tmp/p3.out 2>&1
echo "KDUMP-TEST: value prop_pw_wrong_rc=$?"
value prop_pw_wrong_out cat /tmp/p3.out
SSH_ASKPASS=/tmp/askpass SSH_ASKPASS_REQUIRE=force kdumpctl propagate </dev/null >/tmp/p4.out 2>&1
echo "KDUMP-TEST: value prop_pw_rc=$?"
value prop_pw_out cat /tmp/p4.out
value prop_pw_login ssh -i /root/.ssh/new_key -o BatchMode=yes -o StrictHostKeyChecking=yes root@kdump-server echo the new key logs in
set_kdump_conf <<CONF
ssh root@kdump-server
path /srv/crash/ssh
CONF

step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
step "kdumpctl status" kdumpctl status
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
value estimate kdumpctl estimate
sync
crash_now
