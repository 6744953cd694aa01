"""Untagged updates of the selected mailbox: after every command, and in IDLE.

The one place a session reads the store's change feed and reacts to it.
Message changes become EXISTS / EXPUNGE / FETCH lines
(`SelectedMailbox.apply`). Mailbox-level changes are typed values
(`MailboxRenamed`, `MailboxDeleted`, `MailboxAclChanged`) and move the
session itself; nothing here waits for a `MailboxNotFound` from a re-read.

- Renamed: the session follows the new name. The id, UIDVALIDITY and UIDs
  are kept, so nothing the client holds became wrong (RFC 9051 §6.3.6
  keeps UIDVALIDITY across RENAME); there is nothing to announce.
- Deleted by another session: `* BYE`, the tagged reply of the command in
  progress, and the connection closes. RFC 9051 has no way to close a
  selected mailbox under a client: the CLOSED code (§7.1) marks only the
  boundary of a SELECT/EXAMINE, and a client left in AUTHENTICATED state
  unawares would get BAD for its next FETCH. Dovecot disconnects for the
  same reason ("we can't do forced CLOSE, so have to disconnect",
  dovecot/core src/imap/imap-commands-util.c; cmd-delete.c sends
  "* BYE Selected mailbox was deleted, have to disconnect."), as does
  Cyrus with `disconnect_on_vanished_mailbox` (cyrus-imapd imap/index.c
  `index_check`: "Mailbox has been (re)moved"), WildDuck and pymap. A
  client reconnects and sees the mailbox list as it now is.
  A command that needs the selected mailbox (FETCH, STORE, CLOSE...) asks
  first (`still_selected`) and is answered `NO [NONEXISTENT]` after the
  BYE instead of running against a mailbox that is gone.
- ACL changed: the session re-reads the mailbox (its `info`, which holds
  the ACL), so every later command is decided on the rights as they now
  are; nothing is announced (RFC 4314 has no untagged reply for it). A
  session that lost `r` keeps the mailbox selected, as on Cyrus.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from roost.imap import contexts
from roost.imap.condstore import highestmodseq_line
from roost.imap.selected import SelectedMailbox, poll
from roost.imap.session import Session, State
from roost.store.api import (
    Changes,
    MailboxAclChanged,
    MailboxChange,
    MailboxDeleted,
    MailboxNotFound,
    MailboxRenamed,
)

BYE_DELETED = b"BYE Selected mailbox was deleted, have to disconnect"


def _end(s: Session) -> None:
    """The selected mailbox is gone: say BYE; the server closes after this command."""
    s.unselect()
    s.untagged(BYE_DELETED)
    s.state = State.LOGOUT


def follow(s: Session, changes: Sequence[MailboxChange]) -> bool:
    """React to mailbox-level changes; False once the selected mailbox is gone."""
    view = s.selected
    if view is None:
        return False
    for change in changes:
        if isinstance(change, MailboxDeleted):
            _end(s)
            return False
        if isinstance(change, MailboxRenamed):
            external = s.ns.to_external(change.name)
            if external is None:  # moved out of everything this user can name
                _end(s)
                return False
            view.info = replace(view.info, name=change.name, owner=change.owner)
            view.name, view.external = change.name, external
    return True


async def reread_acl(s: Session, changes: Sequence[MailboxChange]) -> None:
    """After a `MailboxAclChanged`: take the mailbox's ACL as it now is."""
    view = s.selected
    if view is None or not any(isinstance(c, MailboxAclChanged) for c in changes):
        return
    try:
        now = await s.store.mailbox_by_id(view.mailbox_id)
    except MailboxNotFound:
        return  # deleted since: its MailboxDeleted is in the feed, and ends the session
    view.info = replace(view.info, acl=now.acl)


async def still_selected(s: Session) -> bool:
    """Before a command that needs the selected mailbox: is it still there?"""
    view = s.selected
    if view is None:
        return False
    changes = await s.store.mailbox_changes_since(view.mailbox_id, view.modseq)
    await reread_acl(s, changes)
    return follow(s, changes)


async def announce_before(s: Session, cmd: object) -> bool:
    """Before a UID command: announce the messages that arrived since the last look.

    RFC 9051 §7.5.1 / RFC 3501 §7.4.1: a FETCH must not name a message the
    client was not told exists, so a `UID FETCH` (or UID STORE, UID SEARCH)
    of a UID delivered since would otherwise answer nothing. A UID command
    does not rely on message numbers, and EXISTS may be sent at any time,
    so the new messages are announced first and everything else after the
    command as before. Cyrus does the same (`* 3 EXISTS`, `* 3 RECENT`,
    then `* 3 FETCH`); Dovecot answers nothing and announces afterwards.
    False when the look found the mailbox gone (BYE is said).
    """
    view = s.selected
    if view is None or not getattr(cmd, "uid", False):
        return view is not None
    changes = await poll(s.store, view, s.store_user())
    if not follow(s, changes.mailbox):
        return False
    for line in view.take_new(changes, s.rev2, await claim_arrivals(s, view, changes)):
        s.untagged(line)
    return True


async def claim_arrivals(s: Session, view: SelectedMailbox, changes: Changes) -> int:
    """RFC 3501 §2.3.2: a new message is \\Recent to the first session told of
    it; a read-write session claims what it sees, a read-only one only looks.
    The mark above which this session's arrivals are \\Recent."""
    arrived = view.arrivals(changes)
    if not arrived:
        return 0
    return await s.store.claim_recent(
        view.mailbox_id, 0 if view.readonly else max(r.uid for r in arrived))


async def announce(s: Session, *, allow_expunge: bool, with_uid: bool) -> list[int]:
    """Tell the client what changed in its selected mailbox since it last looked;
    the UIDs of the messages it learnt of.

    Under NOTIFY (RFC 5465 §5.1) a flag change is announced only when the
    client asked for FlagChange on the selected mailbox, and with its UID.
    """
    view = s.selected
    if view is None:
        return []
    changes = await poll(s.store, view, s.store_user())
    await reread_acl(s, changes.mailbox)
    if not follow(s, changes.mailbox):
        return []
    recent_mark = await claim_arrivals(s, view, changes)
    uidnext = view.uidnext
    notify = s.notify
    flags = notify is None or "FLAGCHANGE" in notify.selected_events
    before = list(view.uids) if s.contexts else []
    lines = view.apply(changes, allow_expunge=allow_expunge, rev2=s.rev2,
                       with_uid=with_uid or notify is not None, condstore=s.condstore,
                       qresync=s.qresync, recent_mark=recent_mark, flags=flags)
    if s.contexts:  # RFC 5267 §4.3.3-4: REMOVEFROM before EXPUNGE, ADDTO after EXISTS
        first, after = await contexts.refresh(s.contexts, view, before,
                                              {r.uid for r in changes.changed})
        lines = first + lines + after
    for line in lines:
        s.untagged(line)
    if view.pending_expunge and s.condstore:
        # RFC 7162 §3.2, §6: MODSEQs sent while an expunge waits must not
        # let the client believe it is synchronised past that expunge.
        s.untagged(highestmodseq_line(view))
    return view.uids[bisect.bisect_left(view.uids, uidnext):]
