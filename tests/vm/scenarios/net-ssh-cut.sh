#!/bin/sh
# kdump-test-expect: nodump
# tests/vm/net-e2e, boot 4: first, with boot 3's kdump.conf (the SSH
# target) and keys, kdumpd starts and records the dump this machine sent
# over SSH (one ssh command lists it on the server); it is stopped.  Then
# the same target is loaded and the machine crashes; the host cuts the
# server's link when the capture says it is sending the dump.  The
# keep-alives must end the transfer within bounds, leave vmcore-incomplete
# on the server, and failure_action (reboot) follow: the capture must never
# hang on a link that went away.
. /etc/kdump-test/functions

echo "192.168.77.1 kdump-server" >>/etc/hosts
echo "hosts: files dns" >/etc/nsswitch.conf
net_client_up 192.168.77.2/24
kdumpd >/tmp/kdumpd.out 2>&1 &
pid=$!
i=0
while ! grep -q 'Recorded\|No new dumps\|Cannot look for the dumps' /tmp/kdumpd.out && [ $i -lt 1800 ]; do sleep 0.1; i=$((i + 1)); done
kill $pid; wait $pid
value kdumpd_ssh_new_dump grep 'New dump:' /tmp/kdumpd.out
value kdumpd_ssh_recorded grep 'Recorded\|No new dumps\|Cannot look for the dumps' /tmp/kdumpd.out

step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value kexec_crash_loaded cat /sys/kernel/kexec_crash_loaded
sync
crash_now
