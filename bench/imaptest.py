"""An imaptest-like IMAP load generator: N clients, a random mix, bounded time.

Dovecot's imaptest is the usual yardstick for IMAP servers, but it is not
packaged for Debian and its figures depend on its own build; this module
replays its default profile with raw IMAP over sockets so the very same
client drives Roost, Cyrus and Dovecot. Each client logs in as a random
userN, SELECTs INBOX, then runs one cycle in which each command runs with
imaptest's default probability:

    LIST 50%  STATUS 50%  FETCH (flags, envelope) 100%  FETCH (body) 100%
    STORE flags 50%  STORE \\Deleted 100%  EXPUNGE 100%  APPEND 100%

and LOGOUTs (churn, the default) or keeps cycling on the same connection
(`--persistent`). Only 127.0.0.1-style targets are expected; `--seconds`
bounds the run.

    python -m bench.imaptest --port 21143 --clients 10 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass

from bench.imap_client import ImapClient, ImapError, Reply
from bench.mboxgen import messages
from bench.stats import RunStats

PROFILE: tuple[tuple[str, float], ...] = (
    ("LIST", 0.5), ("STATUS", 0.5), ("FETCH", 1.0), ("FETCH2", 1.0),
    ("STORE", 0.5), ("DELETE", 1.0), ("EXPUNGE", 1.0), ("APPEND", 1.0),
)
FETCH_RANGE = 10
KEEP_MESSAGES = 5  # never mark \Deleted below this many, so FETCH has work
RECONNECT_PAUSE = 0.1
COMMAND_TIMEOUT = 15.0  # a reply slower than this counts as an error, not a hang
STORE_FLAGS = ("\\Seen", "\\Flagged", "$Label1")


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


class LoadClient:
    """One simulated user agent; records every command in the shared stats."""

    def __init__(self, index: int, cfg: LoadConfig, stats: RunStats, corpus: list[bytes],
                 deadline: float) -> None:
        self.index = index
        self.cfg = cfg
        self.stats = stats
        self.corpus = corpus
        self.deadline = deadline
        self.rng = random.Random(cfg.seed * 1_000_003 + index)

    def _running(self) -> bool:
        return time.monotonic() < self.deadline

    async def _timed(self, name: str, call: Awaitable[Reply]) -> Reply | None:
        """Run one command; count it only when it completes inside the run."""
        started = time.monotonic()
        try:
            reply = await asyncio.wait_for(call, COMMAND_TIMEOUT)
        except TimeoutError:
            self.stats.op(name).error("TIMEOUT", f"no reply in {COMMAND_TIMEOUT:.0f} s")
            raise
        finished = time.monotonic()
        if finished > self.deadline:
            return None
        if reply.status == "OK":
            self.stats.ok(name, finished - started)
        else:
            self.stats.op(name).error(reply.status, f"{reply.status} {reply.text}"[:200])
        return reply

    def _user(self) -> str:
        number = (self.index % self.cfg.users) + 1 if self.cfg.persistent \
            else self.rng.randrange(1, self.cfg.users + 1)
        return self.cfg.user_format.format(n=number)

    async def _open(self) -> ImapClient | None:
        try:
            imap = await asyncio.wait_for(ImapClient.connect(self.cfg.host, self.cfg.port),
                                          COMMAND_TIMEOUT)
        except TimeoutError:
            self.stats.op("CONNECT").error("TIMEOUT", f"no greeting in {COMMAND_TIMEOUT:.0f} s")
            raise
        login = await self._timed("LOGIN", imap.login(self._user(), self.cfg.password))
        select = await self._timed("SELECT", imap.command("SELECT INBOX")) \
            if login is not None and login.status == "OK" else None
        if select is None or select.status != "OK":
            await imap.close()
            return None
        return imap

    async def _cycle(self, imap: ImapClient) -> None:
        for name, probability in PROFILE:
            if not self._running():
                return
            if self.rng.random() >= probability:
                continue
            text, literal = self._command(name, imap.exists)
            if text:
                await self._timed(name, imap.command(text, literal))

    def _command(self, name: str, exists: int) -> tuple[str, bytes | None]:
        """The IMAP text (and APPEND literal) of one profile step; '' to skip it."""
        rng = self.rng
        if name == "LIST":
            return 'LIST "" "*"', None
        if name == "STATUS":
            return "STATUS INBOX (MESSAGES UIDNEXT UNSEEN)", None
        if name == "APPEND":
            return "APPEND INBOX (\\Seen)", rng.choice(self.corpus)
        if name == "EXPUNGE":
            return "EXPUNGE", None
        if exists == 0:
            return "", None
        low = rng.randrange(1, exists + 1)
        span = f"{low}:{min(exists, low + rng.randrange(FETCH_RANGE))}"
        if name == "FETCH":
            return f"FETCH {span} (UID FLAGS ENVELOPE)", None
        if name == "FETCH2":
            return f"FETCH {low} (UID BODY.PEEK[])", None
        if name == "STORE":
            return f"STORE {span} {rng.choice('+-')}FLAGS ({rng.choice(STORE_FLAGS)})", None
        if exists <= KEEP_MESSAGES:
            return "", None
        return f"STORE {low} +FLAGS.SILENT (\\Deleted)", None

    async def _logout(self, imap: ImapClient) -> None:
        await self._timed("LOGOUT", imap.command("LOGOUT"))
        await imap.close()

    async def run(self) -> None:
        imap: ImapClient | None = None
        while self._running():
            try:
                if imap is None:
                    imap = await self._open()
                    if imap is None:
                        await asyncio.sleep(RECONNECT_PAUSE)
                        continue
                await self._cycle(imap)
                if not self.cfg.persistent and self._running():
                    await self._logout(imap)
                    imap = None
            except (OSError, EOFError, asyncio.IncompleteReadError, ImapError) as err:
                if self._running() and not isinstance(err, TimeoutError):
                    self.stats.op("CONNECTION").error(type(err).__name__, repr(err)[:200])
                if imap is not None:
                    await imap.close()
                imap = None
                await asyncio.sleep(RECONNECT_PAUSE)
        if imap is not None:
            await imap.close()


async def run_load(cfg: LoadConfig) -> RunStats:
    """Run `cfg.clients` clients for `cfg.seconds` and return what they measured."""
    corpus = messages(50, cfg.seed)
    stats = RunStats()
    started = time.monotonic()
    deadline = started + cfg.seconds
    clients = [LoadClient(i, cfg, stats, corpus, deadline) for i in range(cfg.clients)]
    await asyncio.wait_for(asyncio.gather(*(c.run() for c in clients)),
                           timeout=cfg.seconds + 60)
    stats.seconds = cfg.seconds
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
    parser.add_argument("--persistent", action="store_true", help="no LOGOUT between cycles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    cfg = LoadConfig(args.host, args.port, args.clients, args.users, args.user_format,
                     args.password, args.seconds, args.persistent, args.seed)
    install_loop()
    stats = asyncio.run(run_load(cfg))
    print(json.dumps(stats.summary(), indent=2) if args.json else stats.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
