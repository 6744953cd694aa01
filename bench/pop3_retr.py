"""POP3 RETR of 1,000 messages, Roost's pop3d beside Cyrus's, in one run.

What fetchmail and every POP3 client do: log in, then RETR each message.
Each server is started in turn on loopback (Roost: bench.roost_side with
a `pop3d` service; Cyrus: bench.cyrus_side with Debian's cyrus-pop3d as
`pop3d -U 30`, as Debian's cyrus.conf has it), user1's INBOX is filled
with the same `bench.mboxgen` corpus over IMAP APPEND, then timed:

- `RETR 1..N one at a time`: one session, each RETR sent when the last
  reply is in (fetchmail's way);
- `RETR 1..N pipelined`: the same, `--window` commands in flight (RFC 2449
  PIPELINING);
- `RETR one at a time, QUICKACK`: one at a time, on a blocking socket set
  to TCP_QUICKACK before every recv. Cyrus's pop3d writes the terminator
  apart from the message (pop3d.c `blat` flushes before ".\r\n" on
  purpose), so with Nagle's algorithm the terminator waits for the
  client's delayed ACK, about 40 ms a message on Linux; this line shows
  the servers without that wait (Roost sends the reply in one write);

each run a fresh session (USER/PASS, the RETRs, QUIT without DELE, so the
maildrop is the same every run). Medians of `--runs` runs, messages and
octets a second, and Roost's time over Cyrus's (below 1: Roost is faster).
Both servers must send the same octets, which the run checks.

    python -m bench.pop3_retr                      # 1,000 messages, 5 runs
    python -m bench.pop3_retr --messages 200 --servers roost
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import time
from collections.abc import Callable

from bench import hot_paths
from bench.cli import save_medians, side_parser
from bench.cyrus_side import CyrusSide
from bench.mboxgen import messages
from bench.populate import fill_user
from bench.roost_side import RoostSide
from bench.sides import wait_for_port

PASSWORD = "secret"
USER = "user1"
# Ports of their own: other benchmarks (bench.hot_paths, ...) use the sides'
# default IMAP ports, and two runs at once must not talk to each other's servers.
ROOST_IMAP, ROOST_POP3 = 21310, 21311
CYRUS_IMAP, CYRUS_POP3 = 21312, 21313
TERMINATOR = b"\r\n.\r\n"


def refuse_busy(*ports: int) -> None:
    """Stop before starting a server whose port another process already holds."""
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(f"127.0.0.1:{port} is already in use")


class RoostPop3(RoostSide):
    """Roost with `pop3d` beside IMAP and LMTP."""

    pop3_port = ROOST_POP3

    def __init__(self) -> None:
        super().__init__(1, PASSWORD, imap_port=ROOST_IMAP)

    def _write_site(self) -> None:
        super()._write_site()
        conf = self.root / "cyrus.conf"
        conf.write_text(conf.read_text().replace(
            "SERVICES {\n", f'SERVICES {{\n  pop3 cmd="pop3d" listen="127.0.0.1:{self.pop3_port}"\n'))

    def start(self) -> None:
        refuse_busy(self.imap_port, self.pop3_port)
        super().start()
        wait_for_port(self.pop3_port, self.process)


class CyrusPop3(CyrusSide):
    """Debian's Cyrus with cyrus-pop3d (`pop3d -U 30`, prefork=0, as Debian ships it)."""

    pop3_port = CYRUS_POP3

    def __init__(self) -> None:
        super().__init__(1, PASSWORD, imap_port=CYRUS_IMAP)

    def _write_config(self) -> None:
        super()._write_config()
        conf = self.root / "cyrus.conf"
        imapd_conf = self.root / "imapd.conf"
        conf.write_text(conf.read_text().replace(
            "SERVICES {\n", f'SERVICES {{\n  pop3 cmd="pop3d -C {imapd_conf} -U 30" '
            f'listen="127.0.0.1:{self.pop3_port}" prefork=0 maxchild=10\n'))

    def start(self) -> None:
        refuse_busy(self.imap_port, self.pop3_port)
        super().start()
        wait_for_port(self.pop3_port, self.process)


class Pop3Client:
    """Just enough POP3 to time RETRs: one status or multi-line reply at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def login(cls, port: int) -> Pop3Client:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 24)
        client = cls(reader, writer)
        await client.status()
        for line in (f"USER {USER}", f"PASS {PASSWORD}"):
            writer.write(line.encode() + b"\r\n")
            await client.status()
        return client

    async def status(self) -> bytes:
        line = await self.reader.readline()
        if not line.startswith(b"+OK"):
            raise RuntimeError(f"POP3 said {line!r}")
        return line

    async def multiline(self) -> int:
        """One RETR reply: the length of its message text (stuffed, terminator
        included; the status line's words differ between servers)."""
        reply = await self.reader.readuntil(TERMINATOR)
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"RETR said {reply[:80]!r}")
        return len(reply) - reply.index(b"\n") - 1

    async def stat(self) -> tuple[int, int]:
        """STAT: messages and their octets (RFC 1939 §5, which both must agree on)."""
        self.writer.write(b"STAT\r\n")
        words = (await self.status()).split()
        return int(words[1]), int(words[2])

    async def retr_all(self, count: int, window: int) -> int:
        """RETR 1..count with at most `window` in flight; the octets received."""
        received = 0
        sent = 0
        while sent < count or received == 0:
            batch = range(sent + 1, min(count, sent + window) + 1)
            self.writer.write(b"".join(b"RETR %d\r\n" % n for n in batch))
            for _ in batch:
                received += await self.multiline()
            sent += len(batch)
            if not batch:
                break
        return received

    async def quit(self) -> None:
        self.writer.write(b"QUIT\r\n")
        await self.status()
        self.writer.close()
        await self.writer.wait_closed()


def quickack_session(port: int) -> tuple[float, int]:
    """One session RETRing everything one at a time on a blocking socket set
    to TCP_QUICKACK before every recv (Linux clears it as it acks): seconds, octets."""
    sock = socket.create_connection(("127.0.0.1", port))
    buffered = b""

    def until(end: bytes) -> bytes:
        nonlocal buffered
        while end not in buffered:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            buffered += sock.recv(1 << 20)
        cut = buffered.index(end) + len(end)
        reply, buffered = buffered[:cut], buffered[cut:]
        return reply

    try:
        until(b"\r\n")
        for line in (f"USER {USER}", f"PASS {PASSWORD}", "STAT"):
            sock.sendall(line.encode() + b"\r\n")
            status = until(b"\r\n")
        count = int(status.split()[1])
        octets = 0
        start = time.perf_counter()
        for n in range(1, count + 1):
            sock.sendall(b"RETR %d\r\n" % n)
            reply = until(TERMINATOR)
            octets += len(reply) - reply.index(b"\n") - 1
        seconds = time.perf_counter() - start
        sock.sendall(b"QUIT\r\n")
        until(b"\r\n")
        return seconds, octets
    finally:
        sock.close()


async def timed(port: int, window: int, runs: int,
                quickack: bool = False) -> tuple[float, int, int, int]:
    """Median seconds of `runs` sessions RETRing everything; messages; STAT's
    octets; octets of message text received."""
    seconds = []
    octets = count = size = 0
    for _ in range(runs):
        client = await Pop3Client.login(port)
        count, size = await client.stat()
        if quickack:
            await client.quit()
            elapsed, octets = await asyncio.to_thread(quickack_session, port)
            seconds.append(elapsed)
            continue
        start = time.perf_counter()
        octets = await client.retr_all(count, window)
        seconds.append(time.perf_counter() - start)
        await client.quit()
    return statistics.median(seconds), count, size, octets


async def measure(side: RoostPop3 | CyrusPop3, args: argparse.Namespace) -> dict[str, float]:
    start = time.perf_counter()
    await fill_user("127.0.0.1", side.imap_port, USER, PASSWORD, messages(args.messages, args.seed))
    print(f"  appended {args.messages} messages in {time.perf_counter() - start:.0f} s", flush=True)
    figures: dict[str, float] = {}
    for label, window, quickack in (("RETR one at a time", 1, False),
                                    ("RETR pipelined", args.window, False),
                                    ("RETR one at a time, QUICKACK", 1, True)):
        median, count, size, octets = await timed(side.pop3_port, window, args.runs, quickack)
        figures[label] = median
        figures["STAT octets"] = size
        figures["RETR octets"] = octets
        print(f"  {side.name} {label}: median {median * 1000:.0f} ms for {count} messages, "
              f"{count / median:.0f} msg/s, {octets / median / 1e6:.1f} MB/s", flush=True)
    return figures


def run_side(side: RoostPop3 | CyrusPop3, args: argparse.Namespace) -> dict[str, float]:
    print(f"== {side.name}", flush=True)
    try:
        side.start()
        return asyncio.run(measure(side, args))
    except Exception as err:  # noqa: BLE001 -- a failure is a finding: print it, go on
        print(f"  {side.name} failed: {err!r}\n{side.log_tail()}", flush=True)
        return {}
    finally:
        side.stop()


def report(results: dict[str, dict[str, float]]) -> str:
    """The timings as bench.hot_paths reports them, then the octet counts,
    which must be the same on both servers."""
    timings = {name: {k: v for k, v in figures.items() if not k.endswith("octets")}
               for name, figures in results.items()}
    rows = [hot_paths.report(timings)]
    for label in ("STAT octets", "RETR octets"):
        counts = [int(figures.get(label, 0)) for figures in results.values()]
        same = "" if len(set(counts)) == 1 else "   DIFFER"
        rows.append(f"{label:<28}" + "".join(f"{c:>10}" for c in counts) + same)
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = side_parser(__doc__, runs=5, seed=1,
                         json_help="write the medians (seconds) to this file")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--window", type=int, default=50)
    args = parser.parse_args(argv)
    sides: dict[str, Callable[[], RoostPop3 | CyrusPop3]] = {
        "roost": RoostPop3,
        "cyrus": CyrusPop3,
    }
    results = {name: run_side(make(), args) for name, make in sides.items()
               if name in args.servers}
    print(report(results))
    save_medians(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
