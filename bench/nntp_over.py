"""NNTP OVER of 10,000 articles, Roost beside Cyrus's nntpd, in one run.

A newsreader entering a group asks for the overview of every article
(`OVER first-last`, RFC 3977 §8.3): on a big group it is the command a
news server answers most. Each server is started in turn on loopback
(bench.roost_side, bench.cyrus_side, with an `nntpd` service added and
`newsprefix: news`), given the same shared folder `news.bench.over`
(`anyone lrsp`) holding the same `bench.mboxgen` articles, appended over
IMAP by the admin, then timed: AUTHINFO as user1, GROUP bench.over, and
`OVER 1-N` until its terminating `.`, `--runs` times on one session.

The first OVER (a fresh worker: Roost has no overview text cached yet)
and the median of the runs, then Roost's time over Cyrus's (below 1:
Roost is faster).
Cyrus's nntpd is Debian's `cyrus-nntpd` (installed when missing).

    python -m bench.nntp_over                     # 10,000 articles, 5 runs
    python -m bench.nntp_over --articles 2000 --servers roost
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from bench import cyrus_side
from bench.cli import side_parser
from bench.cyrus_side import ADMIN, CyrusSide
from bench.hot_paths import report
from bench.imap_client import ImapClient, quote
from bench.mboxgen import messages
from bench.roost_side import RoostSide
from bench.sides import Side, wait_for_port

PASSWORD = "secret"
USER = "user1"
GROUP = "bench.over"
CONNECTIONS = 8
ROOST_NNTP = 21120
CYRUS_NNTP = 21119


class RoostNews(RoostSide):
    """Roost with `nntpd` beside IMAP and LMTP."""

    def __init__(self) -> None:
        super().__init__(2, PASSWORD, admin=True, extra_conf="newsprefix: news\n")
        self.nntp_port = ROOST_NNTP

    def _write_site(self) -> None:
        super()._write_site()
        conf = self.root / "cyrus.conf"
        conf.write_text(conf.read_text().replace(
            "SERVICES {\n", f'SERVICES {{\n  nntp cmd="nntpd" listen="127.0.0.1:{self.nntp_port}"\n'))

    def start(self) -> None:
        super().start()
        wait_for_port(self.nntp_port, self.process)


class CyrusNews(CyrusSide):
    """Debian's Cyrus with its nntpd (cyrus-nntpd) beside IMAP and LMTP."""

    def __init__(self) -> None:
        super().__init__(2, PASSWORD)
        self.nntp_port = CYRUS_NNTP

    def _write_config(self) -> None:
        super()._write_config()
        imapd = self.root / "imapd.conf"
        imapd.write_text(imapd.read_text() + "newsprefix: news\n")
        conf = self.root / "cyrus.conf"
        option = f"-C {imapd}"
        conf.write_text(conf.read_text().replace("SERVICES {\n", (
            f'SERVICES {{\n  nntp cmd="nntpd {option}" listen="127.0.0.1:{self.nntp_port}" '
            "prefork=0 maxchild=10\n")))

    def start(self) -> None:
        if not (cyrus_side.CYRUS_BIN / "nntpd").exists():
            subprocess.run(["apt-get", "install", "-y", "cyrus-nntpd"], check=True,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        super().start()
        wait_for_port(self.nntp_port, self.process)


async def fill(port: int, admin: str, corpus: list[bytes]) -> None:
    """The group as a shared folder, made and filled over IMAP by the admin."""
    imap = await ImapClient.connect("127.0.0.1", port)
    try:
        await imap.login(admin, PASSWORD)
        reply = await imap.command('LIST "" ""')
        sep = reply.untagged[0].split(b'"')[1].decode()
        folder = quote(sep.join(["news", *GROUP.split(".")]))
        for command in (f"CREATE {folder}", f"SETACL {folder} anyone lrsp",
                        f"SETACL {folder} {admin} lrswipkxtea"):
            reply = await imap.command(command)
            if reply.status != "OK":
                raise RuntimeError(f"{command}: {reply.status} {reply.text}")
    finally:
        await imap.close()
    queue = list(reversed(corpus))
    start = time.perf_counter()

    async def worker() -> None:
        session = await ImapClient.connect("127.0.0.1", port)
        try:
            await session.login(admin, PASSWORD)
            while queue:
                raw = queue.pop()
                reply = await session.command(f"APPEND {folder}", raw)
                if reply.status != "OK":
                    raise RuntimeError(f"APPEND: {reply.status} {reply.text}")
        finally:
            await session.close()

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    print(f"  appended {len(corpus)} articles in {time.perf_counter() - start:.0f} s",
          flush=True)


async def _reply(reader: asyncio.StreamReader, expect: str) -> bytes:
    line = await reader.readline()
    if not line.startswith(expect.encode()):
        raise RuntimeError(f"expected {expect}, got {line[:100]!r}")
    return line


async def timed_over(port: int, runs: int) -> tuple[float, float, int]:
    """Seconds of the first OVER over the whole group (a worker that has
    overviewed nothing yet), the median of all `runs`, and the lines."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    try:
        await _reply(reader, "20")
        for command, expect in ((b"CAPABILITIES", "101"), ):
            writer.write(command + b"\r\n")
            await _reply(reader, expect)
            while await reader.readline() != b".\r\n":
                pass
        writer.write(f"AUTHINFO USER {USER}\r\n".encode())
        await _reply(reader, "381")
        writer.write(f"AUTHINFO PASS {PASSWORD}\r\n".encode())
        await _reply(reader, "281")
        writer.write(f"GROUP {GROUP}\r\n".encode())
        _, _, low, high, _ = (await _reply(reader, "211")).split()
        seconds, lines = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            writer.write(f"OVER {int(low)}-{int(high)}\r\n".encode())
            await _reply(reader, "224")
            lines = 0
            while await reader.readline() != b".\r\n":
                lines += 1
            seconds.append(time.perf_counter() - start)
        writer.write(b"QUIT\r\n")
        return seconds[0], statistics.median(seconds), lines
    finally:
        writer.close()


def run_side(side: Side, admin: str, nntp_port: int,
             args: argparse.Namespace) -> dict[str, float]:
    print(f"== {side.name}", flush=True)
    try:
        side.start()
        asyncio.run(fill(side.imap_port, admin, messages(args.articles, args.seed)))
        first, median, lines = asyncio.run(timed_over(nntp_port, args.runs))
        print(f"  {side.name} OVER: first {first * 1000:.0f} ms, median {median * 1000:.0f} ms"
              f" ({lines} lines)", flush=True)
        return {f"first OVER of {lines} articles": first, f"OVER of {lines} articles": median}
    except Exception as err:  # noqa: BLE001 -- a failure is a finding: print it, go on
        print(f"  {side.name} failed: {err!r}\n{side.log_tail()}", flush=True)
        return {}
    finally:
        side.stop()


def main(argv: list[str] | None = None) -> int:
    parser = side_parser(__doc__, runs=5, seed=1, json_help=None)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args(argv)
    sides: dict[str, Callable[[], tuple[Side, str, int]]] = {
        "roost": lambda: (RoostNews(), "admin", ROOST_NNTP),
        "cyrus": lambda: (CyrusNews(), ADMIN, CYRUS_NNTP),
    }
    results = {}
    for name, make in sides.items():
        if name in args.servers:
            side, admin, port = make()
            results[name] = run_side(side, admin, port, args)
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
