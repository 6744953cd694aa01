"""STORE (RFC 9051 §6.4.6): change flags, reply FETCH unless .SILENT."""

from __future__ import annotations

from roost.auth.acl import flag_right
from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.names import selected_rights
from roost.imap.responses import Done
from roost.imap.session import Session
from roost.store.api import FlagOp, PermissionDenied

_OPS: dict[str, FlagOp] = {"+": "add", "-": "remove", "": "replace"}


def flags_allowed(rights: str, flags: tuple[str, ...]) -> bool:
    """RFC 4314 §4: \\Seen needs `s`, \\Deleted needs `t`, the rest `w`.
    As Cyrus, a STORE touching a flag it may not set fails whole."""
    return all(flag_right(flag) in rights for flag in flags)


async def store(s: Session, cmd: c.Store) -> Done:
    view = s.mailbox
    if view.readonly:
        raise No("READ-ONLY", "Mailbox is read-only")
    if not cmd.uid and not view.seq_range_valid(cmd.sequence):
        raise BadCommand(None, "Message number out of range")
    if any(f.lower() == "\\recent" for f in cmd.flags):
        raise BadCommand(None, "\\Recent cannot be stored")
    if not flags_allowed(await selected_rights(s), cmd.flags):
        raise PermissionDenied()
    uids = view.select_uids(cmd.sequence, cmd.uid, s.saved_search)
    live = [u for u in uids if u not in view.pending_expunge]
    if not live:
        return Done("Completed")
    changed, refused = await s.store.store_flags(
        view.mailbox_id, live, _OPS[cmd.mode], view.spell(cmd.flags), user=s.store_user(),
        unchanged_since=cmd.unchangedsince)
    for line in view.learn_keywords(changed):
        s.untagged(line)
    for record in changed:
        view.records[record.uid] = record
    if not cmd.silent:
        # RFC 9051 §6.4.6: the FETCH replies show the flags as they now are.
        for uid in live:
            if uid not in refused:
                s.untagged(view.fetch_flags_line(uid, cmd.uid))
    if refused:
        return Done("Conditional STORE failed", f"MODIFIED {','.join(map(str, refused))}")
    return Done("Completed")

