#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""drgn-check.py for arm64 dumps: the same "key=value" lines, with the
crashed task found from the kernel's panic_cpu.

Debian's python3-drgn 0.0.22 finds the crashed thread of a kernel core
through x86's crashing_cpu variable; an arm64 kernel has none, so
prog.crashed_thread() answers the idle task of CPU 0 (drgn 0.0.23 fixed
crashed_thread() on AArch64).  Here the crashed task is the one running on
panic_cpu (rq->curr), and its stack is unwound by drgn from that CPU's
NT_PRSTATUS registers; what 0.0.22's crashed_thread() says is printed too.

    crashed_cpu=<panic_cpu>
    crashed_pid=<pid of the task running on it>
    crashed_comm=<its comm>
    crashed_stack=<function names, innermost first>
    drgn_crashed_thread=<pid> <comm>   (prog.crashed_thread(), for the record)
    nr_tasks=<tasks on the task list>
    has_init=yes|no
    init_comm=<comm of pid 1>

usage: arm64-drgn-check.py VMCORE VMLINUX
"""
import sys

import drgn
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task


def frame_names(trace, prog):
    names = []
    for frame in trace:
        name = frame.name
        if name is None:
            try:
                name = prog.symbol(frame.pc).name
            except LookupError:
                name = hex(frame.pc)
        names.append(name)
    return names


def main():
    vmcore, vmlinux = sys.argv[1], sys.argv[2]
    prog = drgn.Program()
    prog.set_core_dump(vmcore)
    prog.load_debug_info([vmlinux])

    cpu = prog["panic_cpu"].counter.value_()
    print("crashed_cpu=%d" % cpu)
    task = per_cpu(prog["runqueues"], cpu).curr
    print("crashed_pid=%d" % task.pid.value_())
    print("crashed_comm=%s" % task.comm.string_().decode())
    print("crashed_stack=%s" % " ".join(frame_names(prog.stack_trace(task), prog)))
    try:
        t = prog.crashed_thread()
        print("drgn_crashed_thread=%d %s" % (t.tid, t.object.comm.string_().decode()))
    except Exception as e:  # noqa: BLE001 - only reported
        print("drgn_crashed_thread=error: %s" % e)

    n = 0
    init_comm = None
    for t in for_each_task(prog):
        n += 1
        if t.pid.value_() == 1:
            init_comm = t.comm.string_().decode()
    print("nr_tasks=%d" % n)
    print("has_init=%s" % ("yes" if init_comm is not None else "no"))
    print("init_comm=%s" % (init_comm or ""))


if __name__ == "__main__":
    main()
