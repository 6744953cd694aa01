"""APPEND (RFC 9051 §6.3.12), several messages at once (MULTIAPPEND, RFC 3502),
each a literal or a CATENATE of parts (RFC 4469, `roost.imap.handlers.catenate`)."""

from __future__ import annotations

from roost.auth.acl import flag_right
from roost.imap import commands as c
from roost.imap.errors import No
from roost.imap.handlers import utf8_append
from roost.imap.handlers.catenate import catenated
from roost.imap.handlers.names import target_mailbox
from roost.imap.responses import Done
from roost.imap.session import Session
from roost.store.api import AppendMessage, MailboxInfo
from roost.telemetry import events


def valid_flags(flags: tuple[str, ...]) -> list[str]:
    """RFC 9051 §2.3.2: \\Recent cannot be set by a client; others pass."""
    return [f for f in flags if f.lower() != "\\recent"]


async def stored_flags(s: Session, info: MailboxInfo, flags: tuple[str, ...]) -> list[str]:
    """The flags of an appended message that are kept: RFC 4314 §4, only
    those the identity may set (no failure); spelled as the selected
    mailbox already spells them when it is the target."""
    rights = await s.access.rights(s.identity, info)
    kept = [f for f in valid_flags(flags) if flag_right(f) in rights]
    view = s.selected
    if view is not None and view.mailbox_id == info.id:
        kept = list(view.spell(kept))
    return kept


async def append(s: Session, cmd: c.Append) -> Done:
    """Store the messages durably, all or none; APPENDUID names their UIDs (RFC 4315 §3).

    RFC 3502 §6: if any message of a MULTIAPPEND fails, none is kept. The
    whole batch goes to the store as ONE call (one transaction), which
    refuses it whole (an empty message: InvalidMessage) or keeps it whole.
    """
    # RFC 9051 §4.3.1: no NUL outside a literal8 (RFC 3516 §4.4); as Cyrus, NO.
    if any(b"\x00" in m.data and not m.binary for m in cmd.messages):
        raise No(None, "Message contains NUL characters (send it as a literal8, ~{n})")
    for message in cmd.messages:
        utf8_append.check_form(s, message)
    info = await target_mailbox(s, cmd.mailbox)
    raws = [await catenated(s, m.catenate) if m.catenate else m.data for m in cmd.messages]
    batch = [AppendMessage(raw, await stored_flags(s, info, message.flags), message.internal_date)
             for message, raw in zip(cmd.messages, raws, strict=True)]
    results = await s.store.append_messages(info.id, batch, user=s.store_user())
    events.appended(s.conf.auditlog, info.name, [(r.uid, r.modseq) for r in results])
    uid_text = ",".join(str(r.uid) for r in results)
    return Done("Completed", f"APPENDUID {results[0].uidvalidity} {uid_text}")
