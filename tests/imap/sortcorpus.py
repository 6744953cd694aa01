"""Hand-made messages for the SORT and THREAD tests: a mailbox of them,
built through the store as delivery would (so the parse cache holds the
sort keys), and the builder the property tests draw from."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.harness.imap import ImapTranscript, RunningImap

from roost.store.names import user_inbox


def message(subject: str | None = None, *, frm: str | None = None, to: str | None = None,
            cc: str | None = None, date: str | None = None, message_id: str | None = None,
            in_reply_to: str | None = None, references: str | None = None,
            body: str = "text\r\n") -> bytes:
    """A message with exactly the header fields given (None: absent)."""
    fields = [("From", frm), ("To", to), ("Cc", cc), ("Subject", subject), ("Date", date),
              ("Message-ID", message_id), ("In-Reply-To", in_reply_to),
              ("References", references)]
    head = "".join(f"{name}: {value}\r\n" for name, value in fields if value is not None)
    return (head + "\r\n" + body).encode("utf-8")


def arrival(day: int, hour: int = 12) -> datetime:
    """An internal date in January 2024."""
    return datetime(2024, 1, day, hour, 0, tzinfo=UTC)


async def fill(imap: ImapTranscript, server: RunningImap, name: str,
               messages: list[tuple[bytes, datetime]]) -> None:
    """Create mailbox `name` of bob's holding `messages` in order, select it."""
    await imap.play(f"C: f1 CREATE {name}\nS: f1 OK {{…}}")
    box = await server.mailbox_id(f"{user_inbox('bob')}.{name}")
    for raw, when in messages:
        await server.ctx.store.append(box, raw, internaldate=when)
    await imap.select(name)
