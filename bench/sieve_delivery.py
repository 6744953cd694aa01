"""LMTP deliveries/s through a 200-rule Sieve script beside no script, in the same run.

    python -m bench.sieve_delivery                 # Roost, and Debian's Cyrus when present
    python -m bench.sieve_delivery --no-cyrus

Each server gets users user1..user2N: the first N have the same active
200-rule script (header, address and envelope tests; half the messages
match a rule and are filed into one of ten folders, the rest fall through
to the implicit keep), the other N have none. Rounds alternate between
the two groups so both see the same machine; figures are medians of
rounds. Roost runs in a subprocess on uvloop with its scripts in the
sievedir store; Cyrus (cyrus_side.py, with timsieved added) gets the same
script uploaded and activated over ManageSieve, as sieveshell does.
Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cli import free_port
from bench.lmtp_client import LmtpClient
from bench.sides import wait_for_port

try:
    from uvloop import run
except ImportError:  # bench/__init__: uvloop when present
    from asyncio import run  # type: ignore[assignment]

RULES = 200
FOLDERS = 10
PASSWORD = "bench-secret"
SEED = 8


def make_script(rules: int = RULES) -> str:
    """`rules` rules, each a test a message must pass through before the next."""
    lines = ['require ["fileinto", "envelope", "imap4flags"];']
    for i in range(rules):
        kind = i % 3
        if kind == 0:
            test = f'header :contains "X-List" "list{i}."'
        elif kind == 1:
            test = f'address :is :localpart "from" "sender{i}"'
        else:
            test = f'envelope :domain :is "from" "domain{i}.example"'
        lines.append(f'if {test} {{ addflag "$rule{i}"; fileinto "INBOX.f{i % FOLDERS}"; stop; }}')
    return "\n".join(lines) + "\n"


def make_message(n: int, rng: random.Random) -> tuple[str, bytes]:
    """(envelope sender, message): half of them match one rule of the script."""
    rule = rng.randrange(2 * RULES)
    head = (f"From: sender{rule}@example.org\r\nTo: users@example.org\r\n"
            f"Subject: bench {n}\r\nX-List: list{rule}.example.org\r\n"
            f"Message-ID: <sieve-bench-{n}-{time.monotonic_ns()}@example.org>\r\n\r\n")
    return f"bounce@domain{rule}.example", head.encode() + b"Some text of the message.\r\n" * 60


async def one_round(args: argparse.Namespace, first_user: int, seed: int) -> float:
    """Messages/s delivering to users first_user..first_user+N-1, one recipient each."""
    rng = random.Random(seed)
    per_connection = args.messages // args.connections
    failures = 0

    async def worker(slot: int) -> None:
        nonlocal failures
        client = await LmtpClient.connect(args.host, args.port, args.unix)
        for k in range(per_connection):
            n = slot * per_connection + k
            sender, raw = make_message(n, rng)
            rcpt = f"user{first_user + n % args.users}"
            replies = await client.send(sender, [rcpt], raw)
            failures += sum(not r.startswith("250") for r in replies)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(worker(slot) for slot in range(args.connections)))
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{failures} deliveries failed")
    return per_connection * args.connections / elapsed


async def measure(args: argparse.Namespace, name: str) -> dict[str, float]:
    rates: dict[str, list[float]] = {"script": [], "none": []}
    for r in range(args.rounds):
        rates["script"].append(await one_round(args, 1, SEED + r))
        rates["none"].append(await one_round(args, args.users + 1, SEED + r))
    medians = {k: statistics.median(v) for k, v in rates.items()}
    print(f"{name:6s} {RULES}-rule script: {medians['script']:7.1f} deliveries/s   "
          f"no script: {medians['none']:7.1f} deliveries/s   "
          f"ratio {medians['script'] / medians['none']:.2f}", flush=True)
    return medians


# -- the Roost side ------------------------------------------------------------

async def serve(site: Path, port: int, users: int) -> None:
    """Subprocess: a store with users user1..user2N, scripts for the first N, LMTP."""
    from roost.config import parse_config
    from roost.lmtp import LmtpService
    from roost.sieve import SieveOptions, compile_script, dump_compiled
    from roost.store.open import open_store
    from roost.store.sievedir import SievedirScripts

    conf = parse_config(site_conf(site))
    store = open_store(conf)
    scripts = SievedirScripts.from_config(conf)
    source = make_script().encode()
    options = SieveOptions.from_config(conf)
    compiled = dump_compiled(compile_script(source, options), source, options)
    for i in range(1, 2 * users + 1):
        await store.create_mailbox(f"user.user{i}")
        if i <= users:
            for f in range(FOLDERS):
                await store.create_mailbox(f"user.user{i}.f{f}")
            await scripts.put_script(f"user{i}", "bench", source, compiled)
            await scripts.set_active(f"user{i}", "bench")
    service = LmtpService(conf, store, scripts=scripts)
    await service.start_tcp("127.0.0.1", port)
    await asyncio.Event().wait()


def site_conf(site: Path) -> str:
    return (f"configdirectory: {site / 'config'}\npartition-default: {site / 'spool'}\n"
            "servername: roost.bench\nunixhierarchysep: no\naltnamespace: no\n")


async def roost_filed(site: Path) -> int:
    """Messages in user1's folders, read from the store beside the server."""
    from roost.config import parse_config
    from roost.store.open import open_store

    store = open_store(parse_config(site_conf(site)))
    try:
        return sum([len(await store.messages((await store.get_mailbox(f"user.user1.f{f}")).id))
                    for f in range(FOLDERS)])
    finally:
        await store.close()


def roost_side(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="roost-sieve-bench-") as site:
        args.port = free_port()
        args.unix = None
        process = subprocess.Popen([sys.executable, "-m", "bench.sieve_delivery",
                                    "--users", str(args.users), "serve", site, str(args.port)])
        try:
            wait_for_port(args.port, process, timeout=120)
            run(measure(args, "roost"))
            print(f"roost  messages user1's script filed: {run(roost_filed(Path(site)))}")
        finally:
            process.terminate()
            process.wait(timeout=10)


# -- the Cyrus side --------------------------------------------------------------

def cyrus_side(args: argparse.Namespace) -> None:
    from bench.cyrus_side import CYRUS_BIN, CyrusSide

    if not (CYRUS_BIN / "lmtpd").exists():
        print("cyrus  not installed (Debian cyrus-imapd): skipped")
        return

    class WithSieve(CyrusSide):
        """Cyrus with timsieved: Cyrus 3.6 keeps scripts in its sieve database,
        so a script counts only when uploaded over ManageSieve."""

        sieve_port = free_port()

        def _write_config(self) -> None:
            super()._write_config()
            conf = self.root / "cyrus.conf"
            conf.write_text(conf.read_text().replace(
                "SERVICES {\n", "SERVICES {\n  sieve cmd=\"timsieved -C "
                f"{self.root / 'imapd.conf'}\" listen=\"127.0.0.1:{self.sieve_port}\" prefork=0\n"))

    side = WithSieve(2 * args.users, PASSWORD, imap_port=free_port())
    try:
        side.start()
        wait_for_port(side.sieve_port, side.process)
        asyncio.run(cyrus_folders(side.imap_port, args.users))
        for i in range(1, args.users + 1):
            asyncio.run(managesieve_put(side.sieve_port, f"user{i}", make_script()))
        args.unix = side.lmtp_socket
        run(measure(args, "cyrus"))
        print(f"cyrus  messages user1's script filed: {asyncio.run(cyrus_filed(side.imap_port))}")
    finally:
        side.stop()


async def cyrus_folders(port: int, users: int) -> None:
    """Create the script users' folders, as the admin over IMAP."""
    from bench.cyrus_side import ADMIN
    from bench.imap_client import ImapClient

    imap = await ImapClient.connect("127.0.0.1", port)
    try:
        await imap.login(ADMIN, PASSWORD)
        for i in range(1, users + 1):
            for f in range(FOLDERS):
                await imap.command(f"CREATE user.user{i}.f{f}")
        await imap.command("LOGOUT")
    finally:
        await imap.close()


async def cyrus_filed(port: int) -> int:
    """Messages in user1's folders (the script ran if any), seen by user1 over IMAP."""
    from bench.imap_client import ImapClient

    imap = await ImapClient.connect("127.0.0.1", port)
    total = 0
    try:
        await imap.login("user1", PASSWORD)
        for f in range(FOLDERS):
            reply = await imap.command(f"STATUS INBOX.f{f} (MESSAGES)")
            for line in reply.untagged:
                total += int(line.rstrip(b")\r\n").rsplit(b" ", 1)[-1])
        await imap.command("LOGOUT")
    finally:
        await imap.close()
    return total


async def managesieve_put(port: int, user: str, script: str) -> None:
    """RFC 5804: AUTHENTICATE PLAIN, PUTSCRIPT, SETACTIVE, as sieveshell's put/activate."""
    import base64

    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def response() -> str:
        while True:
            line = (await reader.readline()).decode("utf-8", "replace")
            if not line:
                raise RuntimeError("timsieved closed the connection")
            if line.startswith(("OK", "NO", "BYE")):
                if not line.startswith("OK"):
                    raise RuntimeError(f"timsieved: {line.strip()}")
                return line

    await response()
    token = base64.b64encode(f"\0{user}\0{PASSWORD}".encode()).decode()
    body = script.encode()
    for command in (f'AUTHENTICATE "PLAIN" "{token}"\r\n'.encode(),
                    b'PUTSCRIPT "bench" {%d+}\r\n' % len(body) + body + b"\r\n",
                    b'SETACTIVE "bench"\r\n', b"LOGOUT\r\n"):
        writer.write(command)
        await response()
    writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20, help="users per group (N)")
    parser.add_argument("--messages", type=int, default=400, help="messages per round")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-cyrus", action="store_true")
    sub = parser.add_subparsers(dest="command")
    serve_cmd = sub.add_parser("serve", help="(internal) run the Roost side")
    serve_cmd.add_argument("site", type=Path)
    serve_cmd.add_argument("serve_port", type=int)
    args = parser.parse_args()
    args.host = "127.0.0.1"
    if args.command == "serve":
        run(serve(args.site, args.serve_port, args.users))
        return
    print(f"{args.messages} messages/round over {args.connections} connections, "
          f"{args.rounds} rounds, {args.users} users per group", flush=True)
    roost_side(args)
    if not args.no_cyrus:
        cyrus_side(args)


if __name__ == "__main__":
    main()
