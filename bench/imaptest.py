"""Dovecot imaptest's default profile, replayed: N clients, its mix, its pipelining.

Dovecot's imaptest is the usual yardstick for IMAP servers but cannot be
built here, so this module does what its default run does (read from its
source: src/client-state.c, src/mailbox-state.c, src/settings.h), with the
same client driving Roost, Cyrus and Dovecot:

- Each connection LOGINs as a random userN (1..`--users`) and walks
  imaptest's states in order, each taken with its probability, some
  repeated with a second ("again") probability:
  LIST 50%, STATUS 50%, SELECT 100% (a no-op once selected), FETCH 100%,
  FETCH2 100% (again 30%), STORE 50%, DELETE 100%, EXPUNGE 100%,
  APPEND 100% (again 5%: a MULTIAPPEND), LOGOUT 100% (churn) or 0%
  (`--persistent`: the walk wraps round to LIST on the same connection).
- Up to 10 commands are in flight per connection (MAX_COMMAND_QUEUE_LEN).
  A command naming sequence numbers (FETCH, FETCH2, STORE, DELETE) waits
  while one that may expunge (LIST, STATUS, EXPUNGE, APPEND) is pending;
  a state change (LOGIN, SELECT, LOGOUT) waits for everything before it,
  and everything waits for it. No think time (imaptest's DELAY is 0%).
- FETCH: `min(msgs, 100)` random sequence numbers, 1-4 items each drawn
  from UID FLAGS ENVELOPE INTERNALDATE BODY BODYSTRUCTURE RFC822.SIZE, or
  (one in four) BODY.PEEK[HEADER.FIELDS (1-4 of From To Cc Subject
  References In-Reply-To Message-ID Delivered-To)]. FETCH2: one random
  message, UID and one of BODY.PEEK[HEADER] RFC822.HEADER BODY.PEEK[]
  BODY.PEEK[1] BODY.PEEK[TEXT].
- STORE: `rand % min(msgs/5, 50)` random messages, `+FLAGS`, `-FLAGS` or
  `FLAGS` (each a third), `.SILENT` half the time, each of \\Answered
  \\Flagged \\Seen \\Draft $Label1..$Label5 with probability 1/2.
  DELETE: `STORE set +FLAGS[.SILENT] \\Deleted` on `rand % 5` messages
  (`rand % (msgs - 30)` above 35). APPEND only while the mailbox has
  fewer than 30 messages (imaptest keeps it near 30), with LITERAL+, random
  flags half the time and an internal date half the time.
  STATUS "INBOX" (MESSAGES UNSEEN RECENT); LIST "" *.

Latency is per command, from its send to its tagged reply. With `--pid`
the server's CPU time (its process tree from /proc) over the run is
reported as CPU seconds per 1,000 operations. Only 127.0.0.1-style
targets are expected; `--seconds` bounds the run.

    python -m bench.imaptest --port 21143 --clients 10 --seconds 20 --persistent
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

from bench.imap_client import ImapError, Reply, quote
from bench.imap_pipeline import PipelinedClient
from bench.mboxgen import messages
from bench.memory import tree_cpu_seconds
from bench.stats import RunStats

#: imaptest's states in walk order: (probability %, again %).
STATES: dict[str, tuple[int, int]] = {
    "LIST": (50, 0), "STATUS": (50, 0), "SELECT": (100, 0), "FETCH": (100, 0),
    "FETCH2": (100, 30), "STORE": (50, 0), "DELETE": (100, 0), "EXPUNGE": (100, 0),
    "APPEND": (100, 5), "LOGOUT": (100, 0),
}
ORDER = tuple(STATES)
MSGSET = frozenset({"FETCH", "FETCH2", "STORE", "DELETE"})
EXPUNGES = frozenset({"LIST", "STATUS", "EXPUNGE", "APPEND"})
STATECHANGE = frozenset({"LOGIN", "SELECT", "LOGOUT"})
QUEUE = 10
MESSAGE_THRESHOLD = 30
FETCH_FIELDS = ("UID", "FLAGS", "ENVELOPE", "INTERNALDATE", "BODY", "BODYSTRUCTURE",
                "RFC822.SIZE")
HEADER_FIELDS = ("From", "To", "Cc", "Subject", "References", "In-Reply-To", "Message-ID",
                 "Delivered-To")
FETCH2_FIELDS = ("BODY.PEEK[HEADER]", "RFC822.HEADER", "BODY.PEEK[]", "BODY.PEEK[1]",
                 "BODY.PEEK[TEXT]")
FLAGS = ("\\Answered", "\\Flagged", "\\Seen", "\\Draft",
         "$Label1", "$Label2", "$Label3", "$Label4", "$Label5")
RECONNECT_PAUSE = 0.1
COMMAND_TIMEOUT = 15.0  # a reply slower than this counts as an error, not a hang


@dataclass(frozen=True)
class LoadConfig:
    """What one run does and against which server."""

    host: str = "127.0.0.1"
    port: int = 143
    clients: int = 10
    users: int = 100
    user_format: str = "user{n}"
    password: str = "secret"
    seconds: float = 20.0
    persistent: bool = False
    seed: int = 1
    pipelining: bool = True


class LoadClient:
    """One simulated imaptest client; records every command in the shared stats."""

    def __init__(self, index: int, cfg: LoadConfig, stats: RunStats, corpus: list[bytes],
                 deadline: float) -> None:
        self.cfg = cfg
        self.stats = stats
        self.corpus = corpus
        self.deadline = deadline
        self.rng = random.Random(cfg.seed * 1_000_003 + index)
        self.selected = False

    def _running(self) -> bool:
        return time.monotonic() < self.deadline

    def _walk(self) -> Iterator[str]:
        """imaptest's plan: the next state, or the same one again."""
        rng, state = self.rng, "LOGIN"
        yield state
        while True:
            if rng.randrange(100) >= STATES.get(state, (0, 0))[1]:
                position = ORDER.index(state) + 1 if state in STATES else 0
                while True:
                    state = ORDER[position % len(ORDER)]
                    probability = 0 if state == "LOGOUT" and self.cfg.persistent \
                        else STATES[state][0]
                    if rng.randrange(100) < probability:
                        break
                    position += 1
            yield state

    def _may_send(self, state: str, inflight: set[str]) -> bool:
        if not inflight:
            return True
        if not self.cfg.pipelining or len(inflight) >= QUEUE or inflight & STATECHANGE:
            return False
        if state in STATECHANGE:
            return False
        return not (state in MSGSET and inflight & EXPUNGES)

    def _set(self, count: int, msgs: int) -> str:
        """`count` random sequence numbers of 1..msgs as an IMAP set."""
        seqs = sorted({self.rng.randrange(1, msgs + 1) for _ in range(count)})
        ranges: list[list[int]] = []
        for seq in seqs:
            if ranges and ranges[-1][1] == seq - 1:
                ranges[-1][1] = seq
            else:
                ranges.append([seq, seq])
        return ",".join(f"{a}" if a == b else f"{a}:{b}" for a, b in ranges)

    def _flags(self) -> str:
        return " ".join(f for f in FLAGS if self.rng.randrange(2) == 0)

    def _append_part(self) -> tuple[bytes, bytes]:
        rng = self.rng
        before = ""
        if rng.randrange(2) == 0:
            before += f" ({self._flags()})"
        if rng.randrange(2) == 0:
            day = time.gmtime(1_700_000_000 + rng.randrange(10_000_000))
            before += ' "' + time.strftime("%d-%b-%Y %H:%M:%S +0000", day) + '"'
        return before.encode(), rng.choice(self.corpus)

    def _command(self, state: str, msgs: int) -> str | None:
        """The text of one state's command; None when imaptest would skip it."""
        rng = self.rng
        if state == "LOGIN":
            user = self.cfg.user_format.format(n=rng.randrange(1, self.cfg.users + 1))
            return f"LOGIN {quote(user)} {quote(self.cfg.password)}"
        if state == "LIST":
            return 'LIST "" *'
        if state == "STATUS":
            return 'STATUS "INBOX" (MESSAGES UNSEEN RECENT)'
        if state == "SELECT":
            return None if self.selected else 'SELECT "INBOX"'
        if state == "LOGOUT":
            return "LOGOUT"
        if state == "APPEND":
            return 'APPEND "INBOX"' if msgs < MESSAGE_THRESHOLD else None
        if not self.selected or msgs == 0:
            return None
        if state == "EXPUNGE":
            return "EXPUNGE"
        if state == "FETCH":
            items = []
            for _ in range(rng.randrange(4) + 1):
                if rng.randrange(4) != 0:
                    items.append(rng.choice(FETCH_FIELDS))
                else:
                    names = " ".join(rng.choice(HEADER_FIELDS)
                                     for _ in range(rng.randrange(4) + 1))
                    items.append(f"BODY.PEEK[HEADER.FIELDS ({names})]")
            return f"FETCH {self._set(min(msgs, 100), msgs)} ({' '.join(items)})"
        if state == "FETCH2":
            return f"FETCH {rng.randrange(msgs) + 1} (UID {rng.choice(FETCH2_FIELDS)})"
        silent = ".SILENT" if rng.randrange(2) == 0 else ""
        if state == "STORE":
            count = rng.randrange(msgs if msgs < 10 else min(msgs // 5, 50)) if msgs > 1 else 0
            sign = ("+", "-", "")[rng.randrange(3)]
            return f"STORE {self._set(count, msgs)} {sign}FLAGS{silent} ({self._flags()})" \
                if count else None
        count = rng.randrange(msgs - MESSAGE_THRESHOLD) if msgs > MESSAGE_THRESHOLD + 5 \
            else rng.randrange(5)
        return f"STORE {self._set(count, msgs)} +FLAGS{silent} \\Deleted" if count else None

    def _record(self, state: str, started: float, reply: Reply) -> None:
        finished = time.monotonic()
        if finished > self.deadline:
            return
        if reply.status == "OK":
            self.stats.ok(state, finished - started)
            if state == "SELECT":
                self.selected = True
        else:
            self.stats.op(state).error(reply.status, f"{reply.status} {reply.text}"[:200])

    async def _session(self) -> None:
        """One connection, from its LOGIN to its LOGOUT (or the end of the run)."""
        imap = await asyncio.wait_for(PipelinedClient.connect(self.cfg.host, self.cfg.port),
                                      COMMAND_TIMEOUT)
        self.selected = False
        inflight: dict[asyncio.Future[Reply], tuple[str, float]] = {}
        walk, upcoming = self._walk(), None
        try:
            while self._running() or inflight:
                while self._running():
                    state = upcoming = upcoming or next(walk)
                    if not self._may_send(state, {s for s, _ in inflight.values()}):
                        break
                    upcoming = None
                    text = self._command(state, imap.exists)
                    if text is None:
                        continue
                    parts: list[tuple[bytes, bytes]] = []
                    if state == "APPEND":
                        parts.append(self._append_part())
                        while imap.has(b"MULTIAPPEND") and (upcoming := next(walk)) == "APPEND":
                            parts.append(self._append_part())
                            upcoming = None
                    inflight[imap.send(text.encode(), tuple(parts))] = (state, time.monotonic())
                if not inflight:
                    return
                done, _ = await asyncio.wait(inflight, timeout=COMMAND_TIMEOUT,
                                             return_when=asyncio.FIRST_COMPLETED)
                if not done:
                    for state, _ in inflight.values():
                        self.stats.op(state).error("TIMEOUT", f"no reply in {COMMAND_TIMEOUT:.0f} s")
                    return
                for future in done:
                    state, started = inflight.pop(future)
                    self._record(state, started, future.result())
                    if state == "LOGOUT" or (state == "LOGIN" and future.result().status != "OK"):
                        return
        finally:
            for future in inflight:
                future.cancel()
            await imap.close()

    async def run(self) -> None:
        while self._running():
            try:
                await self._session()
            except (OSError, EOFError, asyncio.IncompleteReadError, ImapError,
                    TimeoutError) as err:
                if self._running():
                    self.stats.op("CONNECTION").error(type(err).__name__, repr(err)[:200])
                    await asyncio.sleep(RECONNECT_PAUSE)


async def run_load(cfg: LoadConfig, server_pid: int | None = None) -> RunStats:
    """Run `cfg.clients` clients for `cfg.seconds` and return what they measured
    (with the server's CPU seconds when its master's pid is given)."""
    corpus = messages(50, cfg.seed)
    stats = RunStats()
    cpu_before = tree_cpu_seconds(server_pid) if server_pid else 0.0
    deadline = time.monotonic() + cfg.seconds
    clients = [LoadClient(i, cfg, stats, corpus, deadline) for i in range(cfg.clients)]
    await asyncio.wait_for(asyncio.gather(*(c.run() for c in clients)),
                           timeout=cfg.seconds + 60)
    stats.seconds = cfg.seconds
    if server_pid:
        stats.server_cpu = tree_cpu_seconds(server_pid) - cpu_before
    return stats


def install_loop() -> None:
    """uvloop when installed: the client must not be the bottleneck."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--user-format", default="user{n}", help="e.g. user{n}@example.com")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--persistent", action="store_true", help="LOGOUT 0%%: one session each")
    parser.add_argument("--no-pipelining", action="store_true", help="one command at a time")
    parser.add_argument("--pid", type=int, help="the server's master: report its CPU time")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    cfg = LoadConfig(args.host, args.port, args.clients, args.users, args.user_format,
                     args.password, args.seconds, args.persistent, args.seed,
                     not args.no_pipelining)
    install_loop()
    stats = asyncio.run(run_load(cfg, args.pid))
    print(json.dumps(stats.summary(), indent=2) if args.json else stats.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
