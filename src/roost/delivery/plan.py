"""One recipient's plan: where its copy goes and what is sent because of it.

A plan is what routing and the recipient's Sieve script decided, before
anything is written: the mailboxes with the flags and the bytes (a script
may have edited the header, RFC 5293) of each copy, the mail to send once
those copies are durable, and the duplicate records to write then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.delivery.outgoing import OutgoingMail
from roost.delivery.results import Failure
from roost.store.api import MailboxInfo


@dataclass(frozen=True, slots=True)
class Target:
    """One copy: into `mailbox`, with `flags`, as `raw`.

    `optional` copies (RFC 8580 fcc of a generated message) never fail
    the recipient: a refusal is logged.
    """

    mailbox: MailboxInfo
    flags: frozenset[str]
    raw: bytes
    optional: bool = False

    @property
    def key(self) -> tuple[int, bytes]:
        """Two recipients' copies into one mailbox with the same bytes are one copy."""
        return (self.mailbox.id, self.raw)


@dataclass(frozen=True, slots=True)
class Mark:
    """A duplicate record to write once the recipient's copies are stored."""

    id: str
    scope: str
    keep_seconds: int = 0


@dataclass
class Plan:
    """What to do for one recipient; `failure` set means nothing else is done."""

    targets: list[Target] = field(default_factory=list)
    outgoing: list[OutgoingMail] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    failure: Failure | None = None
    reason: str = ""  # with Failure.REJECTED: the script's ereject text

    @classmethod
    def failed(cls, failure: Failure, reason: str = "") -> Plan:
        return cls(failure=failure, reason=reason)
