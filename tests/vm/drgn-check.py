#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Opens a dump with drgn (Debian's python3-drgn 0.0.22) and prints what
run-e2e checks, one "key=value" per line:

    crashed_pid=<pid of the crashed thread>
    crashed_comm=<its comm>
    crashed_stack=<function names, innermost first, space separated>
    nr_tasks=<tasks on the task list>
    has_init=yes|no
    init_comm=<comm of pid 1>

usage: drgn-check.py VMCORE VMLINUX
"""
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task


def main():
    vmcore, vmlinux = sys.argv[1], sys.argv[2]
    prog = drgn.Program()
    prog.set_core_dump(vmcore)
    # Only vmlinux: module debug info is not needed for these checks.
    prog.load_debug_info([vmlinux])

    thread = prog.crashed_thread()
    names = []
    for frame in thread.stack_trace():
        name = frame.name
        if name is None:
            try:
                name = prog.symbol(frame.pc).name
            except LookupError:
                name = hex(frame.pc)
        names.append(name)
    task = thread.object
    print("crashed_pid=%d" % thread.tid)
    print("crashed_comm=%s" % task.comm.string_().decode())
    print("crashed_stack=%s" % " ".join(names))

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
