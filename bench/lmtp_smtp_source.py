"""LMTP deliveries/s measured with Postfix's `smtp-source`, a client nobody here wrote.

    python -m bench.lmtp_smtp_source                   # Roost, Cyrus, Dovecot in turn
    python -m bench.lmtp_smtp_source --servers roost --sessions 1 4 --messages 500

Every server is started first (bench/roost_side.py, cyrus_side.py,
dovecot_side.py; idle meanwhile), then each is measured alone in turn,
round by round, so load from outside falls on all alike. The runs: for
every session count S and
recipient count R, S processes `smtp-source -L -d -s 1 -m M/S -r R -l SIZE
-t userK` (K = 1..S) on its LMTP unix socket, timed from the first start
to the last exit: every session delivers to its own users, as Postfix's
deliveries to many users do (`--one-mailbox`: one `smtp-source -s S` with
every message to user1, which measures one mailbox's lock instead). smtp-source speaks LMTP in lock
step (one command, then its reply; it does not pipeline) and keeps each
session's connection for all its messages (`-d`), as Postfix's own lmtp
client keeps a cached connection. Its message is a small header block
(From, To, Date, a Message-Id unique per message) and SIZE octets of body.

With `-r R` it names the recipients `userK`, `2userK` ... `RuserK`, so
every server gets those users besides user1..userN. Deliveries/s counts
messages x recipients; server CPU is utime+stime (children included) of
the server's process tree, per delivery. smtp-source exits non-zero on
any reply that is not 2xx, so a run whose deliveries failed shows as one.
Loopback only; Postfix itself is never started (only its test client runs).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.cli import free_port
from bench.memory import process_tree
from bench.sides import Side

PASSWORD = "bench-pass"
TICKS = os.sysconf("SC_CLK_TCK")
SENDER = "bench@example.org"


def recipient_names(recipients: int, sessions: int) -> list[str]:
    """The mailboxes smtp-source's `-r` delivers to, besides user1..userS."""
    return [f"{n}user{k}" for k in range(1, sessions + 1) for n in range(2, recipients + 1)]


def tree_cpu_seconds(root: int) -> float:
    """CPU of the live tree, children reaped by their parent included (Cyrus's
    and Dovecot's per-connection processes may exit): utime, stime, cutime,
    cstime of /proc/PID/stat."""
    ticks = 0
    for pid in process_tree(root):
        stat = Path(f"/proc/{pid}/stat")
        with contextlib.suppress(OSError):
            ticks += sum(map(int, stat.read_text().rsplit(")", 1)[1].split()[11:15]))
    return ticks / TICKS


def smtp_source(socket_path: str, sessions: int, messages: int, recipients: int,
                size: int, one_mailbox: bool) -> float:
    """One timed run; its wall time in seconds (RuntimeError if a client failed)."""
    def command(count: int, per_process: int, user: str) -> list[str]:
        return ["smtp-source", "-L", "-d", "-s", str(count), "-m", str(per_process),
                "-r", str(recipients), "-l", str(size), "-f", SENDER, "-t", user,
                "-M", "bench.client", f"unix:{socket_path}"]
    if one_mailbox:
        commands = [command(sessions, messages, "user1")]
    else:
        commands = [command(1, messages // sessions, f"user{k}")
                    for k in range(1, sessions + 1)]
    started = time.perf_counter()
    clients = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True) for c in commands]
    errors = [client.communicate(timeout=600)[1] for client in clients]
    elapsed = time.perf_counter() - started
    for client, error in zip(clients, errors):
        if client.returncode != 0:
            raise RuntimeError(f"smtp-source failed: {error.strip()[-300:]}")
    return elapsed


def add_roost_users(side: Side, names: list[str]) -> None:
    from bench.roost_side import RoostSide
    from roost.config import load_config
    from roost.store.names import user_inbox
    from roost.store.open import open_store

    assert isinstance(side, RoostSide)

    async def create() -> None:
        store = open_store(load_config(str(side.root / "imapd.conf")))
        try:
            for name in names:
                await store.create_mailbox(user_inbox(name))
        finally:
            await store.close()

    asyncio.run(create())


def add_cyrus_users(side: Side, names: list[str]) -> None:
    from bench.cyrus_side import ADMIN, CyrusSide
    from bench.imap_client import ImapClient

    assert isinstance(side, CyrusSide)

    async def create() -> None:
        imap = await ImapClient.connect("127.0.0.1", side.imap_port)
        try:
            await imap.login(ADMIN, PASSWORD)
            for name in names:
                reply = await imap.command(f"CREATE user.{name}")
                if reply.status != "OK":
                    raise RuntimeError(f"CREATE user.{name}: {reply.text}")
        finally:
            await imap.close()

    asyncio.run(create())


def add_dovecot_users(side: Side, names: list[str]) -> None:
    """passwd-file lines like user1's; Dovecot rereads the file when it changes."""
    from bench.dovecot_side import DovecotSide

    assert isinstance(side, DovecotSide)
    passwd = side.root / "passwd"
    template = passwd.read_text().splitlines()[0]
    lines = [template.replace("user1", name) for name in names]
    with passwd.open("a") as out:
        out.write("".join(line + "\n" for line in lines))


def make_side(name: str, users: int, port: int, roost_conf: str = "") -> Side:
    if name == "roost":
        from bench.roost_side import RoostSide
        return RoostSide(users, PASSWORD, imap_port=port, admin=True, extra_conf=roost_conf)
    if name == "cyrus":
        from bench.cyrus_side import CyrusSide
        return CyrusSide(users, PASSWORD, imap_port=port)
    from bench.dovecot_side import DovecotSide
    return DovecotSide(users, PASSWORD, imap_port=port)


ADD_USERS = {"roost": add_roost_users, "cyrus": add_cyrus_users, "dovecot": add_dovecot_users}


def one_run(side: Side, args: argparse.Namespace, recipients: int,
            sessions: int) -> tuple[float, float]:
    """(deliveries/s, CPU seconds per delivery) of one timed smtp-source run."""
    messages = max(1, args.deliveries // recipients // sessions) * sessions
    cpu = tree_cpu_seconds(side.pid)
    elapsed = smtp_source(side.lmtp_socket, sessions, messages, recipients, args.size,
                          args.one_mailbox)
    deliveries = messages * recipients
    return deliveries / elapsed, (tree_cpu_seconds(side.pid) - cpu) / deliveries


def measure(sides: dict[str, Side], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Median deliveries/s and CPU ms per delivery per side and (recipients,
    sessions). The sides take turns within each round, so a change of the
    machine's load falls on all of them alike; each runs alone all the same."""
    figures: dict[str, dict[str, float]] = {label: {} for label in sides}
    for recipients in args.recipients:
        for sessions in args.sessions:
            runs: dict[str, list[tuple[float, float]]] = {label: [] for label in sides}
            for _ in range(args.rounds):
                for label, side in sides.items():
                    runs[label].append(one_run(side, args, recipients, sessions))
            for label, got in runs.items():
                rate = statistics.median(r for r, _ in got)
                cpu = statistics.median(c for _, c in got) * 1000
                key = f"{recipients} rcpt, {sessions} sess"
                figures[label][f"{key}: deliv/s"] = rate
                figures[label][f"{key}: cpu ms/deliv"] = cpu
                print(f"  {label:<14} {key}: {rate:8.1f} deliveries/s, {cpu:.2f} ms CPU each"
                      f" (rounds {', '.join(f'{r:.0f}' for r, _ in got)};"
                      f" load {os.getloadavg()[0]:.2f})", flush=True)
    return figures


def main() -> None:
    from bench.in_turn import ratio_table

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", nargs="+", default=["roost", "cyrus", "dovecot"],
                        choices=["roost", "cyrus", "dovecot"])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 16, 20])
    parser.add_argument("--recipients", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--deliveries", type=int, default=1000,
                        help="deliveries per run (messages = this / recipients)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=4096, help="body octets per message")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--body-sync", nargs="+", default=["syncfs"], choices=["file", "syncfs"],
                        help="Roost's body_sync; several: one Roost for each")
    parser.add_argument("--one-mailbox", action="store_true",
                        help="one smtp-source -s S, every message to user1")
    args = parser.parse_args()
    if shutil.which("smtp-source") is None:
        raise SystemExit("smtp-source is missing: apt-get install postfix (it is not started)")
    args.users = max(args.users, *args.sessions)
    print(f"smtp-source -L -d{' to one mailbox' if args.one_mailbox else ''}, "
          f"{args.deliveries} deliveries per run, {args.size} octets, {args.rounds} rounds, "
          f"medians; load {os.getloadavg()[0]:.2f}", flush=True)
    wanted = [(f"roost-{mode}" if len(args.body_sync) > 1 else "roost", "roost",
               f"body_sync: {mode}\n") for mode in args.body_sync if "roost" in args.servers]
    wanted += [(name, name, "") for name in args.servers if name != "roost"]
    # SIGTERM too stops the sides (each runs in a session of its own)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sides: dict[str, Side] = {}
    try:
        for label, name, roost_conf in wanted:
            side = make_side(name, args.users, free_port(), roost_conf)
            sides[label] = side
            side.start()
            ADD_USERS[name](side, recipient_names(max(args.recipients), max(args.sessions)))
            smtp_source(side.lmtp_socket, 1, 5, max(args.recipients), args.size, True)  # warm
        results = measure(sides, args)
    finally:
        for side in sides.values():
            side.stop()
    print(ratio_table(results, "LMTP (smtp-source)", width=32, digits=1))
    first = next(iter(results))
    for other in list(results)[2:]:  # the first over each of the others, too
        print(ratio_table({first: results[first], other: results[other]},
                          "LMTP (smtp-source)", width=32, digits=1))


if __name__ == "__main__":
    main()
