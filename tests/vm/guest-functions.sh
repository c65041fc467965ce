# Helpers for scenario scripts (". /etc/kdump-test/functions").

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
