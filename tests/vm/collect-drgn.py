#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Walks every task of a dump with drgn and reads what an analysis reads:
comm, pid, state, the stack trace, the mm's page-table root for user tasks.
Prints "key=value" lines:

    nr_tasks=<tasks walked>   faults=<drgn.FaultError while reading them>
    first_fault=<task and message, or none>
    crashed_stack=<function names of the crashed thread>

usage: collect-drgn.py DUMP VMLINUX
"""
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[1])
    prog.load_debug_info([sys.argv[2]])
    n = faults = 0
    first = "none"
    for task in for_each_task(prog):
        n += 1
        try:
            _ = task.comm.string_()
            _ = task.pid.value_()
            has_state = task.type_.type.has_member("__state")
            _ = task.member_("__state" if has_state else "state").value_()
            _ = [f.name for f in prog.stack_trace(task)]
            if task.mm:
                _ = task.mm.pgd.value_()
                _ = task.mm.mm_count.counter.value_()
        except drgn.FaultError as e:
            faults += 1
            if first == "none":
                first = f"task {n}: {e}"
        except ValueError:
            # A running task's stack without registers: not a fault of the dump.
            pass
    print(f"nr_tasks={n}")
    print(f"faults={faults}")
    print(f"first_fault={first}")
    try:
        print("crashed_stack=" + " ".join(f.name or "?" for f in prog.crashed_thread().stack_trace()))
    except Exception as e:  # noqa: BLE001 - reported, not fatal here
        print(f"crashed_stack=error: {e}")


if __name__ == "__main__":
    main()
