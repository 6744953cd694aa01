"""Memory and CPU of a server as the machine pays for them, over its process tree.

RSS double-counts pages shared between a master and its forked children
(Cyrus forks one imapd per session, Roost a few workers), so the comparison
uses PSS from /proc/PID/smaps_rollup, which splits each shared page between
the processes mapping it.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """Direct children of `pid`, from every thread's children list."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants alive now."""
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending += children(pid)
    return tree


def pss_kib(pid: int) -> int:
    """The PSS of one process in KiB (0 if it has gone)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_pss_mib(root: int) -> tuple[float, int]:
    """PSS in MiB summed over `root`'s process tree, and how many processes it has."""
    pids = process_tree(root)
    return sum(pss_kib(pid) for pid in pids) / 1024, len(pids)


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) of `root`'s process tree: every live
    process's own time plus what its reaped children used (cutime, cstime),
    so a server that forks a process per session (Dovecot, Cyrus) is
    charged for the sessions that have ended too."""
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])
    return total / TICKS
