#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Talks to a QEMU serial console on a UNIX socket (-chardev socket,server)
for tests/vm/shell-e2e: copies everything to LOG, and each time the text
WAIT_FOR appears (after the previous answer), types the next line of
ANSWERS.  Ends when QEMU closes the socket or after TIMEOUT seconds.

usage: console-driver.py SOCKET LOG TIMEOUT WAIT_FOR ANSWER...
"""
import socket
import sys
import time


def main():
    path, log, timeout, wait_for = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4].encode()
    answers = [a.encode() + b"\r" for a in sys.argv[5:]]
    deadline = time.monotonic() + timeout
    s = None
    while s is None:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            s = None
            if time.monotonic() > deadline:
                print("console-driver: QEMU's console socket never appeared", file=sys.stderr)
                return 1
            time.sleep(0.1)
    s.settimeout(1.0)
    seen = b""
    pos = 0
    with open(log, "wb") as out:
        while time.monotonic() < deadline:
            try:
                data = s.recv(4096)
            except socket.timeout:
                continue
            if not data:
                return 0
            out.write(data)
            out.flush()
            seen += data
            if answers:
                i = seen.find(wait_for, pos)
                if i >= 0:
                    pos = i + len(wait_for)
                    time.sleep(0.5)
                    s.sendall(answers.pop(0))
    print("console-driver: timed out", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
