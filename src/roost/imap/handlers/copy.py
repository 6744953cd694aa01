"""COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851), with COPYUID (RFC 4315 §3)."""

from __future__ import annotations

from collections.abc import Callable

from roost.auth.acl import flag_right
from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.names import require_selected, target_mailbox
from roost.imap.handlers.selected import announced
from roost.imap.progress import for_command
from roost.imap.responses import Done
from roost.imap.sequence import SequenceSet
from roost.imap.session import Session
from roost.store.api import CopyResult, MailboxInfo


def _uids(s: Session, cmd: c.Copy | c.Move) -> list[int]:
    view = s.mailbox
    if not cmd.uid and not view.seq_range_valid(cmd.sequence):
        raise BadCommand(None, "Message number out of range")
    return [u for u in view.select_uids(cmd.sequence, cmd.uid, s.saved_search)
            if u not in view.pending_expunge]


def copyuid(result: CopyResult) -> str:
    source = SequenceSet.from_ids(result.source_uids)
    dest = SequenceSet.from_ids(result.dest_uids)
    return f"COPYUID {result.uidvalidity} {source} {dest}"


async def settable(s: Session, dest: MailboxInfo) -> Callable[[str], bool]:
    """RFC 4314 §4: which flags travel to `dest`: those the identity may set
    there (`s`, `t`, `w`); the others are dropped and the copy succeeds."""
    rights = await s.access.rights(s.identity, dest)
    return lambda flag: flag_right(flag) in rights


async def copy(s: Session, cmd: c.Copy) -> Done:
    dest = await target_mailbox(s, cmd.mailbox)
    await require_selected(s, "r")
    uids = _uids(s, cmd)
    if not uids:
        return Done("No messages copied")
    keep_flag = await settable(s, dest)
    async with for_command(s, cmd.tag).keepalive():  # RFC 9585: one long transaction
        result = await s.store.copy(s.mailbox.mailbox_id, uids, dest.id, s.store_user(),
                                    keep_flag=keep_flag)
    return Done("Completed", copyuid(result))


async def move(s: Session, cmd: c.Move) -> Done:
    """RFC 6851 §3.3: COPYUID comes in an untagged OK before the EXPUNGEs."""
    view = s.mailbox
    if view.readonly:
        raise No("READ-ONLY", "Mailbox is read-only")
    dest = await target_mailbox(s, cmd.mailbox)
    await require_selected(s, "e")
    uids = _uids(s, cmd)
    if not uids:
        return Done("No messages moved")
    keep_flag = await settable(s, dest)
    async with for_command(s, cmd.tag).keepalive():
        result = await s.store.move(view.mailbox_id, uids, dest.id, s.store_user(),
                                    keep_flag=keep_flag)
    s.untagged(b"OK [" + copyuid(result).encode() + b"] Moved")
    return await announced(s, bool(result.source_uids))
