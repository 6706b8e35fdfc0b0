"""Which broker connections belong to a given process.

The brokers here are shared by every test worker (and by people), so a test that checks
"my observer left no connection behind" must recognise its own connections among others
of the same name. A client connection is known by its local port; a process's sockets
are its /proc fd links, matched with the kernel's TCP tables."""

from __future__ import annotations

import os
from pathlib import Path


def socket_ports(pid: int | None = None) -> set[int]:
    """The local TCP ports of the sockets process `pid` (default: this one) holds."""
    pid = os.getpid() if pid is None else pid
    inodes: set[str] = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports
