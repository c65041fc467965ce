#!/bin/sh
# kdump-test-expect: poweroff
# raw target with encrypt_to, part 2 (after svc-raw-sealed-capture):
# kdumpctl start finds the envelope on /dev/vdc, copies the age file out as
# /var/crash/<date>/vmcore.age without opening it (this machine has no
# private key), checks its SHA-256 against the envelope's, writes
# SHA256SUMS and RECIPIENTS, clears the envelope and loads; kdumpctl list
# shows it encrypted, kdumpctl verify passes; a second start saves nothing
# more.  Run by tests/vm/service-e2e.
. /etc/kdump-test/functions
echo age1v9rpgrawem02c5sx5nkedvms7mknvuj60plq5ttwxygy5xdzeqlsn7em7l >/etc/kdump-test/recipients
set_kdump_conf <<CONF
raw /dev/vdc
path /var/crash
encrypt_to /etc/kdump-test/recipients
CONF
step "kdumpctl start" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value saved_files sh -c 'cd /var/crash/*/ && ls | tr "\n" " "'
value saved_modes sh -c 'stat -c "%a %n" /var/crash/* /var/crash/*/*'
value list_encrypted sh -c 'kdumpctl list | grep -c " encrypted "'
step "kdumpctl verify" kdumpctl verify last
step "kdumpctl start again" kdumpctl start --loader="$KDUMP_TEST_LOADER"
value saved_dumps_after_second_start sh -c 'ls -d /var/crash/*/vmcore.age | wc -l'
sync
