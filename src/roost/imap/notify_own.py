"""A NOTIFY session's own changes, left unannounced (RFC 5465 §5: "The
server SHOULD omit notifying the client if the event is caused by this
client", e.g. the MailboxName event of its own CREATE).

The change feed does not say who made a change (its rows are written by
triggers, for every writer alike), so the session says what it expects:
after a command of its own succeeds, `expect` notes the feed events that
command made (kind and name) with the feed's position as the command
ended, and `Wakeup` consumes the first event that fits each note instead
of announcing it. An event that fits is the same reply whoever caused it
(a name can be created, deleted or renamed by one command only), so
nothing another session did is lost; a note no event fitted up to its
position (a SUBSCRIBE of a name already subscribed writes nothing) is
dropped at the first event past it.

What stays announced, deliberately: message changes in other mailboxes
(the STATUS after an APPEND, COPY or MOVE of its own tells the client the
counts its command's reply did not, and two sessions' changes to one
mailbox cannot be told apart in the feed), and everything in the selected
mailbox, which is the base protocol's untagged replies, not NOTIFY's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from roost.imap import commands as c
from roost.imap.errors import ImapError
from roost.imap.handlers.names import external_name
from roost.imap.notify_state import NotifyState
from roost.imap.session import Session
from roost.store.api import InvalidMailboxName
from roost.store.feed import FeedEvent, FeedStore

SCOPES = {"/private": True, "/shared": False}


@dataclass(frozen=True, slots=True)
class OwnChange:
    """One feed event a command of this session made: `name` is the
    internal mailbox name ('' for a server annotation); for `rename` the
    name before; for `metadata` the owner and entry as the feed keeps them."""

    kind: str
    name: str
    owner: str | None = None
    entry: str | None = None
    upto: int = 0  # the feed's position when the command ended: its events are at or below

    def fits(self, event: FeedEvent) -> bool:
        if self.kind == "delete" and event.kind == "rename":
            return event.old_name == self.name  # a delayed DELETE renames into DELETED.*
        if self.kind != event.kind:
            return False
        if self.kind == "rename":
            return event.old_name == self.name
        if self.kind == "metadata":
            return (event.name, event.owner, (event.entry or "").lower()) == (
                self.name, self.owner, (self.entry or "").lower())
        return event.name == self.name


def _internal(s: Session, raw: str, creating: bool = False) -> str | None:
    try:
        return s.ns.to_internal(external_name(s, raw, creating).rstrip(s.ns.sep))
    except (InvalidMailboxName, ImapError):
        return None


def made_by(s: Session, cmd: object) -> list[OwnChange]:
    """The feed events `cmd`, which succeeded, made."""
    if isinstance(cmd, c.Create):
        name = _internal(s, cmd.mailbox, creating=True)
        return [] if name is None else [OwnChange("create", name)]
    if isinstance(cmd, (c.Delete, c.Subscribe, c.Unsubscribe)):
        kind = {c.Delete: "delete", c.Subscribe: "subscribe", c.Unsubscribe: "unsubscribe"}
        name = _internal(s, cmd.mailbox)
        return [] if name is None else [OwnChange(kind[type(cmd)], name)]
    if isinstance(cmd, c.Rename):
        old, new = _internal(s, cmd.old), _internal(s, cmd.new, creating=True)
        if old is None or new is None:
            return []
        # RFC 9051 §6.3.6: RENAME INBOX makes a new mailbox and leaves INBOX.
        return [OwnChange("create", new) if old == s.ns.inbox else OwnChange("rename", old)]
    if isinstance(cmd, c.SetMetadata):
        box = "" if cmd.mailbox == "" else _internal(s, cmd.mailbox)
        if box is None:
            return []
        changes = []
        for entry, _ in cmd.values:
            scope, _, rest = entry.partition("/")[2].partition("/")
            private = SCOPES.get("/" + scope.lower())
            if private is not None:
                changes.append(OwnChange("metadata", box, s.user if private else "", "/" + rest))
        return changes
    return []


async def expect(s: Session, cmd: object, state: NotifyState) -> None:
    """Note the events `cmd` (which succeeded) made, up to the feed's position now.

    A note whose events would all be at or below what the session has
    already read (`state.position`: a command that wrote nothing, such as
    SUBSCRIBE of a name already subscribed) can fit nothing and is not
    kept, so a client repeating such commands on a quiet server does not
    grow the list."""
    made = made_by(s, cmd)
    if made and isinstance(s.store, FeedStore):
        upto = await s.store.feed_position()
        if upto > state.position:
            state.own.extend(replace(change, upto=upto) for change in made)


def consume(expected: list[OwnChange], event: FeedEvent) -> bool:
    """Whether `event` is one the session expects of itself (and forget it);
    notes the feed has passed are dropped (events come in `seq` order)."""
    expected[:] = [change for change in expected if change.upto >= event.seq]
    for index, change in enumerate(expected):
        if change.fits(event):
            del expected[index]
            return True
    return False
