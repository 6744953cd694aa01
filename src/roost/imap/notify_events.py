"""One wake-up's feed events rendered for one NOTIFY session (RFC 5465 §5).

`Wakeup.take` sorts each event: the selected mailbox's message changes go
to `announce` (EXISTS, EXPUNGE, FETCH as for any command), other
mailboxes' to one STATUS each, annotations to one METADATA per mailbox,
names and subscriptions to LIST replies at once. Only an event that
matches the session's filters costs a store read (rights, STATUS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.auth.acl import identifiers_of
from roost.imap.handlers.listing import list_line
from roost.imap.handlers.mailbox import status_items
from roost.imap.notify_own import consume
from roost.imap.notify_state import NotifyState
from roost.imap.responses import mailbox_name
from roost.imap.session import Session
from roost.store.api import InvalidMailboxName, MailboxNotFound
from roost.store.feed import FeedEvent
from roost.store.names import owner_of


@dataclass
class Wakeup:
    """What one read of the feed holds for the session, gathered."""

    s: Session
    state: NotifyState
    selected_moved: bool = False
    touched: dict[int, FeedEvent] = field(default_factory=dict)
    metadata: dict[bytes, list[bytes]] = field(default_factory=dict)
    renamed: list[str] = field(default_factory=list)
    made_or_gone: set[int] = field(default_factory=set)
    said: int = 0

    @property
    def matched(self) -> int:
        """Replies made or due: what NOTIFICATIONOVERFLOW is counted on."""
        return self.said + len(self.touched) + sum(map(len, self.metadata.values()))

    def _say(self, line: bytes) -> None:
        self.said += 1
        self.s.untagged(line)

    async def take(self, event: FeedEvent) -> None:
        view = self.s.selected
        if event.kind != "messages" and consume(self.state.own, event):
            self._own(event)
        elif event.kind == "messages":
            if view is not None and event.mailbox_id == view.mailbox_id:
                self.selected_moved = True
            elif self.state.events_for(event.name, event.owner) & {"MESSAGENEW", "FLAGCHANGE"}:
                self.touched[event.mailbox_id] = event
        elif event.kind in ("subscribe", "unsubscribe"):
            self._subscription(event)
        elif event.kind == "metadata":
            await self._metadata(event)
        elif event.kind == "acl":
            await self._acl(event)
        else:
            await self._mailbox_name(event)

    def _own(self, event: FeedEvent) -> None:
        """The session's own change (RFC 5465 §5): unannounced, but what it
        changes about the session's filters is still taken in."""
        if event.kind in ("create", "delete", "rename"):
            self.made_or_gone.add(event.mailbox_id)  # its ACL rows are its own too
            if event.old_name is not None:
                self.renamed.append(event.old_name)  # and its children's renames
        elif event.kind == "subscribe":
            self.state.subscribed.add(event.name)
        elif event.kind == "unsubscribe":
            self.state.subscribed.discard(event.name)

    async def finish(self) -> None:
        """The STATUS and METADATA replies gathered (one per mailbox)."""
        for event in self.touched.values():
            await self._status(event)
        for name, entries in self.metadata.items():
            self._say(b"METADATA " + name + b" " + b" ".join(entries))

    def _asked(self, name: str, event: str) -> bool:
        return event in self.state.events_for(name, owner_of(name))

    async def _status(self, event: FeedEvent) -> None:
        """§5.1-5.3: STATUS of another mailbox, when what was asked for
        changed (a flag change without FlagChange says nothing new)."""
        events = self.state.events_for(event.name, event.owner) & {"MESSAGENEW", "FLAGCHANGE"}
        if not await readable(self.s, event.mailbox_id):
            return
        line = await status_line(self.s, event.mailbox_id, event.name, events)
        if line is not None and self.state.last_status.get(event.mailbox_id) != line:
            self.state.last_status[event.mailbox_id] = line
            self._say(line)

    def _subscription(self, event: FeedEvent) -> None:
        """§5.5, and §6.4: the SUBSCRIBED filter follows the list."""
        if event.owner != self.s.user:
            return
        was = self._asked(event.name, "SUBSCRIPTIONCHANGE")
        if event.kind == "subscribe":
            self.state.subscribed.add(event.name)
        else:
            self.state.subscribed.discard(event.name)
        external = self.s.ns.to_external(event.name)
        if (was or self._asked(event.name, "SUBSCRIPTIONCHANGE")) and external is not None:
            attrs = ["\\Subscribed"] if event.kind == "subscribe" else []
            self._say(list_line(self.s, b"LIST", attrs, external))

    async def _metadata(self, event: FeedEvent) -> None:
        """§5.6-5.7: `* METADATA "name" entry...`, the changed entries only."""
        if event.owner not in ("", self.s.user) or event.entry is None:
            return  # another user's /private entry
        entry = (b"/shared" if event.owner == "" else b"/private") + event.entry.encode()
        if event.mailbox_id == 0:
            if self.state.wants("SERVERMETADATACHANGE"):
                self.metadata.setdefault(b'""', []).append(entry)
            return
        external = self.s.ns.to_external(event.name)
        if external is not None and self._asked(event.name, "MAILBOXMETADATACHANGE") \
                and await readable(self.s, event.mailbox_id):
            self.metadata.setdefault(mailbox_name(external, self.s.utf8), []).append(entry)

    async def _acl(self, event: FeedEvent) -> None:
        """§5.4: `l` granted to this user is a creation, revoked a deletion
        (§5.9: and the mailbox's events follow the rights, see `readable`)."""
        identifier = (event.owner or "").removeprefix("-")
        if event.mailbox_id in self.made_or_gone \
                or identifier not in identifiers_of(self.s.identity) \
                or not self._asked(event.name, "MAILBOXNAME"):
            return
        external = self.s.ns.to_external(event.name)
        if external is None:
            return
        self.made_or_gone.add(event.mailbox_id)  # one LIST for the entries of one SETACL
        try:
            info = await self.s.store.mailbox_by_id(event.mailbox_id)
            visible = "l" in await self.s.access.rights(self.s.identity, info)
        except MailboxNotFound:
            visible = False
        self._say(list_line(self.s, b"LIST", [] if visible else ["\\NonExistent"],
                                  external))

    async def _mailbox_name(self, event: FeedEvent) -> None:
        """§5.4: LIST for a created, deleted or renamed mailbox; a rename's
        children (renamed with it) are not announced again."""
        self.made_or_gone.add(event.mailbox_id)
        old = event.old_name
        if old is not None and any(old.startswith(top + ".") for top in self.renamed):
            return
        if old is not None:
            self.renamed.append(old)
        names = [event.name] + ([old] if old is not None else [])
        if not any(self._asked(n, "MAILBOXNAME") for n in names):
            return
        s = self.s
        external = s.ns.to_external(event.name)
        before = s.ns.to_external(old) if old is not None else None
        if event.kind == "delete" or (event.kind == "rename" and external is None):
            # A delayed DELETE is a rename into DELETED.*, out of the user's view.
            gone = external if event.kind == "delete" else before
            if gone is not None:
                self._say(list_line(s, b"LIST", ["\\NonExistent"], gone))
                await self._parent(gone)
        elif external is not None and await readable(s, event.mailbox_id):
            if before is None:
                self._say(list_line(s, b"LIST", ["\\HasNoChildren"], external))
                await self._parent(external)
            else:
                self._say(list_line(s, b"LIST", [], external,
                                     b' ("OLDNAME" (' + mailbox_name(before, s.utf8) + b"))"))


    async def _parent(self, external: str) -> None:
        """§5.4: a created or deleted mailbox's direct parent is affected too,
        existing or not: its LIST with the children it has now."""
        s = self.s
        parent = external.rpartition(s.ns.sep)[0]
        if not parent:
            return
        try:
            internal = s.ns.to_internal(parent)
        except InvalidMailboxName:
            return
        try:
            info = await s.store.get_mailbox(internal)
            attrs = [] if "l" in await s.access.rights(s.identity, info) else ["\\NonExistent"]
        except MailboxNotFound:
            attrs = ["\\NonExistent"]  # RFC 5258 §3.4: a name with children, no mailbox
        below = await s.store.list_mailboxes(internal + ".")
        attrs.append("\\HasChildren" if below else "\\HasNoChildren")
        self._say(list_line(s, b"LIST", attrs, parent))


async def status_line(s: Session, mailbox_id: int, name: str,
                      events: frozenset[str] | set[str]) -> bytes | None:
    """`STATUS name (...)` with the items §3.1 and §5 ask for these events."""
    external = s.ns.to_external(name)
    if external is None:
        return None
    items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY"]
    if "FLAGCHANGE" in events and not s.condstore:
        items.append("UNSEEN")  # §5.1: without CONDSTORE, UNSEEN is the flag news
    if s.condstore:
        items.append("HIGHESTMODSEQ")
    try:
        values = await status_items(s, mailbox_id, tuple(items))
    except MailboxNotFound:
        return None
    return b"STATUS " + mailbox_name(external, s.utf8) + b" " + values


async def readable(s: Session, mailbox_id: int) -> bool:
    """RFC 5465 §5: every event needs `l` and `r` on the mailbox."""
    try:
        info = await s.store.mailbox_by_id(mailbox_id)
    except MailboxNotFound:
        return False
    rights = await s.access.rights(s.identity, info)
    return "l" in rights and "r" in rights
