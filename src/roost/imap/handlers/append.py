"""APPEND (RFC 9051 §6.3.12), several messages at once (MULTIAPPEND, RFC 3502)."""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.errors import No
from roost.imap.handlers.names import target_mailbox
from roost.imap.responses import Done
from roost.imap.session import Session


def valid_flags(flags: tuple[str, ...]) -> list[str]:
    """RFC 9051 §2.3.2: \\Recent cannot be set by a client; others pass."""
    return [f for f in flags if f.lower() != "\\recent"]


async def append(s: Session, cmd: c.Append) -> Done:
    """Store each message durably; APPENDUID names their UIDs (RFC 4315 §3)."""
    name = (await target_mailbox(s, cmd.mailbox)).name
    uids = []
    result = None
    view = s.selected if s.selected is not None and s.selected.name == name else None
    for message in cmd.messages:
        if not message.data:
            raise No(None, "Empty message")
        flags = valid_flags(message.flags)
        if view is not None:
            flags = list(view.spell(flags))
        result = await s.store.append(name, message.data, flags=flags,
                                      internaldate=message.internal_date, user=s.store_user())
        uids.append(result.uid)
    assert result is not None
    uid_text = ",".join(str(u) for u in uids)
    return Done("Completed", f"APPENDUID {result.uidvalidity} {uid_text}")
