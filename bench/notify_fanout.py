"""What a delivery costs while sessions watch a big account with NOTIFY.

RFC 5465 lets a client watch every mailbox of its account (`personal`).
The question is whether each delivery then costs every watching session
O(mailboxes). One user with `--mailboxes` folders (100, then 10,000);
`--watchers` sessions of theirs each `NOTIFY SET (personal (MessageNew
MessageExpunge))`; `--deliveries` LMTP deliveries to INBOX one at a time.
Per delivery: the time from LMTP's 250 to the last watcher's `* STATUS
"INBOX"`, and the server's CPU time (`bench.memory.tree_cpu_seconds`: its process tree,
from /proc) per delivery, against the same deliveries with the sessions
logged in but not watching. Roost, then Dovecot (which has NOTIFY;
Debian's Cyrus 3.6 does not advertise it) with `--servers`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bench.cli import free_port
from bench.imap_client import ImapClient
from bench.lmtp_client import LmtpClient
from bench.memory import tree_cpu_seconds
from bench.roost_side import RoostSide
from bench.sides import Side

PASSWORD = "secret"
MESSAGE = b"From: a@example.org\r\nTo: user1@example.org\r\nSubject: ping\r\n\r\nhello\r\n"
NOTIFY = "NOTIFY SET (personal (MessageNew MessageExpunge))"




class RoostWithFolders(RoostSide):
    """Roost whose user1 also has `folders` mailboxes, made through the store."""

    def __init__(self, folders: int) -> None:
        super().__init__(users=1, password=PASSWORD, workers=2, imap_port=free_port())
        self.folders = folders

    async def _create_users(self) -> None:
        await super()._create_users()
        from roost.config import load_config
        from roost.store.open import open_store

        store = open_store(load_config(str(self.root / "imapd.conf")))
        try:
            for n in range(self.folders):
                await store.create_mailbox(f"user.user1.f{n // 100}.g{n}")
        finally:
            await store.close()


async def make_folders_over_imap(side: Side, folders: int) -> None:
    imap = await ImapClient.connect("127.0.0.1", side.imap_port)
    await imap.login("user1", PASSWORD)
    for n in range(folders):
        await imap.command(f"CREATE f{n // 100}/g{n}")
    await imap.command("LOGOUT")
    await imap.close()


async def _read_status(client: ImapClient, deadline: float) -> None:
    """Read untagged lines until one is INBOX's STATUS."""
    while True:
        line = await asyncio.wait_for(client.reader.readuntil(b"\r\n"), deadline)
        if line.startswith(b"* STATUS") and b"INBOX" in line.upper():
            return


async def phase(side: Side, watchers: int, deliveries: int, watching: bool,
                lmtp_path: str) -> tuple[list[float], float]:
    """(latencies, CPU seconds per delivery) of one phase."""
    sessions = []
    for _ in range(watchers):
        client = await ImapClient.connect("127.0.0.1", side.imap_port)
        await client.login("user1", PASSWORD)
        if watching:
            reply = await client.command(NOTIFY)
            if reply.status != "OK":
                raise RuntimeError(f"{side.name}: {NOTIFY}: {reply.status} {reply.text}")
        sessions.append(client)
    lmtp = await LmtpClient.connect(path=lmtp_path)
    latencies = []
    cpu_before = tree_cpu_seconds(side.pid)
    for _ in range(deliveries):
        await lmtp.send("a@example.org", ["user1"], MESSAGE)
        start = time.perf_counter()
        if watching:
            await asyncio.gather(*(_read_status(c, 10.0) for c in sessions))
            latencies.append(time.perf_counter() - start)
        else:
            await asyncio.sleep(0.3)  # what the watchers' wake-up would take, to compare CPU
    cpu = (tree_cpu_seconds(side.pid) - cpu_before) / deliveries
    await lmtp.quit()
    for client in sessions:
        await client.close()
    return latencies, cpu


def run_side(side: Side, folders: int, args: argparse.Namespace) -> dict[str, float]:
    side.start()
    try:
        if not isinstance(side, RoostWithFolders):
            asyncio.run(make_folders_over_imap(side, folders))
        _, idle_cpu = asyncio.run(phase(side, args.watchers, args.deliveries, False,
                                        side.lmtp_socket))
        latencies, cpu = asyncio.run(phase(side, args.watchers, args.deliveries, True,
                                           side.lmtp_socket))
    finally:
        side.stop()
    return {"median_ms": statistics.median(latencies) * 1000,
            "p90_ms": sorted(latencies)[int(len(latencies) * 0.9)] * 1000,
            "cpu_ms": cpu * 1000, "cpu_ms_unwatched": idle_cpu * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--watchers", type=int, default=8,
                        help="sessions of the one user (Dovecot allows 10 per user and IP)")
    parser.add_argument("--deliveries", type=int, default=40)
    parser.add_argument("--servers", nargs="+", default=["roost"])
    args = parser.parse_args()
    for folders in args.mailboxes:
        for name in args.servers:
            if name == "roost":
                side: Side = RoostWithFolders(folders)
            else:
                from bench.dovecot_side import DovecotSide
                side = DovecotSide(1, PASSWORD, imap_port=free_port())
            got = run_side(side, folders, args)
            print(f"{name:8} {folders:6} mailboxes, {args.watchers} watchers: "
                  f"STATUS after {got['median_ms']:.1f} ms median ({got['p90_ms']:.1f} p90); "
                  f"server CPU {got['cpu_ms']:.2f} ms per delivery watched, "
                  f"{got['cpu_ms_unwatched']:.2f} ms unwatched", flush=True)


if __name__ == "__main__":
    main()
