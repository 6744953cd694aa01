"""Memory of a server holding many idle, authenticated IMAP sessions.

Most sessions of a real site sit idle (a mail client keeps its connection
open for hours), so what each one costs in memory decides how many users a
machine serves. This opens N connections, LOGINs and SELECTs INBOX on each
(as a client keeping INBOX open does), waits for the server to settle, and
reads the PSS of the server's whole process tree (bench.memory).

    python -m bench.idle_sessions --port 21143 --pid MASTER_PID --sessions 200
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass

from bench.imap_client import ImapClient
from bench.memory import tree_pss_mib

OPEN_CONCURRENCY = 20
SETTLE_SECONDS = 2.0
OPEN_TIMEOUT = 30.0  # a server that takes no more sessions (Cyrus at its limit) fails them


@dataclass(frozen=True, slots=True)
class IdleMemory:
    """PSS before and while holding `sessions` sessions, and how many failed to open."""

    sessions: int
    failed: int
    baseline_mib: float
    held_mib: float
    processes: int
    first_error: str

    @property
    def per_session_kib(self) -> float:
        opened = self.sessions - self.failed
        return (self.held_mib - self.baseline_mib) * 1024 / opened if opened else 0.0


async def _open(host: str, port: int, user: str, password: str) -> ImapClient:
    imap = await ImapClient.connect(host, port)
    reply = await imap.login(user, password)
    if reply.status == "OK":
        reply = await imap.command("SELECT INBOX")
    if reply.status != "OK":
        await imap.close()
        raise RuntimeError(f"{user}: {reply.status} {reply.text}"[:200])
    return imap


async def measure_idle(host: str, port: int, pid: int, sessions: int, users: int,
                       user_format: str, password: str) -> IdleMemory:
    """Open `sessions` sessions (round-robin over the users), measure, close them."""
    baseline, _ = tree_pss_mib(pid)
    gate = asyncio.Semaphore(OPEN_CONCURRENCY)

    async def one(i: int) -> ImapClient:
        async with gate:
            return await asyncio.wait_for(
                _open(host, port, user_format.format(n=i % users + 1), password), OPEN_TIMEOUT)

    results = await asyncio.gather(*(one(i) for i in range(sessions)), return_exceptions=True)
    clients = [r for r in results if isinstance(r, ImapClient)]
    errors = [repr(r) for r in results if not isinstance(r, ImapClient)]
    await asyncio.sleep(SETTLE_SECONDS)
    held, processes = tree_pss_mib(pid)
    await asyncio.gather(*(c.close() for c in clients))
    return IdleMemory(sessions, len(errors), baseline, held, processes,
                      errors[0] if errors else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's master process")
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--user-format", default="user{n}")
    parser.add_argument("--password", default="secret")
    args = parser.parse_args(argv)
    result = asyncio.run(measure_idle(args.host, args.port, args.pid, args.sessions,
                                      args.users, args.user_format, args.password))
    print(f"{result.sessions} sessions ({result.failed} failed): PSS {result.baseline_mib:.1f} "
          f"-> {result.held_mib:.1f} MiB over {result.processes} processes, "
          f"{result.per_session_kib:.0f} KiB/session {result.first_error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
