"""One POP3 connection's state: the RFC 1939 state, who logged in, the maildrop.

Invariants: `state` moves AUTHORIZATION -> TRANSACTION -> UPDATE (RFC 1939
§3), and `drop` is set exactly in TRANSACTION and UPDATE. The maildrop's
messages, numbers and sizes are fixed when it is opened (RFC 1939 §4:
message numbers do not change during a session); DELE and RETR only mark
them here, and nothing reaches the store before QUIT enters UPDATE.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from roost.auth.identity import ANONYMOUS, Identity
from roost.master.context import ServerContext
from roost.net.output import Output
from roost.store.api import MailboxInfo, MessageRecord


class State(enum.Flag):
    AUTHORIZATION = enum.auto()
    TRANSACTION = enum.auto()
    UPDATE = enum.auto()


class PopError(Exception):
    """A refusal: `-ERR [code] text` (RFC 2449 §8 response codes)."""

    def __init__(self, code: str | None, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


@dataclass
class Maildrop:
    """The opened mailbox, as the session sees it from login to QUIT.

    `messages[n-1]` is message n. `deleted` and `retrieved` hold message
    numbers; `rights` are the identity's on the mailbox at login.
    """

    mailbox: MailboxInfo
    messages: list[MessageRecord]
    rights: str
    login_time: float
    last_login: float
    deleted: set[int] = field(default_factory=set)
    retrieved: set[int] = field(default_factory=set)

    def message(self, msg: int) -> MessageRecord:
        """Message `msg`; RFC 1939 §5: a deleted one may not be referred to."""
        if msg < 1 or msg > len(self.messages) or msg in self.deleted:
            raise PopError(None, "No such message")
        return self.messages[msg - 1]

    def live(self) -> list[tuple[int, MessageRecord]]:
        """(number, record) of every message not marked deleted."""
        return [(n, rec) for n, rec in enumerate(self.messages, 1) if n not in self.deleted]


class Session:
    """What handlers see of a connection."""

    def __init__(self, ctx: ServerContext, out: Output, *, tls_active: bool, peer: str,
                 peer_ip: str | None, session_key: int | None, session_id: str,
                 local_ip: str | None = None) -> None:
        self.ctx = ctx
        self.conf = ctx.conf
        self.out = out
        self.tls_active = tls_active
        self.peer = peer
        self.peer_ip = peer_ip
        self.local_ip = local_ip  # the server address it reached (virtdomains: on)
        self.session_key = session_key
        self.session_id = session_id
        self.state = State.AUTHORIZATION
        self.identity: Identity = ANONYMOUS
        #: USER's name, waiting for PASS (RFC 1939 §7).
        self.pending_user: str | None = None
        self.drop: Maildrop | None = None
        self.finished = False
        # Set by the server: after the reply is written (STLS); read one raw
        # line for a SASL exchange.
        self.after_reply: Callable[[], Awaitable[None]] | None = None
        self.read_line: Callable[[], Awaitable[bytes]]
        self.start_tls: Callable[[], Awaitable[None]]

    @property
    def tls_available(self) -> bool:
        return self.ctx.ssl is not None

    @property
    def maildrop(self) -> Maildrop:
        if self.drop is None:
            raise RuntimeError("no maildrop open")
        return self.drop

    def ok(self, text: str = "") -> None:
        self.out.append(b"+OK" + (b" " + text.encode() if text else b"") + b"\r\n")

    def lines(self, lines: list[str]) -> None:
        """A multi-line body and its terminator (RFC 1939 §3); callers make
        sure no line starts with "." (scan and capability lines cannot)."""
        self.out.append("".join(f"{line}\r\n" for line in lines).encode() + b".\r\n")
