# Helpers for scenario scripts (". /etc/kdump-test/functions").

# Settings from run-e2e (KDUMP_TEST_LOADER: file, classic or auto).
KDUMP_TEST_LOADER=file
[ -r /etc/kdump-test/env ] && . /etc/kdump-test/env

# step NAME COMMAND...: runs COMMAND, shows its output, then
# "KDUMP-TEST: NAME rc=N" (run-e2e turns each into a pass/fail line).
step() {
        name=$1; shift
        echo "KDUMP-TEST: begin $name"
        "$@" 2>&1
        rc=$?
        echo "KDUMP-TEST: $name rc=$rc"
        return $rc
}

# value NAME COMMAND...: "KDUMP-TEST: value NAME=<output>".
value() {
        name=$1; shift
        echo "KDUMP-TEST: value $name=$("$@" 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
}

crash_now() {
        echo "KDUMP-TEST: triggering a crash (sysrq c)"
        sync
        echo c >/proc/sysrq-trigger
        echo "KDUMP-TEST: FATAL: still alive after sysrq c"
}

# set_kdump_conf <<EOF ... EOF: replaces the test's /etc/kdump.conf
# (ext4 LABEL=KDUMP, path /crash, the default core_collector).
set_kdump_conf() {
        cat >/etc/kdump.conf
        echo "KDUMP-TEST: kdump.conf: $(grep -v '^#' /etc/kdump.conf | tr '\n' ';')"
}
