"""The loop hooks (`roost.net.loop.LineProtocol`) that every protocol whose
bytes go through one framer answers the same way.

A protocol keeps its framer in `wire` (IMAP's literal-aware `Wire`, the
line wire of POP3 and NNTP, LMTP's DATA-aware one) and names the framer's
"feed me more bytes" event in `need_more`; `Framed` hands the loop the
framer's events and its mid-command state. Only `interruptible` differs
between protocols: one reading a message body (an LMTP delivery, an NNTP
article) in flight overrides it.
"""

from __future__ import annotations

from typing import ClassVar, Protocol


class Framer(Protocol):
    """What `Framed` needs of a protocol's wire."""

    @property
    def mid_command(self) -> bool:
        """Part of a command is buffered or awaited (the command clock runs)."""

    def feed(self, data: bytes) -> None:
        """Bytes read from the client."""

    def next(self) -> object:
        """The next event, or the wire's `need_more` event."""


class Framed:
    """Base of a LineProtocol: feed / next_event / mid_command / interruptible."""

    wire: Framer
    #: The framer's event class that means "no complete event buffered".
    need_more: ClassVar[type]

    def feed(self, data: bytes) -> None:
        self.wire.feed(data)

    def next_event(self) -> object | None:
        event = self.wire.next()
        return None if isinstance(event, self.need_more) else event

    def mid_command(self) -> bool:
        return self.wire.mid_command

    def interruptible(self) -> bool:
        """A shutdown may cut the wait for the next command short."""
        return True
