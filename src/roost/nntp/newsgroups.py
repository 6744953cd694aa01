"""Newsgroups are shared mailboxes: names both ways, which are served, and
which a client may see.

As Cyrus's nntpd: group `comp.lang` is mailbox `<newsprefix>.comp.lang`
(just `comp.lang` with no newsprefix); only shared mailboxes under the
prefix whose group names match the `newsgroups` wildmat are served, never
a user's, nor one kept under `deletedprefix` by delayed delete. Rights come from `ctx.access`: `l` and `r` to read a group (no
existence oracle: a group the client may not read is "no such group"),
`p` to post to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.auth.identity import Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.nntp.wildmat import Wildmat, parse_wildmat
from roost.store.api import MailboxInfo, MailboxNotFound
from roost.store.names import in_deleted_hierarchy, owner_of

#: RFC 3977 §4.1: characters a group name cannot hold (they are wildmat syntax).
_NOT_IN_NAMES = frozenset("*?,![\\]")


@dataclass(frozen=True, slots=True)
class Listed:
    """A served group the client may look up, and its rights there."""

    name: str
    info: MailboxInfo
    rights: str


class Newsgroups:
    """The mapping for one configuration."""

    def __init__(self, conf: Config) -> None:
        self.prefix = conf.newsprefix + "." if conf.newsprefix else ""
        self.deleted = conf.deletedprefix
        self.served: Wildmat = parse_wildmat(conf.newsgroups or "*")

    def mailbox(self, group: str) -> str | None:
        """The mailbox name of group `group`, or None when it cannot be a served group."""
        if (not group or any(ch in _NOT_IN_NAMES or ord(ch) <= 0x20 for ch in group)
                or not self.served.matches(group)):
            return None
        name = self.prefix + group
        # Users' folders and deleted ones (delayed delete) are never groups.
        if owner_of(name) is not None or in_deleted_hierarchy(name, self.deleted):
            return None
        return name

    def group(self, mailbox: str) -> str | None:
        """The group name of mailbox `mailbox`, or None when it is not served."""
        if not mailbox.startswith(self.prefix):
            return None
        group = mailbox[len(self.prefix):]
        return group if self.mailbox(group) == mailbox else None

    async def open(self, access: Access, who: Identity, group: str,
                   needed: str = "lr") -> MailboxInfo:
        """The served group's mailbox if `who` holds `needed` there, else
        MailboxNotFound (missing, not served, or not readable alike)."""
        name = self.mailbox(group)
        if name is None:
            raise MailboxNotFound()
        return await access.lookup(who, name, needed)

    async def visible(self, access: Access, who: Identity, needed: str) -> list[Listed]:
        """Served groups on which `who` holds `needed`, by group name."""
        found = []
        for info in await access.candidates(who):
            group = self.group(info.name)
            if group is None:
                continue
            rights = await access.rights(who, info)
            if all(right in rights for right in needed):
                found.append(Listed(group, info, rights))
        return sorted(found, key=lambda listed: listed.name)
