"""STORE (RFC 9051 §6.4.6): change flags, reply FETCH unless .SILENT;
UNCHANGEDSINCE and MODIFIED (RFC 7162 §3.1.3)."""

from __future__ import annotations

from roost.auth.acl import flag_right
from roost.imap import commands as c
from roost.imap import condstore
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.names import selected_rights
from roost.imap.responses import Done
from roost.imap.sequence import SequenceSet
from roost.imap.session import Session
from roost.store.api import FlagOp, PermissionDenied

_OPS: dict[str, FlagOp] = {"+": "add", "-": "remove", "": "replace"}


def flags_allowed(rights: str, flags: tuple[str, ...]) -> bool:
    """RFC 4314 §4: \\Seen needs `s`, \\Deleted needs `t`, the rest `w`.
    As Cyrus, a STORE touching a flag it may not set fails whole."""
    return all(flag_right(flag) in rights for flag in flags)


def expected(mode: c.StoreMode, known: frozenset[str], flags: tuple[str, ...]) -> set[str]:
    """The flags (lower-cased: they match so) a client expects after its
    STORE, from those it knew."""
    asked = {f.lower() for f in flags}
    had = {f.lower() for f in known}
    return had | asked if mode == "+" else had - asked if mode == "-" else asked


def _known_flags(s: Session, cmd: c.Store, uids: list[int]) -> dict[int, frozenset[str]]:
    """RFC 7162 §3.1.12: +FLAGS/-FLAGS fail only where a flag they touch
    changed behind the client's back, not for any change of the message.
    The view holds what the client was told; it speaks for the message
    only where the client knew it as of UNCHANGEDSINCE or before (so a
    change the client saw after that still fails, and 0 always does)."""
    records = s.mailbox.records
    limit = cmd.unchangedsince or 0
    return {u: records[u].flags for u in uids if records[u].modseq <= limit}


async def store(s: Session, cmd: c.Store) -> Done:
    """RFC 9051 §6.4.6 and RFC 7162 §3.1.3 (UNCHANGEDSINCE, MODIFIED)."""
    view = s.mailbox
    if view.readonly:
        raise No("READ-ONLY", "Mailbox is read-only")
    if not cmd.uid and not view.seq_range_valid(cmd.sequence):
        raise BadCommand(None, "Message number out of range")
    if any(f.lower() == "\\recent" for f in cmd.flags):
        raise BadCommand(None, "\\Recent cannot be stored")
    if not flags_allowed(await selected_rights(s), cmd.flags):
        raise PermissionDenied()
    conditional = cmd.unchangedsince is not None
    if conditional:
        condstore.enable(s)  # RFC 7162 §3.1: a CONDSTORE enabling command
    uids = view.select_uids(cmd.sequence, cmd.uid, s.saved_search)
    live = [u for u in uids if u not in view.pending_expunge]
    if not live:
        return Done("Completed")
    flags = view.spell(cmd.flags)
    known = _known_flags(s, cmd, live) if conditional and cmd.mode else None
    changed, refused = await s.store.store_flags(
        view.mailbox_id, live, _OPS[cmd.mode], flags, user=s.store_user(),
        unchanged_since=cmd.unchangedsince, known_flags=known)
    for line in view.learn_keywords(changed):
        s.untagged(line)
    surprised = set()  # the client cannot tell these messages' flags from its STORE
    for record in changed:
        if cmd.silent and s.condstore and {f.lower() for f in record.flags} != expected(
                cmd.mode, view.records[record.uid].flags, flags):
            surprised.add(record.uid)
        view.records[record.uid] = record
    view.note_own(changed=changed)
    _reply(s, cmd, [u for u in live if u not in set(refused)], surprised)
    if refused:
        numbers = refused if cmd.uid else [view.seq_of(u) for u in refused]
        return Done("Conditional STORE failed", f"MODIFIED {SequenceSet.from_ids(numbers)}")
    return Done("Completed")


def _reply(s: Session, cmd: c.Store, done: list[int], surprised: set[int]) -> None:
    """The untagged FETCH of each message the STORE did (RFC 9051 §6.4.6).

    After a CONDSTORE enabling command they carry UID and MODSEQ (RFC 7162
    §3.2.4), and even .SILENT sends `UID n MODSEQ (m)` so the client's
    MODSEQs stay right (§3.1.3 requires it with UNCHANGEDSINCE); FLAGS
    still come where they changed beyond what the client asked.
    """
    view = s.mailbox
    if not s.condstore:
        if not cmd.silent:
            for uid in done:
                s.untagged(view.fetch_flags_line(uid, cmd.uid))
        return
    for uid in done:
        if cmd.silent and uid not in surprised:
            s.untagged(b"%d FETCH (UID %d MODSEQ (%d))"
                       % (view.seq_of(uid), uid, view.records[uid].modseq))
        else:
            s.untagged(view.fetch_flags_line(uid, True, True))
