"""What a session asked NOTIFY for (RFC 5465 §6), compiled for matching.

Matching one feed event against a session is O(the client's filters), never
O(mailboxes): PERSONAL and INBOXES compare the event's owner, SUBSCRIBED
looks the name up in the session's subscription set (kept current from
the feed's own subscribe events, §6.4), SUBTREE and MAILBOXES compare the
few names the client gave. Names here are internal (`user.bob.Lists`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roost.imap import commands as c

if TYPE_CHECKING:
    from roost.imap.notify_own import OwnChange

SUPPORTED_EVENTS = {
    "MESSAGENEW": "MessageNew", "MESSAGEEXPUNGE": "MessageExpunge",
    "FLAGCHANGE": "FlagChange", "MAILBOXNAME": "MailboxName",
    "SUBSCRIPTIONCHANGE": "SubscriptionChange",
    "MAILBOXMETADATACHANGE": "MailboxMetadataChange",
    "SERVERMETADATACHANGE": "ServerMetadataChange",
}
"""Upper case -> the spelling BADEVENT lists (RFC 5465 §3.1). No
AnnotationChange: that is of per-message annotations (RFC 5257), which
Roost does not keep."""

MESSAGE_EVENTS = frozenset({"MESSAGENEW", "MESSAGEEXPUNGE", "FLAGCHANGE"})


@dataclass(frozen=True, slots=True)
class Watch:
    """One event-group on mailboxes other than the selected one."""

    filter: str
    names: frozenset[str]
    events: frozenset[str]

    def matches(self, name: str, owner: str | None, user: str, subscribed: set[str]) -> bool:
        if self.filter in ("PERSONAL", "INBOXES"):
            # RFC 5465 §6.3: INBOXES may be PERSONAL where the set is not known
            # (Roost delivers to any folder through +detail and Sieve).
            return owner == user
        if self.filter == "SUBSCRIBED":
            return name in subscribed
        if self.filter == "MAILBOXES":
            return name in self.names
        return any(name == top or name.startswith(top + ".") for top in self.names)


@dataclass
class NotifyState:
    """A session's NOTIFY SET: the selected-mailbox events, the watches, and
    where in the store's feed it has read to."""

    user: str
    selected_events: frozenset[str]
    delayed: bool
    fetch: tuple[c.FetchItem, ...]
    watches: tuple[Watch, ...]
    subscribed: set[str]
    position: int
    last_status: dict[int, bytes] = field(default_factory=dict)
    own: list[OwnChange] = field(default_factory=list)  # RFC 5465 §5: see notify_own

    def events_for(self, name: str, owner: str | None) -> frozenset[str]:
        """The events asked for on a mailbox that is not the selected one."""
        found: set[str] = set()
        for watch in self.watches:
            if watch.matches(name, owner, self.user, self.subscribed):
                found |= watch.events
        return frozenset(found)

    def wants(self, event: str) -> bool:
        """Whether any group asks for `event` (ServerMetadataChange names no mailbox)."""
        return any(event in watch.events for watch in self.watches)
