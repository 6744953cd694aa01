"""REPLACE / UID REPLACE (RFC 8508): APPEND, STORE \\Deleted and UID EXPUNGE
of one message as a single store operation (`Store.replace`, one
transaction), so no intermediate state is ever seen and quota counts only
the net change (§3.4)."""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.handlers import utf8_append
from roost.imap.handlers.append import stored_flags
from roost.imap.handlers.catenate import catenated
from roost.imap.handlers.names import require_selected, target_mailbox
from roost.imap.handlers.selected import announced
from roost.imap.responses import Done
from roost.imap.session import Session
from roost.store.api import AppendMessage
from roost.telemetry import events


def _uid(s: Session, cmd: c.Replace) -> int:
    """The UID the command names. RFC 9051 §6.4.5 (as FETCH): a message
    number past EXISTS is BAD; a UID not there (§6.4.9), or one another
    session expunged, is the NO of §3.2 ("can't remove specified message")."""
    view = s.mailbox
    if cmd.uid:
        uid = cmd.number
    elif cmd.number > view.exists:
        raise BadCommand(None, "Message number out of range")
    else:
        uid = view.uids[cmd.number - 1]
    if uid not in view.records or uid in view.pending_expunge:
        raise No("NONEXISTENT", "No such message to replace")
    return uid


async def replace(s: Session, cmd: c.Replace) -> Done:
    """RFC 8508 §3.4; §4.1: the rights of UID STORE \\Deleted and UID
    EXPUNGE here (`t`, `e`) and of APPEND in the target (`i`)."""
    view = s.mailbox
    if view.readonly:
        raise No("READ-ONLY", "Mailbox is read-only")
    message = cmd.message
    if b"\x00" in message.data and not message.binary:  # as APPEND: RFC 3516 §4.4
        raise No(None, "Message contains NUL characters (send it as a literal8, ~{n})")
    utf8_append.check_form(s, message)
    uid = _uid(s, cmd)
    await require_selected(s, "te")
    info = await target_mailbox(s, cmd.mailbox)
    # RFC 8508 §4.2: with CATENATE advertised, REPLACE takes its syntax too.
    raw = await catenated(s, message.catenate) if message.catenate else message.data
    flags = await stored_flags(s, info, message.flags)
    result = await s.store.replace(view.mailbox_id, uid, info.id,
                                   AppendMessage(raw, flags, message.internal_date),
                                   user=s.store_user())
    events.appended(s.conf.auditlog, info.name, [(result.uid, result.modseq)])
    events.expunged(1, view.name)
    # §3.2 example: APPENDUID untagged, then EXISTS / EXPUNGE; no STORE reply.
    s.untagged(b"OK [APPENDUID %d %d] Replacement Message ready"
               % (result.uidvalidity, result.uid))
    await announced(s, True)
    return Done("Replace completed")
