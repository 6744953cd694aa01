"""The state of one NNTP connection, shared by the handlers."""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from roost.auth.identity import ANONYMOUS, Identity
from roost.config import Config
from roost.master.context import ServerContext
from roost.net.output import Output
from roost.nntp.commands import MessageId, Range
from roost.nntp.newsgroups import Newsgroups
from roost.nntp.overview import OverviewCache
from roost.store.api import MailboxInfo, MessageRecord, UidRange


class After(enum.Enum):
    """What the server does once the reply is out."""

    CONTINUE = enum.auto()
    READ_ARTICLE = enum.auto()  # 340/335 sent: the wire reads the article
    START_TLS = enum.auto()     # 382 sent: handshake, then forget the session
    CLOSE = enum.auto()         # QUIT


@dataclass
class Articles:
    """A group's articles in article-number (UID) order, read when a command
    first needs them (GROUP itself reads only the counts)."""

    records: list[MessageRecord]
    by_number: dict[int, MessageRecord] = field(init=False)
    numbers: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_number = {rec.uid: rec for rec in self.records}
        self.numbers = [rec.uid for rec in self.records]

    def within(self, numbers: Range) -> list[MessageRecord]:
        """The articles numbered in `numbers`, found by bisection (in order)."""
        start = bisect_left(self.numbers, numbers.low)
        end = (len(self.numbers) if numbers.high is None
               else bisect_right(self.numbers, numbers.high))
        return self.records[start:end]


@dataclass
class SelectedGroup:
    """The current newsgroup (RFC 3977 §6.1.1): its mailbox, its count and
    bounds as of GROUP, its articles once read, and the current article."""

    name: str
    info: MailboxInfo
    span: UidRange
    current: int | None = None
    articles: Articles | None = None

    @property
    def low(self) -> int:
        """RFC 3977 §6.1.1.2: an empty group reports low = high + 1."""
        return self.span.lowest if self.span.count else self.info.uidnext

    @property
    def high(self) -> int:
        return self.span.highest if self.span.count else self.info.uidnext - 1


@dataclass
class Session:
    """One connection: who it is, what it selected, and what comes next.

    `reader` / `feeder` are the modes of the service (Cyrus `nntpd -r`
    reader only, `-f` feeder only, neither flag: both). `identity` is
    ANONYMOUS until AUTHINFO succeeds; before that reading is allowed only
    with `allowanonymouslogin`, and then the ACL decides as for
    `anonymous`.
    """

    ctx: ServerContext
    out: Output
    news: Newsgroups
    peer: str
    peer_ip: str | None
    tls_active: bool
    session_key: int | None
    reader: bool = True
    feeder: bool = True
    identity: Identity = ANONYMOUS
    authenticated: bool = False
    pending_user: str | None = None
    group: SelectedGroup | None = None
    after: After = After.CONTINUE
    #: What the article being read is for: "POST", or the IHAVE message-id.
    receiving: MessageId | None = None
    did_capabilities: bool = False
    #: Sends a 383 challenge and returns the client's answer line (AUTHINFO SASL).
    exchange: Callable[[bytes], Awaitable[bytes]] | None = None
    #: The worker's overview texts (shared by its sessions).
    overviews: OverviewCache = field(default_factory=OverviewCache)

    @property
    def conf(self) -> Config:
        return self.ctx.conf

    def send(self, data: bytes) -> None:
        self.out.append(data)

    def may_read(self) -> bool:
        """Cyrus: reading needs a login unless allowanonymouslogin."""
        return self.authenticated or self.conf.allowanonymouslogin

    def restart_after_tls(self) -> None:
        """RFC 4642 §2.2.2: forget what was learnt before the handshake."""
        self.tls_active = True
        self.pending_user = None
        self.group = None
        self.did_capabilities = False
