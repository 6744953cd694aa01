"""The questions a running script asks the world (the host interface).

Every question is a coroutine the interpreter awaits (as stalwart's
`while let Some(event) = instance.run(input)` hands each question to its
caller), so a host over the store answers from the event loop without
blocking it. Delivery implements `Host` over the mail store
(`roost.delivery.sieve_host`); `DefaultHost` answers from plain
dictionaries, for tests and `roost sieve-test`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import roost


@dataclass(frozen=True, slots=True)
class Envelope:
    """The SMTP/LMTP envelope (RFC 5228 §5.4): MAIL FROM, RCPT TO, AUTH."""

    mail_from: str = ""
    rcpt_to: str = ""
    auth: str = ""
    orig_rcpt_to: str = ""


class Host(Protocol):
    """What the interpreter asks of the server, awaited. Every question may
    be asked twice in a run and must give the same answer."""

    async def mailbox_exists(self, mailbox: str) -> bool:
        """RFC 5490 §3.1: does the user's mailbox exist (and may mail be filed there)?"""
        ...

    async def special_use_exists(self, mailbox: str | None, uses: list[str]) -> bool:
        """RFC 8579 §4: do mailboxes with all these special-uses exist (on `mailbox`, if given)?"""
        ...

    async def metadata(self, mailbox: str, entry: str) -> str | None:
        """RFC 5490 §3.3: a mailbox annotation value, or None."""
        ...

    async def server_metadata(self, entry: str) -> str | None:
        """RFC 5490 §3.5: a server annotation value, or None."""
        ...

    async def duplicate(self, tracking_id: str, seconds: int) -> bool:
        """RFC 7352 §3: was this id recorded within the last `seconds`?"""
        ...

    async def record_duplicate(self, tracking_id: str, seconds: int) -> None:
        """RFC 7352 §3.1: record the id as seen now; called only when the script succeeded."""
        ...

    async def now(self) -> datetime:
        """The current time, time zone aware (RFC 5260 §5 currentdate)."""
        ...

    async def environment(self, item: str) -> str | None:
        """RFC 5183 §4: an environment item ("domain", "host", "phase", ...), or None."""
        ...

    async def script(self, name: str, location: str) -> bytes | None:
        """RFC 6609 §3.2: the source of a script at "personal" or "global", or None."""
        ...

    async def spamtest(self, percent: bool) -> str | None:
        """RFC 5235 §3: "0"-"10" (or "0"-"100" with :percent), None if untested."""
        ...

    async def virustest(self) -> str | None:
        """RFC 5235 §3.3: "0"-"5", None if untested."""
        ...


def default_environment() -> dict[str, str]:
    return {"name": "Roost", "version": roost.__version__,
            "location": "MDA", "phase": "during", "domain": "localhost", "host": "localhost"}


@dataclass
class DefaultHost:
    """A Host over dictionaries: enough for tests and for trying a script out."""

    mailboxes: set[str] = field(default_factory=lambda: {"INBOX"})
    special_use: dict[str, set[str]] = field(default_factory=dict)
    mailbox_metadata: dict[tuple[str, str], str] = field(default_factory=dict)
    server_entries: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=default_environment)
    scripts: dict[tuple[str, str], bytes] = field(default_factory=dict)
    clock: datetime | None = None
    spam: str | None = None
    spam_percent: str | None = None
    virus: str | None = None
    seen: dict[str, datetime] = field(default_factory=dict)

    async def mailbox_exists(self, mailbox: str) -> bool:
        return mailbox in self.mailboxes

    async def special_use_exists(self, mailbox: str | None, uses: list[str]) -> bool:
        if mailbox is not None:
            have = self.special_use.get(mailbox, set())
            return all(u.lower() in {h.lower() for h in have} for u in uses)
        everything = {u.lower() for s in self.special_use.values() for u in s}
        return all(u.lower() in everything for u in uses)

    async def metadata(self, mailbox: str, entry: str) -> str | None:
        return self.mailbox_metadata.get((mailbox, entry))

    async def server_metadata(self, entry: str) -> str | None:
        return self.server_entries.get(entry)

    async def duplicate(self, tracking_id: str, seconds: int) -> bool:
        when = self.seen.get(tracking_id)
        return when is not None and (self._clock() - when).total_seconds() < seconds

    async def record_duplicate(self, tracking_id: str, seconds: int) -> None:
        self.seen[tracking_id] = self._clock()

    async def now(self) -> datetime:
        return self._clock()

    def _clock(self) -> datetime:
        return self.clock or datetime.now(UTC).astimezone()

    async def environment(self, item: str) -> str | None:
        return self.env.get(item)

    async def script(self, name: str, location: str) -> bytes | None:
        return self.scripts.get((location, name))

    async def spamtest(self, percent: bool) -> str | None:
        return self.spam_percent if percent else self.spam

    async def virustest(self) -> str | None:
        return self.virus
