"""COMPRESS=DEFLATE (RFC 4978): bytes saved on a FETCH of 1,000 bodies, Roost beside Cyrus.

The same seeded corpus (bench.mboxgen: plain text, multipart/alternative,
base64 attachments, forwarded messages; 1-50 KB each) is appended to
user1's INBOX on each server in turn. Then `FETCH 1:* BODY.PEEK[]` runs
`--runs` times in two sessions, one plain and one after `COMPRESS
DEFLATE` (the client deflates its commands at zlib's default level; what
the server sends is what is measured). Printed per server: bytes on the
wire both ways, the compressed/plain ratio, and median times; then Roost
over Cyrus.

    python -m bench.compress                    # 1,000 messages, 3 runs
    python -m bench.compress --messages 200 --servers roost
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import zlib
from collections.abc import Callable

from bench.cli import free_port, save_medians, side_parser
from bench.cyrus_side import CyrusSide
from bench.hot_paths import USER, _login, _spread
from bench.imap_client import ImapClient
from bench.in_turn import ratio_table, run_in_turn
from bench.mboxgen import messages
from bench.roost_side import RoostSide
from bench.sides import Side

PASSWORD = "secret"
TAG = b"zz9"
READ = 1 << 16


class RawSession(ImapClient):
    """One IMAP session counting the server's bytes off the wire, optionally deflated."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        super().__init__(reader, writer)
        self.deflater: zlib._Compress | None = None
        self.inflater: zlib._Decompress | None = None

    @classmethod
    async def open(cls, port: int, compress: bool) -> RawSession:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=READ)
        session = cls(reader, writer)
        await reader.readuntil(b"\r\n")
        await session.measured(f"LOGIN {USER} {PASSWORD}".encode())
        await session.measured(b"EXAMINE INBOX")
        if compress:
            await session.measured(b"COMPRESS DEFLATE")
            session.deflater = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            session.inflater = zlib.decompressobj(-15)
        return session

    async def measured(self, text: bytes) -> tuple[int, int]:
        """Run `TAG text`; (bytes on the wire, bytes after inflating) of the reply."""
        out = TAG + b" " + text + b"\r\n"
        if self.deflater is not None:
            out = self.deflater.compress(out) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
        self.writer.write(out)
        wire = plain = 0
        tail = b""
        while True:
            chunk = await self.reader.read(READ)
            if not chunk:
                raise ConnectionError("server closed the connection")
            wire += len(chunk)
            if self.inflater is not None:
                chunk = self.inflater.decompress(chunk)
            plain += len(chunk)
            tail = (tail + chunk)[-8192:]  # a CAPABILITY line is long
            last = tail[tail.rfind(b"\n", 0, len(tail) - 1) + 1:]
            if tail.endswith(b"\r\n") and last.startswith(TAG + b" "):
                if not last.startswith(TAG + b" OK"):
                    raise RuntimeError(f"{text[:40]!r}: {last[:200]!r}")
                return wire, plain


async def fill(port: int, count: int, seed: int) -> int:
    corpus = messages(count, seed)
    start = time.perf_counter()
    await _spread(port, [("APPEND INBOX", body) for body in corpus])
    print(f"  appended {count} messages ({sum(map(len, corpus)) / 1e6:.1f} MB) in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    imap = await _login(port, USER)
    try:
        await imap.command("EXAMINE INBOX")
        return imap.exists
    finally:
        await imap.close()


async def measure(side: Side, args: argparse.Namespace) -> dict[str, float]:
    port = side.imap_port
    exists = await fill(port, args.messages, args.seed)
    if exists != args.messages:
        raise RuntimeError(f"INBOX holds {exists} messages, not {args.messages}")
    figures: dict[str, float] = {}
    for label, compress in (("plain", False), ("deflate", True)):
        session = await RawSession.open(port, compress)
        try:
            times, sizes = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                sizes.append(await session.measured(b"FETCH 1:* BODY.PEEK[]"))
                times.append(time.perf_counter() - start)
        finally:
            await session.close()
        figures[f"{label} wire KB"] = statistics.median(w for w, _ in sizes) / 1000
        figures[f"{label} reply KB"] = statistics.median(p for _, p in sizes) / 1000
        figures[f"{label} ms"] = statistics.median(times) * 1000
    figures["deflate/plain bytes"] = figures["deflate wire KB"] / figures["plain wire KB"]
    figures["deflate/plain time"] = figures["deflate ms"] / figures["plain ms"]
    for label, value in figures.items():
        print(f"  {side.name} {label}: {value:.3f}", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = side_parser(__doc__, runs=3, seed=4978)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args(argv)
    # Ports of their own: other benchmarks may hold the sides' default ports.
    sides: dict[str, Callable[[], Side]] = {
        "roost": lambda: RoostSide(1, PASSWORD, imap_port=free_port()),
        "cyrus": lambda: CyrusSide(1, PASSWORD, imap_port=free_port()),
    }
    results = {name: run_in_turn(make(), lambda side: measure(side, args))
               for name, make in sides.items() if name in args.servers}
    print(ratio_table(results, "median", width=22, digits=3))
    save_medians(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
